// SPDX-License-Identifier: GPL-2.0
/*
 * Field expressions on the traced skb: parse, resolve through BTF into the
 * read list the BPF body walks (bpf/skb_expr.bpf.h), print the values.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "skb_expr.h"
#include "sbuf.h"
#include "json_writer.h"
#include "options.h"
#include "perr.h"

/* refusals of bad input: -EINVAL with the message */
#define fail(err, len, ...) perr__msg(err, len, -EINVAL, __VA_ARGS__)

static const char *skip_space(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* An identifier at *s into name; advances *s. false when there is none. */
static bool take_ident(const char **s, char *name, size_t len)
{
	const char *p = *s;
	size_t n = 0;

	if (!isalpha((unsigned char)*p) && *p != '_')
		return false;
	while (isalnum((unsigned char)p[n]) || p[n] == '_')
		n++;
	if (n >= len)
		return false;
	memcpy(name, p, n);
	name[n] = '\0';
	*s = p + n;
	return true;
}

static const struct {
	const char *s;
	enum pwru_expr_op op;
} ops[] = {
	/* two-character operators first: "<=" is not "<" then "=" */
	{ "==", PWRU_EXPR_EQ }, { "!=", PWRU_EXPR_NE }, { "<=", PWRU_EXPR_LE },
	{ ">=", PWRU_EXPR_GE }, { "<", PWRU_EXPR_LT },	{ ">", PWRU_EXPR_GT },
};

static int parse_path(const char **sp, struct skb_expr_path *p, char *err, size_t len)
{
	const char *s = skip_space(*sp);
	char name[SKB_EXPR_NAME];
	size_t used;

	if (!take_ident(&s, name, sizeof(name)) || strcmp(name, "skb"))
		return fail(err, len, "'%s' does not start with skb (the traced sk_buff)", *sp);
	strcpy(p->text, "skb");
	while (1) {
		bool arrow;

		s = skip_space(s);
		if (s[0] == '-' && s[1] == '>')
			arrow = true;
		else if (s[0] == '.')
			arrow = false;
		else
			break;
		s = skip_space(s + (arrow ? 2 : 1));
		if (!take_ident(&s, name, sizeof(name)))
			return fail(err, len, "expected a member name after '%s%s'", p->text,
				    arrow ? "->" : ".");
		if (p->nr == SKB_EXPR_PARTS)
			return fail(err, len, "'%s...' has more than %d members", p->text,
				    SKB_EXPR_PARTS);
		used = strlen(p->text);
		if (used + 2 + strlen(name) >= sizeof(p->text))
			return fail(err, len, "'%s...' is too long", p->text);
		snprintf(p->text + used, sizeof(p->text) - used, "%s%s", arrow ? "->" : ".", name);
		p->part[p->nr].arrow = arrow;
		strcpy(p->part[p->nr].name, name);
		p->nr++;
	}
	if (!p->nr)
		return fail(err, len, "'skb' alone is not a field: write skb->FIELD");
	*sp = s;
	return 0;
}

int skb_expr__parse(const char *s, bool cmp, struct skb_expr_path *p, char *err, size_t len)
{
	const char *v;
	size_t n;
	int ret;

	memset(p, 0, sizeof(*p));
	ret = parse_path(&s, p, err, len);
	if (ret)
		return ret;
	s = skip_space(s);
	if (!cmp) {
		if (*s)
			return fail(err, len, "unexpected '%s' after '%s' (a field, no comparison)", s,
				    p->text);
		return 0;
	}
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (!strncmp(s, ops[i].s, strlen(ops[i].s))) {
			p->op = ops[i].op;
			s += strlen(ops[i].s);
			break;
		}
	}
	if (!p->op)
		return fail(err, len, "expected == != < <= > or >= after '%s'", p->text);
	v = skip_space(s);
	n = strcspn(v, " \t\n");
	if (!n)
		return fail(err, len, "expected a number or an enum value after the comparison");
	if (*skip_space(v + n))
		return fail(err, len, "unexpected '%s' after '%.*s'", skip_space(v + n), (int)n, v);
	if (n >= sizeof(p->value))
		return fail(err, len, "value '%.*s' is too long", (int)n, v);
	memcpy(p->value, v, n);
	return 0;
}

static const struct btf_type *skip_mods(const struct btf *btf, __u32 id, __u32 *res_id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t))) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	if (res_id)
		*res_id = id;
	return t;
}

