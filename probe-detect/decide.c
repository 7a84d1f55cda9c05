// SPDX-License-Identifier: GPL-2.0
/*
 * Pure decisions on a filled struct features: what each probe outcome means
 * on this kernel, which backends are usable, and which one auto mode takes.
 * No I/O here, so the fixture profiles in tests/unit/profiles/ cover it all.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "features_impl.h"

#ifndef ENOTSUPP
#define ENOTSUPP 524 /* kernel-internal, but bpf() leaks it to user space */
#endif

const struct feat_info feat_info[FEAT__COUNT] = {
	[FEAT_CFG_KPROBES] = { "config.KPROBES", "CONFIG_KPROBES" },
	[FEAT_CFG_KPROBE_EVENTS] = { "config.KPROBE_EVENTS", "CONFIG_KPROBE_EVENTS" },
	[FEAT_CFG_FPROBE] = { "config.FPROBE", "CONFIG_FPROBE" },
	[FEAT_CFG_FUNCTION_TRACER] = { "config.FUNCTION_TRACER", "CONFIG_FUNCTION_TRACER" },
	[FEAT_CFG_DIRECT_CALLS] = { "config.DYNAMIC_FTRACE_WITH_DIRECT_CALLS",
				    "CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS" },
	[FEAT_CFG_DEBUG_INFO_BTF] = { "config.DEBUG_INFO_BTF", "CONFIG_DEBUG_INFO_BTF" },
	[FEAT_CFG_BPF_EVENTS] = { "config.BPF_EVENTS", "CONFIG_BPF_EVENTS" },
	[FEAT_CFG_BPF_JIT] = { "config.BPF_JIT", "CONFIG_BPF_JIT" },
	[FEAT_BTF_VMLINUX] = { "btf.vmlinux", "vmlinux BTF" },
	[FEAT_BTF_MODULES] = { "btf.modules", "module BTF" },
	[FEAT_BTF_EXTERNAL] = { "btf.external", "external BTF (--kernel-btf)" },
	[FEAT_BTF_PINNED] = { "btf.pinned", "pinned build for this release" },
	[FEAT_LOCKDOWN] = { "lockdown", "lockdown" },
	[FEAT_ROOT] = { "priv.root", "running as root" },
	[FEAT_CAP_BPF] = { "priv.CAP_BPF", "CAP_BPF" },
	[FEAT_CAP_PERFMON] = { "priv.CAP_PERFMON", "CAP_PERFMON" },
	[FEAT_CAP_SYS_ADMIN] = { "priv.CAP_SYS_ADMIN", "CAP_SYS_ADMIN" },
	[FEAT_TRACEFS] = { "fs.tracefs", "tracefs" },
	[FEAT_DEBUGFS] = { "fs.debugfs", "debugfs" },
	[FEAT_FILTER_FUNCS] = { "fs.available_filter_functions", "available_filter_functions" },
	[FEAT_KPROBE_PMU] = { "kprobe.pmu", "kprobe PMU" },
	[FEAT_KPROBE_EVENTS] = { "kprobe.legacy_events", "legacy kprobe_events" },
	[FEAT_RINGBUF] = { "map.ringbuf", "BPF ring buffer" },
	[FEAT_PROBE_READ_KERNEL] = { "helper.probe_read_kernel", "bpf_probe_read_kernel" },
	[FEAT_GET_FUNC_IP] = { "helper.get_func_ip", "bpf_get_func_ip" },
	[FEAT_ATTACH_COOKIE] = { "helper.attach_cookie", "bpf_get_attach_cookie" },
	[FEAT_SNPRINTF_BTF] = { "helper.snprintf_btf", "bpf_snprintf_btf" },
	[FEAT_PROBE_FENTRY] = { "probe.fentry", "fentry load+attach" },
	[FEAT_PROBE_KPROBE_MULTI] = { "probe.kprobe_multi", "kprobe.multi load+attach" },
	[FEAT_PROBE_KPROBE] = { "probe.kprobe", "kprobe load+attach" },
	[FEAT_PROBE_RAW_TP] = { "probe.raw_tp", "raw tracepoint load+attach" },
};

static const char *const backend_names[PWRU_BE__COUNT] = {
	[PWRU_BE_FENTRY] = "fentry",
	[PWRU_BE_KPROBE_MULTI] = "kprobe-multi",
	[PWRU_BE_KPROBE] = "kprobe",
	[PWRU_BE_TRACEPOINT] = "tracepoint",
};

