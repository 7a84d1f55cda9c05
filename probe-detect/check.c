// SPDX-License-Identifier: GPL-2.0
/*
 * `pwru check`: what this kernel allows, as a table for a person or as one
 * JSON document for a script. Reads struct features only; never probes.
 *
 * The JSON document:
 *   "source":   "running kernel" or "profile PATH"
 *   "kernel":   release, version, version_signature, version_code,
 *               config_source, kernel_btf, tracefs (strings or null),
 *               lockdown ("none", "integrity", "confidentiality", "unknown"),
 *               vmlinux_btf, ringbuf, attach_cookie, get_func_ip, kprobe_pmu
 *   "features": { key: { label, value (true/false/null; a lockdown mode
 *               string for "lockdown"), how, errno (number or null),
 *               errno_name, detail, remedy (null when fine) } }
 *   "backends": { "fentry" | "kprobe-multi" | "kprobe" | "tracepoint":
 *               { usable, reason, remedy (null when usable) } }
 *   "auto":     the backend auto mode would use, or null
 *   "auto_explain": the one line features__pick() gives
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "features_impl.h"

static const char *how_name(enum feat_how how)
{
	switch (how) {
	case FEAT_HOW_PROBE:
		return "probe";
	case FEAT_HOW_CONFIG:
		return "config";
	case FEAT_HOW_VERSION:
		return "version";
	case FEAT_HOW_FILE:
		return "file";
	case FEAT_HOW_PROFILE:
		return "profile";
	default:
		return "-";
	}
}

static bool is_probe(enum feat_id id)
{
	return id >= FEAT_PROBE_FENTRY && id <= FEAT_PROBE_RAW_TP;
}

static const char *status(const struct features *f, enum feat_id id)
{
	const struct feat *ft = &f->f[id];

	if (id == FEAT_LOCKDOWN)
		return feat__lockdown_name(ft->val);
	if (is_probe(id))
		return ft->val == 1 ? "ok" : ft->val == 0 ? "FAILED" : "skipped";
	return ft->val == 1 ? "yes" : ft->val == 0 ? "no" : "unknown";
}

static void text_report(const struct features *f, FILE *out)
{
	char why[192], explain[640];
	const char *rem;
	int i;

	fprintf(out, "pwru check: %s\n", f->source);
	fprintf(out, "kernel:  %s %s\n", f->release, f->version);
	if (f->version_signature[0])
		fprintf(out, "ubuntu:  %s\n", f->version_signature);
	fprintf(out, "config:  %s\n", f->config_source[0] ? f->config_source : "not found");
	fprintf(out, "\n%-40s %-10s %-7s %s\n", "REQUIREMENT", "STATUS", "HOW", "DETAIL");
	for (i = 0; i < FEAT__COUNT; i++) {
		const struct feat *ft = &f->f[i];

		fprintf(out, "%-40s %-10s %-7s %s\n", feat_info[i].label, status(f, i),
			how_name(ft->how), ft->detail[0] ? ft->detail : "-");
		if (ft->remedy && ft->val != 1)
			fprintf(out, "%-40s %-10s %-7s remedy: %s\n", "", "", "", ft->remedy);
	}
	fprintf(out, "\nBACKENDS\n");
	for (i = 0; i < PWRU_BE__COUNT; i++) {
		if (features__usable(f, i, why, sizeof(why), &rem)) {
			fprintf(out, "  %-13s usable (%s)\n", pwru_backend_name(i), why);
			continue;
		}
		fprintf(out, "  %-13s not usable: %s\n", pwru_backend_name(i), why);
		if (rem)
			fprintf(out, "  %-13s remedy: %s\n", "", rem);
	}
	i = features__pick(f, explain, sizeof(explain));
	/* explain starts with the choice, or with "none" */
	fprintf(out, "\nauto would use: %s\n", explain);
}

