/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One JSON writer for events and `pwru check`, in the shape of bpftool's
 * json_writer: start/end an object or array, name a member, write a value;
 * the writer places commas, colons and indentation, and escapes strings one
 * way. Nesting levels below pretty_depth are broken across lines with
 * two-space indents, deeper ones stay on one line (", " and ": " between
 * members when pretty_depth > 0, "," and ":" when it is 0). A newline
 * follows every top-level value, so a document or an event is one line.
 */
#ifndef PWRU_JSON_WRITER_H
#define PWRU_JSON_WRITER_H

#include <stdbool.h>
#include <stdio.h>

#define JSONW_MAX_DEPTH 16

struct sbuf;

struct json_writer {
	FILE *out;
	struct sbuf *sb; /* instead of out: jsonw_init_sbuf() */
	int depth;
	int pretty_depth;
	bool short_escapes; /* \n \t \r rather than \u000a ... */
	bool first[JSONW_MAX_DEPTH]; /* nothing written yet at that level */
	bool named; /* a name was written, its value comes next */
};

/* Compact (pretty_depth 0) unless set with jsonw_pretty(). */
void jsonw_init(struct json_writer *w, FILE *out);
/* The same into a buffer (sbuf.h), which the caller writes out. */
void jsonw_init_sbuf(struct json_writer *w, struct sbuf *sb);
/*
 * For a hot path that lays out a compact object by hand: s as a JSON
 * string, quoted and escaped as the writer does (short_escapes off); and a
 * writer that goes on inside such an object after its first member.
 */
void jsonw_sbuf_string(struct sbuf *sb, const char *s);
/* The n bytes at s escaped, without quotes: part of a string. */
void jsonw_sbuf_chars(struct sbuf *sb, const char *s, size_t n);
void jsonw_init_member(struct json_writer *w, struct sbuf *sb);
void jsonw_pretty(struct json_writer *w, int pretty_depth);
/* Write \n, \t and \r as such; other control characters are \u00XX always. */
void jsonw_short_escapes(struct json_writer *w, bool on);

void jsonw_start_object(struct json_writer *w);
void jsonw_end_object(struct json_writer *w);
void jsonw_start_array(struct json_writer *w);
void jsonw_end_array(struct json_writer *w);
void jsonw_name(struct json_writer *w, const char *name);

void jsonw_string(struct json_writer *w, const char *s); /* NULL writes null */
void jsonw_null(struct json_writer *w);
void jsonw_bool(struct json_writer *w, bool v);
void jsonw_int(struct json_writer *w, long long v);
void jsonw_uint(struct json_writer *w, unsigned long long v);

/* name and value in one call */
void jsonw_string_field(struct json_writer *w, const char *name, const char *s);
void jsonw_bool_field(struct json_writer *w, const char *name, bool v);
void jsonw_uint_field(struct json_writer *w, const char *name, unsigned long long v);

#endif /* PWRU_JSON_WRITER_H */