const char *pwru_backend_name(enum pwru_backend be)
{
	if ((unsigned int)be >= PWRU_BE__COUNT)
		return "unknown";
	return backend_names[be];
}

int pwru_backend_parse(const char *s)
{
	int i;

	if (!s)
		return -EINVAL;
	if (!strcmp(s, "kprobe_multi"))
		return PWRU_BE_KPROBE_MULTI;
	for (i = 0; i < PWRU_BE__COUNT; i++)
		if (!strcmp(s, backend_names[i]))
			return i;
	return -EINVAL;
}

int feat__find(const char *key)
{
	int i;

	for (i = 0; i < FEAT__COUNT; i++)
		if (!strcmp(key, feat_info[i].key))
			return i;
	return -ENOENT;
}

static const struct {
	int err;
	const char *name;
} errnames[] = {
#define E(x) { x, #x }
	E(EPERM),  E(ENOENT), E(ESRCH),  E(EINTR),	E(EIO),	    E(ENXIO),	   E(E2BIG),
	E(EBADF),  E(EAGAIN), E(ENOMEM), E(EACCES),	E(EFAULT),  E(EBUSY),	   E(EEXIST),
	E(ENODEV), E(EINVAL), E(ENOSPC), E(EROFS),	E(ENOSYS),  E(EOPNOTSUPP), E(ENOTSUPP),
	E(EPROTO), E(ENOTDIR), E(ENOEXEC), E(ERANGE), E(EMFILE), E(ENOTTY),
#undef E
};

const char *feat__errno_name(int err)
{
	size_t i;

	for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].err == err)
			return errnames[i].name;
	return NULL;
}

int feat__errno_parse(const char *s)
{
	char *end;
	size_t i;
	long v;

	for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (!strcmp(s, errnames[i].name))
			return errnames[i].err;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || v > 4095)
		return -EINVAL;
	return (int)v;
}

unsigned int feat__kver_parse(const char *release)
{
	unsigned int a = 0, b = 0, c = 0;

	if (sscanf(release, "%u.%u.%u", &a, &b, &c) < 2)
		return 0;
	return PWRU_KVER(a, b, c);
}

/*
 * LINUX_VERSION_CODE as the kernel has it, which is what kprobe programs
 * must pass as kern_version before 5.0: Ubuntu keeps the upstream sublevel
 * in /proc/version_signature ("Ubuntu 4.15.0-213.224-generic 4.15.18") and
 * Debian in uname -v ("... Debian 4.19.249-2 ..."); uname -r says x.y.0.
 */
unsigned int feat__kver_code(const struct features *f)
{
	const char *p;
	unsigned int v;

	p = strrchr(f->version_signature, ' ');
	if (p && (v = feat__kver_parse(p + 1)))
		return v;
	p = strstr(f->version, "Debian ");
	if (p && (v = feat__kver_parse(p + 7)))
		return v;
	return feat__kver_parse(f->release);
}

const char *feat__lockdown_name(int mode)
{
	switch (mode) {
	case LOCKDOWN_NONE:
		return "none";
	case LOCKDOWN_INTEGRITY:
		return "integrity";
	case LOCKDOWN_CONFIDENTIALITY:
		return "confidentiality";
	default:
		return "unknown";
	}
}

#define REM_LOCKDOWN                                                                     \
	"boot with lockdown=integrity or none (confidentiality is usually forced by "    \
	"Secure Boot plus a distro policy); nothing can lift it at run time"
#define REM_PRIV "run as root, or with CAP_BPF and CAP_PERFMON (CAP_SYS_ADMIN before 5.8)"
#define REM_POLICY                                                                       \
	"check the BPF LSM / SELinux / AppArmor policy and dmesg; meanwhile use another "   \
	"backend (pwru picks one by itself)"
#define REM_BTF                                                                          \
	"build a pinned pwru for this release (make pinned KDIR=<its build tree> && make " \
	"install), or pass --kernel-btf FILE with this kernel's BTF (BTFHub, or pahole "   \
	"--btf_encode_detached on its debug vmlinux); see docs/no-btf.md"
#define REM_VMLINUX_BTF                                                                  \
	"use a kernel built with CONFIG_DEBUG_INFO_BTF=y; --kernel-btf cannot stand in "    \
	"for fentry, which attaches by the kernel's own BTF ids"
#define REM_FPROBE                                                                       \
	"use a kernel with CONFIG_FPROBE=y (6.1+ distro kernels often lack it); pwru "      \
	"falls back to kprobe or tracepoint"
