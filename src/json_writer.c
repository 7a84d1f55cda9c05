// SPDX-License-Identifier: GPL-2.0
/* The JSON writer of json_writer.h. */
#include <string.h>

#include "json_writer.h"

void jsonw_init(struct json_writer *w, FILE *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->first[0] = true;
}

void jsonw_pretty(struct json_writer *w, int pretty_depth)
{
	w->pretty_depth = pretty_depth;
}

void jsonw_short_escapes(struct json_writer *w, bool on)
{
	w->short_escapes = on;
}

static bool broken(const struct json_writer *w, int depth)
{
	return depth > 0 && depth <= w->pretty_depth;
}

static void indent(const struct json_writer *w, int depth)
{
	fputc('\n', w->out);
	for (int i = 0; i < depth; i++)
		fputs("  ", w->out);
}

/* Before a member or element: the separator and, on a broken level, a new line. */
static void sep(struct json_writer *w)
{
	if (w->named) {
		w->named = false;
		return;
	}
	if (!w->first[w->depth])
		fputs(w->pretty_depth && !broken(w, w->depth) ? ", " : ",", w->out);
	w->first[w->depth] = false;
	if (broken(w, w->depth))
		indent(w, w->depth);
}

/* After a value: a top-level one ends its line. */
static void done(struct json_writer *w)
{
	if (!w->depth)
		fputc('\n', w->out);
}

static void start(struct json_writer *w, char c)
{
	sep(w);
	fputc(c, w->out);
	if (w->depth + 1 < JSONW_MAX_DEPTH)
		w->depth++;
	w->first[w->depth] = true;
}

static void end(struct json_writer *w, char c)
{
	bool empty = w->first[w->depth];

	if (broken(w, w->depth) && !empty)
		indent(w, w->depth - 1);
	if (w->depth)
		w->depth--;
	fputc(c, w->out);
	done(w);
}

void jsonw_start_object(struct json_writer *w)
{
	start(w, '{');
}

void jsonw_end_object(struct json_writer *w)
{
	end(w, '}');
}

void jsonw_start_array(struct json_writer *w)
{
	start(w, '[');
}

void jsonw_end_array(struct json_writer *w)
{
	end(w, ']');
}

static void escaped(struct json_writer *w, const char *s)
{
	fputc('"', w->out);
	for (; *s; s++) {
		unsigned char ch = *s;

		if (ch == '"' || ch == '\\')
			fprintf(w->out, "\\%c", ch);
		else if (w->short_escapes && ch == '\n')
			fputs("\\n", w->out);
		else if (w->short_escapes && ch == '\t')
			fputs("\\t", w->out);
		else if (w->short_escapes && ch == '\r')
			fputs("\\r", w->out);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(w->out, "\\u%04x", ch);
		else
			fputc(ch, w->out);
	}
	fputc('"', w->out);
}

void jsonw_name(struct json_writer *w, const char *name)
{
	sep(w);
	escaped(w, name);
	fputs(w->pretty_depth ? ": " : ":", w->out);
	w->named = true;
}

void jsonw_string(struct json_writer *w, const char *s)
{
	if (!s) {
		jsonw_null(w);
		return;
	}
	sep(w);
	escaped(w, s);
	done(w);
}

void jsonw_null(struct json_writer *w)
{
	sep(w);
	fputs("null", w->out);
	done(w);
}

void jsonw_bool(struct json_writer *w, bool v)
{
	sep(w);
	fputs(v ? "true" : "false", w->out);
	done(w);
}

void jsonw_int(struct json_writer *w, long long v)
{
	sep(w);
	fprintf(w->out, "%lld", v);
	done(w);
}

void jsonw_uint(struct json_writer *w, unsigned long long v)
{
	sep(w);
	fprintf(w->out, "%llu", v);
	done(w);
}

void jsonw_string_field(struct json_writer *w, const char *name, const char *s)
{
	jsonw_name(w, name);
	jsonw_string(w, s);
}

void jsonw_bool_field(struct json_writer *w, const char *name, bool v)
{
	jsonw_name(w, name);
	jsonw_bool(w, v);
}

void jsonw_uint_field(struct json_writer *w, const char *name, unsigned long long v)
{
	jsonw_name(w, name);
	jsonw_uint(w, v);
}
