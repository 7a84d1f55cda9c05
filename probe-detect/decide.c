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

#include "backend.h"
#include "features_impl.h"


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
	[FEAT_CFG_TASKS_RCU] = { "config.TASKS_RCU", "CONFIG_TASKS_RCU" },
	[FEAT_BTF_VMLINUX] = { "btf.vmlinux", "vmlinux BTF" },
	[FEAT_BTF_MODULES] = { "btf.modules", "module BTF" },
	[FEAT_BTF_MODTYPES] = { "btf.module_types", "module types from headers" },
	[FEAT_BTF_EXTERNAL] = { "btf.external", "external BTF (--kernel-btf)" },
	[FEAT_BTF_PINNED] = { "btf.pinned", "pinned build for this release" },
	[FEAT_LOCKDOWN] = { "lockdown", "lockdown" },
	[FEAT_ROOT] = { "priv.root", "running as root" },
	[FEAT_CAP_BPF] = { "priv.CAP_BPF", "CAP_BPF" },
	[FEAT_CAP_PERFMON] = { "priv.CAP_PERFMON", "CAP_PERFMON" },
	[FEAT_CAP_SYS_ADMIN] = { "priv.CAP_SYS_ADMIN", "CAP_SYS_ADMIN" },
	[FEAT_TRACEFS] = { "fs.tracefs", "tracefs" },
	[FEAT_FILTER_FUNCS] = { "fs.available_filter_functions", "available_filter_functions" },
	[FEAT_KPROBE_PMU] = { "kprobe.pmu", "kprobe PMU" },
	[FEAT_RINGBUF] = { "map.ringbuf", "BPF ring buffer" },
	[FEAT_PROBE_READ_KERNEL] = { "helper.probe_read_kernel", "bpf_probe_read_kernel" },
	[FEAT_GET_FUNC_IP] = { "helper.get_func_ip", "bpf_get_func_ip" },
	[FEAT_ATTACH_COOKIE] = { "helper.attach_cookie", "bpf_get_attach_cookie" },
	[FEAT_SNPRINTF_BTF] = { "helper.snprintf_btf", "bpf_snprintf_btf" },
	[FEAT_BPF_FLOOR] = { "bpf.rodata_constants", ".rodata read as constants (5.5)" },
	[FEAT_PROBE_FENTRY] = { "probe.fentry", "fentry load+attach" },
	[FEAT_PROBE_KPROBE_MULTI] = { "probe.kprobe_multi", "kprobe.multi load+attach" },
	[FEAT_PROBE_KPROBE] = { "probe.kprobe", "kprobe load+attach" },
	[FEAT_PROBE_RAW_TP] = { "probe.raw_tp", "raw tracepoint load+attach" },
};

const char *pwru_backend_name(enum pwru_backend be)
{
	const struct backend_ops *ops = backend_ops_get(be);

	return ops ? ops->name : "unknown";
}

