// SPDX-License-Identifier: GPL-2.0
/*
 * Fixture kernel profiles: describe a kernel we cannot boot here, so the
 * decision logic can be tested against it.
 *
 * Format (tests/unit/profiles/NAME.profile), one "key = value" per line;
 * blank lines and lines starting with '#' are ignored:
 *
 *   release = 6.1.0-27-amd64           required; the kernel version is parsed from it
 *   version = #1 SMP Debian 6.1.115-1   optional, uname -v
 *   version_signature = ...             optional, Ubuntu's /proc/version_signature
 *   config_source = /boot/config-...    optional, where the config came from
 *   kernel_btf = /path/to/vmlinux.btf   optional, as if given --kernel-btf
 *   lockdown = none | integrity | confidentiality | unknown
 *   <feature key> = yes | no | unknown [ERRNO]
 *   <feature key>.detail = free text    optional, replaces the derived detail
 *
 * Feature keys are those of feat_info[] (decide.c): config.KPROBES,
 * btf.vmlinux, priv.root, kprobe.pmu, map.ringbuf, helper.get_func_ip,
 * probe.fentry, probe.kprobe_multi, probe.kprobe, probe.raw_tp, ...
 * ERRNO is a name (EPERM, EOPNOTSUPP, ENOTSUPP) or a positive number, and
 * stands for the errno the probe failed with: "probe.fentry = no EPERM".
 * A feature that is not mentioned stays unknown, as on a kernel where it
 * could not be learned. Details and remedies of probe entries are derived
 * from their errno by the same code that explains real probes.
 *
 * Errors: -ENOENT (or another errno) if the file cannot be read, -EINVAL
 * for a malformed line, an unknown key or value, a duplicate key, or a
 * missing release; f->error then says which line and why.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "features_impl.h"

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int fail(struct features *f, int line, const char *fmt, ...)
{
	size_t off;
	va_list ap;

	off = snprintf(f->error, sizeof(f->error), "line %d: ", line);
	va_start(ap, fmt);
	if (off < sizeof(f->error))
		vsnprintf(f->error + off, sizeof(f->error) - off, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int parse_lockdown(const char *v)
{
	int m;

	for (m = LOCKDOWN_UNKNOWN; m <= LOCKDOWN_CONFIDENTIALITY; m++)
		if (!strcmp(v, feat__lockdown_name(m)))
			return m;
	return LOCKDOWN_UNKNOWN - 1;
}

/* "yes", "no EPERM", "unknown" */
static int parse_feature(struct features *f, int line, enum feat_id id, char *v)
{
	struct feat *ft = &f->f[id];
	char *word2 = v + strcspn(v, " \t");
	int err = 0;

	if (*word2) {
		*word2++ = '\0';
		word2 = trim(word2);
		err = feat__errno_parse(word2);
		if (err < 0)
			return fail(f, line, "%s: bad errno '%s'", feat_info[id].key, word2);
	}
	if (!strcmp(v, "yes"))
		ft->val = 1;
	else if (!strcmp(v, "no"))
		ft->val = 0;
	else if (!strcmp(v, "unknown"))
		ft->val = -1;
	else
		return fail(f, line, "%s: value must be yes, no or unknown, not '%s'",
			    feat_info[id].key, v);
	if (err && ft->val == 1)
		return fail(f, line, "%s: an errno with 'yes' makes no sense", feat_info[id].key);
	ft->err = err;
	ft->how = FEAT_HOW_PROFILE;
	snprintf(ft->detail, sizeof(ft->detail), "%s (profile)", v);
	return 0;
}

static int parse_header(struct features *f, int line, const char *k, const char *v)
{
	static const struct {
		const char *key;
		size_t off, len;
	} hdr[] = {
#define H(k, field) { k, offsetof(struct features, field), sizeof(((struct features *)0)->field) }
		H("release", release),
		H("version", version),
		H("version_signature", version_signature),
		H("config_source", config_source),
		H("kernel_btf", kernel_btf),
#undef H
	};
	size_t i;

	for (i = 0; i < sizeof(hdr) / sizeof(hdr[0]); i++) {
		if (strcmp(k, hdr[i].key))
			continue;
		if (strlen(v) >= hdr[i].len)
			return fail(f, line, "%s: value too long", k);
		strcpy((char *)f + hdr[i].off, v);
		return 0;
	}
	return 1; /* not a header key */
}

