// SPDX-License-Identifier: GPL-2.0
/* Shared by the kprobe-based backends and probe-detect; see kprobe_common.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "funcs.h"
#include "kprobe_common.h"

int kp_template_of(const struct skb_func *f)
{
	if (!strcmp(f->name, "kfree_skb_reason") && f->skb_pos == 1 && f->nr_args == 2)
		return KP_T_KFREE_SKB_REASON;
	if (!strcmp(f->name, "sk_skb_reason_drop") && f->skb_pos == 2 && f->nr_args == 3)
		return KP_T_SK_SKB_REASON_DROP;
	if (!strcmp(f->name, "kfree_skb") && f->skb_pos == 1 && f->nr_args == 1)
		return KP_T_KFREE_SKB;
	if (f->skb_pos >= 1 && f->skb_pos <= 5)
		return KP_T_POS1 + f->skb_pos - 1;
	return -1;
}

struct bpf_program *kp_template_prog(struct bpf_object *obj, const char *prefix, int t)
{
	static const char *const suffix[KP_T__COUNT] = {
		"skb1", "skb2", "skb3", "skb4", "skb5", "kfree_skb_reason", "sk_skb_reason_drop",
		"kfree_skb",
	};
	char name[64];

	if (t < 0 || t >= KP_T__COUNT)
		return NULL;
	snprintf(name, sizeof(name), "%s_%s", prefix, suffix[t]);
	return bpf_object__find_program_by_name(obj, name);
}

int kp_perf_attach(int pfd, int prog, bool cookie, __u64 id, int *link_fd)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo, .perf_event.bpf_cookie = id);
	int fd;

	*link_fd = -1;
	if (cookie) {
		fd = bpf_link_create(prog, pfd, BPF_PERF_EVENT, &lo);
		if (fd < 0)
			return -errno;
		*link_fd = fd;
	} else if (ioctl(pfd, PERF_EVENT_IOC_SET_BPF, prog)) {
		return -errno;
	}
	return ioctl(pfd, PERF_EVENT_IOC_ENABLE, 0) ? -errno : 0;
}

static int read_int(const char *path, int *v)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC), n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EINVAL;
	*v = atoi(buf);
	return 0;
}

static int perf_open(struct perf_event_attr *attr)
{
	int fd = syscall(__NR_perf_event_open, attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int kp_pmu_type(void)
{
	int type = 0, err = read_int(KPROBE_PMU_TYPE, &type);

	return err ?: type;
}

/*
 * By name, registering a kprobe costs linear walks of kallsyms: one in
 * register_kprobe()'s kallsyms_lookup_name() (a linear walk of every symbol
 * until 6.2's sorted-name index) and one more in trace_kprobe's notrace
 * check; from 6.7 (and the stable kernels it went back to) a count of the
 * symbols of that name adds a walk of the modules' symbols. By address the
 * kernel only bisects kallsyms' addresses. The name stays as a fallback for
 * a kernel that refuses the address.
 */
int kp_pmu_open(int pmu_type, const char *sym, __u64 addr, __u32 off)
{
	struct perf_event_attr attr = { .size = sizeof(attr), .type = pmu_type };
	int fd;

	if (addr) {
		attr.kprobe_addr = addr + off; /* config2; kprobe_func (config1) stays 0 */
		fd = perf_open(&attr);
		if (fd >= 0 || fd == -EMFILE || fd == -ENFILE || fd == -EILSEQ || !sym)
			return fd;
	}
	attr.kprobe_func = (__u64)(unsigned long)sym; /* the kernel resolves module symbols too */
	attr.probe_offset = off; /* config2 again */
	return perf_open(&attr);
}
