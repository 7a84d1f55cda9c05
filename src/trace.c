// SPDX-License-Identifier: GPL-2.0
/* A trace run: choose a backend, attach, stream events, detach on exit. */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <limits.h>
#include <poll.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sys/utsname.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "trace.h"
#include "backend.h"
#include "drop_reason.h"
#include "drop_summary.h"
#include "nft_rules.h"
#include "nft_trace.h"
#include "ksyms.h"
#include "netns.h"
#include "options.h"
#include "output.h"
#include "pcap.h"
#include "perr.h"
#include "pinned.h"
#include "pipeline.h"
#include "mass_attach.h"
#include "modbtf.h"
#include "nf_probe.h"
#include "privilege.h"
#include "skb_expr.h"
#include "skb_dump.h"

static volatile sig_atomic_t exiting;
/* what a stop still waits for, said on a repeated signal; set before use */
static char stop_phase[160];
static volatile sig_atomic_t stop_phase_set;

static void on_signal(int sig)
{
	int saved = errno;

	if (sig == SIGPIPE) {
		/*
		 * Stop once: with stderr closed too, each later write (this
		 * handler's own included) would raise it again, forever.
		 * EPIPE tells the writers the rest.
		 */
		signal(SIGPIPE, SIG_IGN);
	} else if (exiting && stop_phase_set &&
		   write(STDERR_FILENO, stop_phase, strlen(stop_phase)) < 0) {
		/* nothing to do: stderr is gone too */
	}
	exiting = 1;
	errno = saved;
}

static void say_phase(const char *fmt, ...)
{
	va_list ap;

	stop_phase_set = 0;
	va_start(ap, fmt);
	vsnprintf(stop_phase, sizeof(stop_phase), fmt, ap);
	va_end(ap);
	stop_phase_set = 1;
}

/*
 * SIGINT, SIGTERM, SIGHUP and a closed stdout (SIGPIPE, then EPIPE from the
 * write) all end the run the same way. No SA_RESTART: poll() returns EINTR.
 */
static void catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	mass__set_stop(&exiting);
}

static bool verbose_libbpf;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG || (level == LIBBPF_INFO && !verbose_libbpf))
		return 0;
	if (!verbose_libbpf)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void trace__init_libbpf(void)
{
	verbose_libbpf = getenv("PWRU_DEBUG") != NULL;
	libbpf_set_print(libbpf_print);
}

/*
 * The kernel gives identical stacks one id, so several events in flight can
 * share it: an id deleted at its first lookup leaves the others without a
 * stack. Ids are never deleted during a run, and without BPF_F_REUSE_STACKID
 * a bucket, once filled, keeps its stack (a different stack that hashes
 * there gets -EEXIST and no id), so a cache by id is exact.
 */
struct stack_cache {
	int fd;
	__u32 cap; /* the map's max_entries: ids are below it */
	__u64 **ips; /* ips[id]: nr[id] frames, or NULL */
	__u8 *nr;
};

struct trace {
	pid_t ready_keeper; /* > 0: the child that removes the ready file (keep_ready_file) */
	int ready_pipe; /* its pipe, valid when ready_keeper > 0 */
	const struct options *o;
	struct pwru_run run;
	struct features *feat;
	struct backend be;
	struct ksyms *ksyms;
	bool ksyms_read, ksyms_attached; /* read (after attach: BPF frames are in it) */
	struct drop_reasons *reasons;
	struct out_ctx out;
	FILE *outf;
	struct pipeline *pl;
	__u64 printed;
	struct pwru_pcap *pcap;
	struct stack_cache stacks;
	bool nomatch; /* the last backend tried had nothing --filter-func names */
	struct priv_target priv;
	bool dropped; /* the event loop runs without root and capabilities */
	bool maps_unreadable; /* after the drop: bpf() map reads refused */
	struct netns_names *netns_names;
	int exit_code; /* when not 1 on failure: 2 for a filter the kernel rejects */
	struct nft_rules *rules; /* opened at the first netfilter drop */
	struct nft_trace *nftr; /* --nft-trace */
	bool rules_failed;
	int broker_fd; /* > 0: socket to the rule broker (start_rule_broker) */
	pid_t broker;
	struct skb_meta_out skb_meta; /* --output-skb-metadata names, for the formatter */
	int core_btf_fd; /* > 0: memfd of vmlinux BTF and module types (setup_modbtf) */
	char core_btf_path[32];
	/*
	 * --output-skb and friends format every event against BTF, long after
	 * the run's own copy is freed (the tracepoint backend before its load,
	 * release_setup() once attached): the dumper keeps a parse of its own.
	 */
	struct btf *dump_btf;
};

static void release_modbtf(struct trace *t)
{
	btf__free(t->run.mod_btf);
	t->run.mod_btf = NULL;
	t->run.core_btf = NULL;
	if (t->core_btf_fd > 0)
		close(t->core_btf_fd);
	t->core_btf_fd = 0;
}

static struct btf *load_btf(const char *path)
{
	struct btf *btf = path ? btf__parse(path, NULL) : btf__load_vmlinux_btf();

	return libbpf_get_error(btf) ? NULL : btf;
}

/* --kmods names modules that must be loaded: say which one is not, once, before discovery. */
static int check_kmods(const struct options *o)
{
	char path[PATH_MAX];
	const char *p = o->kmods;

	while (p && *p && !o->all_kmods) {
		int n = strcspn(p, ",");

		snprintf(path, sizeof(path), "/sys/kernel/btf/%.*s", n, p);
		if (access(path, R_OK)) {
			perr("--kmods: module '%.*s' is not loaded or has no BTF (%s: %s)", n, p,
			     path, strerror(errno));
			return -ENOENT;
		}
		p += p[n] ? n + 1 : n;
	}
	return 0;
}

