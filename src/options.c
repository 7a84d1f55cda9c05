// SPDX-License-Identifier: GPL-2.0
/* Command-line parsing. Every bad value yields one line naming the option. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <net/if.h>

#include "options.h"
#include "perr.h"
#include "features.h"
#include "funcs.h"
#include "pcap.h"
#include "privilege.h"
#include "skb_expr.h"

/* a BPF ring buffer's size is a u32 power of two */
#define RINGBUF_MAX_BYTES (1ULL << 31)

enum {
	OPT_BACKEND = 256,
	OPT_FILTER_FUNC,
	OPT_FILTER_NETNS,
	OPT_FILTER_MARK,
	OPT_FILTER_IFNAME,
	OPT_OUTPUT_TUPLE,
	OPT_OUTPUT_META,
	OPT_OUTPUT_JSON,
	OPT_OUTPUT_STACK,
	OPT_OUTPUT_CALLER,
	OPT_OUTPUT_FILE,
	OPT_OUTPUT_LIMIT,
	OPT_TIMESTAMP,
	OPT_KERNEL_BTF,
	OPT_READY_FILE,
	OPT_LIST_FUNCS,
	OPT_ALL_KMODS,
	OPT_VERSION,
	OPT_RINGBUF_PAGES,
	OPT_PERF_BUFFER,
	OPT_WAIT_DETACH,
	OPT_OUTPUT_TCP_FLAGS,
	OPT_OUTPUT_NETNS_NAMES,
	OPT_KMODS,
	OPT_NON_SKB_FUNCS,
	OPT_TRACK_SKB,
	OPT_NFT_TRACE,
	OPT_SKB_EXPR,
	OPT_SKB_META,
	OPT_TRACK_STACKID,
	OPT_OUTPUT_SKB,
	OPT_OUTPUT_SKB_SHINFO,
	OPT_OUTPUT_SKB_CB,
};

static const struct option long_opts[] = {
	{ "probe-backend", required_argument, NULL, OPT_BACKEND },
	{ "backend", required_argument, NULL, OPT_BACKEND },
	{ "filter-func", required_argument, NULL, OPT_FILTER_FUNC },
	{ "filter-netns", required_argument, NULL, OPT_FILTER_NETNS },
	{ "filter-mark", required_argument, NULL, OPT_FILTER_MARK },
	{ "filter-ifname", required_argument, NULL, OPT_FILTER_IFNAME },
	{ "output-tuple", optional_argument, NULL, OPT_OUTPUT_TUPLE },
	{ "output-meta", optional_argument, NULL, OPT_OUTPUT_META },
	{ "output-json", optional_argument, NULL, OPT_OUTPUT_JSON },
	{ "output-stack", optional_argument, NULL, OPT_OUTPUT_STACK },
	{ "output-caller", optional_argument, NULL, OPT_OUTPUT_CALLER },
	{ "output-tcp-flags", optional_argument, NULL, OPT_OUTPUT_TCP_FLAGS },
	{ "output-netns-names", optional_argument, NULL, OPT_OUTPUT_NETNS_NAMES },
	{ "output-file", required_argument, NULL, OPT_OUTPUT_FILE },
	{ "output-limit-lines", required_argument, NULL, OPT_OUTPUT_LIMIT },
	{ "timestamp", required_argument, NULL, OPT_TIMESTAMP },
	{ "kernel-btf", required_argument, NULL, OPT_KERNEL_BTF },
	{ "ready-file", required_argument, NULL, OPT_READY_FILE },
	{ "list-funcs", no_argument, NULL, OPT_LIST_FUNCS },
	{ "all-kmods", optional_argument, NULL, OPT_ALL_KMODS },
	{ "kmods", required_argument, NULL, OPT_KMODS },
	{ "filter-track-skb", optional_argument, NULL, OPT_TRACK_SKB },
	{ "filter-non-skb-funcs", required_argument, NULL, OPT_NON_SKB_FUNCS },
	{ "ringbuf-pages", required_argument, NULL, OPT_RINGBUF_PAGES },
	{ "perf-buffer", optional_argument, NULL, OPT_PERF_BUFFER },
	{ "wait-detach", optional_argument, NULL, OPT_WAIT_DETACH },
	{ "user", required_argument, NULL, 'Z' },
	{ "nft-trace", optional_argument, NULL, OPT_NFT_TRACE },
	{ "filter-skb-expr", required_argument, NULL, OPT_SKB_EXPR },
	{ "output-skb-metadata", required_argument, NULL, OPT_SKB_META },
	{ "filter-track-skb-by-stackid", optional_argument, NULL, OPT_TRACK_STACKID },
	{ "output-skb", optional_argument, NULL, OPT_OUTPUT_SKB },
	{ "output-skb-shared-info", optional_argument, NULL, OPT_OUTPUT_SKB_SHINFO },
	{ "output-skb-cb", optional_argument, NULL, OPT_OUTPUT_SKB_CB },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "help", no_argument, NULL, 'h' },
	{},
};

