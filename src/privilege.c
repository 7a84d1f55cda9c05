// SPDX-License-Identifier: GPL-2.0
/* Giving up root after setup, and trusting only root's files. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/capability.h>

#include "privilege.h"

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

/* capability(7) order; 38-40 arrived in 5.8 (PERFMON, BPF) and 5.9 (CHECKPOINT_RESTORE) */
static const char *const cap_names[] = {
	"CAP_CHOWN",	      "CAP_DAC_OVERRIDE",   "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID",	      "CAP_KILL",	    "CAP_SETGID",	   "CAP_SETUID",
	"CAP_SETPCAP",	      "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",      "CAP_NET_RAW",	    "CAP_IPC_LOCK",	   "CAP_IPC_OWNER",
	"CAP_SYS_MODULE",     "CAP_SYS_RAWIO",	    "CAP_SYS_CHROOT",	   "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT",      "CAP_SYS_ADMIN",	    "CAP_SYS_BOOT",	   "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",   "CAP_SYS_TIME",	    "CAP_SYS_TTY_CONFIG",  "CAP_MKNOD",
	"CAP_LEASE",	      "CAP_AUDIT_WRITE",    "CAP_AUDIT_CONTROL",   "CAP_SETFCAP",
	"CAP_MAC_OVERRIDE",   "CAP_MAC_ADMIN",	    "CAP_SYSLOG",	   "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",  "CAP_AUDIT_READ",	    "CAP_PERFMON",	   "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};
#define NR_CAP_NAMES (int)(sizeof(cap_names) / sizeof(cap_names[0]))

int priv__cap_from_name(const char *name)
{
	for (int i = 0; i < NR_CAP_NAMES; i++)
		if (!strcasecmp(cap_names[i], name))
			return i;
	return -1;
}

void priv__cap_names(unsigned long long mask, char *buf, size_t len)
{

	unsigned long long known = (1ULL << NR_CAP_NAMES) - 1;
	size_t off = 0;

	snprintf(buf, len, "none");
	/* root's set reads better by what it lacks */
	if (__builtin_popcountll(mask & known) > NR_CAP_NAMES / 2) {
		off = snprintf(buf, len, "all");
		if ((mask & known) == known || off >= len)
			return;
		off += snprintf(buf + off, len - off, " but ");
		priv__cap_names(~mask & known, buf + off, len - off);
		return;
	}
	for (int i = 0; i < 64 && off < len; i++) {
		if (!(mask & (1ULL << i)))
			continue;
		if (i < NR_CAP_NAMES)
			off += snprintf(buf + off, len - off, "%s%s", off ? "," : "", cap_names[i]);
		else
			off += snprintf(buf + off, len - off, "%scap_%d", off ? "," : "", i);
	}
}

static int caps_get(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };

	return syscall(SYS_capget, &h, d) ? -errno : 0;
}

unsigned long long priv__effective(void)
{
	struct __user_cap_data_struct d[2] = {};

	if (caps_get(d))
		return 0;
	return d[0].effective | (unsigned long long)d[1].effective << 32;
}

static bool have_cap(int cap)
{
	return priv__effective() & (1ULL << cap);
}

/* "name:x:uid:gid:..." lines; name may be a number, looked up as a uid. */
static int passwd_lookup(const char *passwd, const char *name, struct priv_target *t)
{
	char line[1024], *end;
	unsigned long want = strtoul(name, &end, 10);
	bool numeric = *name && !*end;
	FILE *fp = fopen(passwd, "re");
	int err = -ENOENT;

	if (!fp)
		return -errno;
	while (err && fgets(line, sizeof(line), fp)) {
		char *user = strtok(line, ":"), *uid, *gid;

		if (!user || !strtok(NULL, ":") || !(uid = strtok(NULL, ":")) ||
		    !(gid = strtok(NULL, ":")))
			continue;
		if (numeric ? strtoul(uid, NULL, 10) != want : strcmp(user, name))
			continue;
		t->uid = strtoul(uid, NULL, 10);
		t->gid = strtoul(gid, NULL, 10);
		snprintf(t->name, sizeof(t->name), "%s", user);
		err = 0;
	}
	fclose(fp);
	return err;
}