#define REM_KPROBES                                                                      \
	"use a kernel with CONFIG_KPROBES=y and CONFIG_KPROBE_EVENTS=y, or the tracepoint " \
	"backend"

static int val(const struct features *f, enum feat_id id)
{
	return f->f[id].val;
}

static bool lacks_privs(const struct features *f)
{
	if (val(f, FEAT_ROOT) == 1 || val(f, FEAT_CAP_SYS_ADMIN) == 1)
		return false;
	if (val(f, FEAT_CAP_BPF) == 1 && val(f, FEAT_CAP_PERFMON) == 1)
		return false;
	/* unknown privileges: do not blame them */
	return val(f, FEAT_ROOT) == 0;
}

static const char *ename(int err, char *buf, size_t len)
{
	const char *n = feat__errno_name(err);

	if (n)
		return n;
	snprintf(buf, len, "errno %d", err);
	return buf;
}

/* EPERM and EACCES mean the same for every probe: who said no. */
static bool explain_eperm(const struct features *f, const char *what, int err, char *brief,
			  size_t blen, char *lng, size_t llen, const char **remedy)
{
	const char *en = err == EACCES ? "EACCES" : "EPERM";

	if (err != EPERM && err != EACCES)
		return false;
	if (lacks_privs(f)) {
		snprintf(brief, blen, "refused with %s: not enough privileges", en);
		snprintf(lng, llen, "%s refused (%s): not root and missing CAP_BPF+CAP_PERFMON", what,
			 en);
		*remedy = REM_PRIV;
	} else if (val(f, FEAT_LOCKDOWN) == LOCKDOWN_CONFIDENTIALITY) {
		snprintf(brief, blen, "refused with %s under lockdown=confidentiality", en);
		snprintf(lng, llen, "%s refused (%s) by kernel lockdown=confidentiality", what, en);
		*remedy = REM_LOCKDOWN;
	} else if (val(f, FEAT_BTF_VMLINUX) == 1) {
		snprintf(brief, blen, "refused with %s although BTF is present", en);
		snprintf(lng, llen,
			 "%s refused by the kernel (%s) although BTF is present: likely a "
			 "security policy / BPF LSM / lockdown restriction",
			 what, en);
		*remedy = REM_POLICY;
	} else {
		snprintf(brief, blen, "refused with %s", en);
		snprintf(lng, llen,
			 "%s refused by the kernel (%s) although we are privileged: likely a "
			 "security policy / BPF LSM / lockdown restriction",
			 what, en);
		*remedy = REM_POLICY;
	}
	return true;
}

static void explain_fentry(const struct features *f, int err, char *brief, size_t blen,
			   char *lng, size_t llen, const char **remedy)
{
	char eb[24];

	if (val(f, FEAT_BTF_VMLINUX) != 1) {
		snprintf(brief, blen, "no vmlinux BTF");
		snprintf(lng, llen,
			 "no /sys/kernel/btf/vmlinux: fentry attaches by the kernel's own BTF "
			 "ids, an external BTF file cannot replace it");
		*remedy = REM_VMLINUX_BTF;
		return;
	}
	if (explain_eperm(f, "fentry", err, brief, blen, lng, llen, remedy))
		return;
	switch (err) {
	case EOPNOTSUPP:
	case ENOTSUPP:
		snprintf(brief, blen, "no BPF trampoline (%s)", ename(err, eb, sizeof(eb)));
		snprintf(lng, llen,
			 "fentry attach failed (%s): no BPF trampoline on this kernel or arch "
			 "(CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS not set?)",
			 ename(err, eb, sizeof(eb)));
		*remedy = "use kprobe-multi or kprobe; pwru falls back by itself";
		break;
	case EINVAL:
		snprintf(brief, blen, "fentry unknown to this kernel (EINVAL, needs 5.5+)");
		snprintf(lng, llen,
			 "BPF_PROG_TYPE_TRACING/BPF_TRACE_FENTRY rejected (EINVAL): BPF "
			 "trampolines came in Linux 5.5 and this kernel has no backport");
		*remedy = "use a 5.5+ kernel, or the kprobe backend";
		break;
	case ENOENT:
	case ESRCH:
		snprintf(brief, blen, "no probe target in vmlinux BTF (%s)", ename(err, eb, sizeof(eb)));
		snprintf(lng, llen,
			 "none of the harmless functions pwru probes with is in vmlinux BTF "
			 "(%s); fentry itself may still work",
			 ename(err, eb, sizeof(eb)));
		*remedy = "report this kernel to pwru; use --probe-backend to force another";
		break;
	default:
		snprintf(brief, blen, "fentry probe failed (%s)", ename(err, eb, sizeof(eb)));
		snprintf(lng, llen, "fentry load or attach failed with %s", ename(err, eb, sizeof(eb)));
		*remedy = NULL;
	}
}