void options__usage(FILE *out)
{
	fputs("Usage: pwru [options] [pcap-filter]\n"
	      "       pwru check [--output-json] [--kernel-btf FILE]\n"
	      "\n"
	      "Trace the kernel functions an sk_buff passes through.\n"
	      "\n"
	      "Probing:\n"
	      "  --probe-backend B     auto (default), fentry, kprobe-multi, kprobe or tracepoint\n"
	      "  --backend B           alias of --probe-backend\n"
	      "  --kernel-btf FILE     BTF of the running kernel, for kernels without /sys/kernel/btf\n"
	      "  --all-kmods           also probe functions of loaded modules (module BTF)\n"
	      "  --kmods A,B           also probe functions of these loaded modules\n"
	      "  --list-funcs          print the functions that would be probed, with the\n"
	      "                        position of their skb argument, and exit\n"
	      "Filters (applied in the kernel):\n"
	      "  --filter-func REGEX   probe only functions whose whole name matches REGEX\n"
	      "  --filter-netns NS     /proc/PID/ns/net or inode:N\n"
	      "  --filter-mark M[/MASK] skb->mark & MASK == M (MASK defaults to 0xffffffff)\n"
	      "  --filter-ifname NAME  skb->dev->name == NAME; with --filter-netns PATH, NAME\n"
	      "                        must exist in that netns and its ifindex must match\n"
	      "  --filter-track-skb    once an skb matches the filters, follow it by address\n"
	      "                        until it is freed, whatever its headers become (NAT);\n"
	      "                        up to 65536 skbs at once, the least recently seen\n"
	      "                        is forgotten when more match; skbs made from a tracked\n"
	      "                        one by skb_clone, skb_copy, pskb_copy or skb_copy_expand\n"
	      "                        are tracked too (function backends; not tracepoint)\n"
	      "  --filter-skb-expr E   one comparison of an skb field, C syntax:\n"
	      "                        'skb->dev->ifindex == 2', 'skb->len > 1000',\n"
	      "                        'skb->pkt_type != PACKET_HOST' (== != < <= > >=, a number\n"
	      "                        or an enum value); fields found in the kernel's BTF\n"
	      "                        (or --kernel-btf); false when a pointer on the way is NULL\n"
	      "  --filter-track-skb-by-stackid  refused: pwru's stack id is the outermost\n"
	      "                        frame pointer, which ORC-unwinder kernels do not keep\n"
	      "  --filter-non-skb-funcs F  refused: it needs --filter-track-skb-by-stackid\n"
	      "  pcap-filter           tcpdump syntax (pcap-filter(7)), e.g. 'tcp dst port 80';\n"
	      "                        matched on the Ethernet header when the skb has one,\n"
	      "                        else on the IP header\n"
	      "Output:\n"
	      "  --output-tuple        print the 5-tuple (default true)\n"
	      "  --output-meta         print netns, mark, interface, protocol, MTU, length\n"
	      "                        (default true)\n"
	      "  --output-tcp-flags    print TCP flags in the tuple, as tcp:SYN|ACK\n"
	      "  --output-netns-names  print the netns as inode(name), names from /run/netns\n"
	      "  --output-skb-metadata E  print an skb field after each event as E=value,\n"
	      "                        e.g. 'skb->mark' ('?' when a pointer on the way is NULL);\n"
	      "                        repeatable up to 4 times\n"
	      "  --output-json         one JSON object per line; an error too, on stderr:\n"
	      "                        {\"error\":\"...\",\"exit\":N}\n"
	      "  --output-stack        print the kernel stack of each event\n"
	      "  --output-caller       print the calling function\n"
	      "  --output-skb          print struct sk_buff after each event, formatted from\n"
	      "                        the kernel's BTF (or --kernel-btf); any kernel\n"
	      "  --output-skb-shared-info  the same for struct skb_shared_info\n"
	      "  --output-skb-cb       print skb->cb as 12 32-bit words\n"
	      "  --output-file PATH    write events to PATH instead of stdout\n"
	      "  --output-limit-lines N stop after N events\n"
	      "  --timestamp T         none (default), current, relative or absolute\n"
	      "  --ringbuf-pages N     ring buffer size in pages, a power of two (default: 4 MiB,\n"
	      "                        190 ms of events at 100k/s, so pwru may be off the CPU\n"
	      "                        that long without a loss; it is resident twice over)\n"
	      "  --perf-buffer         use a perf buffer even where the BPF ring buffer exists\n"
	      "                        (it is used anyway on kernels before 5.8)\n"
	      "  --nft-trace           tracepoint backend: name the nftables rule of a drop\n"
	      "                        through a tracing table of pwru's own (removed with\n"
	      "                        pwru, even on SIGKILL; 5.12+); function backends name\n"
	      "                        it without touching the ruleset\n"
	      "Boolean options take no value, or =true, =false, =1 or =0 (--output-meta=false).\n"
	      "Other:\n"
	      "  --ready-file PATH     create PATH once every probe is attached; removed at stop\n"
	      "  --wait-detach         on stop, wait until the kernel has removed every probe\n"
	      "                        (by default a slow removal goes on in a child process)\n"
	      "  -Z, --user USER       after setup, run as USER with no capabilities\n"
	      "                        (default nobody; root keeps root)\n"
	      "  --version             print the version and the backends built in\n"
	      "  -h, --help            this text\n"
	      "\n"
	      "`pwru check` reports what this kernel allows and which backend auto mode uses;\n"
	      "it exits 0 when at least one backend is usable, 1 when none is.\n"
	      "Exit codes: 0 success, 1 cannot trace on this kernel, 2 bad usage.\n",
	      out);
}