/* From BTF, or from the pinned build's table when the kernel has none. */
static int discover_funcs(const struct options *o, const char *pinned_dir, const struct btf *btf,
			  const struct ksyms *ks, struct skb_funcs *out)
{
	struct discover_opts d = {
		.kernel_btf = o->kernel_btf,
		.filter_func = o->filter_func,
		.all_kmods = o->all_kmods,
		.kmods = o->kmods,
		.btf = btf,
		.ksyms = ks,
	};
	struct skb_funcs table = {};
	int err;

	if (pinned_dir) {
		if (o->all_kmods || o->kmods)
			fprintf(stderr, "pwru: --all-kmods/--kmods: without module BTF only vmlinux "
					"functions are known (the pinned build's table)\n");
		err = pinned__read_table(pinned_dir, "funcs", &table);
		if (err)
			return err;
		d.candidates = &table;
	}
	err = skb_funcs__discover(&d, out);
	skb_funcs__free(&table);
	return err;
}

static void load_ksyms(struct trace *t, bool attached);

static int discover(struct trace *t)
{
	if (t->run.funcs.n)
		return 0;
	load_ksyms(t, false);
	return discover_funcs(t->o, t->run.pinned_dir, t->run.btf, t->ksyms, &t->run.funcs);
}

static double now_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * strerror() for what reaches us from the kernel: 524 is its internal
 * ENOTSUPP, which bpf() leaks to user space (e.g. a trampoline for a
 * function it cannot trace) and libc has no name for.
 */
static const char *errstr(int err, char *buf, size_t len)
{
	if (err == 524)
		snprintf(buf, len, "the kernel refused the target: ENOTSUPP (524), its internal "
				   "'not supported'");
	else
		snprintf(buf, len, "%s", strerror(err));
	return buf;
}

/*
 * A remedy written for `pwru check` and auto mode may say that pwru falls
 * back by itself; with --probe-backend it does not.
 */
static const char *forced_remedy(const char *remedy, char *buf, size_t len)
{
	static const char *const cuts[] = { "; pwru falls back", " (pwru picks one by itself)",
					    "; meanwhile use another backend" };
	char *p;

	snprintf(buf, len, "%s", remedy);
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++)
		if ((p = strstr(buf, cuts[i])))
			*p = '\0';
	if (strcmp(buf, remedy))
		snprintf(buf + strlen(buf), len - strlen(buf),
			 "; or leave out --probe-backend, and pwru picks a usable backend");
	return buf;
}

/* Nothing --filter-func names can be probed by that backend. */
static int no_match(struct trace *t, const struct backend_ops *ops)
{
	t->nomatch = true;
	perr("--filter-func '%s' matches no %s that backend %s can probe", t->o->filter_func,
	     ops->needs_funcs ? "function" : "tracepoint", ops->name);
	t->exit_code = 2;
	return -ESRCH;
}

/*
 * --filter-track-skb forgets an skb where its struct is freed: kfree_skbmem
 * (every kfree_skb/consume_skb path), or the NAPI cache that skips it (5.12+),
 * or __kfree_skb where kfree_skbmem is inlined.
 */
static void track_free_funcs(struct trace *t)
{
	static const char *const frees[PWRU_TRACK_FREE_FUNCS] = {
		"kfree_skbmem", "napi_skb_cache_put", "__napi_kfree_skb", "__kfree_skb"
	};
	const struct skb_funcs *f = &t->run.funcs;

	memset(t->run.cfg.free_func, 0, sizeof(t->run.cfg.free_func));
	for (int k = 0; k < PWRU_TRACK_FREE_FUNCS; k++)
		for (size_t i = 0; i < f->n; i++)
			if (!f->v[i].module && !strcmp(f->v[i].name, frees[k]))
				t->run.cfg.free_func[k] = i + 1;
}

static int try_backend(struct trace *t, const struct backend_ops *ops)
{
	int err;

	t->nomatch = false;
	pcap_filter__next_backend();
	memset(&t->be, 0, sizeof(t->be));
	t->be.ops = ops;
	t->be.events_fd = t->be.stacks_fd = t->be.lost_fd = t->be.bss_fd = -1;
	t->be.kind = PWRU_EV_FUNC;
	if (ops->needs_funcs) {
		err = discover(t);
		if (err)
			return err;
		if (!t->run.funcs.n)
			return t->o->filter_func ? no_match(t, ops) : -ENOENT;
		if (t->o->filter_track_skb)
			track_free_funcs(t);
	}
	err = ops->open(&t->be, &t->run);
	err = err ?: ops->attach(&t->be, &t->run);
	/* the tracepoint backend's attach: -ESRCH when the filter named none */
	if (err == -ESRCH && t->o->filter_func && !ops->needs_funcs)
		no_match(t, ops);
	if (err) {
		ops->close(&t->be);
		backend__unmap(&t->be);
		memset(&t->be, 0, sizeof(t->be));
	}
	return err;
}

static void be_close(struct trace *t)
{
	double t0;

	if (!t->be.ops)
		return;
	t0 = now_secs();
	t->be.ops->close(&t->be);
	t->be.stats.detach_secs = now_secs() - t0;
	t->be.ops = NULL;
	backend__unmap(&t->be);
	t->be.events_fd = t->be.stacks_fd = t->be.lost_fd = t->be.bss_fd = -1;
}

/*
 * Forced: that backend or exit 1 with the reason. Auto: the detector's
 * choice, then the next ones if loading or attaching fails at run time.
 */
