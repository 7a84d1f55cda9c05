// SPDX-License-Identifier: GPL-2.0
/*
 * `pwru check`: what this kernel allows, as a table for a person or as one
 * JSON document for a script. Reads struct features only; never probes.
 *
 * The JSON document:
 *   "source":   "running kernel" or "profile PATH"
 *   "floor":    { version (the oldest kernel pwru supports, "5.5"), needs
 *               (the feature that sets it), supported (bool), reason }
 *   "kernel":   release, version, version_signature, version_code,
 *               config_source, kernel_btf, tracefs (strings or null),
 *               lockdown ("none", "integrity", "confidentiality", "unknown"),
 *               vmlinux_btf, ringbuf, attach_cookie, get_func_ip, kprobe_pmu
 *   "features": { key: { label, value (true/false/null; a lockdown mode
 *               string for "lockdown"), how, errno (number or null),
 *               errno_name, detail, remedy (null when fine) } }
 *   "capabilities": this process's effective set ["CAP_BPF", ...], or null
 *   "backends": { "fentry" | "kprobe-multi" | "kprobe" | "tracepoint":
 *               { usable, reason, remedy (null when usable),
 *                 caps_needed, caps_missing (names, as measured, README) } }
 *   "auto":     the backend auto mode would use, or null
 *   "auto_explain": the one line features__pick() gives
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "features_impl.h"
#include "json_writer.h"
#include "privilege.h"

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
	case FEAT_HOW_DEFERRED:
		return "run";
	default:
		return "-";
	}
}

static const char *status(const struct features *f, enum feat_id id)
{
	const struct feat *ft = &f->f[id];

	if (id == FEAT_LOCKDOWN)
		return feat__lockdown_name(ft->val);
	if (feat__is_probe(id))
		return ft->val == 1 ? "ok" : ft->val == 0 ? "FAILED" : "skipped";
	return ft->val == 1 ? "yes" : ft->val == 0 ? "no" : "unknown";
}

/* which capabilities we have, and which each backend needs and lacks */
static void text_caps(const struct features *f, FILE *out)
{
	char buf[512];
	int i;

	fprintf(out, "\nCAPABILITIES\n");
	priv__cap_names(f->cap_eff, buf, sizeof(buf));
	fprintf(out, "  %-13s %s\n", "effective", f->cap_known ? buf : "unknown");
	for (i = 0; i < PWRU_BE__COUNT; i++) {
		unsigned long long miss = features__caps_missing(f, i);

		priv__cap_names(features__caps_needed(f, i), buf, sizeof(buf));
		fprintf(out, "  %-13s needs %s", pwru_backend_name(i), buf);
		priv__cap_names(miss, buf, sizeof(buf));
		fprintf(out, "%s%s\n", miss ? ": missing " : "", miss ? buf : "");
	}
}

static void json_caps(struct json_writer *w, unsigned long long mask)
{
	jsonw_start_array(w);
	for (int i = 0; i < 64; i++) {
		char name[32];

		if (!(mask & (1ULL << i)))
			continue;
		priv__cap_names(1ULL << i, name, sizeof(name));
		jsonw_string(w, name);
	}
	jsonw_end_array(w);
}

static void text_report(const struct features *f, FILE *out)
{
	char why[512], explain[1024];
	const char *rem;
	bool ok;
	int i;

	fprintf(out, "pwru check: %s\n", f->source);
	fprintf(out, "kernel:  %s %s\n", f->release, f->version);
	if (f->version_signature[0])
		fprintf(out, "ubuntu:  %s\n", f->version_signature);
	fprintf(out, "config:  %s\n", f->config_source[0] ? f->config_source : "not found");
	ok = features__supported(f, why, sizeof(why));
	fprintf(out, "floor:   %s%s\n", ok ? "supported: " : "NOT SUPPORTED: ", why);
	fprintf(out, "\n%-40s %-10s %-7s %s\n", "REQUIREMENT", "STATUS", "HOW", "DETAIL");
	for (i = 0; i < FEAT__COUNT; i++) {
		const struct feat *ft = &f->f[i];
		char detail[sizeof(ft->detail)];

		feat__detail(f, i, detail, sizeof(detail), &rem);
		fprintf(out, "%-40s %-10s %-7s %s\n", feat_info[i].label, status(f, i),
			how_name(ft->how), detail[0] ? detail : "-");
		if (rem && ft->val != 1)
			fprintf(out, "%-40s %-10s %-7s remedy: %s\n", "", "", "", rem);
	}
	text_caps(f, out);
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
	if (features__usable(f, PWRU_BE_KPROBE, NULL, 0, NULL))
		fprintf(out, "\nkprobes go: %s\n",
			features__kprobe_past_ftrace(f) ?
				"past ftrace's call site, int3s that attach and detach in seconds "
				"(CONFIG_TASKS_RCU is not set)" :
				"on the function's entry, through ftrace (CONFIG_TASKS_RCU set or "
				"unknown: the kprobe optimizer would wait for its grace periods)");
	i = features__pick(f, explain, sizeof(explain));
	/* explain starts with the choice, or with "none" */
	fprintf(out, "\nauto would use: %s\n", explain);
	if (i >= 0)
		fprintf(out, "(ranked for a full function set; a run ranks for its own count, "
			     "which --filter-func narrows)\n");
}