/* refusals of bad input: -EINVAL with the message */
#define fail(err, len, ...) perr__msg(err, len, -EINVAL, __VA_ARGS__)

static int parse_u64(const char *s, unsigned long long *v)
{
	char *end;

	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

static int parse_u32(const char *s, __u32 *v)
{
	unsigned long long x;

	if (parse_u64(s, &x) || x > UINT_MAX)
		return -EINVAL;
	*v = x;
	return 0;
}

static int parse_netns(struct options *o, const char *s, char *err, size_t len)
{
	struct stat st;

	if (!strncmp(s, "inode:", 6)) {
		if (parse_u32(s + 6, &o->netns) || !o->netns)
			return fail(err, len, "--filter-netns: '%s' is not a valid inode number", s);
		return 0;
	}
	if (stat(s, &st))
		return fail(err, len, "--filter-netns: cannot stat '%s': %s", s, strerror(errno));
	o->netns = st.st_ino;
	o->netns_path = s;
	return 0;
}

static int parse_mark(struct options *o, const char *s, char *err, size_t len)
{
	char buf[64], *slash;

	if (strlen(s) >= sizeof(buf))
		return fail(err, len, "--filter-mark: '%s' is too long", s);
	strcpy(buf, s);
	o->mark_mask = UINT_MAX;
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		if (parse_u32(slash + 1, &o->mark_mask) || !o->mark_mask)
			return fail(err, len, "--filter-mark: mask in '%s' is not a non-zero 32-bit number",
				    s);
	}
	if (parse_u32(buf, &o->mark))
		return fail(err, len, "--filter-mark: '%s' is not a 32-bit number (MARK[/MASK])", s);
	o->mark &= o->mark_mask;
	return 0;
}

static int parse_timestamp(struct options *o, const char *s, char *err, size_t len)
{
	static const char *const names[] = { "none", "current", "relative", "absolute" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(s, names[i])) {
			o->timestamp = i;
			return 0;
		}
	}
	return fail(err, len, "--timestamp: '%s' is not one of none, current, relative, absolute",
		    s);
}