int priv__resolve(const char *name, const char *passwd, struct priv_target *t, char *err,
		  size_t len)
{
	int ret;

	memset(t, 0, sizeof(*t));
	if (!passwd)
		passwd = "/etc/passwd";
	ret = passwd_lookup(passwd, name ?: PRIV_DEFAULT_USER, t);
	if (ret && !name) {
		/* no nobody entry: its well-known ids still name no one's files */
		t->uid = t->gid = PRIV_NOBODY_ID;
		snprintf(t->name, sizeof(t->name), "%d", PRIV_NOBODY_ID);
		ret = 0;
	}
	if (ret) {
		snprintf(err, len, "--user: no user '%s' in %s", name, passwd);
		return -ENOENT;
	}
	t->keep = t->uid == 0;
	/* not root: we cannot change user, only give up what capabilities we have */
	t->switch_user = geteuid() == 0 && !t->keep;
	return 0;
}

/* Needs CAP_SETPCAP; without it the bounding set stays, NO_NEW_PRIVS covers it. */
static void drop_bounding(void)
{
	if (!have_cap(CAP_SETPCAP))
		return;
	for (int cap = 0; cap < 64; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno == EINVAL)
			break;
}

static int switch_user(const struct priv_target *t, char *err, size_t len)
{
	if (setgroups(0, NULL) || setresgid(t->gid, t->gid, t->gid) ||
	    setresuid(t->uid, t->uid, t->uid)) {
		snprintf(err, len, "--user %s: cannot become uid %u gid %u: %s", t->name,
			 (unsigned)t->uid, (unsigned)t->gid, strerror(errno));
		return -errno;
	}
	return 0;
}

int priv__drop(const struct priv_target *t, char *err, size_t len)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = {};
	int ret;

	if (t->keep)
		return 0;
	drop_bounding();
	if (t->switch_user) {
		ret = switch_user(t, err, len);
		if (ret)
			return ret;
	}
	/* setresuid() away from 0 clears the sets already; a non-root run with file caps does not */
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (syscall(SYS_capset, &h, d) || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		ret = -errno;
		snprintf(err, len, "cannot drop capabilities: %s", strerror(errno));
		return ret;
	}
	ret = caps_get(d);
	if (ret || d[0].permitted || d[1].permitted || (t->switch_user && !getuid())) {
		snprintf(err, len, "capabilities still held after dropping them");
		return -EPERM;
	}
	return 0;
}

/* One component: root's and not group/other-writable, or sticky over a root-owned child. */
static int check_component(const char *path, bool child_is_roots, char *why, size_t len)
{
	struct stat st;

	if (stat(path, &st)) {
		snprintf(why, len, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (st.st_uid != 0) {
		snprintf(why, len, "%s is owned by uid %u, not root", path, (unsigned)st.st_uid);
		return -EPERM;
	}
	if (!(st.st_mode & (S_IWGRP | S_IWOTH)))
		return 0;
	if (S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX) && child_is_roots)
		return 0;
	snprintf(why, len, "%s is writable by %s", path,
		 st.st_mode & S_IWOTH ? "others" : "its group");
	return -EPERM;
}

int priv__trusted_path(const char *path, char *why, size_t len)
{
	char real[PATH_MAX], *slash;
	int err;

	if (!realpath(path, real)) {
		snprintf(why, len, "%s: %s", path, strerror(errno));
		return -errno;
	}
	/* the leaf first: a sticky parent is fine only above something root owns */
	err = check_component(real, false, why, len);
	while (!err && (slash = strrchr(real, '/'))) {
		slash[slash == real] = '\0';
		err = check_component(real, true, why, len);
		if (slash == real)
			break;
	}
	return err;
}

int priv__open_output(const char *path, int extra_flags)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | extra_flags, 0644);

	return fd < 0 ? -errno : fd;
}
