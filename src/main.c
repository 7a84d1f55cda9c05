// SPDX-License-Identifier: GPL-2.0
/* pwru: packet, where are you? */
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "backend.h"
#include "pinned.h"
#include "features.h"
#include "options.h"
#include "perr.h"
#include "trace.h"

static int print_version(void)
{
	printf("pwru %s\nbackends:", PWRU_VERSION);
	for (int be = 0; be < PWRU_BE__COUNT; be++)
		if (backend_ops_get(be))
			printf(" %s", pwru_backend_name(be));
	printf("\nlibbpf %u.%u\n", libbpf_major_version(), libbpf_minor_version());
	return 0;
}

static int run_check(const struct options *o)
{
	struct probe_opts po = { .kernel_btf = o->kernel_btf, .find_pinned = pinned__find };
	struct features *f = features__new();
	char why[512];
	int rc;

	if (!f)
		return 1;
	if (features__probe(f, &po)) {
		perr("check: probing the kernel failed");
		features__free(f);
		return 1;
	}
	rc = check__report(f, stdout, o->output_json);
	/* below the floor the report says why at length; stderr gets the one line */
	if (rc >= 0 && !features__supported(f, why, sizeof(why)))
		perr("%s", why);
	else if (rc == 1 && features__pick(f, why, sizeof(why)) < 0)
		perr__exit_reason("auto would use: %s", why);
	features__free(f);
	if (rc < 0) {
		perr("check: cannot write the report: %s", strerror(-rc));
		return 1;
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct options o;
	char err[512];
	int rc;

	perr__set_json(options__json_early(argc, argv));
	if (options__parse(&o, argc, argv, err, sizeof(err))) {
		perr("%s", err);
		options__free(&o);
		return perr__exit(2);
	}
	perr__set_json(o.output_json);
	trace__init_libbpf();
	switch (o.cmd) {
	case CMD_HELP:
		options__usage(stdout);
		rc = 0;
		break;
	case CMD_VERSION:
		rc = print_version();
		break;
	case CMD_CHECK:
		rc = run_check(&o);
		break;
	case CMD_LIST_FUNCS:
		rc = trace__list_funcs(&o);
		break;
	default:
		rc = trace__run(&o);
		break;
	}
	options__free(&o);
	return perr__exit(rc);
}
