// SPDX-License-Identifier: GPL-2.0
/*
 * pcap filters: translator and splice unit tests, and the differential test
 * against libpcap. Every expression of tests/unit/pcap/exprs.txt is compiled,
 * translated and spliced into a raw tracepoint harness that reads a packet
 * from an array map with bpf_probe_read_kernel, the read the BPF body does;
 * each packet is run through BPF_PROG_TEST_RUN and must get the verdict
 * pcap_offline_filter() gives, at L2 (Ethernet) and at L3 (raw IP).
 * Needs root (BPF); PWRU_SKIP_KERNEL=1 skips the kernel part.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/filter.h>

#include "pcap.h"
#include "unit_main.h"

#define CORPUS "tests/unit/pcap/exprs.txt"
#define MAXPKT 512
#define NPKTS 12000

struct pkt {
	__u32 caplen;
	__u32 wirelen;
	__u8 data[MAXPKT];
};

/* ---- packet generator: valid packets from pools the corpus names, then broken ones ---- */

static __u64 rng = 0x9e3779b97f4a7c15ULL;

static __u32 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (__u32)(rng >> 11);
}

#define PICK(a) (a[rnd() % (sizeof(a) / sizeof(a[0]))])

static const __u32 v4_pool[] = {0x0a000001, 0x0a000002, 0xc0a8010a, 0xc0a801c8, 0xac100504,
				0x08080808, 0x01010101, 0xe0000001, 0xffffffff, 0x7f000001};
static const char *const v6_pool[] = {
    "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x02",
    "\xfe\x80\0\0\0\0\0\0\0\0\0\0\0\0\0\x01",	  "\xff\x02\0\0\0\0\0\0\0\0\0\0\0\0\0\x01",
    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01",	  "\x20\x01\x0d\xb8\0\x01\0\0\0\0\0\0\0\0\0\x05",
};
static const __u16 port_pool[] = {22,	53,   80,   443,  8080,	 9999,	1024,
				  1500, 2000, 6000, 6050, 33434, 65535, 0};
