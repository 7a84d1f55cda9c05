// SPDX-License-Identifier: GPL-2.0
/* The error reporter: text lines, and the JSON object under --output-json. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "perr.h"
#include "unit_main.h"

static char *buf;
static size_t len;
static FILE *mem;

static void setup(void)
{
	mem = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(mem);
	perr__set_stream(mem);
}

static void teardown(void)
{
	perr__exit(0); /* forget what a test held */
	perr__set_json(false);
	perr__set_stream(NULL);
	fclose(mem);
	free(buf);
}

static const char *got(void)
{
	fflush(mem);
	return buf;
}

START_TEST(text_line_at_once)
{
	perr("--filter-mark: '%s' is not a 32-bit number", "zz");
	ck_assert_str_eq(got(), "pwru: --filter-mark: 'zz' is not a 32-bit number\n");
	ck_assert_int_eq(perr__exit(2), 2);
	ck_assert_str_eq(got(), "pwru: --filter-mark: 'zz' is not a 32-bit number\n");
}
END_TEST

START_TEST(json_held_until_exit)
{
	perr__set_json(true);
	perr("pcap filter '%s': %s", "udp and (", "can't parse filter expression: syntax error");
	ck_assert_str_eq(got(), "");
	ck_assert_int_eq(perr__exit(2), 2);
	ck_assert_str_eq(got(), "{\"error\":\"pcap filter 'udp and (': can't parse filter "
				"expression: syntax error\",\"exit\":2}\n");
}
END_TEST

START_TEST(json_joins_errors)
{
	perr__set_json(true);
	perr("no backend is usable on this kernel: %s", "none");
	perr("run `pwru check` for details");
	perr__exit(1);
	ck_assert_str_eq(got(), "{\"error\":\"no backend is usable on this kernel: none; run "
				"`pwru check` for details\",\"exit\":1}\n");
}
END_TEST

START_TEST(json_exit_without_error)
{
	perr__set_json(true);
	perr__exit(0);
	ck_assert_str_eq(got(), "");
	perr__exit(1);
	ck_assert_str_eq(got(), "{\"error\":\"failed\",\"exit\":1}\n");
}
END_TEST

START_TEST(json_exit_reason)
{
	perr__exit_reason("auto would use: %s", "none (x)");
	perr__exit(1);
	ck_assert_str_eq(got(), ""); /* text: the report said it */
	perr__set_json(true);
	perr__exit_reason("auto would use: %s", "none (x)");
	perr__exit(1);
	ck_assert_str_eq(got(), "{\"error\":\"auto would use: none (x)\",\"exit\":1}\n");
	/* an error reported wins over the reason */
	perr__exit_reason("auto would use: %s", "none (x)");
	perr("check: probing the kernel failed");
	perr__exit(1);
	ck_assert_str_eq(got(), "{\"error\":\"auto would use: none (x)\",\"exit\":1}\n"
				"{\"error\":\"check: probing the kernel failed\",\"exit\":1}\n");
}
END_TEST

START_TEST(json_recovered_error)
{
	perr__set_json(true);
	perr("backend fentry failed at load or attach: %s", "EINVAL");
	perr__exit(0);
	ck_assert_str_eq(got(), "{\"error\":\"backend fentry failed at load or attach: EINVAL\","
				"\"exit\":0}\n");
	/* held once: a second exit writes nothing */
	perr__exit(0);
	ck_assert_str_eq(got(), "{\"error\":\"backend fentry failed at load or attach: EINVAL\","
				"\"exit\":0}\n");
}
END_TEST

START_TEST(json_escapes)
{
	perr__write_json(mem, "a \"quoted\" \\ path\tand\nnewline \x01", 2);
	ck_assert_str_eq(got(), "{\"error\":\"a \\\"quoted\\\" \\\\ path\\u0009and\\u000anewline "
				"\\u0001\",\"exit\":2}\n");
}
END_TEST

START_TEST(json_cut_stays_one_object)
{
	char big[3000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	perr__set_json(true);
	perr("%s", big);
	perr("%s", big);
	perr("%s", big);
	perr__exit(1);
	got();
	ck_assert_int_eq(buf[0], '{');
	ck_assert_ptr_nonnull(strstr(buf, "\",\"exit\":1}\n"));
	ck_assert_ptr_eq(strchr(buf, '\n'), buf + len - 1); /* one line */
	ck_assert_uint_eq(len, strlen("{\"error\":\"\",\"exit\":1}\n") + 4095);
}
END_TEST

static bool early(int argc, char **argv)
{
	return options__json_early(argc, argv);
}

START_TEST(json_early_from_argv)
{
	char *a1[] = {"pwru", "--frobnicate", "--output-json"};
	char *a2[] = {"pwru", "--output-json", "--output-json=false"};
	char *a3[] = {"pwru", "check", "--output-json=1"};
	char *a4[] = {"pwru", "--", "--output-json"};
	char *a5[] = {"pwru", "--output-json=maybe"};
	char *a6[] = {"pwru", "--output-jsonx", "--output-js"};

	ck_assert(early(3, a1));
	ck_assert(!early(3, a2));
	ck_assert(early(3, a3));
	ck_assert(!early(3, a4));
	ck_assert(!early(2, a5));
	ck_assert(!early(3, a6));
}
END_TEST

static Suite *perr_suite(void)
{
	const TTest *const tests[] = {
	    text_line_at_once,	  json_held_until_exit,
	    json_joins_errors,	  json_exit_without_error,
	    json_exit_reason,	  json_recovered_error,
	    json_escapes,	  json_cut_stays_one_object,
	    json_early_from_argv,
	};
	Suite *s = suite_create("perr");
	TCase *tc = tcase_create("canned");

	tcase_add_checked_fixture(tc, setup, teardown);
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		tcase_add_test(tc, tests[i]);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(perr_suite)
