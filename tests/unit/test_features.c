// SPDX-License-Identifier: GPL-2.0
/*
 * Decision logic against fixture kernel profiles (tests/unit/profiles/):
 * exact verdicts, the auto pick and the key phrases a person will read.
 * Fixture paths are relative to $PWRU_SRCDIR (default: the current
 * directory, i.e. run from the repository root).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "features_impl.h"
#include "verifier_log.h"
#include "unit_main.h"

static struct features *load(const char *name)
{
	const char *dir = getenv("PWRU_SRCDIR");
	struct features *f = features__new();
	char path[512];
	int err;

	ck_assert_ptr_nonnull(f);
	snprintf(path, sizeof(path), "%s/tests/unit/profiles/%s.profile", dir ? dir : ".", name);
	err = features__load_profile(f, path);
	ck_assert_msg(!err, "%s: %d (%s)", path, err, f->error);
	return f;
}

/* usable or not, and the why line contains phrase (if not NULL) */
static void expect(const struct features *f, enum pwru_backend be, bool usable,
		   const char *phrase)
{
	const char *rem = "unset";
	char why[256];
	bool got;

	got = features__usable(f, be, why, sizeof(why), &rem);
	ck_assert_msg(got == usable, "%s: usable=%d, want %d (%s)", pwru_backend_name(be), got,
		      usable, why);
	if (phrase)
		ck_assert_msg(strstr(why, phrase), "%s: why '%s' lacks '%s'", pwru_backend_name(be),
			      why, phrase);
	if (usable)
		ck_assert_ptr_null(rem);
}

static const char *remedy_of(const struct features *f, enum pwru_backend be)
{
	const char *rem = NULL;

	features__usable(f, be, NULL, 0, &rem);
	return rem;
}

static char *report(const struct features *f, bool json, int *rc);

static int pick(const struct features *f, char *explain, size_t len)
{
	return features__pick(f, explain, len);
}

START_TEST(test_host)
{
	struct features *f = load("host-6.18");
	char ex[512];
	int id;

	expect(f, PWRU_BE_FENTRY, false, "refused with EPERM although BTF is present");
	expect(f, PWRU_BE_KPROBE_MULTI, false, "no CONFIG_FPROBE");
	expect(f, PWRU_BE_KPROBE, false, "CONFIG_KPROBES not set");
	expect(f, PWRU_BE_TRACEPOINT, true, NULL);
	ck_assert_int_eq(pick(f, ex, sizeof(ex)), PWRU_BE_TRACEPOINT);
	ck_assert_str_eq(ex, "tracepoint (fentry: refused with EPERM although BTF is present; "
			     "kprobe-multi: no CONFIG_FPROBE; kprobe: CONFIG_KPROBES not set)");
	ck_assert_ptr_nonnull(strstr(f->f[FEAT_PROBE_FENTRY].detail, "security policy"));
	ck_assert_ptr_nonnull(strstr(remedy_of(f, PWRU_BE_KPROBE), "CONFIG_KPROBES=y"));
	ck_assert(features__has_ringbuf(f));
	ck_assert(features__has_vmlinux_btf(f));
	ck_assert(!features__has_kprobe_pmu(f));
	ck_assert_uint_eq(f->kver, PWRU_KVER(6, 18, 44));

	/* without a kernel config the verdicts stand, hedged where needed */
	for (id = FEAT_CFG_KPROBES; id <= FEAT_CFG_BPF_JIT; id++)
		f->f[id].val = -1;
	expect(f, PWRU_BE_KPROBE, false, "no kprobes (CONFIG_KPROBES not set?)");
	expect(f, PWRU_BE_KPROBE_MULTI, false, "no CONFIG_FPROBE");
	ck_assert_int_eq(pick(f, NULL, 0), PWRU_BE_TRACEPOINT);
	features__free(f);
}
END_TEST