static const char *opt_name(int c)
{
	for (const struct option *l = long_opts; l->name; l++)
		if (l->val == c)
			return l->name;
	return "?";
}

static bool *bool_field(struct options *o, int c)
{
	switch (c) {
	case OPT_OUTPUT_TUPLE:
		return &o->output_tuple;
	case OPT_OUTPUT_META:
		return &o->output_meta;
	case OPT_OUTPUT_JSON:
		return &o->output_json;
	case OPT_OUTPUT_STACK:
		return &o->output_stack;
	case OPT_OUTPUT_CALLER:
		return &o->output_caller;
	case OPT_OUTPUT_TCP_FLAGS:
		return &o->output_tcp_flags;
	case OPT_TRACK_SKB:
		return &o->filter_track_skb;
	case OPT_OUTPUT_NETNS_NAMES:
		return &o->output_netns_names;
	case OPT_ALL_KMODS:
		return &o->all_kmods;
	case OPT_PERF_BUFFER:
		return &o->perf_buffer;
	case OPT_WAIT_DETACH:
		return &o->wait_detach;
	case OPT_NFT_TRACE:
		return &o->nft_trace;
	case OPT_OUTPUT_SKB:
		return &o->output_skb;
	case OPT_OUTPUT_SKB_SHINFO:
		return &o->output_skb_shared_info;
	case OPT_OUTPUT_SKB_CB:
		return &o->output_skb_cb;
	}
	return NULL;
}

/* Go's flag package (pwru's) takes these spellings for a bool; `--flag value` is not one. */
static int parse_bool(int c, const char *arg, bool *v, char *err, size_t len)
{
	static const char *const yes[] = { "1", "t", "T", "true", "TRUE", "True" };
	static const char *const no[] = { "0", "f", "F", "false", "FALSE", "False" };

	if (!arg) {
		*v = true;
		return 0;
	}
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcmp(arg, yes[i]) || !strcmp(arg, no[i])) {
			*v = !strcmp(arg, yes[i]);
			return 0;
		}
	}
	return fail(err, len, "--%s: '%s' is not a boolean (true, false, 1 or 0)", opt_name(c),
		    arg);
}

bool options__json_early(int argc, char **argv)
{
	bool on = false, v;

	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--output-json"))
			on = true;
		else if (!strncmp(argv[i], "--output-json=", 14) &&
			 !parse_bool(OPT_OUTPUT_JSON, argv[i] + 14, &v, NULL, 0))
			on = v;
	}
	return on;
}