static void explain_kmulti(const struct features *f, int err, char *brief, size_t blen,
			   char *lng, size_t llen, const char **remedy)
{
	char eb[24];

	if (explain_eperm(f, "kprobe.multi", err, brief, blen, lng, llen, remedy))
		return;
	switch (err) {
	case EOPNOTSUPP:
	case ENOTSUPP:
		snprintf(brief, blen, "no CONFIG_FPROBE");
		snprintf(lng, llen,
			 "kprobe.multi link create failed (%s): kernel built without "
			 "CONFIG_FPROBE%s",
			 ename(err, eb, sizeof(eb)),
			 val(f, FEAT_CFG_FPROBE) == 0 ? " (the config agrees)" : "");
		*remedy = REM_FPROBE;
		break;
	case EINVAL:
		snprintf(brief, blen, "kprobe.multi unknown to this kernel (needs 5.18+)");
		snprintf(lng, llen,
			 "BPF_TRACE_KPROBE_MULTI rejected (EINVAL): kprobe.multi links came in "
			 "Linux 5.18");
		*remedy = "use a 5.18+ kernel with CONFIG_FPROBE=y; pwru falls back by itself";
		break;
	case ENOENT:
	case ESRCH:
		snprintf(brief, blen, "probe symbol not attachable (%s)", ename(err, eb, sizeof(eb)));
		snprintf(lng, llen,
			 "kprobe.multi could not resolve the probe symbol (%s): not in "
			 "available_filter_functions",
			 ename(err, eb, sizeof(eb)));
		*remedy = NULL;
		break;
	default:
		snprintf(brief, blen, "kprobe.multi probe failed (%s)", ename(err, eb, sizeof(eb)));
		snprintf(lng, llen, "kprobe.multi load or attach failed with %s",
			 ename(err, eb, sizeof(eb)));
		*remedy = NULL;
	}
}

/* Neither a kprobe PMU nor kprobe_events: what the config says about it. */
static void explain_no_kprobes(const struct features *f, int err, char *brief, size_t blen,
			       char *lng, size_t llen)
{
	const char *b, *l;
	char eb[24];

	switch (val(f, FEAT_CFG_KPROBES)) {
	case 0:
		b = "CONFIG_KPROBES not set";
		l = "the kernel is built without CONFIG_KPROBES";
		break;
	case 1:
		b = "no kprobe PMU or kprobe_events";
		l = "CONFIG_KPROBES=y, but no CONFIG_KPROBE_EVENTS or no tracefs";
		break;
	default:
		b = "no kprobes (CONFIG_KPROBES not set?)";
		l = "no kernel config to confirm it, but the kernel is likely built without "
		    "CONFIG_KPROBES";
	}
	snprintf(brief, blen, "%s", b);
	snprintf(lng, llen,
		 "no kprobe PMU in /sys/bus/event_source/devices and no kprobe_events (%s): %s",
		 ename(err, eb, sizeof(eb)), l);
}

static void explain_kprobe(const struct features *f, int err, char *brief, size_t blen,
			   char *lng, size_t llen, const char **remedy)
{
	char eb[24];

	if (explain_eperm(f, "kprobe", err, brief, blen, lng, llen, remedy))
		return;
	switch (err) {
	case ENOENT:
	case ENODEV:
		if (val(f, FEAT_KPROBE_PMU) == 1 || val(f, FEAT_KPROBE_EVENTS) == 1) {
			snprintf(brief, blen, "probe function not found (%s)",
				 ename(err, eb, sizeof(eb)));
			snprintf(lng, llen,
				 "kprobes exist but the probe function could not be "
				 "resolved (%s)",
				 ename(err, eb, sizeof(eb)));
			*remedy = NULL;
			break;
		}
		explain_no_kprobes(f, err, brief, blen, lng, llen);
		*remedy = REM_KPROBES;
		break;
	case EINVAL:
		snprintf(brief, blen, "kprobe BPF programs rejected (EINVAL)");
		snprintf(lng, llen,
			 "kprobe program load or PERF_EVENT_IOC_SET_BPF failed (EINVAL): "
			 "CONFIG_BPF_EVENTS not set?");
		*remedy = "use a kernel with CONFIG_BPF_EVENTS=y";
		break;
	default:
		snprintf(brief, blen, "kprobe probe failed (%s)", ename(err, eb, sizeof(eb)));
		snprintf(lng, llen, "kprobe load or attach failed with %s", ename(err, eb, sizeof(eb)));
		*remedy = NULL;
	}
}