START_TEST(test_debian_6_1)
{
	struct features *f = load("debian-6.1");
	char ex[512];

	expect(f, PWRU_BE_FENTRY, true, "probe succeeded");
	expect(f, PWRU_BE_KPROBE_MULTI, false, "no CONFIG_FPROBE");
	ck_assert_ptr_nonnull(strstr(remedy_of(f, PWRU_BE_KPROBE_MULTI), "CONFIG_FPROBE=y"));
	expect(f, PWRU_BE_KPROBE, true, NULL);
	expect(f, PWRU_BE_TRACEPOINT, true, NULL);
	/* a full set: fentry's removal costs 190 s on 6.1, kprobe's 34 s */
	ck_assert_int_eq(pick(f, ex, sizeof(ex)), PWRU_BE_KPROBE);
	ck_assert_msg(!strncmp(ex, "kprobe (kprobe-multi: no CONFIG_FPROBE); cheaper than fentry "
			      "for 1500 functions", 78), "%s", ex);
	ck_assert_msg(strstr(ex, "measured on Debian 12's 6.1"), "%s", ex);
	ck_assert(features__has_kprobe_pmu(f));
	ck_assert_uint_eq(f->kver, PWRU_KVER(6, 1, 0)); /* from the release alone */
	features__free(f);
}
END_TEST

START_TEST(test_6_12_fprobe)
{
	struct features *f = load("upstream-6.12-fprobe");
	int be;

	for (be = 0; be < PWRU_BE__COUNT; be++)
		expect(f, be, true, NULL);
	ck_assert_int_eq(pick(f, NULL, 0), PWRU_BE_KPROBE_MULTI);
	ck_assert(features__has_attach_cookie(f));
	ck_assert(features__has_get_func_ip(f));
	features__free(f);
}
END_TEST

START_TEST(test_no_btf)
{
	struct features *f = load("nobtf-5.15");
	char ex[512];

	expect(f, PWRU_BE_FENTRY, false, "no vmlinux BTF");
	expect(f, PWRU_BE_KPROBE_MULTI, false, "5.18");
	expect(f, PWRU_BE_KPROBE, false, "no BTF");
	expect(f, PWRU_BE_TRACEPOINT, false, "no BTF");
	ck_assert_ptr_nonnull(strstr(remedy_of(f, PWRU_BE_KPROBE), "--kernel-btf"));
	ck_assert_int_eq(pick(f, ex, sizeof(ex)), -ENOENT);
	ck_assert_msg(!strncmp(ex, "none (fentry: no vmlinux BTF;", 29), "%s", ex);

	/* the same kernel with --kernel-btf: kprobe, but never fentry */
	f->f[FEAT_BTF_EXTERNAL].val = 1;
	expect(f, PWRU_BE_FENTRY, false, "no vmlinux BTF");
	ck_assert_ptr_nonnull(strstr(remedy_of(f, PWRU_BE_FENTRY), "cannot stand in"));
	expect(f, PWRU_BE_KPROBE, true, "with --kernel-btf");
	expect(f, PWRU_BE_TRACEPOINT, true, NULL);
	ck_assert_int_eq(pick(f, ex, sizeof(ex)), PWRU_BE_KPROBE);
	ck_assert_msg(!strncmp(ex, "kprobe (fentry: no vmlinux BTF; kprobe-multi:", 45), "%s", ex);
	features__free(f);
}
END_TEST

START_TEST(test_rhel_8)
{
	struct features *f = load("rhel-8.8-4.18");
	char why[512];

	ck_assert_uint_eq(f->kver, PWRU_KVER(4, 18, 0));
	/* 4.18 by its version, yet the floor probe passed: a backport counts */
	ck_assert_msg(features__supported(f, why, sizeof(why)), "%s", why);
	ck_assert_ptr_nonnull(strstr(why, "passed the probe"));
	expect(f, PWRU_BE_FENTRY, true, NULL);
	expect(f, PWRU_BE_KPROBE_MULTI, false, "needs 5.18+");
	expect(f, PWRU_BE_KPROBE, true, NULL);
	/* a full set costs less with kprobes, even at the entry (no config says TASKS_RCU) */
	ck_assert(!features__kprobe_past_ftrace(f));
	ck_assert_int_eq(pick(f, NULL, 0), PWRU_BE_KPROBE);
	/* backported: the probe wins over the version number */
	ck_assert(features__has_ringbuf(f));
	ck_assert(!features__has_attach_cookie(f));

	/* without kprobes, the trampoline backport */
	f->f[FEAT_PROBE_KPROBE].val = 0;
	f->f[FEAT_PROBE_KPROBE].err = EINVAL;
	ck_assert_int_eq(pick(f, NULL, 0), PWRU_BE_FENTRY);
	/* an older RHEL 8 without either falls back to the tracepoints */
	f->f[FEAT_PROBE_FENTRY].val = 0;
	f->f[FEAT_PROBE_FENTRY].err = EINVAL;
	expect(f, PWRU_BE_FENTRY, false, "needs 5.5+");
	ck_assert_int_eq(pick(f, NULL, 0), PWRU_BE_TRACEPOINT);

	/* floor not probed (no privileges): 4.18 is below it by version */
	f->f[FEAT_BPF_FLOOR].val = -1;
	ck_assert(!features__supported(f, why, sizeof(why)));
	ck_assert_msg(strstr(why, "needs Linux 5.5 or later") && strstr(why, "(by version)"), "%s",
		      why);
	features__free(f);
}
END_TEST