static int choose_backend(struct trace *t)
{
	char why[256], explain[1024], rem[512], eb[128];
	int be, err = -ENOTSUP, nr, order[PWRU_BE__COUNT];
	const char *remedy = NULL;

	if (t->o->backend >= 0) {
		be = t->o->backend;
		if (!features__usable(t->feat, be, why, sizeof(why), &remedy)) {
			perr("backend %s is not usable on this kernel: %s%s%s",
			     pwru_backend_name(be), why, remedy ? "; " : "",
			     remedy ? forced_remedy(remedy, rem, sizeof(rem)) : "");
			return -ENOTSUP;
		}
		if (!backend_ops_get(be)) {
			perr("backend %s is not built into this pwru", pwru_backend_name(be));
			return -ENOTSUP;
		}
		err = try_backend(t, backend_ops_get(be));
		if (err && !t->nomatch)
			perr("backend %s failed: %s", pwru_backend_name(be),
			     errstr(-err, eb, sizeof(eb)));
		return err;
	}
	/* the ranking weighs the number of function targets, if any backend takes them */
	for (be = 0; be < PWRU_BE__COUNT; be++) {
		const struct backend_ops *ops = backend_ops_get(be);

		if (ops && ops->needs_funcs && features__usable(t->feat, be, NULL, 0, NULL)) {
			if (discover(t))
				t->run.funcs.n = 0;
			break;
		}
	}
	nr = features__rank(t->feat, t->run.funcs.n, order, explain, sizeof(explain));
	if (!nr) {
		perr("no backend is usable on this kernel: %s", explain);
		perr("run `pwru check` for details");
		return -ENOTSUP;
	}
	fprintf(stderr, "pwru: using backend %s\n", explain);
	for (int i = 0; i < nr && !exiting; i++) {
		const struct backend_ops *ops = backend_ops_get(order[i]);

		if (!ops) {
			fprintf(stderr, "pwru: skipping backend %s: not built into this pwru\n",
				pwru_backend_name(order[i]));
			continue;
		}
		if (i)
			fprintf(stderr, "pwru: falling back to backend %s\n", ops->name);
		err = try_backend(t, ops);
		if (!err || exiting)
			return err;
		if (!t->nomatch)
			perr("backend %s failed at load or attach: %s", ops->name,
			     errstr(-err, eb, sizeof(eb)));
	}
	if (exiting)
		return -EINTR;
	/* exit 2 only when --filter-func matched nothing for every backend tried */
	if (!t->nomatch)
		t->exit_code = 0;
	return -ENOTSUP;
}

static int stack_lookup(void *priv, __s32 id, __u64 *ips, size_t max)
{
	struct stack_cache *sc = priv;
	__u64 buf[OUT_STACK_MAX] = {};
	size_t n = 0;

	if (id < 0 || (__u32)id >= sc->cap)
		return -ENOENT;
	if (!sc->ips[id]) {
		if (bpf_map_lookup_elem(sc->fd, &id, buf))
			return -ENOENT;
		while (n < OUT_STACK_MAX && buf[n])
			n++;
		sc->ips[id] = malloc(n * sizeof(buf[0]) ?: 1);
		if (!sc->ips[id])
			return -ENOMEM;
		memcpy(sc->ips[id], buf, n * sizeof(buf[0]));
		sc->nr[id] = n;
	}
	n = sc->nr[id] < max ? sc->nr[id] : max;
	memcpy(ips, sc->ips[id], n * sizeof(ips[0]));
	return n;
}

static int stack_cache__init(struct stack_cache *sc, int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	sc->fd = fd;
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	sc->ips = calloc(info.max_entries, sizeof(*sc->ips));
	sc->nr = calloc(info.max_entries, sizeof(*sc->nr));
	if (!sc->ips || !sc->nr)
		return -ENOMEM;
	sc->cap = info.max_entries;
	return 0;
}

static void stack_cache__free(struct stack_cache *sc)
{
	for (__u32 i = 0; sc->ips && i < sc->cap; i++)
		free(sc->ips[i]);
	free(sc->ips);
	free(sc->nr);
}

static int on_event(void *ctx, const struct pwru_event *ev)
{
	struct trace *t = ctx;
	struct pwru_event_dump rec; /* the longest record: a dump after the netfilter part */

	/* --nft-trace: the verdict the kernel traced for this drop's flow */
	if (t->nftr && ev->flags & PWRU_F_HAS_DROP && !(ev->flags & PWRU_F_HAS_NF)) {
		memcpy(&rec, ev, ev->flags & PWRU_F_HAS_DUMP ? sizeof(rec) : sizeof(rec.ev));
		if (nft_trace__match(t->nftr, ev, &rec.nf)) {
			rec.ev.flags |= PWRU_F_HAS_NF;
			ev = &rec.ev;
		}
	}
	output__event(&t->out, ev, t->outf);
	t->printed++;
	/* a closed stdout (EPIPE) ends the run like a signal */
	return ferror(t->outf) || (t->o->limit_lines && t->printed >= t->o->limit_lines);
}

/* The reader of our pipe went away (`pwru | head`): stop before the next write. */
static bool output_gone(FILE *f)
{
	struct pollfd p = { .fd = fileno(f) };

	return ferror(f) || (poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP)));
}

/* BTF first; without it the kernel's own tracepoint format, then the pinned table. */
static struct drop_reasons *load_reasons(const struct pwru_run *r)
{
	struct drop_reasons *dr = r->btf ? drop_reasons__from_btf(r->btf) : NULL;
	char path[PATH_MAX];

	if (!dr && !r->btf)
		dr = drop_reasons__from_tracefs(NULL);
	if (!dr && r->pinned_dir) {
		snprintf(path, sizeof(path), "%s/drop_reasons", r->pinned_dir);
		dr = drop_reasons__from_file(path);
	}
	return dr;
}

/* One line; exit 2 for a symlink we refuse (O_NOFOLLOW gives ELOOP), 1 as before otherwise. */
static int open_output(struct trace *t, const char *opt, const char *path, int flags)
{
	int fd = priv__open_output(path, flags);

	if (fd == -ELOOP) {
		perr("%s: '%s' is a symbolic link; refusing to follow it", opt, path);
		t->exit_code = 2;
	} else if (fd < 0) {
		perr("%s: cannot open '%s': %s", opt, path, strerror(-fd));
	}
	return fd;
}