static void explain_rawtp(const struct features *f, int err, char *brief, size_t blen,
			  char *lng, size_t llen, const char **remedy)
{
	char eb[24];

	if (explain_eperm(f, "raw tracepoint", err, brief, blen, lng, llen, remedy))
		return;
	switch (err) {
	case EINVAL:
		snprintf(brief, blen, "raw tracepoints unknown to this kernel (needs 4.17+)");
		snprintf(lng, llen,
			 "BPF_PROG_TYPE_RAW_TRACEPOINT rejected (EINVAL): raw tracepoints came "
			 "in Linux 4.17");
		*remedy = "use the kprobe backend, or a 4.17+ kernel";
		break;
	case ENOENT:
		snprintf(brief, blen, "tracepoint net_dev_queue not found");
		snprintf(lng, llen,
			 "raw tracepoint net_dev_queue not found (ENOENT): kernel without "
			 "CONFIG_NET tracepoints?");
		*remedy = NULL;
		break;
	default:
		snprintf(brief, blen, "raw tracepoint probe failed (%s)", ename(err, eb, sizeof(eb)));
		snprintf(lng, llen, "raw tracepoint load or attach failed with %s",
			 ename(err, eb, sizeof(eb)));
		*remedy = NULL;
	}
}

void feat__explain(const struct features *f, enum feat_id id, char *brief, size_t blen,
		   char *lng, size_t llen, const char **remedy)
{
	const struct feat *ft = &f->f[id];
	char bb[160], lb[256];
	const char *rem = NULL;

	if (!brief) {
		brief = bb;
		blen = sizeof(bb);
	}
	if (!lng) {
		lng = lb;
		llen = sizeof(lb);
	}
	brief[0] = lng[0] = '\0';
	if (id == FEAT_PROBE_FENTRY && val(f, FEAT_BTF_VMLINUX) != 1) {
		explain_fentry(f, ft->err, brief, blen, lng, llen, &rem);
	} else if (ft->val == 1) {
		snprintf(brief, blen, "works");
		snprintf(lng, llen, "loaded and attached a test program, then detached it");
	} else if (ft->val < 0 && !ft->err) {
		snprintf(brief, blen, "not probed");
		snprintf(lng, llen, "load probes were skipped");
	} else {
		switch (id) {
		case FEAT_PROBE_FENTRY:
			explain_fentry(f, ft->err, brief, blen, lng, llen, &rem);
			break;
		case FEAT_PROBE_KPROBE_MULTI:
			explain_kmulti(f, ft->err, brief, blen, lng, llen, &rem);
			break;
		case FEAT_PROBE_KPROBE:
			explain_kprobe(f, ft->err, brief, blen, lng, llen, &rem);
			break;
		case FEAT_PROBE_RAW_TP:
			explain_rawtp(f, ft->err, brief, blen, lng, llen, &rem);
			break;
		default:
			snprintf(brief, blen, "%s", ft->detail);
			snprintf(lng, llen, "%s", ft->detail);
			rem = ft->remedy;
		}
	}
	if (remedy)
		*remedy = rem;
}

static bool has_any_btf(const struct features *f)
{
	return val(f, FEAT_BTF_VMLINUX) == 1 || val(f, FEAT_BTF_EXTERNAL) == 1 ||
	       val(f, FEAT_BTF_PINNED) == 1;
}

/* Load probes skipped: fall back to what the config says. */
static bool assumed_from_config(const struct features *f, enum pwru_backend be)
{
	switch (be) {
	case PWRU_BE_FENTRY:
		return val(f, FEAT_CFG_DIRECT_CALLS) == 1 && val(f, FEAT_BTF_VMLINUX) == 1;
	case PWRU_BE_KPROBE_MULTI:
		return val(f, FEAT_CFG_FPROBE) == 1;
	case PWRU_BE_KPROBE:
		return val(f, FEAT_CFG_KPROBES) == 1 && val(f, FEAT_CFG_BPF_EVENTS) == 1;
	case PWRU_BE_TRACEPOINT:
		return val(f, FEAT_CFG_BPF_EVENTS) == 1 && f->kver >= PWRU_KVER(4, 17, 0);
	default:
		return false;
	}
}