/*
 * Member name of composite type t, looked for in anonymous members too
 * (sk_buff keeps most fields in anonymous unions and structs). Its bit
 * offset from the start of t, bitfield width (0: none) and type id.
 */
static bool find_member(const struct btf *btf, const struct btf_type *t, const char *name,
			__u32 *bit_off, __u32 *bits, __u32 *type_id)
{
	const struct btf_member *m = btf_members(t);

	for (int i = 0; i < btf_vlen(t); i++, m++) {
		const char *mname = btf__name_by_offset(btf, m->name_off);
		const struct btf_type *mt;

		if (mname && *mname) {
			if (strcmp(mname, name))
				continue;
			*bit_off = btf_member_bit_offset(t, i);
			*bits = btf_member_bitfield_size(t, i);
			*type_id = m->type;
			return true;
		}
		mt = skip_mods(btf, m->type, NULL);
		if (mt && btf_is_composite(mt) &&
		    find_member(btf, mt, name, bit_off, bits, type_id)) {
			*bit_off += btf_member_bit_offset(t, i);
			return true;
		}
	}
	return false;
}

/* "struct sk_buff", or the path for an anonymous one: "'skb->headers' (a struct)" */
static void type_desc(const struct btf *btf, const struct btf_type *t, const char *path,
		      char *buf, size_t len)
{
	const char *name = btf__name_by_offset(btf, t->name_off);
	const char *kind = btf_is_union(t) ? "union" : "struct";

	if (name && *name)
		snprintf(buf, len, "%s %s", kind, name);
	else
		snprintf(buf, len, "'%s' (an anonymous %s)", path, kind);
}

static const char *kind_name(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT:
		return "a struct";
	case BTF_KIND_UNION:
		return "a union";
	case BTF_KIND_ARRAY:
		return "an array";
	case BTF_KIND_FUNC_PROTO:
		return "a function";
	case BTF_KIND_FWD:
		return "an incomplete type";
	default:
		return "not a number type";
	}
}

/* The field's type: size in bytes, signedness; an old-style int bitfield widens bits. */
static int field_type(const struct btf *btf, const struct btf_type *t, const char *path,
		      __u32 *bit_off, __u32 *bits, struct pwru_expr *e, bool *is_ptr, char *err,
		      size_t len)
{
	*is_ptr = false;
	if (btf_is_ptr(t)) {
		*is_ptr = true;
		e->size = 8;
		return 0;
	}
	if (btf_is_int(t)) {
		__u32 enc = btf_int_encoding(t);

		e->size = t->size;
		e->is_signed = !!(enc & BTF_INT_SIGNED);
		/* BTF before kind_flag (4.20) put bitfields in the int itself */
		if (!*bits && (btf_int_offset(t) || btf_int_bits(t) != t->size * 8)) {
			*bit_off += btf_int_offset(t);
			*bits = btf_int_bits(t);
		}
	} else if (btf_is_any_enum(t)) {
		e->size = t->size;
		e->is_signed = btf_kflag(t);
	} else {
		return fail(err, len, "'%s' is %s, not a number", path, kind_name(t));
	}
	if (e->size != 1 && e->size != 2 && e->size != 4 && e->size != 8)
		return fail(err, len, "'%s' is a %u-byte number: only 1, 2, 4 and 8 bytes are read",
			    path, e->size);
	return 0;
}

/* Byte offset, read size and shifts of the final field at bit_off (bits: bitfield width). */
static int place_field(const char *path, __u32 bit_off, __u32 bits, struct pwru_expr *e,
		       char *err, size_t len)
{
	__u32 in, need;

	if (!bits) {
		if (bit_off % 8)
			return fail(err, len, "'%s' does not start on a byte", path);
		e->off = bit_off / 8;
		e->lshift = e->rshift = 64 - e->size * 8;
		return 0;
	}
	/* little-endian (x86, the one target built): bit 0 is the lowest of the first byte */
	in = bit_off % 8;
	need = in + bits;
	if (need > 64)
		return fail(err, len, "'%s' is a bitfield spanning more than 8 bytes", path);
	e->off = bit_off / 8;
	e->size = need <= 8 ? 1 : need <= 16 ? 2 : need <= 32 ? 4 : 8;
	e->lshift = 64 - need;
	e->rshift = 64 - bits;
	return 0;
}