struct broker_req {
	__u8 family;
	char table[sizeof(((struct pwru_nf *)0)->table)];
	char chain[sizeof(((struct pwru_nf *)0)->chain)];
	__u64 handle;
};

struct broker_resp {
	int err;
	struct nft_rule_info info;
};

/* The unprivileged side: one request, one answer, over a SEQPACKET socket. */
static int broker_lookup(struct trace *t, const struct pwru_nf *nf, struct nft_rule_info *out)
{
	struct broker_req rq = { .family = nf->family, .handle = nf->handle };
	struct broker_resp rs;

	memcpy(rq.table, nf->table, sizeof(rq.table));
	memcpy(rq.chain, nf->chain, sizeof(rq.chain));
	rq.table[sizeof(rq.table) - 1] = rq.chain[sizeof(rq.chain) - 1] = 0;
	memset(out, 0, sizeof(*out));
	if (send(t->broker_fd, &rq, sizeof(rq), MSG_NOSIGNAL) != sizeof(rq) ||
	    recv(t->broker_fd, &rs, sizeof(rs), 0) != sizeof(rs))
		return -ENOTCONN;
	if (rs.err)
		return rs.err;
	*out = rs.info;
	out->text[sizeof(out->text) - 1] = 0;
	return 0;
}

static void close_fds_but(int keep);

/*
 * Fork one of the root children that outlive the privilege drop. The child
 * keeps only fds[child_end], holds no BPF object, and ignores the terminal's
 * signals (they reach the whole process group): it ends when pwru closes its
 * end. Returns the pid to the parent, 0 in the child, or a negative errno
 * with both fds closed.
 */
static pid_t fork_root_helper(int fds[2], int child_end)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		pid = -errno;
		close(fds[0]);
		close(fds[1]);
		return pid;
	}
	if (!pid) {
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		signal(SIGPIPE, SIG_IGN);
		close_fds_but(fds[child_end]);
	}
	return pid;
}

/*
 * Naming a netfilter rule reads the ruleset over nf_tables netlink and runs
 * `iptables -S`: both need CAP_NET_ADMIN of the asking process at that time,
 * long after the privilege drop. So a child forked before the drop keeps
 * root for that one job: it holds no BPF object and no packet data, answers
 * (family, table, chain, handle) with the rule's text, and exits when pwru
 * closes its socket, or dies. What it can be asked reveals the ruleset only,
 * which is read-only to it.
 */
static int start_rule_broker(struct trace *t)
{
	struct nft_rules *nr = NULL;
	struct broker_req rq;
	struct broker_resp rs;
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	pid = fork_root_helper(sv, 1);
	if (pid < 0)
		return pid;
	if (!pid) {
		while (recv(sv[1], &rq, sizeof(rq), 0) == sizeof(rq)) {
			memset(&rs, 0, sizeof(rs));
			rq.table[sizeof(rq.table) - 1] = rq.chain[sizeof(rq.chain) - 1] = 0;
			if (!nr)
				nr = nft_rules__new();
			rs.err = nr ? nft_rules__lookup(nr, rq.family, rq.table, rq.chain, rq.handle,
							&rs.info) :
				      -ENOTCONN;
			if (send(sv[1], &rs, sizeof(rs), MSG_NOSIGNAL) != sizeof(rs))
				break;
		}
		nft_rules__free(nr);
		_exit(0);
	}
	close(sv[1]);
	t->broker_fd = sv[0];
	t->broker = pid;
	return 0;
}

static void stop_rule_broker(struct trace *t)
{
	if (t->broker_fd <= 0)
		return;
	close(t->broker_fd);
	waitpid(t->broker, NULL, 0);
	t->broker_fd = 0;
}

/* out_ctx's nf_lookup: the rule text behind a handle, over netlink. */
static int nf_lookup(void *priv, const struct pwru_nf *nf, struct nft_rule_info *out)
{
	struct trace *t = priv;

	if (t->broker_fd > 0)
		return broker_lookup(t, nf, out);
	if (!t->rules && !t->rules_failed) {
		t->rules = nft_rules__new();
		if (!t->rules) {
			t->rules_failed = true;
			fprintf(stderr, "pwru: cannot read the nf_tables ruleset (%s): rules stay "
					"unnamed\n", strerror(errno));
		}
	}
	if (!t->rules)
		return -ENOTCONN;
	return nft_rules__lookup(t->rules, nf->family, nf->table, nf->chain, nf->handle, out);
}

/* After the backend is chosen: only the tracepoint backend needs the tracing table. */
static int setup_nft_trace(struct trace *t)
{
	char msg[256];
	int err;

	if (!t->o->nft_trace)
		return 0;
	if (t->be.kind != PWRU_EV_TRACEPOINT) {
		perr("--nft-trace: backend %s names the rule without changing the "
		     "ruleset; drop --nft-trace (it is for --probe-backend tracepoint)",
		     t->be.ops->name);
		t->exit_code = 2;
		return -EINVAL;
	}
	err = nft_trace__open(&t->nftr, t->o->pcap_filter, msg, sizeof(msg));
	if (err)
		perr("--nft-trace: %s", msg);
	else
		fprintf(stderr, "pwru: --nft-trace: %s\n", msg);
	return err;
}

/*
 * Once: before discovery when a backend needs functions (their addresses
 * come from it), else after attach, when libbpf has freed the vmlinux BTF
 * it parsed for loading (the two would add up in peak RSS). Stacks are the
 * only output where our own programs and trampolines appear: with
 * --output-stack a table read before attach is read again, so that they
 * symbolize as BPF frames.
 */