/* Below the floor: one line says so, nothing is usable, check exits 1. */
START_TEST(test_ubuntu_18_04)
{
	struct features *f = load("ubuntu-18.04-4.15");
	char ex[512], why[512], *out;
	int be, rc;

	ck_assert_str_eq(f->version_signature, "Ubuntu 4.15.0-213.224-generic 4.15.18");
	ck_assert_uint_eq(f->kver, PWRU_KVER(4, 15, 0));
	ck_assert_str_eq(f->kernel_btf, "/var/lib/pwru/4.15.0-213-generic.btf");
	ck_assert(!features__supported(f, why, sizeof(why)));
	ck_assert_str_eq(why, "kernel 4.15.0-213-generic is older than pwru supports: it needs "
			      "Linux 5.5 or later, where its verifier reads .rodata as constants "
			      "(probe: map create (BPF_F_RDONLY_PROG, 5.2) EINVAL)");
	ck_assert_ptr_null(strchr(why, '\n'));
	/* --kernel-btf is given, yet no backend can load pwru's programs */
	for (be = 0; be < PWRU_BE__COUNT; be++) {
		expect(f, be, false, "kernel below pwru's floor (Linux 5.5");
		ck_assert_ptr_nonnull(strstr(remedy_of(f, be), "Linux 5.5 or later"));
	}
	ck_assert_int_eq(pick(f, ex, sizeof(ex)), -ENOENT);
	ck_assert_str_eq(ex, "none: kernel below pwru's floor (Linux 5.5, its verifier reads "
			     ".rodata as constants)");
	ck_assert(!features__has_ringbuf(f)); /* perf buffer */
	ck_assert(!features__has_vmlinux_btf(f));

	out = report(f, false, &rc);
	ck_assert_int_eq(rc, 1);
	ck_assert_ptr_nonnull(strstr(out, "\nfloor:   NOT SUPPORTED: kernel 4.15.0-213-generic is "
					  "older than pwru supports"));
	free(out);
	out = report(f, true, &rc);
	ck_assert_int_eq(rc, 1);
	ck_assert_ptr_nonnull(strstr(out, "\"floor\": {\n    \"version\": \"5.5\",\n    \"needs\": "
					  "\"its verifier reads .rodata as constants\",\n    "
					  "\"supported\": false,\n    \"reason\": \"kernel 4.15.0"));
	ck_assert_ptr_nonnull(strstr(out, "\"auto\": null"));
	free(out);

	/* the same kernel with the verifier backported would be judged by its probes */
	f->f[FEAT_BPF_FLOOR].val = 1;
	f->f[FEAT_BPF_FLOOR].err = 0;
	ck_assert(features__supported(f, NULL, 0));
	expect(f, PWRU_BE_KPROBE, false, "rejected (EINVAL)");
	features__free(f);
}
END_TEST

