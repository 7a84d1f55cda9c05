// SPDX-License-Identifier: GPL-2.0
/*
 * Probe the running kernel: files, config, privileges, the verifier
 * features that set pwru's floor, and each backend's own template loaded
 * and attached (its probe_load op), each undone at once. Never prints;
 * every outcome lands in struct features (value, how, errno, detail, remedy).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/perf_event.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "backend.h"
#include "features_impl.h"
#include "modbtf.h"
#include "verifier_log.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

struct features *features__new(void)
{
	struct features *f = calloc(1, sizeof(*f));
	int i;

	if (!f)
		return NULL;
	for (i = 0; i < FEAT__COUNT; i++)
		f->f[i].val = -1;
	snprintf(f->source, sizeof(f->source), "running kernel");
	return f;
}

void features__free(struct features *f)
{
	/* what probing mounted is unmounted when its findings go (f->tracefs was in use until now) */
	if (f && f->mounted_tracefs)
		umount2(f->tracefs, MNT_DETACH);
	free(f);
}

static void set(struct features *f, enum feat_id id, int v, enum feat_how how, int err,
		const char *remedy, const char *fmt, ...)
{
	struct feat *ft = &f->f[id];
	va_list ap;

	ft->val = v;
	ft->how = how;
	ft->err = err;
	ft->remedy = remedy;
	va_start(ap, fmt);
	vsnprintf(ft->detail, sizeof(ft->detail), fmt, ap);
	va_end(ap);
}

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *fp = fopen(path, "re");
	int err = 0;

	if (!fp)
		return -errno;
	if (!fgets(buf, len, fp))
		err = ferror(fp) ? -errno : -ENODATA;
	else
		buf[strcspn(buf, "\n")] = '\0';
	fclose(fp);
	return err;
}

static void probe_kernel(struct features *f)
{
	struct utsname u;

	if (!uname(&u)) {
		snprintf(f->release, sizeof(f->release), "%s", u.release);
		snprintf(f->version, sizeof(f->version), "%s", u.version);
	}
	if (read_line("/proc/version_signature", f->version_signature,
		      sizeof(f->version_signature)))
		f->version_signature[0] = '\0';
	f->kver = feat__kver_parse(f->release);
}

static const struct {
	enum feat_id id;
	const char *sym;
} config_syms[] = {
	{ FEAT_CFG_KPROBES, "CONFIG_KPROBES" },
	{ FEAT_CFG_KPROBE_EVENTS, "CONFIG_KPROBE_EVENTS" },
	{ FEAT_CFG_FPROBE, "CONFIG_FPROBE" },
	{ FEAT_CFG_FUNCTION_TRACER, "CONFIG_FUNCTION_TRACER" },
	{ FEAT_CFG_DIRECT_CALLS, "CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS" },
	{ FEAT_CFG_DEBUG_INFO_BTF, "CONFIG_DEBUG_INFO_BTF" },
	{ FEAT_CFG_BPF_EVENTS, "CONFIG_BPF_EVENTS" },
	{ FEAT_CFG_BPF_JIT, "CONFIG_BPF_JIT" },
	{ FEAT_CFG_TASKS_RCU, "CONFIG_TASKS_RCU" },
};
#define N_CONFIG (sizeof(config_syms) / sizeof(config_syms[0]))

static void config_line(struct features *f, const char *line)
{
	size_t i, n;

	for (i = 0; i < N_CONFIG; i++) {
		n = strlen(config_syms[i].sym);
		if (strncmp(line, config_syms[i].sym, n) || line[n] != '=')
			continue;
		if (line[n + 1] == 'y' || line[n + 1] == 'm')
			set(f, config_syms[i].id, 1, FEAT_HOW_CONFIG, 0, NULL, "=%c (%s)",
			    line[n + 1], f->config_source);
		return;
	}
}