static void load_ksyms(struct trace *t, bool attached)
{
	if (t->ksyms_read && (!attached || !t->o->output_stack || t->ksyms_attached || !t->ksyms))
		return;
	ksyms__free(t->ksyms);
	t->ksyms = ksyms__load(NULL);
	t->ksyms_read = true;
	t->ksyms_attached = attached;
	if (!t->ksyms)
		fprintf(stderr, "pwru: warning: cannot read /proc/kallsyms (%s): addresses stay numeric\n",
			strerror(errno));
	t->out.ksyms = t->ksyms;
}

static int setup_output(struct trace *t)
{
	struct stat st;
	int err;

	t->outf = stdout;
	if (t->o->output_file) {
		err = open_output(t, "--output-file", t->o->output_file, O_TRUNC);
		t->outf = err < 0 ? NULL : fdopen(err, "w");
		if (!t->outf)
			return err < 0 ? err : -errno;
	}
	/* created only once attached, but a planted symlink is refused now */
	if (t->o->ready_file && !lstat(t->o->ready_file, &st) && S_ISLNK(st.st_mode)) {
		perr("--ready-file: '%s' is a symbolic link; refusing to follow it",
		     t->o->ready_file);
		t->exit_code = 2;
		return -ELOOP;
	}
	err = out_ctx__init(&t->out, t->o);
	if (err)
		return err;
	t->out.reasons = t->reasons = load_reasons(&t->run);
	if (t->o->output_netns_names) {
		err = netns_names__load(NULL, &t->netns_names);
		if (err)
			return err;
		t->out.netns_names = t->netns_names;
	}
	t->out.nf_lookup = nf_lookup;
	t->out.nf_priv = t;
	t->out.skb_meta = &t->skb_meta;
	t->out.drops = drop_summary__new();
	return t->out.drops ? 0 : -ENOMEM;
}

/*
 * --output-skb and friends: the BPF side copies what the BTF that formats
 * the bytes describes, so both come from it (the kernel's, or --kernel-btf).
 * Before any backend loads: the sizes go into CFG.
 */
static int setup_skb_dump(struct trace *t)
{
	const struct options *o = t->o;
	struct skb_dump_opts so = {
		.skb = o->output_skb,
		.shinfo = o->output_skb_shared_info,
		.cb = o->output_skb_cb,
		.btf_name = o->kernel_btf ?: "/sys/kernel/btf/vmlinux",
	};
	const char *opt = so.skb ? "--output-skb" : so.shinfo ? "--output-skb-shared-info" :
								"--output-skb-cb";
	char msg[512];
	int err;

	if (!so.skb && !so.shinfo && !so.cb)
		return 0;
	if (!t->run.btf) {
		perr("%s: the dump is formatted from the kernel's BTF, and this kernel has none: "
		     "pass --kernel-btf FILE", opt);
		t->exit_code = 2;
		return -EINVAL;
	}
	t->dump_btf = load_btf(so.btf_name);
	if (!t->dump_btf) {
		perr("%s: cannot read the BTF %s: %s", opt, so.btf_name, strerror(errno));
		return -errno;
	}
	err = skb_dump__new(t->dump_btf, &so, &t->run.cfg, &t->out.skb_dump, msg, sizeof(msg));
	if (err) {
		perr("%s", msg);
		if (err == -EINVAL)
			t->exit_code = 2;
	}
	return err;
}

static void bind_names(struct trace *t)
{
	static const char **func_names;

	if (t->be.kind == PWRU_EV_TRACEPOINT) {
		t->out.tp_names = t->be.names;
		t->out.nr_tps = t->be.nr_names;
		return;
	}
	func_names = calloc(t->run.funcs.n + 1, sizeof(*func_names));
	for (size_t i = 0; func_names && i < t->run.funcs.n; i++)
		func_names[i] = t->run.funcs.v[i].name;
	t->out.func_names = func_names;
	t->out.nr_funcs = func_names ? t->run.funcs.n : 0;
}

/*
 * Map reads (the lost counter, stacks) go through bpf(2), not mmap like the
 * ring and perf buffers. Debian 6.1 (unprivileged_bpf_disabled=2), 6.12 and
 * 6.18 allow them on our fds after the drop; a kernel that refuses them
 * without CAP_BPF is detected once, and said, rather than assumed.
 */
static bool maps_readable(int fd)
{
	int ncpu = libbpf_num_possible_cpus(), zero = 0;
	__u64 *v;
	bool ok;

	if (fd < 0 || ncpu <= 0)
		return true;
	v = calloc(ncpu, sizeof(*v));
	ok = !v || !bpf_map_lookup_elem(fd, &zero, v) || errno != EPERM;
	free(v);
	return ok;
}

static const char *why_keep(const struct trace *t)
{
	if (t->priv.keep)
		return "--user root";
	/* rule names come from the broker (start_rule_broker), not from us */
	return NULL;
}

/* Close every fd but keep: a keeper must not hold BPF objects alive. */
static void close_fds_but(int keep)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);

		if (fd > 2 && fd != keep && fd != dirfd(d))
			close(fd);
	}
	closedir(d);
}

/*
 * After the drop pwru may no longer write to the ready file's directory (a
 * root-only `mktemp -d`, /run), yet the file must go at stop. A child that
 * keeps root and does nothing else waits on a pipe; when pwru closes it, at
 * stop or by dying (SIGKILL included), the child removes the file and exits.
 * It holds no BPF object, reads no packet data and ignores the terminal's
 * signals, which reach the whole process group.
 */
static int keep_ready_file(struct trace *t)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	pid = fork_root_helper(p, 0);
	if (pid < 0)
		return pid;
	if (!pid) {
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		unlink(t->o->ready_file);
		_exit(0);
	}
	close(p[0]);
	t->ready_pipe = p[1];
	t->ready_keeper = pid;
	return 0;
}

static void remove_ready_file(struct trace *t)
{
	if (t->ready_keeper > 0) {
		close(t->ready_pipe);
		waitpid(t->ready_keeper, NULL, 0);
		t->ready_keeper = 0;
	} else if (t->o->ready_file) {
		unlink(t->o->ready_file);
	}
}