START_TEST(test_lockdown)
{
	const char *phrase = "lockdown=confidentiality blocks kprobes and bpf_probe_read_kernel";
	struct features *f = load("lockdown-confidentiality");
	char ex[512];
	int be;

	/* fentry and the raw tracepoint attach, yet nothing can read packets */
	for (be = 0; be < PWRU_BE__COUNT; be++) {
		expect(f, be, false, phrase);
		ck_assert_ptr_nonnull(strstr(remedy_of(f, be), "lockdown"));
	}
	ck_assert_int_eq(pick(f, ex, sizeof(ex)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(ex, phrase));
	ck_assert_ptr_nonnull(strstr(f->f[FEAT_PROBE_KPROBE].detail, "lockdown=confidentiality"));
	features__free(f);
}
END_TEST

START_TEST(test_unprivileged)
{
	struct features *f = load("unprivileged-6.8");
	int be;

	for (be = 0; be < PWRU_BE__COUNT; be++) {
		expect(f, be, false, "not enough privileges");
		ck_assert_ptr_nonnull(strstr(remedy_of(f, be), "CAP_BPF"));
	}
	ck_assert_int_eq(pick(f, NULL, 0), -ENOENT);
	features__free(f);
}
END_TEST

/* --skip-load-probes: the config vouches, or the backend is not usable */
START_TEST(test_not_probed)
{
	struct features *f = load("debian-6.1");
	int id;

	for (id = FEAT_PROBE_FENTRY; id <= FEAT_PROBE_RAW_TP; id++) {
		f->f[id].val = -1;
		f->f[id].err = 0;
	}
	expect(f, PWRU_BE_FENTRY, true, "assumed from the kernel config");
	expect(f, PWRU_BE_KPROBE_MULTI, false, "not probed");
	expect(f, PWRU_BE_KPROBE, true, "assumed");
	ck_assert_int_eq(pick(f, NULL, 0), PWRU_BE_KPROBE);

	/* a run stops probing at the first backend that passes; the run tries the rest */
	f->f[FEAT_PROBE_KPROBE_MULTI].how = FEAT_HOW_DEFERRED;
	snprintf(f->f[FEAT_PROBE_KPROBE_MULTI].detail, sizeof(f->f[0].detail),
		 "not probed: a preferred backend passed first");
	expect(f, PWRU_BE_KPROBE_MULTI, true, "tried at run time if needed");
	features__free(f);
}
END_TEST

/* rank f for n targets: order[0], and the explain line in ex */
static int rank(const struct features *f, size_t n, char *ex, size_t len)
{
	int order[PWRU_BE__COUNT], nr;

	nr = features__rank(f, n, order, ex, len);
	ck_assert_int_gt(nr, 0);
	return order[0];
}

/* Auto ranks by cost: the number of targets and the kernel's measured costs. */
START_TEST(test_rank_by_cost)
{
	struct features *f = load("debian-6.1");
	int order[PWRU_BE__COUNT];
	struct backend_cost c;
	char ex[1024];

	/* 6.1, the full set: kprobe; a handful: fentry, cheaper per call */
	ck_assert_int_eq(rank(f, 1408, ex, sizeof(ex)), PWRU_BE_KPROBE);
	ck_assert_msg(strstr(ex, "cheaper than fentry for 1408 functions") &&
			      strstr(ex, "about 190 s to remove") == NULL &&
			      strstr(ex, "fentry 21 s and 190 s"), "%s", ex);
	ck_assert_int_eq(rank(f, 10, ex, sizeof(ex)), PWRU_BE_FENTRY);
	ck_assert_msg(strstr(ex, "no dearer than kprobe for 10 functions") &&
			      strstr(ex, "cheaper per call"), "%s", ex);
	/* every usable one is ranked, tracepoint last: the fallback order */
	ck_assert_int_eq(features__rank(f, 1408, order, NULL, 0), 3);
	ck_assert_int_eq(order[1], PWRU_BE_FENTRY);
	ck_assert_int_eq(order[2], PWRU_BE_TRACEPOINT);
	features__cost(f, PWRU_BE_FENTRY, 1408, &c);
	ck_assert_msg(c.detach_secs > 189 && c.detach_secs < 191, "%f", c.detach_secs);
	features__free(f);

	/*
	 * 5.10, no CONFIG_TASKS_RCU: kprobes past ftrace's call site attach the
	 * full set in seconds: kprobe; a handful: fentry, cheaper per call
	 */
	f = load("debian-11-5.10");
	ck_assert(features__kprobe_past_ftrace(f));
	ck_assert_int_eq(rank(f, 1288, ex, sizeof(ex)), PWRU_BE_KPROBE);
	ck_assert_msg(strstr(ex, "measured on Debian 11's 5.10") &&
			      strstr(ex, "kprobes past ftrace's call site, as CONFIG_TASKS_RCU is not set"),
		      "%s", ex);
	ck_assert_int_eq(rank(f, 10, ex, sizeof(ex)), PWRU_BE_FENTRY);
	/* module types from headers (make modbtf) name rules on kprobe only: kprobe first */
	f->f[FEAT_BTF_MODTYPES].val = 1;
	snprintf(f->f[FEAT_BTF_MODTYPES].detail, sizeof(f->f[0].detail), "/x/5.10.0-46-amd64");
	ck_assert_int_eq(rank(f, 10, ex, sizeof(ex)), PWRU_BE_KPROBE);
	ck_assert_msg(strstr(ex, "before fentry, which cannot name netfilter rules with the module "
				 "types from headers (/x/5.10.0-46-amd64)"),
		      "%s", ex);
	ck_assert_int_eq(rank(f, 1288, ex, sizeof(ex)), PWRU_BE_KPROBE);
	f->f[FEAT_BTF_MODTYPES].val = 0;
	/* the same kernel with Tasks RCU: kprobes at the entry, costed as measured there */
	f->f[FEAT_CFG_TASKS_RCU].val = 1;
	ck_assert(!features__kprobe_past_ftrace(f));
	features__cost(f, PWRU_BE_KPROBE, 1342, &c);
	ck_assert_msg(c.attach_secs > 22 && c.attach_secs < 23, "%f", c.attach_secs);
	features__free(f);
	/* no kernel config: at the entry, as before */
	f = load("debian-11-5.10");
	f->f[FEAT_CFG_TASKS_RCU].val = -1;
	ck_assert(!features__kprobe_past_ftrace(f));
	features__free(f);

	/* 6.12 with FPROBE: kprobe-multi, whatever the count; without it, kprobe */
	f = load("upstream-6.12-fprobe");
	ck_assert_int_eq(rank(f, 1623, ex, sizeof(ex)), PWRU_BE_KPROBE_MULTI);
	ck_assert_msg(strstr(ex, "one link per template"), "%s", ex);
	ck_assert_int_eq(rank(f, 3, ex, sizeof(ex)), PWRU_BE_KPROBE_MULTI);
	f->f[FEAT_PROBE_KPROBE_MULTI].val = 0;
	f->f[FEAT_PROBE_KPROBE_MULTI].err = EOPNOTSUPP;
	ck_assert_int_eq(rank(f, 1623, ex, sizeof(ex)), PWRU_BE_KPROBE);
	ck_assert_msg(strstr(ex, "measured on Debian 13's 6.12"), "%s", ex);
	features__cost(f, PWRU_BE_FENTRY, 1623, &c);
	ck_assert_msg(c.detach_secs > 332 && c.detach_secs < 334, "%f", c.detach_secs);
	ck_assert_int_eq(rank(f, 20, ex, sizeof(ex)), PWRU_BE_FENTRY);
	features__free(f);

	/* only one of the two usable: no cost line to give */
	f = load("host-6.18");
	ck_assert_int_eq(rank(f, 1500, ex, sizeof(ex)), PWRU_BE_TRACEPOINT);
	ck_assert_ptr_null(strstr(ex, "cheaper"));
	features__free(f);
}
END_TEST

static char *report(const struct features *f, bool json, int *rc)
{
	size_t len = 0;
	char *buf = NULL;
	FILE *out = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(out);
	*rc = check__report(f, out, json);
	fclose(out);
	return buf;
}

START_TEST(test_report_text)
{
	struct features *f = load("host-6.18");
	char *out;
	int rc;

	out = report(f, false, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(out, "REQUIREMENT"));
	ck_assert_ptr_nonnull(strstr(out, "fentry        not usable: refused with EPERM"));
	ck_assert_ptr_nonnull(strstr(out, "tracepoint    usable"));
	ck_assert_ptr_nonnull(strstr(out, "\nfloor:   supported: Linux 5.5 or later"));
	ck_assert_ptr_nonnull(strstr(out, "\nauto would use: tracepoint (fentry:"));
	free(out);
	features__free(f);

	f = load("lockdown-confidentiality");
	out = report(f, false, &rc);
	ck_assert_int_eq(rc, 1);
	ck_assert_ptr_nonnull(strstr(out, "auto would use: none: kernel lockdown"));
	free(out);
	features__free(f);

	/* why the winner won, in text and JSON */
	f = load("debian-6.1");
	out = report(f, false, &rc);
	ck_assert_msg(strstr(out, "\nauto would use: kprobe (kprobe-multi: no CONFIG_FPROBE); "
				  "cheaper than fentry for 1500 functions"), "%s", out);
	ck_assert_ptr_nonnull(strstr(out, "(ranked for a full function set"));
	free(out);
	out = report(f, true, &rc);
	ck_assert_ptr_nonnull(strstr(out, "\"auto\": \"kprobe\""));
	ck_assert_msg(strstr(out, "\"auto_explain\": \"kprobe (kprobe-multi: no CONFIG_FPROBE); "
				  "cheaper than fentry"), "%s", out);
	free(out);
	features__free(f);
}
END_TEST

START_TEST(test_report_json)
{
	struct features *f = load("host-6.18");
	char *out;
	int rc;

	out = report(f, true, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(out, "\"auto\": \"tracepoint\""));
	ck_assert_ptr_nonnull(strstr(out, "\"fentry\": {\"usable\": false, \"reason\": \"refused "
					  "with EPERM although BTF is present\""));
	ck_assert_ptr_nonnull(
		strstr(out, "\"tracepoint\": {\"usable\": true, \"reason\": \"load+attach probe "
			    "succeeded\", \"remedy\": null, \"caps_needed\": [\"CAP_PERFMON\", "
			    "\"CAP_BPF\"], \"caps_missing\": []}"));
	ck_assert_ptr_nonnull(strstr(out, "\"ringbuf\": true"));
	ck_assert_ptr_nonnull(strstr(out, "\"supported\": true,\n    \"reason\": \"Linux 5.5 or later, "
					  "where its verifier reads .rodata as constants: this kernel "
					  "passed the probe\""));
	free(out);

	/* strings are escaped */
	snprintf(f->version, sizeof(f->version), "a\"b\\c\nd\x01");
	out = report(f, true, &rc);
	ck_assert_ptr_nonnull(strstr(out, "\"version\": \"a\\\"b\\\\c\\nd\\u0001\""));
	free(out);
	features__free(f);

	f = load("nobtf-5.15");
	out = report(f, true, &rc);
	ck_assert_int_eq(rc, 1);
	ck_assert_ptr_nonnull(strstr(out, "\"auto\": null"));
	free(out);
	features__free(f);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(pwru_backend_name(PWRU_BE_KPROBE_MULTI), "kprobe-multi");
	ck_assert_int_eq(pwru_backend_parse("kprobe-multi"), PWRU_BE_KPROBE_MULTI);
	ck_assert_int_eq(pwru_backend_parse("kprobe_multi"), PWRU_BE_KPROBE_MULTI);
	ck_assert_int_eq(pwru_backend_parse("tracepoint"), PWRU_BE_TRACEPOINT);
	ck_assert_int_eq(pwru_backend_parse("fexit"), -EINVAL);
	ck_assert_int_eq(pwru_backend_parse(NULL), -EINVAL);
	ck_assert_int_eq(feat__errno_parse("EOPNOTSUPP"), EOPNOTSUPP);
	ck_assert_int_eq(feat__errno_parse("524"), 524);
	ck_assert_int_eq(feat__errno_parse("EFOO"), -EINVAL);
	ck_assert_int_eq(feat__errno_parse("-1"), -EINVAL);
	ck_assert_uint_eq(feat__kver_parse("4.15.0-213-generic"), PWRU_KVER(4, 15, 0));
	ck_assert_uint_eq(feat__kver_parse("4.9.337"), PWRU_KVER(4, 9, 255));
	ck_assert_uint_eq(feat__kver_parse("garbage"), 0);
}
END_TEST

/* Write text to a temporary profile and load it; returns the error. */
static int load_text(const char *text, char *err, size_t err_len)
{
	char path[] = "/tmp/pwru-profile-XXXXXX";
	struct features *f = features__new();
	int fd, rc;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	rc = features__load_profile(f, path);
	snprintf(err, err_len, "%s", f->error);
	unlink(path);
	features__free(f);
	return rc;
}

static const struct {
	const char *text;
	const char *error;
} bad_profiles[] = {
	{ "release = 6.1.0\nprobe.fentry yes\n", "line 2: expected 'key = value'" },
	{ "release = 6.1.0\nprobe.fentree = yes\n", "line 2: unknown key 'probe.fentree'" },
	{ "release = 6.1.0\nprobe.fentry = maybe\n", "value must be yes, no or unknown" },
	{ "release = 6.1.0\nprobe.fentry = no EFOO\n", "bad errno 'EFOO'" },
	{ "release = 6.1.0\nprobe.fentry = yes EPERM\n", "makes no sense" },
	{ "release = 6.1.0\nprobe.kprobe = yes\nprobe.kprobe = no\n", "line 3: duplicate key" },
	{ "release = 6.1.0\nlockdown = paranoid\n", "unknown mode 'paranoid'" },
	{ "release = 6.1.0\nbtf.vmlinux =\n", "empty key or value" },
	{ "# no release\nprobe.fentry = yes\n", "no 'release'" },
	{ "release = linux\n", "cannot parse release" },
	{ "release = 6.1.0\nnope.detail = x\n", "unknown key 'nope'" },
};

START_TEST(test_malformed)
{
	char err[256];
	int rc;

	rc = load_text(bad_profiles[_i].text, err, sizeof(err));
	ck_assert_int_eq(rc, -EINVAL);
	ck_assert_msg(strstr(err, bad_profiles[_i].error), "got '%s', want '%s'", err,
		      bad_profiles[_i].error);
}
END_TEST

START_TEST(test_profile_errors)
{
	struct features *f = features__new();
	char err[256];

	ck_assert_int_eq(features__load_profile(f, "/nonexistent/x.profile"), -ENOENT);
	ck_assert_ptr_nonnull(strstr(f->error, "/nonexistent/x.profile"));
	ck_assert_int_eq(features__load_profile(f, NULL), -EINVAL);
	features__free(f);

	/* comments, blank lines, spacing and a detail override are fine */
	ck_assert_int_eq(load_text("# c\n\n  release=6.1.0  \nprobe.raw_tp = no ENOENT\n"
				   "probe.raw_tp.detail = custom words\n",
				   err, sizeof(err)),
			 0);
}
END_TEST

/* A probe's verifier line is the reason, not the statistics that close every log. */
START_TEST(test_verifier_reason)
{
	char log[] = "0: (b7) r0 = 0\n5: (85) call unknown#174\ninvalid func unknown#174\n"
		     "processed 6 insns (limit 1000000) max_states_per_insn 0 total_states 0\n\n";
	char only[] = "processed 1 insns\n", out[128];

	verifier_log__reason(log, out, sizeof(out));
	ck_assert_str_eq(out, "invalid func unknown#174");
	verifier_log__reason(only, out, sizeof(out));
	ck_assert_str_eq(out, "");
}
END_TEST

static Suite *features_suite(void)
{
	Suite *s = suite_create("features");
	TCase *tc = tcase_create("profiles");

	tcase_add_test(tc, test_host);
	tcase_add_test(tc, test_debian_6_1);
	tcase_add_test(tc, test_6_12_fprobe);
	tcase_add_test(tc, test_no_btf);
	tcase_add_test(tc, test_rhel_8);
	tcase_add_test(tc, test_ubuntu_18_04);
	tcase_add_test(tc, test_lockdown);
	tcase_add_test(tc, test_unprivileged);
	tcase_add_test(tc, test_not_probed);
	tcase_add_test(tc, test_rank_by_cost);
	tcase_add_test(tc, test_report_text);
	tcase_add_test(tc, test_report_json);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_verifier_reason);
	tcase_add_loop_test(tc, test_malformed, 0, sizeof(bad_profiles) / sizeof(bad_profiles[0]));
	tcase_add_test(tc, test_profile_errors);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(features_suite)