static void probe_config(struct features *f)
{
	char paths[3][160], line[512];
	gzFile gz = NULL;
	size_t i;

	/* gzopen reads plain files too */
	snprintf(paths[0], sizeof(paths[0]), "/proc/config.gz");
	snprintf(paths[1], sizeof(paths[1]), "/boot/config-%s", f->release);
	snprintf(paths[2], sizeof(paths[2]), "/lib/modules/%s/config", f->release);
	for (i = 0; i < 3 && !gz; i++) {
		gz = gzopen(paths[i], "rb");
		if (gz)
			snprintf(f->config_source, sizeof(f->config_source), "%.*s",
				 (int)sizeof(f->config_source) - 1, paths[i]);
	}
	if (!gz) {
		for (i = 0; i < N_CONFIG; i++)
			set(f, config_syms[i].id, -1, FEAT_HOW_UNKNOWN, ENOENT, NULL,
			    "no kernel config found (/proc/config.gz, /boot, /lib/modules)");
		return;
	}
	/* Found a config: a symbol that never appears is "not set". */
	for (i = 0; i < N_CONFIG; i++)
		set(f, config_syms[i].id, 0, FEAT_HOW_CONFIG, 0, NULL, "not set (%s)",
		    f->config_source);
	while (gzgets(gz, line, sizeof(line)))
		config_line(f, line);
	gzclose(gz);
}

static int count_module_btf(void)
{
	struct dirent *de;
	DIR *d = opendir("/sys/kernel/btf");
	int n = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && strcmp(de->d_name, "vmlinux"))
			n++;
	closedir(d);
	return n;
}

/* No module BTF: do the module types of `make modbtf` stand in (src/modbtf.h)? */
static void probe_modbtf(struct features *f)
{
	char path[512];

	if (f->f[FEAT_BTF_MODULES].val == 1) {
		set(f, FEAT_BTF_MODTYPES, -1, FEAT_HOW_UNKNOWN, 0, NULL,
		    "not looked for: the modules have BTF");
		return;
	}
	modbtf__path(f->release, path, sizeof(path));
	if (!access(path, R_OK))
		set(f, FEAT_BTF_MODTYPES, 1, FEAT_HOW_FILE, 0, NULL, "%s", path);
	else
		set(f, FEAT_BTF_MODTYPES, 0, FEAT_HOW_FILE, errno,
		    "for netfilter rule names: make modbtf KDIR=/usr/src/linux-headers-$(uname -r)",
		    "none in %s", modbtf__root());
}

/*
 * Only for a kernel without BTF, and only for exactly this release: a build
 * for another release would read every field at the wrong offset.
 */
static void probe_pinned(struct features *f, const struct probe_opts *o)
{
	char why[sizeof(f->f[0].detail)];
	int err;

	if (f->f[FEAT_BTF_VMLINUX].val == 1) {
		set(f, FEAT_BTF_PINNED, -1, FEAT_HOW_UNKNOWN, 0, NULL,
		    "not looked for: the kernel has BTF");
		return;
	}
	if (!o->find_pinned) {
		set(f, FEAT_BTF_PINNED, -1, FEAT_HOW_UNKNOWN, 0, NULL,
		    "not looked for: no pinned builds in this program");
		return;
	}
	err = o->find_pinned(f->release, f->pinned, sizeof(f->pinned), why, sizeof(why));
	if (!err) {
		set(f, FEAT_BTF_PINNED, 1, FEAT_HOW_FILE, 0, NULL, "%s", why);
		return;
	}
	f->pinned[0] = '\0';
	set(f, FEAT_BTF_PINNED, 0, FEAT_HOW_FILE, -err,
	    err == -ENOENT ? "make pinned KDIR=<this kernel's build tree> && make install; "
			     "or pass --kernel-btf FILE (docs/no-btf.md)" :
			     "rebuild it with this pwru: make pinned KDIR=<build tree> && make install",
	    "%s", why);
}

