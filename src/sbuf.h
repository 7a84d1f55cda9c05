/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A byte buffer for the formatters: an event is assembled here and written
 * with one fwrite(), instead of one printf-family call per field (each
 * parses its format and takes the FILE lock). With a FILE, a full buffer is
 * written out and refilled, so no event is too long; without one it holds
 * what fits and drops the rest, as snprintf() does.
 */
#ifndef PWRU_SBUF_H
#define PWRU_SBUF_H

#include <stdio.h>
#include <string.h>
#include <linux/types.h>

struct sbuf {
	char *p;
	size_t len, cap;
	size_t flushed; /* bytes written out before p[0] */
	FILE *out; /* NULL: truncate at cap */
};

static inline void sb_init(struct sbuf *b, char *mem, size_t cap, FILE *out)
{
	b->p = mem;
	b->len = 0;
	b->cap = cap;
	b->flushed = 0;
	b->out = out;
}

/* Bytes appended since sb_init(), for padding what was just written. */
static inline size_t sb_pos(const struct sbuf *b)
{
	return b->flushed + b->len;
}

/*
 * Unlocked: a formatter's stream belongs to the one thread that prints
 * events, and the lock pair is a tenth of a short event's cost.
 */
static inline void sb_flush(struct sbuf *b)
{
	if (b->out && b->len)
		fwrite_unlocked(b->p, 1, b->len, b->out);
	b->flushed += b->len;
	b->len = 0;
}

/* Bytes appended; the rest dropped when nothing takes them. */
static inline void sb_mem(struct sbuf *b, const void *s, size_t n)
{
	if (n > b->cap - b->len) {
		if (!b->out) {
			n = b->cap - b->len;
		} else {
			sb_flush(b);
			if (n > b->cap) {
				fwrite_unlocked(s, 1, n, b->out);
				b->flushed += n;
				return;
			}
		}
	}
	/* most pieces are a few bytes: a libc call per piece costs more than the copy */
	if (n <= 16) {
		char *d = b->p + b->len; /* a local: stores through char * may alias *b */

		for (size_t i = 0; i < n; i++)
			d[i] = ((const char *)s)[i];
	} else {
		memcpy(b->p + b->len, s, n);
	}
	b->len += n;
}

static inline void sb_str(struct sbuf *b, const char *s)
{
	sb_mem(b, s, strlen(s));
}

static inline void sb_ch(struct sbuf *b, char c)
{
	if (b->len == b->cap) {
		if (!b->out)
			return;
		sb_flush(b);
	}
	b->p[b->len++] = c;
}

static inline void sb_spaces(struct sbuf *b, size_t n)
{
	static const char sp[] = "                                ";

	for (; n > sizeof(sp) - 1; n -= sizeof(sp) - 1)
		sb_mem(b, sp, sizeof(sp) - 1);
	sb_mem(b, sp, n);
}

/* Pad what was written since pos to width ("%-*s" after the fact). */
static inline void sb_pad_since(struct sbuf *b, size_t pos, size_t width)
{
	size_t n = sb_pos(b) - pos;

	if (n < width)
		sb_spaces(b, width - n);
}

/* printf's "%-*s" */
static inline void sb_pad_mem(struct sbuf *b, const char *s, size_t n, size_t width)
{
	sb_mem(b, s, n);
	if (n < width)
		sb_spaces(b, width - n);
}

static inline void sb_pad_str(struct sbuf *b, const char *s, size_t width)
{
	sb_pad_mem(b, s, strlen(s), width);
}

/* Decimal digits of v ending at end (20 bytes before it will do); returns where they start. */
static inline char *u64_digits(__u64 v, char *end)
{
	/* two digits per division: most numbers here are ports, pids, lengths */
	static const char pairs[201] = "00010203040506070809101112131415161718192021222324"
				       "25262728293031323334353637383940414243444546474849"
				       "50515253545556575859606162636465666768697071727374"
				       "75767778798081828384858687888990919293949596979899";

	while (v >= 100) {
		unsigned int r = v % 100;

		v /= 100;
		*--end = pairs[2 * r + 1];
		*--end = pairs[2 * r];
	}
	if (v >= 10) {
		*--end = pairs[2 * v + 1];
		*--end = pairs[2 * v];
	} else {
		*--end = '0' + v;
	}
	return end;
}

/* printf's "%-*llu" (width 0: "%llu") */
static inline void sb_u64(struct sbuf *b, __u64 v, size_t width)
{
	char buf[20], *s = u64_digits(v, buf + sizeof(buf));

	sb_pad_mem(b, s, buf + sizeof(buf) - s, width);
}

/* Lowercase hex digits of v at the end of buf[16], at least min of them. */
static inline char *u64_hex(__u64 v, char *end, int min)
{
	char *s = end;

	do
		*--s = "0123456789abcdef"[v & 0xf];
	while ((v >>= 4) || end - s < min);
	return s;
}

/* printf's "%#llx": 0x and the digits, but plain "0" for zero */
static inline void sb_hex_alt(struct sbuf *b, __u64 v)
{
	char buf[18], *s = u64_hex(v, buf + sizeof(buf), 1);

	if (v) {
		*--s = 'x';
		*--s = '0';
	}
	sb_mem(b, s, buf + sizeof(buf) - s);
}

/* printf's "%-*llx" */
static inline void sb_hex(struct sbuf *b, __u64 v, size_t width)
{
	char buf[16], *s = u64_hex(v, buf + sizeof(buf), 1);

	sb_pad_mem(b, s, buf + sizeof(buf) - s, width);
}

#endif /* PWRU_SBUF_H */