/*
 * Probes attached, buffers mapped, output open: what is left parses
 * packets, so it runs as t->priv's user with no capabilities. The ready
 * file is created first and written after the drop: once it holds our pid,
 * the drop is done. Two root children stay for the jobs that need it after
 * the drop: removing the ready file and naming netfilter rules.
 */
static int drop_privileges(struct trace *t)
{
	const char *keep = why_keep(t);
	char err[256];
	int fd = -1, ret;

	if (t->o->ready_file) {
		fd = open_output(t, "--ready-file", t->o->ready_file, O_TRUNC);
		if (fd < 0)
			return fd;
		if (t->priv.switch_user && !keep)
			(void)!fchown(fd, t->priv.uid, t->priv.gid);
	}
	if (keep) {
		fprintf(stderr, "pwru: keeping root: %s\n", keep);
	} else {
		if (fd >= 0 && t->priv.switch_user) {
			ret = keep_ready_file(t);
			if (ret) {
				perr("--ready-file: cannot start its remover: %s", strerror(-ret));
				close(fd);
				return ret;
			}
		}
		if (t->o->nft_trace || t->be.kind == PWRU_EV_FUNC) {
			ret = start_rule_broker(t);
			if (ret)
				fprintf(stderr, "pwru: cannot start the rule lookup child (%s): "
						"netfilter rules stay unnamed\n",
					strerror(-ret));
		}
		ret = priv__drop(&t->priv, err, sizeof(err));
		if (ret) {
			perr("%s", err);
			if (fd >= 0)
				close(fd);
			return ret;
		}
		t->dropped = true;
		t->maps_unreadable = !maps_readable(t->be.lost_fd);
		if (t->maps_unreadable && t->o->output_stack)
			fprintf(stderr, "pwru: warning: --output-stack: this kernel refuses map reads "
					"without CAP_BPF: "
					"stacks stay empty; --user root keeps them\n");
	}
	if (fd >= 0) {
		dprintf(fd, "%d\n", getpid());
		close(fd);
	}
	return 0;
}

static int stream(struct trace *t)
{
	int err = 0;

	t->pl = pipeline__new(t->be.events_fd, t->run.perfbuf, t->o->ringbuf_pages, on_event, t);
	if (!t->pl)
		return -errno;
	err = stack_cache__init(&t->stacks, t->be.stacks_fd);
	if (err)
		return err;
	t->out.stack_lookup = stack_lookup;
	t->out.stack_priv = &t->stacks;
	output__header(&t->out, t->outf);
	fflush(t->outf);
	err = backend__set_ready(&t->be, true);
	if (err) {
		perr("cannot arm the probes: %s", strerror(-err));
		return err;
	}
	/* after arming: the ready file says tracing has started (written by the drop) */
	err = drop_privileges(t);
	if (err)
		return err;
	fprintf(stderr, "pwru: tracing; press Ctrl-C to stop\n");
	while (!exiting && !pipeline__stopped(t->pl)) {
		err = pipeline__poll(t->pl, 100);
		if (err == -EINTR) {
			err = 0;
			continue;
		}
		if (err < 0)
			break;
		err = 0;
		if (t->outf == stdout)
			fflush(stdout);
		if (output_gone(t->outf))
			break;
	}
	return err;
}

/*
 * Removing the probes takes long where the kernel waits per link (fentry on
 * 6.x: an RCU-tasks grace period each); a child that holds copies of every fd
 * does it after pwru has exited. PWRU_DETACH=background|foreground overrides
 * the estimate, for tests; --wait-detach waits.
 */
static bool detach_in_background(const struct trace *t)
{
	const char *env = getenv("PWRU_DETACH");
	struct backend_cost c;

	if (t->o->wait_detach || !t->be.stats.attached)
		return false;
	if (env)
		return !strcmp(env, "background");
	features__cost(t->feat, t->be.ops->id, t->be.stats.attached, &c);
	return c.detach_secs > 1;
}

/*
 * 0 once the child owns the probes; the parent's copies close at its exit.
 * The child waits for that exit before closing its own: whoever drops the
 * last reference to a link pays for its release, and that must be the child.
 * The parent's files are released before it is reaped and its children
 * reparented (do_exit: exit_files, then exit_notify), so a new parent pid
 * means they are gone.
 */
static struct backend handed_to_remover;

static int spawn_remover(struct trace *t)
{
	size_t n = t->be.stats.attached;
	pid_t pid, parent = getpid();
	int fd;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		/* out of the terminal's process group: a Ctrl-C for the next command is not ours */
		setsid();
		signal(SIGINT, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		signal(SIGPIPE, SIG_IGN);
		signal(SIGTERM, SIG_DFL);
		fd = open("/dev/null", O_RDWR);
		for (int i = 0; fd >= 0 && i < 3; i++)
			dup2(fd, i);
		/* a reader of --output-file (a FIFO) must see EOF now */
		if (t->outf && t->outf != stdout)
			close(fileno(t->outf));
		/* the rule broker ends when pwru closes its socket: not ours to hold */
		if (t->broker_fd > 0)
			close(t->broker_fd);
		while (getppid() == parent)
			usleep(10 * 1000);
		t->be.ops->close(&t->be);
		_exit(0);
	}
	fprintf(stderr, "pwru: removing %zu probes in the background (pid %d)\n", n, pid);
	/*
	 * The child closes; we exit without touching the backend, whose memory
	 * stays reachable here until then (for LeakSanitizer, rightly: it is
	 * not lost, it is handed over).
	 */
	handed_to_remover = t->be;
	t->be.ops = NULL;
	return 0;
}

/*
 * Quiet first, so a slow detach costs nothing per call; then the summary,
 * at once; then the ready file goes; then the probes, here or in a child.
 */
