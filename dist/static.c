// SPDX-License-Identifier: GPL-2.0
/*
 * Linked into pwru-static only (mk/dist.mk). A static glibc cannot do name
 * service lookups or dlopen() on its own: it loads libnss_*.so and the
 * loader of the glibc it was built with from the machine it runs on, and
 * pwru-static must run where neither exists. So the few callers that the
 * libraries bring in get these instead, via -Wl,--wrap, and the build fails
 * if glibc's NSS or dlopen still ends up in the binary.
 */
#include <errno.h>
#include <netdb.h>
#include <stddef.h>

struct ether_addr;
struct pcap;
struct pcap_if_list;

/*
 * libpcap's pcap.o lists every capture source, D-Bus included; the D-Bus
 * one needs libdbus-1, which resolves users through NSS. pwru only compiles
 * filters: no D-Bus device exists, none is ours.
 */
struct pcap *dbus_create(const char *device, char *ebuf, int *is_ours)
{
	*is_ours = 0;
	return NULL;
}

int dbus_findalldevs(struct pcap_if_list *devlist, char *ebuf)
{
	return 0;
}

/*
 * libpcap's nametoaddr.c: host, network, protocol, port and Ethernet names
 * in a filter. pwru-static knows none; the filter compiler then reports the
 * name as unknown and the filter must use numbers.
 */
int __wrap_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
		       struct addrinfo **res)
{
	*res = NULL;
	return EAI_NONAME;
}

void __wrap_freeaddrinfo(struct addrinfo *ai)
{
}

struct hostent *__wrap_gethostbyname(const char *name)
{
	h_errno = HOST_NOT_FOUND;
	return NULL;
}

int __wrap_getnetbyname_r(const char *name, struct netent *ne, char *buf, size_t len,
			  struct netent **res, int *h_errnop)
{
	*res = NULL;
	*h_errnop = HOST_NOT_FOUND;
	return ENOENT;
}

int __wrap_getprotobyname_r(const char *name, struct protoent *pe, char *buf, size_t len,
			    struct protoent **res)
{
	*res = NULL;
	return ENOENT;
}

int __wrap_ether_hostton(const char *name, struct ether_addr *addr)
{
	return -1;
}

/*
 * libtraceevent's plugin loader (event-plugin.c) comes in with tep_free();
 * pwru never calls tep_load_plugins(), and pwru-static can load no plugins.
 */
void *__wrap_dlopen(const char *file, int mode)
{
	return NULL;
}

void *__wrap_dlsym(void *handle, const char *name)
{
	return NULL;
}

int __wrap_dlclose(void *handle)
{
	return 0;
}

char *__wrap_dlerror(void)
{
	return "pwru-static loads no shared objects";
}
