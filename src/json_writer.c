// SPDX-License-Identifier: GPL-2.0
/* The JSON writer of json_writer.h. */
#include <string.h>

#include "json_writer.h"
#include "sbuf.h"

void jsonw_init(struct json_writer *w, FILE *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->first[0] = true;
}

void jsonw_init_sbuf(struct json_writer *w, struct sbuf *sb)
{
	jsonw_init(w, NULL);
	w->sb = sb;
}

/* Inlined: an event is some forty of these calls. */
static inline __attribute__((always_inline)) void put(struct json_writer *w, const char *s,
						      size_t n)
{
	if (w->sb)
		sb_mem(w->sb, s, n);
	else
		fwrite(s, 1, n, w->out);
}

static inline void puts_(struct json_writer *w, const char *s)
{
	put(w, s, strlen(s));
}

static inline __attribute__((always_inline)) void putch(struct json_writer *w, char c)
{
	if (w->sb)
		sb_ch(w->sb, c);
	else
		fputc(c, w->out);
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

static void indent(struct json_writer *w, int depth)
{
	putch(w, '\n');
	for (int i = 0; i < depth; i++)
		put(w, "  ", 2);
}

/* Before a member or element: the separator and, on a broken level, a new line. */
static void sep(struct json_writer *w)
{
	if (w->named) {
		w->named = false;
		return;
	}
	if (!w->first[w->depth])
		puts_(w, w->pretty_depth && !broken(w, w->depth) ? ", " : ",");
	w->first[w->depth] = false;
	if (broken(w, w->depth))
		indent(w, w->depth);
}

/* After a value: a top-level one ends its line. */
static void done(struct json_writer *w)
{
	if (!w->depth)
		putch(w, '\n');
}

static void start(struct json_writer *w, char c)
{
	sep(w);
	putch(w, c);
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
	putch(w, c);
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

/* Bytes that need an escape: control characters, DEL, '"' and '\\'. */
static const bool esc[256] = {
	[0 ... 0x1f] = true, ['"'] = true, ['\\'] = true, [0x7f] = true,
};

static inline bool needs_escape(unsigned char ch)
{
	return esc[ch];
}

/* The n bytes at s, escaped; runs that need no escape go out in one piece. */
static void escape_body(struct json_writer *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char u[6] = { '\\', 'u', '0', '0' };
	const char *run, *end = s + n;

	for (;;) {
		unsigned char ch;

		for (run = s; s < end && !needs_escape(*s); s++)
			;
		put(w, run, s - run);
		if (s == end)
			break;
		ch = *s++;
		if (ch == '"' || ch == '\\') {
			u[1] = ch;
			put(w, u, 2);
		} else if (w->short_escapes && (ch == '\n' || ch == '\t' || ch == '\r')) {
			u[1] = ch == '\n' ? 'n' : ch == '\t' ? 't' : 'r';
			put(w, u, 2);
		} else {
			u[1] = 'u';
			u[4] = hex[ch >> 4];
			u[5] = hex[ch & 0xf];
			put(w, u, 6);
		}
	}
}

static void escaped(struct json_writer *w, const char *s)
{
	putch(w, '"');
	escape_body(w, s, strlen(s));
	putch(w, '"');
}

void jsonw_sbuf_string(struct sbuf *sb, const char *s)
{
	struct json_writer w = { .sb = sb };

	escaped(&w, s);
}

void jsonw_sbuf_chars(struct sbuf *sb, const char *s, size_t n)
{
	struct json_writer w = { .sb = sb };

	escape_body(&w, s, n);
}

void jsonw_init_member(struct json_writer *w, struct sbuf *sb)
{
	jsonw_init_sbuf(w, sb);
	w->depth = 1;
	w->first[1] = false;
}

void jsonw_name(struct json_writer *w, const char *name)
{
	sep(w);
	escaped(w, name);
	puts_(w, w->pretty_depth ? ": " : ":");
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
	put(w, "null", 4);
	done(w);
}

void jsonw_bool(struct json_writer *w, bool v)
{
	sep(w);
	puts_(w, v ? "true" : "false");
	done(w);
}

void jsonw_int(struct json_writer *w, long long v)
{
	char buf[21], *end = buf + sizeof(buf), *p;

	sep(w);
	/* the magnitude as unsigned: -LLONG_MIN overflows */
	p = u64_digits(v < 0 ? -(unsigned long long)v : (unsigned long long)v, end);
	if (v < 0)
		*--p = '-';
	put(w, p, end - p);
	done(w);
}

void jsonw_uint(struct json_writer *w, unsigned long long v)
{
	char buf[20], *end = buf + sizeof(buf), *p = u64_digits(v, end);

	sep(w);
	put(w, p, end - p);
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
