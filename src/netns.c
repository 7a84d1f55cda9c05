// SPDX-License-Identifier: GPL-2.0
/* /run/netns names for --output-netns-names; --filter-ifname inside --filter-netns. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/stat.h>

#include "netns.h"

#define NETNS_RUN_DIR "/run/netns"

struct netns_name {
	__u32 inode;
	char *name;
};

struct netns_names {
	struct netns_name *v;
	size_t n;
};

static int push(struct netns_names *t, __u32 inode, const char *name)
{
	struct netns_name *v = realloc(t->v, (t->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	t->v = v;
	v[t->n].inode = inode;
	v[t->n].name = strdup(name);
	if (!v[t->n].name)
		return -ENOMEM;
	t->n++;
	return 0;
}

int netns_names__load(const char *dir, struct netns_names **out)
{
	struct netns_names *t = calloc(1, sizeof(*t));
	char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	int err = 0;
	DIR *d;

	if (!t)
		return -ENOMEM;
	dir = dir ?: NETNS_RUN_DIR;
	d = opendir(dir);
	/* no named netns yet: every netns prints as its inode */
	if (!d)
		goto done;
	while (!err && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		/* the bind mount's inode is the netns inode the BPF side reads */
		if (!stat(path, &st))
			err = push(t, st.st_ino, de->d_name);
	}
	closedir(d);
done:
	if (err) {
		netns_names__free(t);
		return err;
	}
	*out = t;
	return 0;
}

const char *netns_names__find(const struct netns_names *t, __u32 inode)
{
	for (size_t i = 0; t && i < t->n; i++)
		if (t->v[i].inode == inode)
			return t->v[i].name;
	return NULL;
}

void netns_names__free(struct netns_names *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].name);
	free(t->v);
	free(t);
}

int netns__ifindex(const char *path, const char *name)
{
	int self, target, ret;

	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return -errno;
	target = open(path, O_RDONLY | O_CLOEXEC);
	if (target < 0) {
		ret = -errno;
		goto out_self;
	}
	if (setns(target, CLONE_NEWNET)) {
		ret = -errno;
		goto out_target;
	}
	ret = if_nametoindex(name);
	if (!ret)
		ret = errno == ENODEV || errno == ENXIO ? -ENODEV : -errno;
	/* going back cannot fail for a netns we were in, but say so if it does */
	if (setns(self, CLONE_NEWNET)) {
		fprintf(stderr, "pwru: cannot return to the original netns: %s\n", strerror(errno));
		abort();
	}
out_target:
	close(target);
out_self:
	close(self);
	return ret;
}