static int parse_line(struct features *f, int line, char *s, unsigned char *seen)
{
	char *eq = strchr(s, '='), *k, *v, *dot;
	int id, err, m;

	if (!eq)
		return fail(f, line, "expected 'key = value'");
	*eq = '\0';
	k = trim(s);
	v = trim(eq + 1);
	if (!*k || !*v)
		return fail(f, line, "empty key or value");
	err = parse_header(f, line, k, v);
	if (err <= 0)
		return err;
	if (!strcmp(k, "lockdown")) {
		m = parse_lockdown(v);
		if (m < LOCKDOWN_UNKNOWN)
			return fail(f, line, "lockdown: unknown mode '%s'", v);
		f->f[FEAT_LOCKDOWN].val = m;
		f->f[FEAT_LOCKDOWN].how = FEAT_HOW_PROFILE;
		snprintf(f->f[FEAT_LOCKDOWN].detail, sizeof(f->f[0].detail), "%s (profile)", v);
		return 0;
	}
	dot = strrchr(k, '.');
	if (dot && !strcmp(dot, ".detail")) {
		*dot = '\0';
		id = feat__find(k);
		if (id < 0)
			return fail(f, line, "unknown key '%s'", k);
		snprintf(f->f[id].detail, sizeof(f->f[id].detail), "%s", v);
		seen[id] |= 2;
		return 0;
	}
	id = feat__find(k);
	if (id < 0)
		return fail(f, line, "unknown key '%s'", k);
	if (seen[id] & 1)
		return fail(f, line, "duplicate key '%s'", k);
	seen[id] |= 1;
	return parse_feature(f, line, id, v);
}

static const enum feat_id derived[] = { FEAT_PROBE_FENTRY, FEAT_PROBE_KPROBE_MULTI,
					FEAT_PROBE_KPROBE, FEAT_PROBE_RAW_TP };

int features__load_profile(struct features *f, const char *path)
{
	unsigned char seen[FEAT__COUNT] = {};
	char buf[512], *s, keep[sizeof(f->f[0].detail)];
	int line = 0, err = 0;
	size_t i;
	FILE *fp;

	if (!f || !path)
		return -EINVAL;
	f->error[0] = '\0';
	fp = fopen(path, "re");
	if (!fp) {
		err = -errno;
		snprintf(f->error, sizeof(f->error), "%s: %s", path, strerror(-err));
		return err;
	}
	snprintf(f->source, sizeof(f->source), "profile %s", path);
	while (!err && fgets(buf, sizeof(buf), fp)) {
		line++;
		if (!strchr(buf, '\n') && !feof(fp)) {
			err = fail(f, line, "line too long");
			break;
		}
		s = trim(buf);
		if (*s && *s != '#')
			err = parse_line(f, line, s, seen);
	}
	fclose(fp);
	if (err)
		return err;
	if (!f->release[0])
		return fail(f, line, "no 'release' in the profile");
	f->kver = feat__kver_parse(f->release);
	if (!f->kver)
		return fail(f, line, "cannot parse release '%s'", f->release);
	/* probe entries: explain them as real probes would be explained */
	for (i = 0; i < sizeof(derived) / sizeof(derived[0]); i++) {
		struct feat *ft = &f->f[derived[i]];

		if (!(seen[derived[i]] & 2)) {
			feat__explain(f, derived[i], NULL, 0, ft->detail, sizeof(ft->detail),
				      &ft->remedy);
			continue;
		}
		snprintf(keep, sizeof(keep), "%s", ft->detail);
		feat__explain(f, derived[i], NULL, 0, ft->detail, sizeof(ft->detail), &ft->remedy);
		snprintf(ft->detail, sizeof(ft->detail), "%s", keep);
	}
	return 0;
}
