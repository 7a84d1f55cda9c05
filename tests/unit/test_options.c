// SPDX-License-Identifier: GPL-2.0
/* Option parsing: every value and every error, without a kernel. */
#include <check.h>
#include <unistd.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "options.h"
#include "features.h"
#include "unit_main.h"

static struct options o;
static char err[512];

#define ARGV(...) ((char *[]){ "pwru", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "pwru", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(...) options__parse(&o, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), err, sizeof(err))

static void teardown(void)
{
	options__free(&o);
	err[0] = '\0';
}

START_TEST(defaults)
{
	char *argv[] = { "pwru", NULL };

	ck_assert_int_eq(options__parse(&o, 1, argv, err, sizeof(err)), 0);
	ck_assert_int_eq(o.cmd, CMD_TRACE);
	ck_assert_int_eq(o.backend, -1);
	ck_assert_int_eq(o.timestamp, TS_NONE);
	ck_assert_uint_eq(o.mark_mask, 0);
	ck_assert_uint_eq((__u64)o.ringbuf_pages * sysconf(_SC_PAGESIZE), RINGBUF_DEFAULT_BYTES);
	/* as in pwru */
	ck_assert(o.output_tuple && o.output_meta);
	ck_assert(!o.output_json && !o.output_tcp_flags && !o.output_netns_names);
}
END_TEST

START_TEST(bools)
{
	ck_assert_int_eq(PARSE("--output-meta=false", "--output-tuple=0"), 0);
	ck_assert(!o.output_meta && !o.output_tuple);
	ck_assert_int_eq(PARSE("--output-json=true", "--output-stack=1", "--output-caller=T",
			       "--all-kmods=True", "--perf-buffer", "--output-tcp-flags",
			       "--output-netns-names=TRUE"),
			 0);
	ck_assert(o.output_json && o.output_stack && o.output_caller && o.all_kmods &&
		  o.perf_buffer && o.output_tcp_flags && o.output_netns_names);
	ck_assert_int_eq(PARSE("--output-json=false"), 0);
	ck_assert(!o.output_json);
	/* the last one wins, as with Go's flag package */
	ck_assert_int_eq(PARSE("--output-meta=false", "--output-meta"), 0);
	ck_assert(o.output_meta);
	ck_assert_int_eq(PARSE("--output-tuple=yes"), -EINVAL);
	ck_assert_str_eq(err, "--output-tuple: 'yes' is not a boolean (true, false, 1 or 0)");
	ck_assert_int_eq(PARSE("--output-meta="), -EINVAL);
	ck_assert_str_eq(err, "--output-meta: '' is not a boolean (true, false, 1 or 0)");
	/* a bool never takes the next word: that stays the pcap filter */
	ck_assert_int_eq(PARSE("--output-tuple", "udp"), 0);
	ck_assert_str_eq(o.pcap_filter, "udp");
	options__free(&o);
	ck_assert_int_eq(PARSE("--list-funcs=true"), -EINVAL);
}
END_TEST

START_TEST(pwru_flags)
{
	ck_assert_int_eq(PARSE("--filter-track-skb", "dst", "host", "127.0.0.99"), 0);
	ck_assert(o.filter_track_skb);
	ck_assert_str_eq(o.pcap_filter, "dst host 127.0.0.99");
	options__free(&o);
	ck_assert_int_eq(PARSE("--filter-track-skb=false"), 0);
	ck_assert(!o.filter_track_skb);
	ck_assert_int_eq(PARSE("--kmods", "veth,br_netfilter"), 0);
	ck_assert_str_eq(o.kmods, "veth,br_netfilter");
	ck_assert_int_eq(PARSE("--kmods", "veth,,x"), -EINVAL);
	ck_assert_str_eq(err, "--kmods: 'veth,,x' is not a comma-separated list of module names");
	ck_assert_int_eq(PARSE("--kmods", "../x"), -EINVAL);
	ck_assert_int_eq(PARSE("--kmods", ""), -EINVAL);
	ck_assert_int_eq(PARSE("--filter-non-skb-funcs", "kfree"), -EINVAL);
	ck_assert_str_eq(err, "--filter-non-skb-funcs: not supported: it ties events to an skb by "
			      "--filter-track-skb-by-stackid, which this pwru refuses");
	ck_assert_int_eq(PARSE("--filter-track-skb-by-stackid"), -EINVAL);
	ck_assert_str_eq(err, "--filter-track-skb-by-stackid: not supported: pwru's stack id is the "
			      "outermost frame pointer, which kernels built with the ORC unwinder do "
			      "not keep; --filter-track-skb follows clones and copies");
}
END_TEST