int pwru_backend_parse(const char *s)
{
	int i;

	if (!s)
		return -EINVAL;
	for (i = 0; i < PWRU_BE__COUNT; i++) {
		const struct backend_ops *ops = backend_ops_get(i);

		if (!strcmp(s, ops->name) || (ops->alias && !strcmp(s, ops->alias)))
			return i;
	}
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

#define REM_FLOOR                                                                        \
	"run pwru on Linux " PWRU_FLOOR " or later (or a distro kernel with that verifier "  \
	"backport)"

static int val(const struct features *f, enum feat_id id)
{
	return f->f[id].val;
}

unsigned long long features__caps_needed(const struct features *f, enum pwru_backend be)
{
	const struct backend_ops *ops = backend_ops_get(be);

	if (f->kver && f->kver < PWRU_KVER(5, 8, 0))
		return PWRU_CAP(CAP_SYS_ADMIN);
	unsigned long long caps = ops ? ops->caps : PWRU_CAPS_BPF;

	/*
	 * Before 5.11 BPF memory is charged to RLIMIT_MEMLOCK (5.11 moved it to
	 * the memory cgroup): a non-root user needs CAP_SYS_RESOURCE to let
	 * libbpf raise it, or the maps fail with EPERM (Debian 11's 5.10).
	 */
	if (f->kver && f->kver < PWRU_KVER(5, 11, 0))
		caps |= PWRU_CAP(CAP_SYS_RESOURCE);
	if (ops && ops->perf_event && f->perf_paranoid > 2)
		caps |= PWRU_CAP(CAP_SYS_ADMIN);
	return caps;
}

unsigned long long features__caps_missing(const struct features *f, enum pwru_backend be)
{
	unsigned long long need = features__caps_needed(f, be);

	/* CAP_SYS_ADMIN stands in for CAP_BPF and CAP_PERFMON (5.8 kept it so) */
	if (!f->cap_known || (f->cap_eff & PWRU_CAP(CAP_SYS_ADMIN) && !(need & ~PWRU_CAPS_BPF)))
		return 0;
	return need & ~f->cap_eff;
}

/* "CAP_BPF and CAP_PERFMON" for the EPERM sentence, from the facts */
static void missing_names(const struct features *f, char *buf, size_t len)
{
	bool bpf = val(f, FEAT_CAP_BPF) != 1, perfmon = val(f, FEAT_CAP_PERFMON) != 1;

	if (f->kver && f->kver < PWRU_KVER(5, 8, 0))
		snprintf(buf, len, "CAP_SYS_ADMIN");
	else
		snprintf(buf, len, "%s%s%s", bpf ? "CAP_BPF" : "", bpf && perfmon ? " and " : "",
			 perfmon ? "CAP_PERFMON" : "");
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

const char *feat__ename(int err, char *buf, size_t len)
{
	const char *n = feat__errno_name(err);

	if (n)
		return n;
	snprintf(buf, len, "errno %d", err);
	return buf;
}

/* EPERM and EACCES mean the same for every probe: who said no. */
bool feat__explain_eperm(const struct features *f, const char *what, int err, char *brief,
			 size_t blen, char *lng, size_t llen, const char **remedy)
{
	const char *en = err == EACCES ? "EACCES" : "EPERM";

	if (err != EPERM && err != EACCES)
		return false;
	if (lacks_privs(f)) {
		char miss[64];

		missing_names(f, miss, sizeof(miss));
		snprintf(brief, blen, "refused with %s: not enough privileges (missing %s)", en, miss);
		snprintf(lng, llen, "%s refused (%s): not root and missing %s", what, en, miss);
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

void feat__explain_failed(const char *what, int err, char *brief, size_t blen, char *lng,
			  size_t llen, const char **remedy)
{
	char eb[24];

	snprintf(brief, blen, "%s probe failed (%s)", what, feat__ename(err, eb, sizeof(eb)));
	snprintf(lng, llen, "%s load or attach failed with %s", what, feat__ename(err, eb, sizeof(eb)));
	*remedy = NULL;
}

/* The backend whose load+attach probe id is, or NULL. */
static const struct backend_ops *backend_of_probe(enum feat_id id)
{
	for (int be = 0; be < PWRU_BE__COUNT; be++)
		if (backend_ops_get(be)->probe == (int)id)
			return backend_ops_get(be);
	return NULL;
}

/* A backend's failed probe, in the order backend_ops.explain says. */
static void explain_backend(const struct backend_ops *ops, const struct features *f, int err,
			    char *brief, size_t blen, char *lng, size_t llen, const char **remedy)
{
	char eb[24];

	if (ops->explain && ops->explain(f, err, brief, blen, lng, llen, remedy))
		return;
	if (feat__explain_eperm(f, ops->what, err, brief, blen, lng, llen, remedy))
		return;
	for (const struct be_why *w = ops->why; w && w->err[0]; w++) {
		if (err != w->err[0] && (!w->err[1] || err != w->err[1]))
			continue;
		feat__ename(err, eb, sizeof(eb));
		snprintf(brief, blen, w->brief, eb);
		snprintf(lng, llen, w->lng, eb);
		*remedy = w->remedy;
		return;
	}
	feat__explain_failed(ops->what, err, brief, blen, lng, llen, remedy);
}

void feat__explain(const struct features *f, enum feat_id id, char *brief, size_t blen,
		   char *lng, size_t llen, const char **remedy)
{
	const struct backend_ops *ops = backend_of_probe(id);
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
	if (ops && ops->needs_vmlinux_btf && val(f, FEAT_BTF_VMLINUX) != 1) {
		explain_backend(ops, f, ft->err, brief, blen, lng, llen, &rem);
	} else if (ft->val == 1) {
		snprintf(brief, blen, "works");
		snprintf(lng, llen, "loaded and attached a test program, then detached it");
	} else if (ft->val < 0 && !ft->err) {
		snprintf(brief, blen, "not probed");
		snprintf(lng, llen, "load probes were skipped");
	} else {
		if (ops) {
			explain_backend(ops, f, ft->err, brief, blen, lng, llen, &rem);
		} else {
			snprintf(brief, blen, "%s", ft->detail);
			snprintf(lng, llen, "%s", ft->detail);
			rem = ft->remedy;
		}
	}
	if (remedy)
		*remedy = rem;
}

bool feat__is_probe(enum feat_id id)
{
	return backend_of_probe(id);
}

void feat__detail(const struct features *f, enum feat_id id, char *buf, size_t len,
		  const char **remedy)
{
	const struct feat *ft = &f->f[id];
	const char *en, *rem;
	char why[256];

	if (!feat__is_probe(id)) {
		snprintf(buf, len, "%s", ft->detail);
		*remedy = ft->remedy;
		return;
	}
	feat__explain(f, id, NULL, 0, why, sizeof(why), &rem);
	*remedy = rem;
	/* profiles carry their explanation (or an override) in detail already */
	if (ft->how != FEAT_HOW_PROBE || ft->val != 0) {
		snprintf(buf, len, "%s", ft->detail);
		return;
	}
	if (!strcmp(ft->detail, "skipped")) {
		snprintf(buf, len, "not tried: %s", why);
		return;
	}
	en = feat__errno_name(ft->err);
	snprintf(buf, len, "%s %s: %s%s%s", ft->detail, en ? en : strerror(ft->err), why,
		 ft->log[0] ? "; verifier: " : (ft->detail[0] == 'l' ? " (empty verifier log)" : ""),
		 ft->log);
}

bool features__supported(const struct features *f, char *why, size_t why_len)
{
	const struct feat *ft = &f->f[FEAT_BPF_FLOOR];
	char tmp[320], how[448], eb[24];
	bool below;

	if (!why) {
		why = tmp;
		why_len = sizeof(tmp);
	}
	/* not probed: the version decides, and an unknown version gets the benefit */
	below = ft->val == 0 || (ft->val < 0 && f->kver && f->kver < PWRU_FLOOR_KVER);
	if (!below) {
		snprintf(why, why_len, "Linux %s or later, where %s: %s", PWRU_FLOOR,
			 PWRU_FLOOR_NEEDS,
			 ft->val == 1 ? "this kernel passed the probe" :
			 f->kver      ? "not probed, the version is recent enough" :
					"not probed, and no kernel version");
		return true;
	}
	if (ft->val == 0)
		snprintf(how, sizeof(how), "probe: %s %s%s%s", ft->detail,
			 feat__ename(ft->err, eb, sizeof(eb)), ft->log[0] ? "; verifier: " : "",
			 ft->log);
	else
		snprintf(how, sizeof(how), "by version");
	snprintf(why, why_len,
		 "kernel %s is older than pwru supports: it needs Linux %s or later, where %s (%s)",
		 f->release, PWRU_FLOOR, PWRU_FLOOR_NEEDS, how);
	return false;
}

static bool has_any_btf(const struct features *f)
{
	return val(f, FEAT_BTF_VMLINUX) == 1 || val(f, FEAT_BTF_EXTERNAL) == 1 ||
	       val(f, FEAT_BTF_PINNED) == 1;
}
_Static_assert(FEAT__COUNT <= 64, "backend_ops.assumed_from_config is a 64-bit set");

/* Load probes skipped: does every feature in need say 1 (a backend's config)? */
static bool config_vouches(const struct features *f, unsigned long long need)
{
	for (int id = 0; id < FEAT__COUNT; id++)
		if (need & PWRU_FEAT_BIT(id) && val(f, id) != 1)
			return false;
	return need != 0;
}


bool features__usable(const struct features *f, enum pwru_backend be, char *why,
		      size_t why_len, const char **remedy)
{
	const struct backend_ops *ops;
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
	if (!features__supported(f, NULL, 0)) {
		snprintf(why, why_len, "kernel below pwru's floor (Linux %s, %s)", PWRU_FLOOR,
			 PWRU_FLOOR_NEEDS);
		rem = REM_FLOOR;
		goto out;
	}
	if (val(f, FEAT_LOCKDOWN) == LOCKDOWN_CONFIDENTIALITY) {
		snprintf(why, why_len,
			 "kernel lockdown=confidentiality blocks kprobes and bpf_probe_read_kernel");
		rem = REM_LOCKDOWN;
		goto out;
	}
	ops = backend_ops_get(be);
	p = &f->f[ops->probe];
	if (p->val == 0 || (ops->needs_vmlinux_btf && val(f, FEAT_BTF_VMLINUX) != 1)) {
		feat__explain(f, ops->probe, why, why_len, NULL, 0, &rem);
		goto out;
	}
	/* before "not probed": without BTF pwru's programs cannot be probed at all */
	if (!has_any_btf(f)) {
		snprintf(why, why_len, "no BTF (no vmlinux BTF, no --kernel-btf, no pinned build)");
		rem = REM_BTF;
		goto out;
	}
	/* a run tries it for real if the backends it prefers fail */
	if (p->val < 0 && p->how == FEAT_HOW_DEFERRED) {
		ok = true;
		snprintf(why, why_len, "%s; tried at run time if needed", p->detail);
		goto out;
	}
	if (p->val < 0 && !config_vouches(f, ops->assumed_from_config)) {
		snprintf(why, why_len, "not probed and the kernel config does not vouch for it");
		rem = "run pwru check without skipping load probes";
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

/*
 * What attaching and removing a full function set cost, measured in this
 * project's lab (QEMU TCG, one vCPU, shared host; docs: KERNEL-LAB.md, issue 12):
 *
 *   Debian 11, 5.10.0-46   fentry 1288 fns: attach 92 s,    detach 22 s
 *                          kprobe 1347 fns past ftrace's call site: attach 3.7-4.4 s,
 *                          detach 0.2-0.4 s (at the entry: attach 23 s, detach 28 s)
 *   Debian 12, 6.1.0-57    fentry 1408 fns: attach 21 s,    detach 190 s
 *                          (108 s and 184 s with three guests on the two cores)
 *                          kprobe 1475 fns at the entry: attach 24-40 s, detach 34-43 s
 *                          (past the call site: attach 79 s, detach 82 s)
 *   Debian 13, 6.12.117    fentry 1623 fns: attach 23 s,    detach 333 s
 *                          kprobe 1626 fns at the entry: attach 27-61 s, detach 40-49 s
 *                          (past the call site: attach 138 s, detach 76 s)
 *                          kprobe-multi 1629 fns: attach 0.6 s, detach 1.3 s
 *
 * fentry's detach grew on 6.x: each trampoline link's release waits for an
 * RCU-tasks grace period under ftrace_lock. kprobe-multi is one link per
 * template, so its cost barely depends on the count. Where the kprobes go
 * is features__kprobe_past_ftrace(); the kprobe figures follow that choice.
 * Other kernels take the row of the nearest measured one.
 */
static const struct kernel_costs {
	unsigned int upto; /* kernels below this take this row */
	const char *measured; /* where the figures come from */
	/* seconds per function, attach and detach; kprobe's in kp_att, kp_det */
	double att[PWRU_BE__COUNT], det[PWRU_BE__COUNT];
	/* kprobe: [0] at the entry, [1] past ftrace's call site */
	double kp_att[2], kp_det[2];
} costs[] = {
	{ PWRU_KVER(5, 16, 0), "Debian 11's 5.10",
	  { [PWRU_BE_FENTRY] = 92.3 / 1288 }, { [PWRU_BE_FENTRY] = 21.8 / 1288 },
	  { 22.7 / 1347, 3.7 / 1347 }, { 28.3 / 1347, 0.22 / 1347 } },
	{ PWRU_KVER(6, 7, 0), "Debian 12's 6.1",
	  { [PWRU_BE_FENTRY] = 21.0 / 1408 }, { [PWRU_BE_FENTRY] = 190.0 / 1408 },
	  { 32.0 / 1475, 79.0 / 1475 }, { 38.0 / 1475, 82.5 / 1475 } },
	{ ~0U, "Debian 13's 6.12",
	  { [PWRU_BE_FENTRY] = 23.0 / 1623, [PWRU_BE_KPROBE_MULTI] = 0.6 / 1629 },
	  { [PWRU_BE_FENTRY] = 333.0 / 1623, [PWRU_BE_KPROBE_MULTI] = 1.3 / 1629 },
	  { 27.0 / 1626, 138.0 / 1629 }, { 40.0 / 1626, 76.0 / 1629 } },
};
#define NR_COSTS (sizeof(costs) / sizeof(costs[0]))

/* a full set, when the caller does not know the count (pwru check) */
#define TYPICAL_TARGETS 1500

/*
 * Kprobes past ftrace's call site are int3s written into the text, and the
 * kprobe optimizer turns them into jumps in rounds that each hold
 * kprobe_mutex over synchronize_rcu_tasks(). Without CONFIG_TASKS_RCU (a
 * kernel without CONFIG_PREEMPTION, like Debian 11's 5.10) that is
 * synchronize_rcu(), short, and the whole set attaches in seconds. With it
 * (Debian 12's 6.1, Debian 13's 6.12: PREEMPT_DYNAMIC) each round waits for
 * a Tasks RCU grace period, registrations queue behind it, and the
 * ftrace-based kprobe on the entry is the faster of the two. Without a
 * kernel config, at the entry, as pwru always did.
 */
bool features__kprobe_past_ftrace(const struct features *f)
{
	return val(f, FEAT_CFG_TASKS_RCU) == 0;
}

void features__cost(const struct features *f, enum pwru_backend be, size_t n,
		    struct backend_cost *c)
{
	const struct kernel_costs *k = &costs[0];
	bool past = features__kprobe_past_ftrace(f);

	if (!n)
		n = TYPICAL_TARGETS;
	while (f->kver >= k->upto && k + 1 < costs + NR_COSTS)
		k++;
	/* kprobe-multi on a kernel the lab has no figure for: as on 6.12 */
	if (be == PWRU_BE_KPROBE_MULTI && !k->att[be])
		k = &costs[NR_COSTS - 1];
	c->n = n;
	c->measured = k->measured;
	c->attach_secs = (be == PWRU_BE_KPROBE ? k->kp_att[past] : k->att[be]) * n;
	c->detach_secs = (be == PWRU_BE_KPROBE ? k->kp_det[past] : k->det[be]) * n;
}

/*
 * Setup cost as the user feels it: the wait before tracing, and half the
 * removal (which runs in the background, but still holds the kernel busy).
 */
static double setup_secs(const struct backend_cost *c)
{
	return c->attach_secs + c->detach_secs / 2;
}

/*
 * fentry costs less per probed call than a kprobe (a trampoline call
 * instead of an ftrace or int3 handler saving pt_regs; make bench measures
 * it), so kprobe must save clearly more than noise to win: a quarter of
 * fentry's setup and at least two seconds.
 */
static bool kprobe_cheaper(const struct backend_cost *fe, const struct backend_cost *kp)
{
	return setup_secs(kp) < 0.75 * setup_secs(fe) && setup_secs(fe) - setup_secs(kp) > 2;
}

static size_t cost_reason(const struct features *f, const int *order, int nr, size_t n,
			  char *buf, size_t len)
{
	struct backend_cost w, o;
	int other;

	features__cost(f, order[0], n, &w);
	if (order[0] == PWRU_BE_KPROBE_MULTI)
		return snprintf(buf, len,
				"; one link per template: about %.1f s to attach and %.1f s to "
				"remove %zu functions (measured on %s)",
				w.attach_secs, w.detach_secs, w.n, w.measured);
	if (order[0] != PWRU_BE_FENTRY && order[0] != PWRU_BE_KPROBE)
		return 0;
	other = order[0] == PWRU_BE_FENTRY ? PWRU_BE_KPROBE : PWRU_BE_FENTRY;
	if (nr < 2 || order[1] != other)
		return 0;
	features__cost(f, other, n, &o);
	return snprintf(buf, len,
			"; %s for %zu functions on this kernel: about %.0f s to attach and "
			"%.0f s to remove, %s %.0f s and %.0f s (measured on %s)%s",
			order[0] == PWRU_BE_FENTRY ? "no dearer than kprobe" :
						     "cheaper than fentry",
			w.n, w.attach_secs, w.detach_secs, pwru_backend_name(other),
			o.attach_secs, o.detach_secs, w.measured,
			order[0] == PWRU_BE_FENTRY	   ? ", and cheaper per call" :
			features__kprobe_past_ftrace(f) ? "; kprobes past ftrace's call site, as "
							  "CONFIG_TASKS_RCU is not set" :
							  "");
}

/*
 * Auto's order before costs are weighed. The first wins whenever it is
 * usable (kprobe-multi attaches and detaches a full set in about a second on
 * every kernel measured); fentry and kprobe are then ordered by cost, and the
 * tracepoint backend is the last resort.
 */
static const int prefer[] = { PWRU_BE_KPROBE_MULTI, PWRU_BE_FENTRY, PWRU_BE_KPROBE,
			      PWRU_BE_TRACEPOINT };
_Static_assert(sizeof(prefer) / sizeof(prefer[0]) == PWRU_BE__COUNT,
	       "every backend has a place in prefer[]");

const int *features__preference(void)
{
	return prefer;
}

int features__rank(const struct features *f, size_t nr_targets, int *order, char *explain,
		   size_t explain_len)
{
	const int *prefer = features__preference();
	char why[PWRU_BE__COUNT][160];
	bool ok[PWRU_BE__COUNT];
	struct backend_cost fe, kp;
	bool for_names = false;
	size_t off;
	int be, nr = 0, skipped = 0, tmp;

	for (be = 0; be < PWRU_BE__COUNT; be++)
		ok[be] = features__usable(f, be, why[be], sizeof(why[be]), NULL);
	for (size_t i = 0; i < PWRU_BE__COUNT; i++)
		if (ok[prefer[i]])
			order[nr++] = prefer[i];
	/* fentry and kprobe side by side: the cheaper one for this run first */
	for (int i = 0; i + 1 < nr; i++) {
		if (order[i] != PWRU_BE_FENTRY || order[i + 1] != PWRU_BE_KPROBE)
			continue;
		features__cost(f, PWRU_BE_FENTRY, nr_targets, &fe);
		features__cost(f, PWRU_BE_KPROBE, nr_targets, &kp);
		if (kprobe_cheaper(&fe, &kp)) {
			tmp = order[i];
			order[i] = order[i + 1];
			order[i + 1] = tmp;
		}
	}
	/*
	 * The module types of `make modbtf` serve probes by symbol only (fentry
	 * attaches by the module's own BTF id): whoever made them wants
	 * netfilter's rules named, which is worth kprobe's dearer calls.
	 */
	for (int i = 0; val(f, FEAT_BTF_MODTYPES) == 1 && i + 1 < nr; i++) {
		if (order[i] != PWRU_BE_FENTRY || order[i + 1] != PWRU_BE_KPROBE)
			continue;
		order[i] = PWRU_BE_KPROBE;
		order[i + 1] = PWRU_BE_FENTRY;
		for_names = true;
	}
	if (!explain || !explain_len)
		return nr;
	/* one reason holds for every backend: say it once */
	if (!nr && (!features__supported(f, NULL, 0) ||
		    val(f, FEAT_LOCKDOWN) == LOCKDOWN_CONFIDENTIALITY)) {
		snprintf(explain, explain_len, "none: %s", why[0]);
		return nr;
	}
	off = snprintf(explain, explain_len, "%s", nr ? pwru_backend_name(order[0]) : "none");
	for (be = 0; be < PWRU_BE__COUNT && off < explain_len; be++) {
		if (ok[be])
			continue;
		off += snprintf(explain + off, explain_len - off, "%s%s: %s",
				skipped++ ? "; " : " (", pwru_backend_name(be), why[be]);
	}
	if (skipped && off < explain_len)
		off += snprintf(explain + off, explain_len - off, ")");
	if (nr && off < explain_len && for_names && order[0] == PWRU_BE_KPROBE)
		snprintf(explain + off, explain_len - off,
			 "; before fentry, which cannot name netfilter rules with the module "
			 "types from headers (%s)",
			 f->f[FEAT_BTF_MODTYPES].detail);
	else if (nr && off < explain_len)
		cost_reason(f, order, nr, nr_targets, explain + off, explain_len - off);
	return nr;
}

int features__pick(const struct features *f, char *explain, size_t explain_len)
{
	int order[PWRU_BE__COUNT];

	return features__rank(f, 0, order, explain, explain_len) ? order[0] : -ENOENT;
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
