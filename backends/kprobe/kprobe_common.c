// SPDX-License-Identifier: GPL-2.0
/* Shared by the kprobe and kprobe.multi backends; see kprobe_common.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "funcs.h"
#include "kprobe_common.h"

static const char *const tracefs_dirs[] = {
	"/sys/kernel/tracing",
	"/sys/kernel/debug/tracing",
};

int kp_template_of(const struct skb_func *f)
{
	if (!strcmp(f->name, "kfree_skb_reason") && f->skb_pos == 1 && f->nr_args == 2)
		return KP_T_KFREE_SKB_REASON;
	if (!strcmp(f->name, "sk_skb_reason_drop") && f->skb_pos == 2 && f->nr_args == 3)
		return KP_T_SK_SKB_REASON_DROP;
	if (f->skb_pos >= 1 && f->skb_pos <= 5)
		return KP_T_POS1 + f->skb_pos - 1;
	return -1;
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

int kprobe_events__tracefs(char *dir, size_t len)
{
	char path[256];

	for (size_t i = 0; i < sizeof(tracefs_dirs) / sizeof(tracefs_dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/kprobe_events", tracefs_dirs[i]);
		if (!access(path, W_OK)) {
			snprintf(dir, len, "%s", tracefs_dirs[i]);
			return 0;
		}
	}
	return -ENOENT;
}

int kprobe_events__write(const char *tracefs, const char *cmd)
{
	char path[256];
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/kprobe_events", tracefs);
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, cmd, strlen(cmd)) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* The pid in "pwru_<pid>_<n>" or "pwru_probe_<pid>", else 0. */
static pid_t event_pid(const char *event)
{
	char *end;
	long pid;

	if (strncmp(event, "pwru_", 5))
		return 0;
	event += 5;
	if (!strncmp(event, "probe_", 6))
		event += 6;
	pid = strtol(event, &end, 10);
	if (end == event || (*end && *end != '_') || pid <= 0)
		return 0;
	return pid;
}

void kprobe_events__sweep(const char *tracefs)
{
	char path[256], *line = NULL, cmd[300];
	size_t cap = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/kprobe_events", tracefs);
	fp = fopen(path, "re");
	if (!fp)
		return;
	/* "p:kprobes/pwru_123_4 ip_rcv" */
	while (getline(&line, &cap, fp) > 0) {
		char *ev = strchr(line, ':'), *slash;
		pid_t pid;

		if (!ev)
			continue;
		ev[strcspn(ev, " \t\n")] = '\0';
		slash = strchr(ev, '/');
		pid = event_pid(slash ? slash + 1 : ev + 1);
		if (!pid || kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(cmd, sizeof(cmd), "-%s\n", ev);
		if (!kprobe_events__write(tracefs, cmd))
			fprintf(stderr, "pwru: removed stale kprobe event %s of dead pid %d\n",
				ev + 1, pid);
	}
	free(line);
	fclose(fp);
}