static void probe_btf(struct features *f, const struct probe_opts *o)
{
	const char *ext = o->kernel_btf;
	struct btf *btf;
	int n, err;

	if (!access("/sys/kernel/btf/vmlinux", R_OK))
		set(f, FEAT_BTF_VMLINUX, 1, FEAT_HOW_FILE, 0, NULL, "/sys/kernel/btf/vmlinux");
	else
		set(f, FEAT_BTF_VMLINUX, 0, FEAT_HOW_FILE, errno,
		    "use a kernel with CONFIG_DEBUG_INFO_BTF=y, pass --kernel-btf, or install a pinned build",
		    "/sys/kernel/btf/vmlinux: %s", strerror(errno));
	n = count_module_btf();
	if (n > 0)
		set(f, FEAT_BTF_MODULES, 1, FEAT_HOW_FILE, 0, NULL, "%d modules in /sys/kernel/btf", n);
	else
		set(f, FEAT_BTF_MODULES, 0, FEAT_HOW_FILE, n < 0 ? -n : 0, NULL,
		    "no module BTF in /sys/kernel/btf");
	probe_modbtf(f);
	if (!ext) {
		set(f, FEAT_BTF_EXTERNAL, 0, FEAT_HOW_UNKNOWN, 0, NULL, "no --kernel-btf given");
		probe_pinned(f, o);
		return;
	}
	set(f, FEAT_BTF_PINNED, -1, FEAT_HOW_UNKNOWN, 0, NULL, "not looked for: --kernel-btf given");
	snprintf(f->kernel_btf, sizeof(f->kernel_btf), "%s", ext);
	btf = btf__parse(ext, NULL);
	err = libbpf_get_error(btf);
	if (err) {
		set(f, FEAT_BTF_EXTERNAL, 0, FEAT_HOW_FILE, -err,
		    "pass a BTF or ELF file with a .BTF section for this exact kernel",
		    "%s: cannot parse: %s", ext, strerror(-err));
		return;
	}
	set(f, FEAT_BTF_EXTERNAL, 1, FEAT_HOW_FILE, 0, NULL, "%s (%u types)", ext,
	    btf__type_cnt(btf));
	btf__free(btf);
}

/* Mount point of the first file system of this type, or -ENOENT. */
static int find_mount(const char *type, char *dir, size_t len)
{
	char line[1024], mdir[256], mtype[64];
	FILE *fp = fopen("/proc/mounts", "re");
	int err = -ENOENT;

	if (!fp)
		return -errno;
	while (fgets(line, sizeof(line), fp)) {
		if (sscanf(line, "%*s %255s %63s", mdir, mtype) != 2 || strcmp(mtype, type))
			continue;
		snprintf(dir, len, "%s", mdir);
		err = 0;
		break;
	}
	fclose(fp);
	return err;
}

static int parse_lockdown(const char *s)
{
	if (strstr(s, "[none]"))
		return LOCKDOWN_NONE;
	if (strstr(s, "[integrity]"))
		return LOCKDOWN_INTEGRITY;
	if (strstr(s, "[confidentiality]"))
		return LOCKDOWN_CONFIDENTIALITY;
	return LOCKDOWN_UNKNOWN;
}

static void probe_lockdown(struct features *f)
{
	char dir[256], path[300], buf[128];
	bool mounted = false;
	int err, mode;

	if (find_mount("securityfs", dir, sizeof(dir))) {
		snprintf(dir, sizeof(dir), "/sys/kernel/security");
		if (mount("securityfs", dir, "securityfs", 0, NULL)) {
			err = errno;
			/* no mount point or no such fs: built without SECURITYFS */
			if (err == ENOENT || err == ENODEV)
				set(f, FEAT_LOCKDOWN, LOCKDOWN_UNKNOWN, FEAT_HOW_FILE, err, NULL,
				    "kernel without securityfs: lockdown cannot be read "
				    "(probably none)");
			else
				set(f, FEAT_LOCKDOWN, LOCKDOWN_UNKNOWN, FEAT_HOW_UNKNOWN, err,
				    "mount -t securityfs securityfs /sys/kernel/security",
				    "securityfs not mounted and mounting it failed: %s",
				    strerror(err));
			return;
		}
		mounted = true;
	}
	snprintf(path, sizeof(path), "%s/lockdown", dir);
	err = read_line(path, buf, sizeof(buf));
	if (err == -ENOENT) {
		set(f, FEAT_LOCKDOWN, LOCKDOWN_NONE, FEAT_HOW_FILE, 0, NULL,
		    "no %s: kernel without the lockdown LSM", path);
	} else if (err) {
		set(f, FEAT_LOCKDOWN, LOCKDOWN_UNKNOWN, FEAT_HOW_FILE, -err, NULL, "%s: %s", path,
		    strerror(-err));
	} else {
		mode = parse_lockdown(buf);
		set(f, FEAT_LOCKDOWN, mode, FEAT_HOW_FILE, 0, NULL, "%s%s", buf,
		    mode == LOCKDOWN_CONFIDENTIALITY ?
			    ": blocks kprobes, perf and BPF reads of kernel memory" :
		    mode == LOCKDOWN_INTEGRITY ? ": tracing allowed" : "");
	}
	/* we only needed one read: leave the mount table as we found it */
	if (mounted)
		umount2(dir, MNT_DETACH);
}