/* Module names as /sys/kernel/btf lists them: no path separators, none empty. */
static int check_kmods(const char *s, char *err, size_t len)
{
	const char *p = s;

	while (1) {
		size_t n = strcspn(p, ",");

		if (!n || n >= 64 || memchr(p, '/', n) || memchr(p, '.', n) == p)
			return fail(err, len, "--kmods: '%s' is not a comma-separated list of module names",
				    s);
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

/* Same anchored form discovery uses, so the option and the scan agree. */
static int check_regex(const char *re, char *err, size_t len)
{
	char msg[128];

	if (skb_funcs__regex_error(re, msg, sizeof(msg)))
		return fail(err, len, "--filter-func: invalid regular expression '%s': %s", re, msg);
	return 0;
}

/* Syntax only: the fields are looked up in the kernel's BTF when tracing starts. */
static int parse_skb_expr(struct options *o, int c, const char *arg, char *err, size_t len)
{
	struct skb_expr_path p;
	char msg[256];

	if (c == OPT_SKB_EXPR && o->skb_expr)
		return fail(err, len, "--filter-skb-expr: given twice (one comparison per run)");
	if (c == OPT_SKB_META && o->nr_skb_meta == PWRU_META_MAX)
		return fail(err, len, "--output-skb-metadata: at most %d fields", PWRU_META_MAX);
	if (skb_expr__parse(arg, c == OPT_SKB_EXPR, &p, msg, sizeof(msg)))
		return fail(err, len, "--%s: %s", opt_name(c), msg);
	if (c == OPT_SKB_EXPR)
		o->skb_expr = arg;
	else
		o->skb_meta[o->nr_skb_meta++] = arg;
	return 0;
}

static int parse_one(struct options *o, int c, const char *arg, char *err, size_t len)
{
	char why[PATH_MAX + 64];
	unsigned long long n;
	long page;
	bool *b = bool_field(o, c);

	if (b)
		return parse_bool(c, arg, b, err, len);
	switch (c) {
	case OPT_BACKEND:
		if (!strcmp(arg, "auto")) {
			o->backend = -1;
			return 0;
		}
		o->backend = pwru_backend_parse(arg);
		if (o->backend < 0)
			return fail(err, len,
				    "--probe-backend: '%s' is not one of auto, fentry, kprobe-multi, kprobe, tracepoint",
				    arg);
		return 0;
	case OPT_FILTER_FUNC:
		o->filter_func = arg;
		return check_regex(arg, err, len);
	case OPT_FILTER_NETNS:
		return parse_netns(o, arg, err, len);
	case OPT_FILTER_MARK:
		return parse_mark(o, arg, err, len);
	case OPT_FILTER_IFNAME:
		if (!*arg || strlen(arg) >= IF_NAMESIZE)
			return fail(err, len, "--filter-ifname: '%s' is not an interface name (1-%d characters)",
				    arg, IF_NAMESIZE - 1);
		o->ifname = arg;
		return 0;
	case OPT_OUTPUT_FILE:
		if (!*arg)
			return fail(err, len, "--output-file: empty path");
		o->output_file = arg;
		return 0;
	case OPT_OUTPUT_LIMIT:
		if (parse_u64(arg, &n) || !n)
			return fail(err, len, "--output-limit-lines: '%s' is not a positive integer", arg);
		o->limit_lines = n;
		return 0;
	case OPT_TIMESTAMP:
		return parse_timestamp(o, arg, err, len);
	case OPT_KERNEL_BTF:
		if (access(arg, R_OK))
			return fail(err, len, "--kernel-btf: cannot read '%s': %s", arg, strerror(errno));
		/* CO-RE offsets come from it: a file others can change chooses what we read */
		if (priv__trusted_path(arg, why, sizeof(why)))
			return fail(err, len, "--kernel-btf: %s; only root may be able to change it",
				    why);
		o->kernel_btf = arg;
		return 0;
	case OPT_READY_FILE:
		if (!*arg)
			return fail(err, len, "--ready-file: empty path");
		o->ready_file = arg;
		return 0;
	case OPT_LIST_FUNCS:
		o->cmd = CMD_LIST_FUNCS;
		return 0;
	case OPT_KMODS:
		o->kmods = arg;
		return check_kmods(arg, err, len);
	case OPT_TRACK_STACKID:
		/*
		 * pwru's "stack id" is the last frame pointer reached by walking
		 * saved RBPs; with CONFIG_UNWINDER_ORC (Debian's kernels, every
		 * kernel of tests/vm) RBP is a general register, so the id is
		 * whatever it held and would tie unrelated skbs together.
		 */
		return fail(err, len,
			    "--filter-track-skb-by-stackid: not supported: pwru's stack id is the outermost "
			    "frame pointer, which kernels built with the ORC unwinder do not keep; "
			    "--filter-track-skb follows clones and copies");
	case OPT_NON_SKB_FUNCS:
		/* pwru ties such events to an skb by stack id (--filter-track-skb-by-stackid) */
		return fail(err, len,
			    "--filter-non-skb-funcs: not supported: it ties events to an skb by "
			    "--filter-track-skb-by-stackid, which this pwru refuses");
	case OPT_SKB_EXPR:
	case OPT_SKB_META:
		return parse_skb_expr(o, c, arg, err, len);
	case OPT_RINGBUF_PAGES:
		if (parse_u64(arg, &n) || !n || (n & (n - 1)) || n > (1u << 20))
			return fail(err, len,
				    "--ringbuf-pages: '%s' is not a power of two between 1 and 1048576",
				    arg);
		/*
		 * The map size is a u32 and a power of two, so the kernel's ring
		 * buffer holds at most 2 GiB; more pages would wrap to 0 bytes.
		 */
		page = sysconf(_SC_PAGESIZE);
		if (n * page > RINGBUF_MAX_BYTES)
			return fail(err, len,
				    "--ringbuf-pages: %llu pages of %ld bytes exceed the ring buffer's "
				    "limit of 2 GiB (%llu pages)",
				    (unsigned long long)n, page,
				    (unsigned long long)(RINGBUF_MAX_BYTES / page));
		o->ringbuf_pages = n;
		return 0;
	case 'Z':
		if (!*arg)
			return fail(err, len, "--user: empty name");
		o->user = arg;
		return 0;
	case OPT_VERSION:
		o->cmd = CMD_VERSION;
		return 0;
	case 'h':
		o->cmd = CMD_HELP;
		return 0;
	}
	return fail(err, len, "internal error: unhandled option %d", c);
}

static int join_positional(struct options *o, int argc, char **argv, char *err, size_t len)
{
	size_t total = 0;
	char *s;

	for (int i = optind; i < argc; i++)
		total += strlen(argv[i]) + 1;
	s = calloc(1, total + 1);
	if (!s)
		return fail(err, len, "out of memory");
	for (int i = optind; i < argc; i++) {
		if (i > optind)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	o->pcap_filter = s;
	return 0;
}

/* Compile now so that a bad expression is a usage error with libpcap's words. */
static int check_pcap(const char *expr, char *err, size_t len)
{
	struct pwru_pcap *f;
	char msg[256];
	int ret;

	ret = pcap_filter__compile(expr, &f, msg, sizeof(msg));
	if (ret)
		return fail(err, len, "pcap filter '%s': %s", expr, msg);
	pcap_filter__free(f);
	return 0;
}

/* `pwru check` accepts only the options that change what is detected or how it is shown. */
static int check_subcommand(struct options *o, int c, char *err, size_t len)
{
	if (c == OPT_OUTPUT_JSON || c == OPT_KERNEL_BTF || c == 'h')
		return 0;
	return fail(err, len, "check: option '--%s' does not apply to `pwru check`",
		    opt_name(c));
}

__u32 options__default_ringbuf_pages(void)
{
	long page = sysconf(_SC_PAGESIZE);

	/* page sizes are powers of two; a page of 4 MiB or more is one page */
	return page > 0 && page < RINGBUF_DEFAULT_BYTES ? RINGBUF_DEFAULT_BYTES / page : 1;
}

int options__parse(struct options *o, int argc, char **argv, char *err, size_t err_len)
{
	int c, idx, err_code;
	bool check = false;

	memset(o, 0, sizeof(*o));
	o->backend = -1;
	o->ringbuf_pages = options__default_ringbuf_pages();
	/* on by default, as in pwru; --output-meta=false turns them off */
	o->output_tuple = true;
	o->output_meta = true;
	if (argc > 1 && !strcmp(argv[1], "check")) {
		check = true;
		argv++;
		argc--;
	}
	/*
	 * 0, not 1: glibc's getopt only forgets its place inside a cluster
	 * ("-qh" stopped at q) when optind is 0; with 1 the next parse would
	 * go on with the old argv's "h".
	 */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hZ:", long_opts, &idx)) != -1) {
		if (c == '?') {
			if (optopt)
				return fail(err, err_len, "unknown option '-%c' (see --help)", optopt);
			return fail(err, err_len, "unknown option '%s' (see --help)", argv[optind - 1]);
		}
		if (c == ':')
			return fail(err, err_len, "option '%s' requires a value", argv[optind - 1]);
		err_code = parse_one(o, c, optarg, err, err_len);
		if (err_code)
			return err_code;
		if (check && check_subcommand(o, c, err, err_len))
			return -EINVAL;
	}
	if (o->cmd == CMD_HELP || o->cmd == CMD_VERSION)
		return 0;
	if (check) {
		if (optind < argc)
			return fail(err, err_len, "check: unexpected argument '%s'", argv[optind]);
		o->cmd = CMD_CHECK;
		return 0;
	}
	if (o->nft_trace && o->backend >= 0 && o->backend != PWRU_BE_TRACEPOINT)
		return fail(err, err_len, "--nft-trace: only with the tracepoint backend; %s names "
			    "the rule without changing the ruleset", pwru_backend_name(o->backend));
	if (optind < argc) {
		err_code = join_positional(o, argc, argv, err, err_len);
		if (err_code)
			return err_code;
		return check_pcap(o->pcap_filter, err, err_len);
	}
	return 0;
}

void options__free(struct options *o)
{
	free((char *)o->pcap_filter);
	o->pcap_filter = NULL;
}