static bool enum_value(const struct btf *btf, const struct btf_type *t, const char *name,
		       __u64 *v)
{
	if (btf_is_enum(t)) {
		const struct btf_enum *m = btf_enum(t);

		for (int i = 0; i < btf_vlen(t); i++, m++) {
			if (!strcmp(btf__name_by_offset(btf, m->name_off), name)) {
				/* sign-extended when the enum is signed, as the field reads */
				*v = btf_kflag(t) ? (__u64)(__s64)(__s32)m->val : (__u32)m->val;
				return true;
			}
		}
	} else if (btf_is_enum64(t)) {
		const struct btf_enum64 *m = btf_enum64(t);

		for (int i = 0; i < btf_vlen(t); i++, m++) {
			if (!strcmp(btf__name_by_offset(btf, m->name_off), name)) {
				*v = btf_enum64_value(m);
				return true;
			}
		}
	}
	return false;
}

/* An enum value's name: the field's own enum first, then any enum of the kernel. */
static bool find_enum_value(const struct btf *btf, const struct btf_type *ft, const char *name,
			    __u64 *v)
{
	__u32 n = btf__type_cnt(btf);

	if (btf_is_any_enum(ft) && enum_value(btf, ft, name, v))
		return true;
	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (btf_is_any_enum(t) && enum_value(btf, t, name, v))
			return true;
	}
	return false;
}

static int parse_value(const struct btf *btf, const struct btf_type *ft,
		       const struct skb_expr_path *p, __u32 bits, struct pwru_expr *e, char *err,
		       size_t len)
{
	const char *s = p->value;
	char *end;

	if (!bits)
		bits = e->size * 8;
	if (isalpha((unsigned char)*s) || *s == '_') {
		if (!find_enum_value(btf, ft, s, &e->value))
			return fail(err, len, "'%s' is neither a number nor an enum value of this kernel",
				    s);
		return 0;
	}
	errno = 0;
	if (e->is_signed) {
		long long v = strtoll(s, &end, 0);
		long long max = bits == 64 ? LLONG_MAX : (1LL << (bits - 1)) - 1;

		if (errno || *end || end == s)
			return fail(err, len, "'%s' is not a number", s);
		if (v > max || v < -max - 1)
			return fail(err, len, "%s does not fit '%s' (signed, %u bits)", s, p->text,
				    bits);
		e->value = v;
		return 0;
	}
	if (*s == '-')
		return fail(err, len, "%s does not fit '%s' (unsigned, %u bits)", s, p->text, bits);
	e->value = strtoull(s, &end, 0);
	if (errno || *end || end == s)
		return fail(err, len, "'%s' is not a number", s);
	if (bits < 64 && e->value >> bits)
		return fail(err, len, "%s does not fit '%s' (unsigned, %u bits)", s, p->text, bits);
	return 0;
}

int skb_expr__resolve(const struct btf *btf, const struct skb_expr_path *p, struct pwru_expr *e,
		      bool *is_ptr, char *err, size_t len)
{
	const struct btf_type *t;
	__u32 bit_off = 0, bits = 0, id;
	char path[SKB_EXPR_LEN] = "skb", desc[SKB_EXPR_LEN + 32];
	int sid = btf__find_by_name_kind(btf, "sk_buff", BTF_KIND_STRUCT), ret;
	bool ptr = true, root = true; /* skb itself: a pointer to struct sk_buff */

	memset(e, 0, sizeof(*e));
	if (sid < 0)
		return fail(err, len, "the kernel's BTF has no struct sk_buff");
	t = btf__type_by_id(btf, sid);
	for (int i = 0; i < p->nr; i++) {
		const char *name = p->part[i].name;
		__u32 off, width, mid;

		if (p->part[i].arrow) {
			if (!ptr)
				return fail(err, len, "'%s' is not a pointer: write '%s.%s'", path, path,
					    name);
			if (!root) {
				if (e->nderef == PWRU_EXPR_DEREFS)
					return fail(err, len, "'%s': more than %d pointers to follow",
						    p->text, PWRU_EXPR_DEREFS);
				e->deref_off[e->nderef++] = bit_off / 8;
				t = skip_mods(btf, t->type, NULL);
			}
			bit_off = 0;
			if (!t || !btf_is_composite(t))
				return fail(err, len, "'%s' does not point to a struct or union", path);
		} else if (ptr) {
			return fail(err, len, "'%s' is a pointer: write '%s->%s'", path, path, name);
		} else if (bits || !btf_is_composite(t)) {
			return fail(err, len, "'%s' is not a struct or union: it has no member '%s'",
				    path, name);
		}
		if (!find_member(btf, t, name, &off, &width, &mid)) {
			type_desc(btf, t, path, desc, sizeof(desc));
			return fail(err, len, "%s has no member '%s'", desc, name);
		}
		bit_off += off;
		bits = width;
		t = skip_mods(btf, mid, &id);
		if (!t)
			return fail(err, len, "'%s.%s': bad BTF type %u", path, name, id);
		ptr = btf_is_ptr(t);
		root = false;
		snprintf(path + strlen(path), sizeof(path) - strlen(path), "%s%s",
			 p->part[i].arrow ? "->" : ".", name);
	}
	ret = field_type(btf, t, p->text, &bit_off, &bits, e, is_ptr, err, len);
	ret = ret ?: place_field(p->text, bit_off, bits, e, err, len);
	if (ret || p->op == PWRU_EXPR_NONE)
		return ret;
	e->op = p->op;
	return parse_value(btf, t, p, bits, e, err, len);
}