static void finish(struct trace *t)
{
	struct attach_stats st = t->be.stats;
	__u64 lost = 0, events = 0;

	if (t->be.ops)
		backend__set_ready(&t->be, false);
	say_phase("pwru: still stopping: reading the last events\n");
	if (t->pl) {
		pipeline__drain(t->pl);
		events = pipeline__events(t->pl);
		lost = pipeline__lost(t->pl, t->be.lost_fd);
	}
	fprintf(stderr, "pwru: %llu events, %llu lost%s; %zu attached, %zu skipped\n",
		(unsigned long long)events, (unsigned long long)lost,
		t->maps_unreadable ? " (or more: the lost map is unreadable without CAP_BPF here)" :
				     "",
		st.attached, st.skipped);
	drop_summary__print(t->out.drops, stderr);
	remove_ready_file(t);
	if (!t->be.ops)
		return;
	if (detach_in_background(t) && !spawn_remover(t))
		return;
	say_phase("pwru: still removing %zu probes (the kernel takes its time per %s link); "
		  "they go when it is done, even if pwru is killed\n",
		  st.attached, t->be.ops->name);
	be_close(t);
	fprintf(stderr, "pwru: detached in %.2fs\n", t->be.stats.detach_secs);
}

static void trace__free(struct trace *t)
{
	if (t->outf && t->outf != stdout)
		fclose(t->outf);
	else if (t->outf)
		fflush(stdout);
	pipeline__free(t->pl);
	stack_cache__free(&t->stacks);
	ksyms__free(t->ksyms);
	drop_reasons__free(t->reasons);
	netns_names__free(t->netns_names);
	free((void *)t->out.func_names);
	nft_trace__close(t->nftr);
	drop_summary__free(t->out.drops);
	nft_rules__free(t->rules);
	stop_rule_broker(t);
	skb_dump__free(t->out.skb_dump);
	btf__free(t->dump_btf);
	out_ctx__free(&t->out);
	skb_funcs__free(&t->run.funcs);
	btf__free(t->run.btf);
	release_modbtf(t);
	features__free(t->feat);
	pcap_filter__uninstall();
	pcap_filter__free(t->pcap);
}

/*
 * pwru resolves --filter-ifname inside --filter-netns: the name must exist
 * there, and events are then matched on its ifindex too (a same-named
 * device in another netns does not match).
 */
static int ifname_in_netns(struct trace *t)
{
	const struct options *o = t->o;
	int ifindex;

	if (!o->ifname || !o->netns_path)
		return 0;
	ifindex = netns__ifindex(o->netns_path, o->ifname);
	if (ifindex == -ENODEV) {
		perr("--filter-ifname: no interface '%s' in netns %s", o->ifname, o->netns_path);
		t->exit_code = 2;
		return ifindex;
	}
	if (ifindex < 0) {
		perr("--filter-ifname: cannot look up '%s' in netns %s: %s", o->ifname,
		     o->netns_path, strerror(-ifindex));
		return ifindex;
	}
	t->run.cfg.ifindex = ifindex;
	return 0;
}

static void fill_cfg(struct trace *t)
{
	struct pwru_cfg *c = &t->run.cfg;

	c->netns = t->o->netns;
	c->mark = t->o->mark;
	c->mark_mask = t->o->mark_mask;
	if (t->o->ifname)
		snprintf(c->ifname, sizeof(c->ifname), "%s", t->o->ifname);
	c->output_stack = t->o->output_stack;
	c->output_caller = t->o->output_caller;
	c->use_perfbuf = t->run.perfbuf;
	c->track_skb = t->o->filter_track_skb;
}

/* --filter-skb-expr, --output-skb-metadata: fields looked up in the kernel's BTF */
static int setup_skb_expr(struct trace *t)
{
	char msg[512];
	int err;

	err = skb_expr__setup(t->o, t->run.btf, &t->run.expr, &t->skb_meta, msg, sizeof(msg));
	if (err) {
		perr("%s", msg);
		t->exit_code = 2;
	}
	return err;
}

/* Compile, check with the verifier, and arm the splice before any backend opens. */
static int setup_pcap(struct trace *t)
{
	char msg[512];
	int err;

	err = pcap_filter__compile(t->o->pcap_filter, &t->pcap, msg, sizeof(msg));
	/* PWRU_PCAP_NO_PRECHECK=1 leaves the verdict to the backend's load, to test that path */
	if (!err && !getenv("PWRU_PCAP_NO_PRECHECK"))
		err = pcap_filter__verify(t->pcap, msg, sizeof(msg));
	if (err) {
		perr("pcap filter '%s': %s", t->o->pcap_filter, msg);
		t->exit_code = 2;
		return err;
	}
	err = pcap_filter__install(t->pcap);
	if (err) {
		perr("pcap filter: cannot register libbpf handlers: %s", strerror(-err));
		return err;
	}
	t->run.pcap = t->pcap;
	t->run.cfg.pcap_filter = 1;
	return 0;
}

/*
 * nf_tables loaded without BTF of its own (before 5.11: Debian 11's 5.10):
 * its types from the kernel's headers (src/modbtf.h), merged with vmlinux's
 * as the CO-RE target, so the netfilter probes name table, chain and rule.
 * Never fatal: without them pwru still names the drop's place and reason
 * (src/nft/nf_probe.c says what is off, and why).
 */