static int read_paranoid(void)
{
	FILE *fp = fopen("/proc/sys/kernel/perf_event_paranoid", "re");
	int v = -100;

	if (fp && fscanf(fp, "%d", &v) != 1)
		v = -100;
	if (fp)
		fclose(fp);
	return v;
}

static void probe_privs(struct features *f)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};
	static const struct {
		enum feat_id id;
		int cap;
	} caps[] = { { FEAT_CAP_BPF, CAP_BPF },
		     { FEAT_CAP_PERFMON, CAP_PERFMON },
		     { FEAT_CAP_SYS_ADMIN, CAP_SYS_ADMIN } };
	size_t i;
	int has;

	set(f, FEAT_ROOT, geteuid() == 0, FEAT_HOW_PROBE, 0,
	    geteuid() ? "run pwru as root (sudo)" : NULL, "euid %u", geteuid());
	if (syscall(SYS_capget, &hdr, data)) {
		for (i = 0; i < 3; i++)
			set(f, caps[i].id, -1, FEAT_HOW_UNKNOWN, errno, NULL, "capget: %s",
			    strerror(errno));
		return;
	}
	f->perf_paranoid = read_paranoid();
	f->cap_known = true;
	f->cap_eff = data[0].effective | (unsigned long long)data[1].effective << 32;
	for (i = 0; i < 3; i++) {
		has = !!(data[caps[i].cap / 32].effective & (1U << (caps[i].cap % 32)));
		if (!has && caps[i].cap != CAP_SYS_ADMIN && f->kver &&
		    f->kver < PWRU_KVER(5, 8, 0))
			set(f, caps[i].id, 0, FEAT_HOW_VERSION, 0, NULL,
			    "kernel < 5.8 has no such capability (CAP_SYS_ADMIN needed)");
		else
			set(f, caps[i].id, has, FEAT_HOW_PROBE, 0,
			    has ? NULL : "run as root or grant it with setcap/capsh",
			    has ? "effective" : "not in the effective set");
	}
}

static void probe_tracefs(struct features *f)
{
	char path[300], c;
	int fd, err = 0;

	if (!find_mount("tracefs", f->tracefs, sizeof(f->tracefs))) {
		set(f, FEAT_TRACEFS, 1, FEAT_HOW_FILE, 0, NULL, "mounted at %s", f->tracefs);
	} else if (!mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL)) {
		/*
		 * Kept while f lives, as a run reads available_filter_functions
		 * and drop reasons there; features__free() unmounts it.
		 */
		f->mounted_tracefs = true;
		snprintf(f->tracefs, sizeof(f->tracefs), "/sys/kernel/tracing");
		set(f, FEAT_TRACEFS, 1, FEAT_HOW_PROBE, 0, NULL,
		    "was not mounted; pwru mounted it at /sys/kernel/tracing");
	} else {
		err = errno;
		set(f, FEAT_TRACEFS, 0, FEAT_HOW_PROBE, err,
		    "mount -t tracefs nodev /sys/kernel/tracing",
		    "not mounted, and mounting failed: %s", strerror(err));
		set(f, FEAT_FILTER_FUNCS, 0, FEAT_HOW_FILE, err, NULL, "no tracefs");
		return;
	}
	snprintf(path, sizeof(path), "%s/available_filter_functions", f->tracefs);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, &c, 1) < 0)
		err = errno;
	if (fd >= 0)
		close(fd);
	if (err)
		set(f, FEAT_FILTER_FUNCS, 0, FEAT_HOW_FILE, err,
		    "pwru reads /proc/kallsyms instead; nothing to do", "%s: %s", path,
		    strerror(err));
	else
		set(f, FEAT_FILTER_FUNCS, 1, FEAT_HOW_FILE, 0, NULL, "%s readable", path);
}