START_TEST(backends)
{
	ck_assert_int_eq(PARSE("--probe-backend", "fentry"), 0);
	ck_assert_int_eq(o.backend, PWRU_BE_FENTRY);
	ck_assert_int_eq(PARSE("--backend", "kprobe-multi"), 0);
	ck_assert_int_eq(o.backend, PWRU_BE_KPROBE_MULTI);
	ck_assert_int_eq(PARSE("--probe-backend=kprobe"), 0);
	ck_assert_int_eq(o.backend, PWRU_BE_KPROBE);
	ck_assert_int_eq(PARSE("--probe-backend", "tracepoint"), 0);
	ck_assert_int_eq(o.backend, PWRU_BE_TRACEPOINT);
	ck_assert_int_eq(PARSE("--probe-backend", "auto"), 0);
	ck_assert_int_eq(o.backend, -1);
	ck_assert_int_eq(PARSE("--probe-backend", "kprobes"), -EINVAL);
	ck_assert_str_eq(err, "--probe-backend: 'kprobes' is not one of auto, fentry, "
			      "kprobe-multi, kprobe, tracepoint");
}
END_TEST

START_TEST(mark)
{
	ck_assert_int_eq(PARSE("--filter-mark", "0x10"), 0);
	ck_assert_uint_eq(o.mark, 0x10);
	ck_assert_uint_eq(o.mark_mask, 0xffffffff);
	ck_assert_int_eq(PARSE("--filter-mark", "0x1f/0xf0"), 0);
	ck_assert_uint_eq(o.mark, 0x10);
	ck_assert_uint_eq(o.mark_mask, 0xf0);
	ck_assert_int_eq(PARSE("--filter-mark", "12abc"), -EINVAL);
	ck_assert_str_eq(err, "--filter-mark: '12abc' is not a 32-bit number (MARK[/MASK])");
	ck_assert_int_eq(PARSE("--filter-mark", "1/"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "mask in '1/'"));
	ck_assert_int_eq(PARSE("--filter-mark", "-1"), -EINVAL);
}
END_TEST

START_TEST(netns)
{
	struct stat st;

	ck_assert_int_eq(PARSE("--filter-netns", "inode:4026531840"), 0);
	ck_assert_uint_eq(o.netns, 4026531840u);
	ck_assert_int_eq(PARSE("--filter-netns", "/proc/self/ns/net"), 0);
	ck_assert_int_eq(stat("/proc/self/ns/net", &st), 0);
	ck_assert_uint_eq(o.netns, st.st_ino);
	ck_assert_int_eq(PARSE("--filter-netns", "inode:0"), -EINVAL);
	ck_assert_str_eq(err, "--filter-netns: 'inode:0' is not a valid inode number");
	ck_assert_int_eq(PARSE("--filter-netns", "/no/such/ns"), -EINVAL);
	ck_assert_str_eq(err, "--filter-netns: cannot stat '/no/such/ns': No such file or directory");
}
END_TEST

START_TEST(func_regex)
{
	ck_assert_int_eq(PARSE("--filter-func", "ip_.*"), 0);
	ck_assert_str_eq(o.filter_func, "ip_.*");
	ck_assert_int_eq(PARSE("--filter-func", "a[b"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "--filter-func: invalid regular expression 'a[b'"));
	ck_assert_int_eq(PARSE("--filter-func", "ip_rcv++"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "--filter-func: invalid regular expression 'ip_rcv++': "));
}
END_TEST

START_TEST(outputs)
{
	ck_assert_int_eq(PARSE("--output-tuple", "--output-meta", "--output-json", "--output-stack",
			       "--output-caller", "--output-file", "/tmp/x", "--output-limit-lines",
			       "7", "--timestamp", "relative", "--ready-file", "/tmp/r"),
			 0);
	ck_assert(o.output_tuple && o.output_meta && o.output_json && o.output_stack &&
		  o.output_caller);
	ck_assert_str_eq(o.output_file, "/tmp/x");
	ck_assert_uint_eq(o.limit_lines, 7);
	ck_assert_int_eq(o.timestamp, TS_RELATIVE);
	ck_assert_str_eq(o.ready_file, "/tmp/r");
	ck_assert_int_eq(PARSE("--timestamp", "absolute"), 0);
	ck_assert_int_eq(o.timestamp, TS_ABSOLUTE);
	ck_assert_int_eq(PARSE("--timestamp", "now"), -EINVAL);
	ck_assert_str_eq(err, "--timestamp: 'now' is not one of none, current, relative, absolute");
	ck_assert_int_eq(PARSE("--output-limit-lines", "0"), -EINVAL);
	ck_assert_str_eq(err, "--output-limit-lines: '0' is not a positive integer");
	ck_assert_int_eq(PARSE("--output-limit-lines", "1x"), -EINVAL);
	ck_assert_int_eq(PARSE("--output-file", ""), -EINVAL);
	ck_assert_str_eq(err, "--output-file: empty path");
	ck_assert_int_eq(PARSE("--ready-file", ""), -EINVAL);
}
END_TEST