static void setup_modbtf(struct trace *t)
{
	char path[PATH_MAX], why[PATH_MAX + 128];
	struct btf *mod = NULL;
	struct utsname u;
	int err, fd = -1;

	if (!t->run.btf || getenv("PWRU_NO_NF") || !nf_probes__module_without_btf("/sys") ||
	    uname(&u))
		return;
	err = modbtf__load(u.release, &mod, path, sizeof(path), why, sizeof(why));
	if (err == -ENOENT)
		return;
	err = err ?: modbtf__check(t->run.btf, mod, why, sizeof(why));
	if (!err) {
		fd = modbtf__merge(t->run.btf, mod);
		if (fd < 0) {
			err = fd;
			snprintf(why, sizeof(why), "merging them with the kernel's BTF: %s",
				 strerror(-fd));
		}
	}
	if (err) {
		fprintf(stderr, "pwru: module types %s not used: %s\n", path, why);
		btf__free(mod);
		return;
	}
	t->core_btf_fd = fd;
	snprintf(t->core_btf_path, sizeof(t->core_btf_path), "/proc/self/fd/%d", fd);
	t->run.core_btf = t->core_btf_path;
	t->run.mod_btf = mod;
}

static int prepare(struct trace *t)
{
	struct probe_opts po = { .kernel_btf = t->o->kernel_btf,
				.find_pinned = pinned__find,
				.run = true,
				.backend = t->o->backend };
	const char *pinned = "";
	char why[512];
	int err;

	t->feat = features__new();
	if (!t->feat)
		return -ENOMEM;
	err = features__probe(t->feat, &po);
	if (err) {
		perr("probing the kernel failed: %s", strerror(-err));
		return err;
	}
	if (!features__supported(t->feat, why, sizeof(why))) {
		perr("%s", why);
		return -ENOTSUP;
	}
	t->run.opts = t->o;
	t->run.feat = t->feat;
	t->run.kernel_btf = t->o->kernel_btf;
	t->run.perfbuf = t->o->perf_buffer || !features__has_ringbuf(t->feat);
	t->run.ringbuf_bytes = t->o->ringbuf_pages * (__u32)sysconf(_SC_PAGESIZE);
	t->run.btf = load_btf(t->o->kernel_btf);
	if (!t->run.btf && !t->o->kernel_btf)
		t->run.pinned_dir = features__pinned_dir(t->feat, &pinned);
	if (!t->run.btf && !t->run.pinned_dir) {
		if (t->o->kernel_btf)
			perr("--kernel-btf: '%s' is not a readable BTF file", t->o->kernel_btf);
		else
			perr("this kernel has no BTF and no usable pinned build (%s); "
			     "build one with `make pinned KDIR=<its build tree> && make install`, "
			     "or pass --kernel-btf FILE (docs/no-btf.md)",
			     pinned);
		return -ENOENT;
	}
	fill_cfg(t);
	setup_modbtf(t);
	err = check_kmods(t->o) ?: ifname_in_netns(t) ?: setup_skb_expr(t);
	if (err)
		return err;
	return t->o->pcap_filter ? setup_pcap(t) : 0;
}

/*
 * What only discovery and attach needed: vmlinux BTF is ~6 MiB resident.
 * Then the heap libbpf and the BTF parses grew goes back to the system
 * before the ring buffer is mapped.
 */
static void release_setup(struct trace *t)
{
	btf__free(t->run.btf);
	t->run.btf = NULL;
	release_modbtf(t);
	malloc_trim(0);
}

int trace__run(const struct options *o)
{
	struct trace t = { .o = o };
	char msg[512];
	int err;

	/* an unknown user is bad usage: say so before attaching anything */
	err = priv__resolve(o->user, NULL, &t.priv, msg, sizeof(msg));
	if (err) {
		perr("%s", msg);
		return 2;
	}
	err = prepare(&t);
	if (!err)
		err = setup_output(&t);
	err = err ?: setup_skb_dump(&t);
	if (err)
		goto out;
	catch_signals();
	say_phase("pwru: still attaching: stopping after the probes in hand\n");
	err = choose_backend(&t);
	if (err && exiting) {
		fprintf(stderr, "pwru: stopped before any probe was attached\n");
		err = 0;
		goto out;
	}
	if (err && t.pcap && pcap_filter__rejected(msg, sizeof(msg))) {
		perr("pcap filter '%s': %s", o->pcap_filter, msg);
		t.exit_code = 2;
	} else if (err && pcap_filter__last_error(msg, sizeof(msg))) {
		perr("pcap filter: %s", msg);
	}
	err = err ?: setup_nft_trace(&t);
	if (err)
		goto out;
	if (t.run.pinned_dir)
		fprintf(stderr, "pwru: no kernel BTF: using the pinned build %s\n", t.run.pinned_dir);
	attach_stats__print(&t.be.stats,
			    t.be.kind == PWRU_EV_TRACEPOINT ? "tracepoints" : "functions", stderr);
	bind_names(&t);
	load_ksyms(&t, true);
	release_setup(&t);
	if (!exiting)
		err = stream(&t);
	finish(&t);
out:
	be_close(&t);
	remove_ready_file(&t);
	trace__free(&t);
	return err ? (t.exit_code ?: 1) : 0;
}

int trace__list_funcs(const struct options *o)
{
	char dir[PATH_MAX], why[512];
	struct skb_funcs f = {};
	struct utsname u;
	int err;

	if (check_kmods(o))
		return 1;
	/* no kernel BTF: the pinned build's table, as a trace would use it */
	if (!o->kernel_btf && access("/sys/kernel/btf/vmlinux", R_OK) && !uname(&u) &&
	    !pinned__find(u.release, dir, sizeof(dir), why, sizeof(why)))
		err = discover_funcs(o, dir, NULL, NULL, &f);
	else
		err = discover_funcs(o, NULL, NULL, NULL, &f);
	if (err) {
		perr("--list-funcs: cannot discover functions: %s", strerror(-err));
		return 1;
	}
	for (size_t i = 0; i < f.n; i++) {
		if (f.v[i].module)
			printf("%s %d [%s]\n", f.v[i].name, f.v[i].skb_pos, f.v[i].module);
		else
			printf("%s %d\n", f.v[i].name, f.v[i].skb_pos);
	}
	fprintf(stderr, "pwru: %zu functions\n", f.n);
	skb_funcs__free(&f);
	return 0;
}