int skb_expr__setup(const struct options *o, const struct btf *btf, struct pwru_expr_cfg *cfg,
		    struct skb_meta_out *out, char *err, size_t len)
{
	struct skb_expr_path p;
	char msg[256];
	bool is_ptr;

	memset(cfg, 0, sizeof(*cfg));
	memset(out, 0, sizeof(*out));
	if (!o->skb_expr && !o->nr_skb_meta)
		return 0;
	if (!btf)
		return fail(err, len, "%s: needs the kernel's BTF to find the fields: pass --kernel-btf FILE",
			    o->skb_expr ? "--filter-skb-expr" : "--output-skb-metadata");
	if (o->skb_expr &&
	    (skb_expr__parse(o->skb_expr, true, &p, msg, sizeof(msg)) ||
	     skb_expr__resolve(btf, &p, &cfg->filter, &is_ptr, msg, sizeof(msg))))
		return fail(err, len, "--filter-skb-expr: %s", msg);
	for (unsigned int i = 0; i < o->nr_skb_meta; i++) {
		if (skb_expr__parse(o->skb_meta[i], false, &p, msg, sizeof(msg)) ||
		    skb_expr__resolve(btf, &p, &cfg->meta[i], &is_ptr, msg, sizeof(msg)))
			return fail(err, len, "--output-skb-metadata: %s", msg);
		strcpy(out->v[i].name, p.text);
		out->v[i].is_signed = cfg->meta[i].is_signed;
		out->v[i].is_ptr = is_ptr;
	}
	cfg->nr_meta = out->nr = o->nr_skb_meta;
	return 0;
}

void skb_meta__text(const struct skb_meta_out *m, const struct pwru_event *ev, struct sbuf *b)
{
	for (unsigned int i = 0; m && i < m->nr; i++) {
		__u64 v = ev->meta[i];

		sb_ch(b, ' ');
		sb_str(b, m->v[i].name);
		sb_ch(b, '=');
		if (!(ev->meta_ok & (1u << i))) {
			sb_ch(b, '?');
		} else if (m->v[i].is_ptr) {
			sb_hex_alt(b, v);
		} else if (m->v[i].is_signed && (__s64)v < 0) {
			sb_ch(b, '-');
			sb_u64(b, -(__u64)v, 0);
		} else {
			sb_u64(b, v, 0);
		}
	}
}

void skb_meta__json(const struct skb_meta_out *m, const struct pwru_event *ev,
		    struct json_writer *w)
{
	char buf[24];

	if (!m || !m->nr)
		return;
	jsonw_name(w, "skb_metadata");
	jsonw_start_object(w);
	for (unsigned int i = 0; i < m->nr; i++) {
		jsonw_name(w, m->v[i].name);
		if (!(ev->meta_ok & (1u << i))) {
			jsonw_null(w);
		} else if (m->v[i].is_ptr) {
			snprintf(buf, sizeof(buf), "%#llx", (unsigned long long)ev->meta[i]);
			jsonw_string(w, buf);
		} else if (m->v[i].is_signed) {
			jsonw_int(w, (long long)ev->meta[i]);
		} else {
			jsonw_uint(w, ev->meta[i]);
		}
	}
	jsonw_end_object(w);
}