static void probe_kprobe_pmu(struct features *f)
{
	char buf[32];
	int err;

	err = read_line("/sys/bus/event_source/devices/kprobe/type", buf, sizeof(buf));
	if (err)
		set(f, FEAT_KPROBE_PMU, 0, FEAT_HOW_FILE, -err, NULL,
		    "no /sys/bus/event_source/devices/kprobe (%s)", strerror(-err));
	else
		set(f, FEAT_KPROBE_PMU, 1, FEAT_HOW_FILE, 0, NULL, "perf PMU type %s", buf);
}

/* Where probing cannot tell: what the kernel version says. */
static void by_version(struct features *f, enum feat_id id, int err, unsigned int since,
		       const char *since_s, const char *why)
{
	if (!f->kver) {
		set(f, id, -1, FEAT_HOW_UNKNOWN, err, NULL, "%s, and no kernel version", why);
		return;
	}
	set(f, id, f->kver >= since, FEAT_HOW_VERSION, err, NULL, "%s; by version: %s %s", why,
	    since_s, f->kver >= since ? "or later" : "not reached");
}

/*
 * libbpf's probes cannot tell "unsupported" from "not allowed": without
 * privileges a map probe says no and a helper probe says yes (empty
 * verifier log). So only probe when we may load programs.
 */
static bool may_load(const struct features *f)
{
	return f->f[FEAT_ROOT].val == 1 || f->f[FEAT_CAP_SYS_ADMIN].val == 1 ||
	       (f->f[FEAT_CAP_BPF].val == 1 && f->f[FEAT_CAP_PERFMON].val == 1);
}

static void probe_helper(struct features *f, enum feat_id id, enum bpf_prog_type type,
			 enum bpf_func_id fn, unsigned int since, const char *since_s,
			 const char *missing)
{
	char why[64];
	int r;

	if (!may_load(f)) {
		by_version(f, id, EPERM, since, since_s, "not probed without privileges");
		return;
	}
	r = type ? libbpf_probe_bpf_helper(type, fn, NULL) : -EOPNOTSUPP;
	if (r > 0) {
		set(f, id, 1, FEAT_HOW_PROBE, 0, NULL, "supported (verifier accepts it)");
	} else if (!r) {
		set(f, id, 0, FEAT_HOW_PROBE, 0, NULL, "verifier rejects it: %s", missing);
	} else {
		snprintf(why, sizeof(why), "probe failed (%s)", strerror(-r));
		by_version(f, id, -r, since, since_s, why);
	}
}

static void probe_ringbuf(struct features *f)
{
	const char *since = "5.8";
	char why[64];
	int r;

	if (!may_load(f)) {
		by_version(f, FEAT_RINGBUF, EPERM, PWRU_KVER(5, 8, 0), since,
			   "not probed without privileges");
		return;
	}
	r = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL);
	if (r > 0) {
		set(f, FEAT_RINGBUF, 1, FEAT_HOW_PROBE, 0, NULL, "map created");
	} else if (!r) {
		set(f, FEAT_RINGBUF, 0, FEAT_HOW_PROBE, 0, NULL,
		    "no ring buffer (5.8+): events go through the perf buffer");
	} else {
		snprintf(why, sizeof(why), "probe failed (%s)", strerror(-r));
		by_version(f, FEAT_RINGBUF, -r, PWRU_KVER(5, 8, 0), since, why);
	}
}