static const __u8 mac_pool[][6] = {{2, 0, 0, 0, 0, 1},
				   {2, 0, 0, 0, 0, 2},
				   {0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
				   {1, 0, 0x5e, 0, 0, 1},
				   {0x33, 0x33, 0, 0, 0, 1}};
static const __u16 vid_pool[] = {100, 200, 1, 4095};

static void put16(__u8 *p, __u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(__u8 *p, __u32 v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static __u16 port(void)
{
	return rnd() % 4 ? PICK(port_pool) : rnd();
}

/* L4 header at p; returns its length */
static size_t gen_l4(__u8 *p, __u8 proto, bool v6)
{
	size_t n;

	switch (proto) {
	case 6:
		put16(p, port());
		put16(p + 2, port());
		put32(p + 4, rnd() % 3 ? rnd() : 0x10000);
		put32(p + 8, rnd());
		n = 20 + 4 * (rnd() % 3 ? 0 : rnd() % 11);
		p[12] = (n / 4) << 4;
		p[13] =
		    rnd() % 2
			? (__u8[]){0x02, 0x12, 0x10, 0x18, 0x11, 0x04, 0x14, 0x01, 0x29}[rnd() % 9]
			: rnd();
		put16(p + 14, rnd());
		for (size_t i = 16; i < n; i++)
			p[i] = rnd();
		if (rnd() % 3 == 0)
			put32(p + n, 0x70777275), n += 4; /* payload "pwru" */
		return n;
	case 17:
		put16(p, port());
		put16(p + 2, port());
		n = 8 + (rnd() % 2 ? 4 : rnd() % 40);
		put16(p + 4, rnd() % 4 ? n : rnd());
		put16(p + 6, 0);
		for (size_t i = 8; i < n; i++)
			p[i] = rnd();
		if (n >= 12 && rnd() % 2)
			put32(p + 8, 0x70777275);
		return n;
	case 1:
	case 58:
		p[0] = v6 ? (__u8[]){128, 129, 133, 135, 136, 1}[rnd() % 6]
			  : (__u8[]){0, 3, 8, 11, 5, 13}[rnd() % 6];
		p[1] = rnd() % 4;
		n = 8 + rnd() % 32;
		for (size_t i = 2; i < n; i++)
			p[i] = rnd();
		return n;
	}
	n = rnd() % 40;
	for (size_t i = 0; i < n; i++)
		p[i] = rnd();
	return n;
}

static __u8 l4_proto(bool v6)
{
	static const __u8 v4[] = {6, 6, 6, 17, 17, 17, 1, 1, 132, 47, 2, 50, 89};
	static const __u8 v6p[] = {6, 6, 17, 17, 58, 58, 132, 50};

	return v6 ? PICK(v6p) : PICK(v4);
}

static size_t gen_ipv4(__u8 *p)
{
	size_t ihl = rnd() % 4 ? 5 : 6 + rnd() % 10, n;
	__u8 proto = l4_proto(false);
	__u16 frag = 0;

	p[0] = 0x40 | ihl;
	p[1] = rnd() % 3 ? 0 : rnd();
	put16(p + 4, rnd());
	switch (rnd() % 6) {
	case 0:
		frag = 0x2000; /* MF, first fragment */
		break;
	case 1:
		frag = rnd() % 0x2000; /* later fragment */
		break;
	case 2:
		frag = 0x4000; /* DF */
		break;
	}
	put16(p + 6, frag);
	p[8] = rnd() % 2 ? 64 : (__u8[]){1, 63, 128, 255, 0}[rnd() % 5];
	p[9] = proto;
	put32(p + 12, PICK(v4_pool));
	put32(p + 16, rnd() % 8 ? PICK(v4_pool) : rnd());
	for (size_t i = 20; i < ihl * 4; i++)
		p[i] = i == 20 ? (__u8[]){1, 0x94, 7, 0x44}[rnd() % 4] : rnd();
	n = ihl * 4 + gen_l4(p + ihl * 4, proto, false);
	put16(p + 2, rnd() % 8 ? n : rnd());
	return n;
}

static size_t gen_ipv6(__u8 *p)
{
	static const __u8 ext[] = {0, 43, 44, 60};
	size_t off = 40;
	__u8 *nh = p + 6, proto = l4_proto(true);
	int next = rnd() % 3 ? 0 : 1 + rnd() % 3;

	p[0] = 0x60 | (rnd() % 16);
	p[1] = rnd();
	put16(p + 2, rnd());
	p[7] = rnd() % 2 ? 64 : 255;
	memcpy(p + 8, PICK(v6_pool), 16);
	memcpy(p + 24,
	       rnd() % 8 ? PICK(v6_pool) : "\x20\x01\x0d\xb8\xaa\xbb\xcc\xdd\0\0\0\0\0\0\0\x09",
	       16);
	for (int i = 0; i < next && off + 16 < 200; i++) {
		__u8 t = PICK(ext);
		size_t len = t == 44 ? 8 : 8 * (1 + rnd() % 2);

		*nh = t;
		nh = p + off;
		p[off + 1] = t == 44 ? 0 : len / 8 - 1;
		for (size_t j = 2; j < len; j++)
			p[off + j] = rnd();
		if (t == 44)
			put16(p + off + 2, rnd() % 2 ? 0 : rnd() & 0xfff9);
		off += len;
	}
	*nh = proto;
	off += gen_l4(p + off, proto, true);
	put16(p + 4, rnd() % 8 ? off - 40 : rnd());
	return off;
}

/* An Ethernet frame; *l3 = offset of the network header */
static size_t gen_frame(__u8 *p, size_t *l3)
{
	size_t off = 12;
	int tags = rnd() % 4 == 0 ? 1 + rnd() % 2 : 0;
	__u32 kind = rnd() % 10;

	memcpy(p, PICK(mac_pool), 6);
	memcpy(p + 6, mac_pool[rnd() % 2], 6);
	for (int i = 0; i < tags; i++, off += 4) {
		put16(p + off, i == 0 && tags == 2 && rnd() % 2 ? 0x88a8 : 0x8100);
		put16(p + off + 2, (rnd() % 8) << 13 | PICK(vid_pool));
	}
	*l3 = off + 2;
	if (kind < 5) {
		put16(p + off, 0x0800);
		return off + 2 + gen_ipv4(p + off + 2);
	}
	if (kind < 8) {
		put16(p + off, 0x86dd);
		return off + 2 + gen_ipv6(p + off + 2);
	}
	if (kind == 8) {
		put16(p + off, rnd() % 4 ? 0x0806 : 0x8035); /* ARP, RARP */
		put16(p + off + 2, 1);
		put16(p + off + 4, 0x0800);
		p[off + 6] = 6;
		p[off + 7] = 4;
		for (size_t i = 8; i < 30; i++)
			p[off + i] = rnd();
		return off + 30;
	}
	put16(p + off, rnd() % 2 ? rnd() % 1500 : rnd()); /* 802.3 length or anything */
	for (size_t i = 2; i < 40; i++)
		p[off + i] = rnd();
	return off + 40;
}

/*
 * Half valid, half broken: truncated (caplen = wirelen), snapped (caplen <
 * wirelen), random bytes flipped, wrong IP version, padded to a length.
 */
static void gen_packet(struct pkt *l2, struct pkt *l3)
{
	size_t n, off;

	memset(l2, 0, sizeof(*l2));
	n = gen_frame(l2->data, &off);
	l2->caplen = l2->wirelen = n;
	switch (rnd() % 8) {
	case 0:
		l2->caplen = l2->wirelen = rnd() % (n + 1);
		break;
	case 1:
		l2->caplen = rnd() % (n + 1);
		break;
	case 2:
		for (int i = rnd() % 4; i >= 0; i--)
			l2->data[rnd() % n] ^= 1 << (rnd() % 8);
		break;
	case 3:
		if (off < n)
			l2->data[off] = (l2->data[off] & 0x0f) | ((rnd() % 16) << 4);
		break;
	case 4:
		l2->wirelen = n + rnd() % 2000;
		break;
	}
	memset(l3, 0, sizeof(*l3));
	/* the same packet as the IP layer sees it */
	off = off <= l2->caplen ? off : l2->caplen;
	l3->caplen = l2->caplen - off;
	l3->wirelen = l2->wirelen - off;
	memcpy(l3->data, l2->data + off, l3->caplen);
}

/* ---- the kernel harness ---- */

static const struct bpf_insn *harness(int map_fd, __u64 magic, size_t *cnt)
{
	static struct bpf_insn v[32];
	size_t n = 0;

#define I(c, d, s, o, k) (v[n++] = (struct bpf_insn){c, d, s, o, k})
	I(BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_6, BPF_REG_1, 0, 0); /* args[0]: index */
	I(BPF_STX | BPF_MEM | BPF_W, BPF_REG_10, BPF_REG_6, -4, 0);
	I(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, BPF_PSEUDO_MAP_FD, 0, map_fd);
	I(0, 0, 0, 0, 0);
	I(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0);
	I(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -4);
	I(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem);
	I(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_0, 0, 2, 0);
	I(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
	I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	I(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_7, BPF_REG_0, 0, 0); /* caplen */
	I(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_8, BPF_REG_0, 4, 0); /* wirelen */
	/* the packet's address as a plain number, as the body passes head + offset */
	I(BPF_STX | BPF_MEM | BPF_DW, BPF_REG_10, BPF_REG_0, -16, 0);
	I(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_10, 0, 0);
	I(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_1, 0, 0, -24);
	I(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_2, 0, 0, 8);
	I(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_3, BPF_REG_10, 0, 0);
	I(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_3, 0, 0, -16);
	I(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_probe_read_kernel);
	I(BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_1, BPF_REG_10, -24, 0);
	I(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_1, 0, 0, 8);
	I(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_7, 0, 0);
	I(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_3, BPF_REG_8, 0, 0);
	I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 1);
	I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	/* the stub, as clang emits it from body.bpf.h */
	I(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_0, 0, 0, (__u32)magic);
	I(0, 0, 0, 0, magic >> 32);
	I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
#undef I
	*cnt = n;
	return v;
}

static int load_filter(const struct pwru_pcap *f, int map_fd, enum pcap_layer layer, char *log,
		       size_t log_size)
{
	LIBBPF_OPTS(bpf_prog_load_opts, lo, .log_buf = log, .log_size = log_size, .log_level = 1);
	size_t cnt, n;
	struct bpf_insn *v;
	char err[256];
	const struct bpf_insn *h =
	    harness(map_fd, layer == PCAP_L2 ? PCAP_STUB_MAGIC_L2 : PCAP_STUB_MAGIC_L3, &cnt);
	int fd, ret;

	ret = pcap_splice(f, h, cnt, &v, &n, NULL, NULL, NULL, err, sizeof(err));
	if (ret != 1) {
		snprintf(log, log_size, "splice: %d %s", ret, err);
		return -1;
	}
	log[0] = 0;
	fd = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "pcap_diff", "GPL", v, n, &lo);
	free(v);
	return fd;
}

static __u32 run(int prog, __u64 idx)
{
	LIBBPF_OPTS(bpf_test_run_opts, to, .ctx_in = &idx, .ctx_size_in = sizeof(idx));

	ck_assert_int_eq(bpf_prog_test_run_opts(prog, &to), 0);
	return to.retval;
}

static bool kernel_skipped(void)
{
	if (getenv("PWRU_SKIP_KERNEL")) {
		/* tests/unit/run counts it: a skip, not a pass */
		printf("SKIP: pcap differential: PWRU_SKIP_KERNEL set, the kernel checks did not run\n");
		fflush(stdout);
		return true;
	}
	return false;
}

START_TEST(differential)
{
	static struct pkt l2[NPKTS], l3[NPKTS];
	char line[512], *log = malloc(1 << 20);
	unsigned long pairs = 0, matches = 0, exprs = 0, no_l3 = 0;
	FILE *in = fopen(CORPUS, "r");
	struct timespec t0, t1;
	int map;

	if (kernel_skipped())
		return;
	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(log);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	map =
	    bpf_map_create(BPF_MAP_TYPE_ARRAY, "pcap_pkts", 4, sizeof(struct pkt), 2 * NPKTS, NULL);
	ck_assert_msg(map >= 0, "cannot create the packet map (root needed): %s", strerror(errno));
	for (__u32 i = 0; i < NPKTS; i++) {
		__u32 k3 = i + NPKTS;

		gen_packet(&l2[i], &l3[i]);
		ck_assert_int_eq(bpf_map_update_elem(map, &i, &l2[i], 0), 0);
		ck_assert_int_eq(bpf_map_update_elem(map, &k3, &l3[i], 0), 0);
	}
	while (fgets(line, sizeof(line), in)) {
		struct pwru_pcap *f;
		char err[256];

		line[strcspn(line, "\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		ck_assert_msg(!pcap_filter__compile(line, &f, err, sizeof(err)), "'%s': %s", line,
			      err);
		exprs++;
		no_l3 += f->no_l3;
		for (int layer = PCAP_L2; layer <= PCAP_L3; layer++) {
			int prog = load_filter(f, map, layer, log, 1 << 20);

			ck_assert_msg(prog >= 0, "'%s' L%d: load failed: %s\n%s", line, layer + 2,
				      strerror(errno), log);
			for (__u32 i = 0; i < NPKTS; i++) {
				const struct pkt *p = layer == PCAP_L2 ? &l2[i] : &l3[i];
				__u32 want = pcap_filter__match_offline(f, layer, p->data,
									p->caplen, p->wirelen);
				__u32 got = run(prog, i + (layer == PCAP_L2 ? 0 : NPKTS));

				if (got != want) {
					fprintf(stderr,
						"MISMATCH '%s' L%d packet %u caplen %u len %u: "
						"libpcap %u, eBPF %u\n",
						line, layer + 2, i, p->caplen, p->wirelen, want,
						got);
					for (__u32 j = 0; j < p->caplen; j++)
						fprintf(stderr, "%02x%s", p->data[j],
							j % 16 == 15 ? "\n" : " ");
					fputc('\n', stderr);
				}
				ck_assert_uint_eq(got, want);
				pairs++;
				matches += !!want;
			}
			close(prog);
		}
		pcap_filter__free(f);
	}
	fclose(in);
	close(map);
	free(log);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("pcap differential: %lu expressions (%lu without an L3 form) x %d packets x 2 layers"
	       " = %lu pairs checked, %lu matches, 0 mismatches, %.1fs\n",
	       exprs, no_l3, NPKTS, pairs, matches,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	ck_assert_uint_ge(exprs, 100);
	ck_assert_uint_ge(NPKTS, 10000);
	ck_assert_uint_gt(matches, pairs / 50); /* the corpus and the packets meet */
}
END_TEST

/*
 * Classic programs libpcap does not emit but pcap_translate() takes (found
 * by tests/fuzz/fuzz_pcap_cbpf.c): insns no path reaches, and a backward
 * jump whose code has more bits than BPF_JMP | BPF_JA. The verifier must
 * load both: dead code and an unset loop counter are what it refuses.
 */
START_TEST(odd_classic_programs_load)
{
	static const struct pcap_cbpf dead[] = {
	    {BPF_RET | BPF_K, 0, 0, PCAP_SNAPLEN},
	    {BPF_LD | BPF_IMM, 0, 0, 1}, /* unreachable */
	    {BPF_RET | BPF_A, 0, 0, 0},
	};
	static const struct pcap_cbpf loop[] = {
	    {BPF_LD | BPF_H | BPF_ABS, 0, 0, 12},
	    {BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0x800},
	    {BPF_JMP | BPF_JA | BPF_X, 0, 0, (__u32)-3}, /* back to insn 0 */
	    {BPF_RET | BPF_K, 0, 0, 0},
	};
	static const struct {
		const struct pcap_cbpf *p;
		size_t n;
		__u32 verdict; /* on the map's zeroed packet, caplen 0 */
	} progs[] = {{dead, 3, PCAP_SNAPLEN}, {loop, 4, 0}};
	char *log = malloc(1 << 20);
	int map;

	if (kernel_skipped())
		return;
	ck_assert_ptr_nonnull(log);
	map = bpf_map_create(BPF_MAP_TYPE_ARRAY, "pcap_odd", 4, sizeof(struct pkt), 1, NULL);
	ck_assert_msg(map >= 0, "cannot create the packet map (root needed): %s", strerror(errno));
	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		struct pwru_pcap f = {.prog = {(struct pcap_cbpf *)progs[i].p}, .no_l3 = true};
		int fd;

		f.len[PCAP_L2] = progs[i].n;
		fd = load_filter(&f, map, PCAP_L2, log, 1 << 20);
		ck_assert_msg(fd >= 0, "program %zu: load failed: %s\n%s", i, strerror(errno),
			      log + (strlen(log) > 512 ? strlen(log) - 512 : 0));
		ck_assert_uint_eq(run(fd, 0), progs[i].verdict);
		close(fd);
	}
	close(map);
	free(log);
}
END_TEST

/* ---- pure unit tests: no kernel ---- */

static struct pwru_pcap *compile(const char *e)
{
	struct pwru_pcap *f;
	char err[256];

	ck_assert_msg(!pcap_filter__compile(e, &f, err, sizeof(err)), "%s: %s", e, err);
	return f;
}

START_TEST(compile_errors)
{
	struct pwru_pcap *f = NULL;
	char err[256];

	ck_assert_int_eq(pcap_filter__compile("tcp and (", &f, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "can't parse filter expression: syntax error");
	ck_assert_int_eq(pcap_filter__compile("proto nope", &f, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "unknown ip proto 'nope'");
	ck_assert_ptr_null(f);
}
END_TEST

START_TEST(l3_forms)
{
	struct pwru_pcap *f = compile("ether host 02:00:00:00:00:01");

	ck_assert(f->no_l3); /* no raw-IP form at all */
	pcap_filter__free(f);
	f = compile("arp");
	/* never matches without an L2 header */
	ck_assert(f->no_l3);
	pcap_filter__free(f);
	f = compile("ip6 or arp");
	ck_assert(!f->no_l3);
	pcap_filter__free(f);
	f = compile("udp port 53");
	ck_assert(!f->no_l3);
	ck_assert_uint_gt(f->len[PCAP_L2], 1);
	pcap_filter__free(f);
}
END_TEST

/* Every classic opcode the translator knows, in one program. */
START_TEST(translate_all_classes)
{
	static const __u16 codes[] = {
	    BPF_LD | BPF_W | BPF_ABS,
	    BPF_LD | BPF_H | BPF_ABS,
	    BPF_LD | BPF_B | BPF_ABS,
	    BPF_LD | BPF_W | BPF_IND,
	    BPF_LD | BPF_H | BPF_IND,
	    BPF_LD | BPF_B | BPF_IND,
	    BPF_LD | BPF_W | BPF_LEN,
	    BPF_LD | BPF_IMM,
	    BPF_LD | BPF_MEM,
	    BPF_LDX | BPF_W | BPF_IMM,
	    BPF_LDX | BPF_W | BPF_MEM,
	    BPF_LDX | BPF_W | BPF_LEN,
	    BPF_LDX | BPF_B | BPF_MSH,
	    BPF_ST,
	    BPF_STX,
	    BPF_ALU | BPF_ADD | BPF_K,
	    BPF_ALU | BPF_SUB | BPF_X,
	    BPF_ALU | BPF_MUL | BPF_K,
	    BPF_ALU | BPF_DIV | BPF_X,
	    BPF_ALU | BPF_MOD | BPF_X,
	    BPF_ALU | BPF_AND | BPF_K,
	    BPF_ALU | BPF_OR | BPF_X,
	    BPF_ALU | BPF_XOR | BPF_K,
	    BPF_ALU | BPF_LSH | BPF_X,
	    BPF_ALU | BPF_RSH | BPF_K,
	    BPF_ALU | BPF_NEG,
	    BPF_MISC | BPF_TAX,
	    BPF_MISC | BPF_TXA,
	    BPF_JMP | BPF_JEQ | BPF_K,
	    BPF_JMP | BPF_JGT | BPF_X,
	    BPF_JMP | BPF_JGE | BPF_K,
	    BPF_JMP | BPF_JSET | BPF_K,
	    BPF_JMP | BPF_JA,
	    BPF_RET | BPF_A,
	};
	size_t n = sizeof(codes) / sizeof(codes[0]) + 1, cnt;
	struct pcap_cbpf prog[64] = {};
	struct bpf_insn *out;
	char err[128];

	for (size_t i = 0; i < n - 1; i++) {
		prog[i].code = codes[i];
		prog[i].k = BPF_CLASS(codes[i]) == BPF_ST || BPF_CLASS(codes[i]) == BPF_STX ||
				    BPF_MODE(codes[i]) == BPF_MEM
				? 3
				: 0x80000001;
		if (BPF_CLASS(codes[i]) == BPF_JMP)
			prog[i].k = 0;
	}
	prog[n - 1].code = BPF_RET | BPF_K;
	prog[n - 1].k = PCAP_SNAPLEN;
	ck_assert_int_eq(
	    pcap_translate(prog, n, BPF_FUNC_probe_read_kernel, &out, &cnt, err, sizeof(err)), 0);
	ck_assert_uint_gt(cnt, n);
	free(out);
	prog[0].code = BPF_LD | BPF_W | 0xe0; /* no such mode */
	ck_assert_int_eq(
	    pcap_translate(prog, n, BPF_FUNC_probe_read_kernel, &out, &cnt, err, sizeof(err)),
	    -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "classic BPF insn 0"));
}
END_TEST

/*
 * Splice into main (jump over a call), stub L2, another subprogram: the
 * jump and the call after the stub must be moved by the size difference,
 * and func_info/line_info follow.
 */
START_TEST(splice_fixups)
{
	struct bpf_insn prog[] = {
	    {BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_1, 0, 1, 0}, /* 0: -> 2 */
	    {BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 3},  /* 1: -> 5 (stub) */
	    {BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 5},  /* 2: -> 8 (other) */
	    {BPF_JMP | BPF_EXIT},
	    {BPF_JMP | BPF_EXIT},
	    {BPF_LD | BPF_DW | BPF_IMM, BPF_REG_0, 0, 0, (__s32)(__u32)PCAP_STUB_MAGIC_L2},
	    {0, 0, 0, 0, (__s32)(PCAP_STUB_MAGIC_L2 >> 32)},
	    {BPF_JMP | BPF_EXIT},
	    {BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 7}, /* 8: other */
	    {BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, -5},   /* 9: -> 5 (stub) */
	    {BPF_JMP | BPF_EXIT},
	};
	__u32 fi[3][2] = {{0, 1}, {5, 2}, {8, 3}};
	__u32 li[5][4] = {{0}, {5}, {6}, {8}, {9}};
	struct pcap_btf_ext fie = {fi, 3, sizeof(fi[0])}, lie = {li, 5, sizeof(li[0])};
	struct pwru_pcap *f = compile("udp");
	struct pcap_where where = {};
	struct bpf_insn *v, *body;
	size_t n, blen;
	char err[128];
	long d;

	ck_assert_int_eq(pcap_translate(f->prog[PCAP_L2], f->len[PCAP_L2],
					BPF_FUNC_probe_read_kernel, &body, &blen, err, sizeof(err)),
			 0);
	ck_assert_int_eq(pcap_splice(f, prog, 11, &v, &n, &fie, &lie, &where, err, sizeof(err)), 1);
	ck_assert_uint_eq(where.n, 1);
	ck_assert_uint_eq(where.start[0], 5);
	d = (long)blen - 3;
	ck_assert_uint_eq(n, 11 + d);
	ck_assert_uint_eq(where.end[0], 5 + blen);
	ck_assert_mem_eq(v + 5, body, blen * sizeof(*body));
	ck_assert_int_eq(v[0].off, 1);
	ck_assert_int_eq(v[1].imm, 3);
	ck_assert_int_eq(v[2].imm, 5 + d);
	ck_assert_int_eq(v[9 + d].imm, -5 - d);
	ck_assert_int_eq(v[8 + d].imm, 7);
	ck_assert_uint_eq(fie.cnt, 3);
	ck_assert_uint_eq(((__u32 *)fie.recs)[4], 8 + d);
	ck_assert_uint_eq(lie.cnt, 4); /* the one inside the old stub body is gone */
	ck_assert_uint_eq(((__u32 *)lie.recs)[4], 5);
	ck_assert_uint_eq(((__u32 *)lie.recs)[8], 8 + d);
	ck_assert_uint_eq(((__u32 *)lie.recs)[12], 9 + d);
	free(fie.recs);
	free(lie.recs);
	free(v);
	free(body);
	/* nothing to splice: 0, output untouched */
	v = NULL;
	ck_assert_int_eq(pcap_splice(f, prog, 5, &v, &n, NULL, NULL, NULL, err, sizeof(err)), 0);
	ck_assert_ptr_null(v);
	pcap_filter__free(f);
}
END_TEST

/* The filter is blamed only when the verifier stopped inside it. */
START_TEST(blame_only_inside_filter)
{
	struct pcap_where w = { .n = 2, .start = { 100, 300 }, .end = { 200, 400 } };

	ck_assert(pcap_where__blamed(&w, "0: (bf) r6 = r1\n150: (61) r0 = *(u32 *)(r1 +0)\n"
					 "invalid mem access 'scalar'\n"));
	ck_assert(pcap_where__blamed(&w, "350: (95) exit\nR0 !read_ok\n"));
	/* a too-large program that stopped in the template is not the filter's fault */
	ck_assert(!pcap_where__blamed(&w, "0: (bf) r6 = r1\n42: (85) call bpf_probe_read#4\n"
					  "BPF program is too large. Processed 1000001 insn\n"));
	ck_assert(!pcap_where__blamed(&w, "200: (95) exit\ntoo complex\n"));
	ck_assert(!pcap_where__blamed(&w, "libbpf: no instruction in this log\n"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pcap");
	TCase *tc = tcase_create("translate");
	TCase *tk = tcase_create("kernel");

	tcase_add_test(tc, compile_errors);
	tcase_add_test(tc, l3_forms);
	tcase_add_test(tc, translate_all_classes);
	tcase_add_test(tc, splice_fixups);
	tcase_add_test(tc, blame_only_inside_filter);
	tcase_set_timeout(tk, 900);
	tcase_add_test(tk, differential);
	tcase_add_test(tk, odd_classic_programs_load);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tk);
	return unit_run(s);
}
