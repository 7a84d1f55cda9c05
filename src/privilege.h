/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Least privilege: give up root and every capability once the probes are
 * attached (the event loop parses bytes strangers send), and trust only
 * files that root alone can change.
 */
#ifndef PWRU_PRIVILEGE_H
#define PWRU_PRIVILEGE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define PRIV_DEFAULT_USER "nobody"
/* the kernel's overflow uid/gid: what nobody is everywhere we know of */
#define PRIV_NOBODY_ID 65534

struct priv_target {
	bool keep; /* --user root: no change at all */
	bool switch_user; /* we are root: become uid/gid */
	uid_t uid;
	gid_t gid;
	char name[64];
};

/*
 * Resolve --user NAME (NULL: the default) against PASSWD (NULL:
 * /etc/passwd), parsed here rather than by getpwnam() so that a static
 * build does not need glibc's NSS. NAME may be numeric. 0, or -ENOENT with
 * one line in err.
 */
int priv__resolve(const char *name, const char *passwd, struct priv_target *t, char *err,
		  size_t len);

/*
 * Become t's user (when root), drop every capability from the effective,
 * permitted, inheritable, ambient and (when allowed) bounding sets, and set
 * PR_SET_NO_NEW_PRIVS. 0, or a negative errno with one line in err.
 */
int priv__drop(const struct priv_target *t, char *err, size_t len);

/* Capability names of a 64-bit mask, comma-separated ("none" for 0, "all" or "all but CAP_X" when most are set). */
void priv__cap_names(unsigned long long mask, char *buf, size_t len);
/* The effective set of this process, or 0 when capget fails. */
unsigned long long priv__effective(void);
/* CAP_FOO's number, or -1 */
int priv__cap_from_name(const char *name);

/*
 * Whether root alone can change path: it and every directory above it
 * (symlinks resolved) are owned by root and not writable by group or
 * others; a sticky world-writable directory (/tmp) is accepted when what
 * it holds is root's, as no one else can rename it there. 0, or -EPERM
 * (-errno when a component cannot be examined) with one line naming the
 * path and the problem in why.
 */
int priv__trusted_path(const char *path, char *why, size_t len);

/*
 * Open path for writing without following a symlink in its last component
 * (O_NOFOLLOW: a link planted in a shared directory cannot redirect us).
 * An fd, or -errno; -ELOOP for a symlink.
 */
int priv__open_output(const char *path, int extra_flags);

#endif /* PWRU_PRIVILEGE_H */