static void probe_maps_helpers(struct features *f)
{
	enum bpf_prog_type t = BPF_PROG_TYPE_KPROBE;

	probe_ringbuf(f);
	/* the kprobe type exists with CONFIG_BPF_EVENTS even without kprobes */
	if (may_load(f) && libbpf_probe_bpf_prog_type(t, NULL) <= 0)
		t = BPF_PROG_TYPE_UNSPEC;
	probe_helper(f, FEAT_PROBE_READ_KERNEL, t ? t : BPF_PROG_TYPE_RAW_TRACEPOINT,
		     BPF_FUNC_probe_read_kernel, PWRU_KVER(5, 5, 0), "5.5",
		     "pre-5.5 kernel (libbpf falls back to bpf_probe_read) or lockdown");
	probe_helper(f, FEAT_GET_FUNC_IP, t, BPF_FUNC_get_func_ip, PWRU_KVER(5, 15, 0),
		     "5.15 (kprobe)", "kernel < 5.15: no function IP from kprobes");
	probe_helper(f, FEAT_ATTACH_COOKIE, t, BPF_FUNC_get_attach_cookie, PWRU_KVER(5, 15, 0),
		     "5.15", "kernel < 5.15: no BPF cookies");
	probe_helper(f, FEAT_SNPRINTF_BTF, t ? t : BPF_PROG_TYPE_RAW_TRACEPOINT,
		     BPF_FUNC_snprintf_btf, PWRU_KVER(5, 10, 0), "5.10", "kernel < 5.10");
}

/*
 * The floor (decide.h): a frozen BPF_F_RDONLY_PROG array (global data, 5.2)
 * read through a direct map-value load, a branch on what was read, and a
 * BPF-to-BPF call (4.16). The branch not taken calls a helper that does
 * not exist: only a verifier that reads read-only map values as constants
 * (5.5) skips it, as pwru's programs need for their .rodata config.
 */
static void probe_floor(struct features *f, char *log, size_t log_len)
{
	LIBBPF_OPTS(bpf_map_create_opts, mo, .map_flags = BPF_F_RDONLY_PROG);
	struct bpf_insn insns[] = {
		{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = BPF_REG_1,
		  .src_reg = BPF_PSEUDO_MAP_VALUE },
		{ .imm = 0 }, /* value offset */
		{ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = BPF_REG_0, .src_reg = BPF_REG_1 },
		{ .code = BPF_JMP | BPF_JEQ | BPF_K, .dst_reg = BPF_REG_0, .off = 1 },
		{ .code = BPF_JMP | BPF_CALL, .imm = 0x7ff0 }, /* no such helper */
		{ .code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_CALL, .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, po, .log_buf = log, .log_size = log_len, .log_level = 1);
	struct feat *ft = &f->f[FEAT_BPF_FLOOR];
	const char *stage = "map create (BPF_F_RDONLY_PROG, 5.2)";
	int map, prog = -1, err;

	if (!may_load(f)) {
		by_version(f, FEAT_BPF_FLOOR, EPERM, PWRU_FLOOR_KVER, PWRU_FLOOR,
			   "not probed without privileges");
		return;
	}
	log[0] = '\0';
	map = bpf_map_create(BPF_MAP_TYPE_ARRAY, "pwru_probe", 4, 4, 1, &mo);
	if (map >= 0) {
		stage = "map freeze (5.2)";
		if (!bpf_map_freeze(map)) {
			stage = "load";
			insns[0].imm = map;
			prog = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "pwru_probe", "GPL", insns,
					     sizeof(insns) / sizeof(insns[0]), &po);
		}
	}
	err = prog >= 0 ? 0 : errno;
	if (prog >= 0)
		close(prog);
	if (map >= 0)
		close(map);
	if (err == EPERM || err == EACCES) {
		by_version(f, FEAT_BPF_FLOOR, err, PWRU_FLOOR_KVER, PWRU_FLOOR,
			   "probe refused (EPERM)");
		return;
	}
	set(f, FEAT_BPF_FLOOR, !err, FEAT_HOW_PROBE, err, NULL, "%s",
	    err ? stage : "global data read as constants across a BPF-to-BPF call");
	if (err)
		verifier_log__reason(log, ft->log, sizeof(ft->log));
}

/*
 * Record a load+attach probe as facts: the stage it reached (its success
 * text when err is 0), the errno and the verifier's last line. What they
 * mean is decide.c's job (feat__detail()), at report time.
 */