/* 1 true, 0 false, anything else (unknown) null */
static void json_tristate(struct json_writer *w, int v)
{
	if (v == 1 || v == 0)
		jsonw_bool(w, v);
	else
		jsonw_null(w);
}

static void json_feature(const struct features *f, struct json_writer *w, enum feat_id id)
{
	const struct feat *ft = &f->f[id];
	const char *en = ft->err ? feat__errno_name(ft->err) : NULL, *rem;
	char detail[sizeof(ft->detail)];

	feat__detail(f, id, detail, sizeof(detail), &rem);
	jsonw_name(w, feat_info[id].key);
	jsonw_start_object(w);
	jsonw_string_field(w, "label", feat_info[id].label);
	jsonw_name(w, "value");
	if (id == FEAT_LOCKDOWN)
		jsonw_string(w, feat__lockdown_name(ft->val));
	else
		json_tristate(w, ft->val);
	jsonw_string_field(w, "how", how_name(ft->how));
	jsonw_name(w, "errno");
	if (ft->err)
		jsonw_int(w, ft->err);
	else
		jsonw_null(w);
	jsonw_string_field(w, "errno_name", en);
	jsonw_string_field(w, "detail", detail);
	jsonw_string_field(w, "remedy", ft->val == 1 ? NULL : rem);
	jsonw_end_object(w);
}

static void json_kernel(const struct features *f, struct json_writer *w)
{
	char kv[32];

	jsonw_name(w, "kernel");
	jsonw_start_object(w);
	jsonw_string_field(w, "release", f->release);
	jsonw_string_field(w, "version", f->version);
	jsonw_string_field(w, "version_signature",
			   f->version_signature[0] ? f->version_signature : NULL);
	snprintf(kv, sizeof(kv), "%u.%u.%u", f->kver >> 16, (f->kver >> 8) & 0xff, f->kver & 0xff);
	jsonw_string_field(w, "version_code", kv);
	jsonw_string_field(w, "config_source", f->config_source[0] ? f->config_source : NULL);
	jsonw_string_field(w, "kernel_btf", f->kernel_btf[0] ? f->kernel_btf : NULL);
	jsonw_string_field(w, "tracefs", f->tracefs[0] ? f->tracefs : NULL);
	jsonw_string_field(w, "lockdown", feat__lockdown_name(f->f[FEAT_LOCKDOWN].val));
	jsonw_bool_field(w, "vmlinux_btf", features__has_vmlinux_btf(f));
	jsonw_bool_field(w, "ringbuf", features__has_ringbuf(f));
	jsonw_bool_field(w, "attach_cookie", features__has_attach_cookie(f));
	jsonw_bool_field(w, "get_func_ip", features__has_get_func_ip(f));
	jsonw_bool_field(w, "kprobe_pmu", features__has_kprobe_pmu(f));
	jsonw_bool_field(w, "kprobe_past_ftrace", features__kprobe_past_ftrace(f));
	jsonw_end_object(w);
}

static void json_report(const struct features *f, FILE *out)
{
	char why[512], explain[1024];
	struct json_writer w;
	const char *rem;
	int i, pick;
	bool ok;

	jsonw_init(&w, out);
	jsonw_pretty(&w, 2);
	jsonw_short_escapes(&w, true);
	jsonw_start_object(&w);
	jsonw_string_field(&w, "source", f->source);
	ok = features__supported(f, why, sizeof(why));
	jsonw_name(&w, "floor");
	jsonw_start_object(&w);
	jsonw_string_field(&w, "version", PWRU_FLOOR);
	jsonw_string_field(&w, "needs", PWRU_FLOOR_NEEDS);
	jsonw_bool_field(&w, "supported", ok);
	jsonw_string_field(&w, "reason", why);
	jsonw_end_object(&w);
	json_kernel(f, &w);
	jsonw_name(&w, "features");
	jsonw_start_object(&w);
	for (i = 0; i < FEAT__COUNT; i++)
		json_feature(f, &w, i);
	jsonw_end_object(&w);
	jsonw_name(&w, "capabilities");
	if (f->cap_known)
		json_caps(&w, f->cap_eff);
	else
		jsonw_null(&w);
	jsonw_name(&w, "backends");
	jsonw_start_object(&w);
	for (i = 0; i < PWRU_BE__COUNT; i++) {
		ok = features__usable(f, i, why, sizeof(why), &rem);
		jsonw_name(&w, pwru_backend_name(i));
		jsonw_start_object(&w);
		jsonw_bool_field(&w, "usable", ok);
		jsonw_string_field(&w, "reason", why);
		jsonw_string_field(&w, "remedy", ok ? NULL : rem);
		jsonw_name(&w, "caps_needed");
		json_caps(&w, features__caps_needed(f, i));
		jsonw_name(&w, "caps_missing");
		json_caps(&w, features__caps_missing(f, i));
		jsonw_end_object(&w);
	}
	jsonw_end_object(&w);
	pick = features__pick(f, explain, sizeof(explain));
	jsonw_string_field(&w, "auto", pick < 0 ? NULL : pwru_backend_name(pick));
	jsonw_string_field(&w, "auto_explain", explain);
	jsonw_end_object(&w);
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