START_TEST(ifname)
{
	ck_assert_int_eq(PARSE("--filter-ifname", "eth0"), 0);
	ck_assert_str_eq(o.ifname, "eth0");
	ck_assert_int_eq(PARSE("--filter-ifname", "0123456789abcdef"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "--filter-ifname: '0123456789abcdef'"));
	ck_assert_int_eq(PARSE("--filter-ifname", ""), -EINVAL);
}
END_TEST

START_TEST(misc_errors)
{
	ck_assert_int_eq(PARSE("--nope"), -EINVAL);
	ck_assert_str_eq(err, "unknown option '--nope' (see --help)");
	ck_assert_int_eq(PARSE("-x"), -EINVAL);
	ck_assert_str_eq(err, "unknown option '-x' (see --help)");
	ck_assert_int_eq(PARSE("--timestamp"), -EINVAL);
	ck_assert_str_eq(err, "option '--timestamp' requires a value");
	ck_assert_int_eq(PARSE("--kernel-btf", "/no/such/btf"), -EINVAL);
	ck_assert_str_eq(err, "--kernel-btf: cannot read '/no/such/btf': No such file or directory");
	ck_assert_int_eq(PARSE("--ringbuf-pages", "6"), -EINVAL);
	ck_assert_int_eq(PARSE("--ringbuf-pages", "64"), 0);
	ck_assert_uint_eq(o.ringbuf_pages, 64);
}
END_TEST

START_TEST(pcap_filter)
{
	ck_assert_int_eq(PARSE("--output-tuple", "dst", "host", "1.1.1.1"), 0);
	ck_assert_str_eq(o.pcap_filter, "dst host 1.1.1.1");
	ck_assert(o.output_tuple);
	options__free(&o);
	ck_assert_int_eq(PARSE("udp and (port 53"), -EINVAL);
	ck_assert_str_eq(err, "pcap filter 'udp and (port 53': can't parse filter expression: syntax error");
	options__free(&o); /* a failed parse may own the joined words too (LeakSanitizer) */
	ck_assert_int_eq(PARSE("port", "99999"), -EINVAL);
	ck_assert_str_eq(err, "pcap filter 'port 99999': illegal port number 99999 > 65535");
}
END_TEST

START_TEST(subcommands)
{
	ck_assert_int_eq(PARSE("check"), 0);
	ck_assert_int_eq(o.cmd, CMD_CHECK);
	ck_assert_int_eq(PARSE("check", "--output-json"), 0);
	ck_assert(o.output_json);
	ck_assert_int_eq(PARSE("check", "--filter-mark", "1"), -EINVAL);
	ck_assert_str_eq(err, "check: option '--filter-mark' does not apply to `pwru check`");
	ck_assert_int_eq(PARSE("check", "more"), -EINVAL);
	ck_assert_int_eq(PARSE("--list-funcs"), 0);
	ck_assert_int_eq(o.cmd, CMD_LIST_FUNCS);
	ck_assert_int_eq(PARSE("--version"), 0);
	ck_assert_int_eq(o.cmd, CMD_VERSION);
	ck_assert_int_eq(PARSE("-h"), 0);
	ck_assert_int_eq(o.cmd, CMD_HELP);
}
END_TEST

/*
 * A parse that stops inside "-qh" must not leave its "h" to the next one:
 * getopt keeps its place in a cluster unless optind is reset to 0
 * (found by tests/fuzz/fuzz_options.c).
 */
START_TEST(no_state_between_parses)
{
	ck_assert_int_eq(PARSE("-qh"), -EINVAL);
	ck_assert_str_eq(err, "unknown option '-q' (see --help)");
	ck_assert_int_eq(PARSE("--output-tuple"), 0);
	ck_assert_int_eq(o.cmd, CMD_TRACE);
	ck_assert(o.output_tuple);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("options");
	TCase *tc = tcase_create("parse");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, defaults);
	tcase_add_test(tc, bools);
	tcase_add_test(tc, pwru_flags);
	tcase_add_test(tc, backends);
	tcase_add_test(tc, mark);
	tcase_add_test(tc, netns);
	tcase_add_test(tc, func_regex);
	tcase_add_test(tc, outputs);
	tcase_add_test(tc, ifname);
	tcase_add_test(tc, misc_errors);
	tcase_add_test(tc, pcap_filter);
	tcase_add_test(tc, subcommands);
	tcase_add_test(tc, no_state_between_parses);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