static const enum feat_id be_probe[PWRU_BE__COUNT] = {
	[PWRU_BE_FENTRY] = FEAT_PROBE_FENTRY,
	[PWRU_BE_KPROBE_MULTI] = FEAT_PROBE_KPROBE_MULTI,
	[PWRU_BE_KPROBE] = FEAT_PROBE_KPROBE,
	[PWRU_BE_TRACEPOINT] = FEAT_PROBE_RAW_TP,
};

bool features__usable(const struct features *f, enum pwru_backend be, char *why,
		      size_t why_len, const char **remedy)
{
	const struct feat *p;
	const char *rem = NULL;
	char tmp[160];
	bool ok = false;

	if (!why) {
		why = tmp;
		why_len = sizeof(tmp);
	}
	if ((unsigned int)be >= PWRU_BE__COUNT) {
		snprintf(why, why_len, "unknown backend");
		goto out;
	}
	if (val(f, FEAT_LOCKDOWN) == LOCKDOWN_CONFIDENTIALITY) {
		snprintf(why, why_len,
			 "kernel lockdown=confidentiality blocks kprobes and bpf_probe_read_kernel");
		rem = REM_LOCKDOWN;
		goto out;
	}
	p = &f->f[be_probe[be]];
	if (p->val == 0 || (be == PWRU_BE_FENTRY && val(f, FEAT_BTF_VMLINUX) != 1)) {
		feat__explain(f, be_probe[be], why, why_len, NULL, 0, &rem);
		goto out;
	}
	if (p->val < 0 && !assumed_from_config(f, be)) {
		snprintf(why, why_len, "not probed and the kernel config does not vouch for it");
		rem = "run pwru check without skipping load probes";
		goto out;
	}
	if (!has_any_btf(f)) {
		snprintf(why, why_len, "no BTF (no vmlinux BTF, no --kernel-btf, no pinned build)");
		rem = REM_BTF;
		goto out;
	}
	ok = true;
	snprintf(why, why_len, "%s%s",
		 p->val == 1 ? "load+attach probe succeeded" : "assumed from the kernel config",
		 val(f, FEAT_BTF_VMLINUX) == 1	 ? "" :
		 val(f, FEAT_BTF_EXTERNAL) == 1 ? ", with --kernel-btf" :
						  ", with the pinned build");
out:
	if (remedy)
		*remedy = rem;
	return ok;
}

int features__pick(const struct features *f, char *explain, size_t explain_len)
{
	char why[PWRU_BE__COUNT][160];
	size_t off;
	int be, pick = -ENOENT;

	for (be = 0; be < PWRU_BE__COUNT; be++) {
		if (features__usable(f, be, why[be], sizeof(why[be]), NULL)) {
			pick = be;
			break;
		}
	}
	if (!explain || !explain_len)
		return pick;
	if (pick < 0 && val(f, FEAT_LOCKDOWN) == LOCKDOWN_CONFIDENTIALITY) {
		snprintf(explain, explain_len, "none: %s", why[0]);
		return pick;
	}
	off = snprintf(explain, explain_len, "%s", pick < 0 ? "none" : pwru_backend_name(pick));
	for (be = 0; be < (pick < 0 ? PWRU_BE__COUNT : pick) && off < explain_len; be++)
		off += snprintf(explain + off, explain_len - off, "%s%s: %s",
				be ? "; " : " (", pwru_backend_name(be), why[be]);
	if (be > 0 && off < explain_len)
		snprintf(explain + off, explain_len - off, ")");
	return pick;
}

bool features__has_ringbuf(const struct features *f)
{
	return val(f, FEAT_RINGBUF) == 1;
}

bool features__has_vmlinux_btf(const struct features *f)
{
	return val(f, FEAT_BTF_VMLINUX) == 1;
}

bool features__has_attach_cookie(const struct features *f)
{
	return val(f, FEAT_ATTACH_COOKIE) == 1;
}

bool features__has_get_func_ip(const struct features *f)
{
	return val(f, FEAT_GET_FUNC_IP) == 1;
}

bool features__has_kprobe_pmu(const struct features *f)
{
	return val(f, FEAT_KPROBE_PMU) == 1;
}

const char *features__pinned_dir(const struct features *f, const char **detail)
{
	if (detail)
		*detail = f->f[FEAT_BTF_PINNED].detail;
	return val(f, FEAT_BTF_PINNED) == 1 && f->pinned[0] ? f->pinned : NULL;
}