static void probe_result(struct features *f, enum feat_id id, int err, const char *stage,
			 const char *log)
{
	struct feat *ft = &f->f[id];

	set(f, id, !err, FEAT_HOW_PROBE, err, NULL, "%s", stage);
	snprintf(ft->log, sizeof(ft->log), "%s", err && log ? log : "");
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * Each backend's own probe: its template from the embedded skeleton (or the
 * pinned build), configured as a run configures it, so that "usable" means
 * pwru's programs load and attach here.
 */
static void probe_backends(struct features *f, const struct probe_opts *o)
{
	struct pwru_run r = {
		.feat = f,
		.kernel_btf = feat__val(f, FEAT_BTF_EXTERNAL) == 1 ? o->kernel_btf : NULL,
		.pinned_dir = feat__val(f, FEAT_BTF_PINNED) == 1 ? f->pinned : NULL,
		.perfbuf = feat__val(f, FEAT_RINGBUF) != 1,
		/* the smallest ring buffer there is: the probe reads no events */
		.ringbuf_bytes = (__u32)sysconf(_SC_PAGESIZE),
	};
	bool btf = feat__val(f, FEAT_BTF_VMLINUX) == 1 || r.kernel_btf || r.pinned_dir;
	struct be_probe p;
	const int *order = features__preference();
	bool passed = false, winner = false;
	int be, err;
	double t0;

	r.cfg.use_perfbuf = r.perfbuf;
	/*
	 * A run probes in auto's order and stops once the choice is known: after
	 * the unconditional winner, or before the last resort once anything
	 * passed. The middle ones are all probed, because their costs decide.
	 */
	for (int i = 0; i < PWRU_BE__COUNT; i++) {
		const struct backend_ops *ops = backend_ops_get(order[i]);
		bool settled = winner || (passed && i == PWRU_BE__COUNT - 1);

		be = order[i];

		if (!ops->probe_load)
			continue;
		if (ops->needs_vmlinux_btf && feat__val(f, FEAT_BTF_VMLINUX) != 1) {
			probe_result(f, ops->probe, ENOENT, "skipped", NULL);
			continue;
		}
		if (!btf) {
			/* nothing to relocate the program against: decide.c says "no BTF" */
			set(f, ops->probe, -1, FEAT_HOW_UNKNOWN, 0, NULL,
			    "not tried: no BTF and no pinned build to load pwru's program with");
			continue;
		}
		if (o->run && (settled || (o->backend >= 0 && o->backend != be))) {
			set(f, ops->probe, -1, FEAT_HOW_DEFERRED, 0, NULL, "not probed: %s",
			    settled ? "a preferred backend passed first" : "another backend was asked for");
			continue;
		}
		memset(&p, 0, sizeof(p));
		t0 = now_ms();
		err = ops->probe_load(&r, &p);
		probe_result(f, ops->probe, -err, p.stage ? p.stage : "open", p.log);
		if (!err)
			snprintf(f->f[ops->probe].detail, sizeof(f->f[0].detail), "%.150s (%.0f ms)",
				 p.stage, now_ms() - t0);
		passed = passed || !err;
		winner = winner || (!err && i == 0);
	}
}

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

int features__probe(struct features *f, const struct probe_opts *o)
{
	static const struct probe_opts none = {};
	libbpf_print_fn_t old;
	char *log;

	if (!f)
		return -EINVAL;
	if (!o)
		o = &none;
	/* test knob: a fixture profile stands in for this kernel (tests/host/test_errors.sh) */
	if (getenv("PWRU_TEST_PROFILE"))
		return features__load_profile(f, getenv("PWRU_TEST_PROFILE"));
	log = malloc(4096);
	if (!log)
		return -ENOMEM;
	old = libbpf_set_print(silent);
	probe_kernel(f);
	probe_config(f);
	probe_btf(f, o);
	probe_privs(f);
	probe_lockdown(f);
	probe_tracefs(f);
	probe_kprobe_pmu(f);
	probe_maps_helpers(f);
	probe_floor(f, log, 4096);
	if (!o->skip_load_probes)
		probe_backends(f, o);
	libbpf_set_print(old);
	free(log);
	return 0;
}