static void json_str(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	for (; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

static void json_bool(FILE *out, int v)
{
	fputs(v == 1 ? "true" : v == 0 ? "false" : "null", out);
}

static void json_kv(FILE *out, const char *indent, const char *k, const char *v, bool comma)
{
	fprintf(out, "%s\"%s\": ", indent, k);
	json_str(out, v);
	fputs(comma ? ",\n" : "\n", out);
}

static void json_feature(const struct features *f, FILE *out, enum feat_id id, bool comma)
{
	const struct feat *ft = &f->f[id];
	const char *en = ft->err ? feat__errno_name(ft->err) : NULL;

	fputs("    ", out);
	json_str(out, feat_info[id].key);
	fputs(": {\"label\": ", out);
	json_str(out, feat_info[id].label);
	fputs(", \"value\": ", out);
	if (id == FEAT_LOCKDOWN)
		json_str(out, feat__lockdown_name(ft->val));
	else
		json_bool(out, ft->val);
	fprintf(out, ", \"how\": \"%s\", \"errno\": ", how_name(ft->how));
	if (ft->err)
		fprintf(out, "%d", ft->err);
	else
		fputs("null", out);
	fputs(", \"errno_name\": ", out);
	json_str(out, en);
	fputs(", \"detail\": ", out);
	json_str(out, ft->detail);
	fputs(", \"remedy\": ", out);
	json_str(out, ft->val == 1 ? NULL : ft->remedy);
	fputs(comma ? "},\n" : "}\n", out);
}

static void json_report(const struct features *f, FILE *out)
{
	char why[192], explain[640], kv[32];
	const char *rem;
	int i, pick;
	bool ok;

	fputs("{\n", out);
	json_kv(out, "  ", "source", f->source, true);
	fputs("  \"kernel\": {\n", out);
	json_kv(out, "    ", "release", f->release, true);
	json_kv(out, "    ", "version", f->version, true);
	json_kv(out, "    ", "version_signature",
		f->version_signature[0] ? f->version_signature : NULL, true);
	snprintf(kv, sizeof(kv), "%u.%u.%u", f->kver >> 16, (f->kver >> 8) & 0xff, f->kver & 0xff);
	json_kv(out, "    ", "version_code", kv, true);
	json_kv(out, "    ", "config_source", f->config_source[0] ? f->config_source : NULL,
		true);
	json_kv(out, "    ", "kernel_btf", f->kernel_btf[0] ? f->kernel_btf : NULL, true);
	json_kv(out, "    ", "tracefs", f->tracefs[0] ? f->tracefs : NULL, true);
	json_kv(out, "    ", "lockdown", feat__lockdown_name(f->f[FEAT_LOCKDOWN].val), true);
	fputs("    \"vmlinux_btf\": ", out);
	json_bool(out, features__has_vmlinux_btf(f));
	fputs(",\n    \"ringbuf\": ", out);
	json_bool(out, features__has_ringbuf(f));
	fputs(",\n    \"attach_cookie\": ", out);
	json_bool(out, features__has_attach_cookie(f));
	fputs(",\n    \"get_func_ip\": ", out);
	json_bool(out, features__has_get_func_ip(f));
	fputs(",\n    \"kprobe_pmu\": ", out);
	json_bool(out, features__has_kprobe_pmu(f));
	fputs("\n  },\n  \"features\": {\n", out);
	for (i = 0; i < FEAT__COUNT; i++)
		json_feature(f, out, i, i + 1 < FEAT__COUNT);
	fputs("  },\n  \"backends\": {\n", out);
	for (i = 0; i < PWRU_BE__COUNT; i++) {
		ok = features__usable(f, i, why, sizeof(why), &rem);
		fprintf(out, "    \"%s\": {\"usable\": %s, \"reason\": ", pwru_backend_name(i),
			ok ? "true" : "false");
		json_str(out, why);
		fputs(", \"remedy\": ", out);
		json_str(out, ok ? NULL : rem);
		fputs(i + 1 < PWRU_BE__COUNT ? "},\n" : "}\n", out);
	}
	pick = features__pick(f, explain, sizeof(explain));
	fputs("  },\n  \"auto\": ", out);
	json_str(out, pick < 0 ? NULL : pwru_backend_name(pick));
	fputs(",\n", out);
	json_kv(out, "  ", "auto_explain", explain, false);
	fputs("}\n", out);
}

/*
 * Returns 0 when at least one backend is usable, 1 when none is (the exit
 * code of `pwru check`), or -EIO when the report could not be written.
 */
int check__report(const struct features *f, FILE *out, bool json)
{
	int i;

	if (!f || !out)
		return -EINVAL;
	if (json)
		json_report(f, out);
	else
		text_report(f, out);
	if (fflush(out) || ferror(out))
		return -EIO;
	for (i = 0; i < PWRU_BE__COUNT; i++)
		if (features__usable(f, i, NULL, 0, NULL))
			return 0;
	return 1;
}
