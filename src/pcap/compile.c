// SPDX-License-Identifier: GPL-2.0
/*
 * libpcap's side of pcap filters. Kept apart from the translator because
 * <pcap/bpf.h> and <linux/bpf.h> both define struct bpf_insn.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>

#include "pcap.h"

_Static_assert(sizeof(struct pcap_cbpf) == sizeof(struct bpf_insn), "classic insn layout");

/* Compile expr for one link type; -EINVAL with libpcap's message on error. */
static int compile_one(const char *expr, int dlt, struct pcap_cbpf **out, size_t *n, char *err,
		       size_t len)
{
	struct bpf_program bp = {};
	pcap_t *p;
	int ret = 0;

	p = pcap_open_dead(dlt, PCAP_SNAPLEN);
	if (!p) {
		snprintf(err, len, "pcap_open_dead failed");
		return -ENOMEM;
	}
	if (pcap_compile(p, &bp, expr, 1, PCAP_NETMASK_UNKNOWN)) {
		snprintf(err, len, "%s", pcap_geterr(p));
		ret = -EINVAL;
		goto out;
	}
	*out = calloc(bp.bf_len ? bp.bf_len : 1, sizeof(**out));
	if (!*out) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(*out, bp.bf_insns, bp.bf_len * sizeof(**out));
	*n = bp.bf_len;
	pcap_freecode(&bp);
out:
	pcap_close(p);
	return ret;
}

int pcap_filter__compile(const char *expr, struct pwru_pcap **out, char *err, size_t len)
{
	struct pwru_pcap *f;
	char l3err[256];
	int ret;

	f = calloc(1, sizeof(*f));
	if (!f || !(f->expr = strdup(expr))) {
		free(f);
		return -ENOMEM;
	}
	ret = compile_one(expr, DLT_EN10MB, &f->prog[PCAP_L2], &f->len[PCAP_L2], err, len);
	if (ret) {
		pcap_filter__free(f);
		return ret;
	}
	/* e.g. `ether host` has no raw-IP form: such skbs never match */
	if (compile_one(expr, DLT_RAW, &f->prog[PCAP_L3], &f->len[PCAP_L3], l3err, sizeof(l3err)))
		f->no_l3 = true;
	*out = f;
	return 0;
}

void pcap_filter__free(struct pwru_pcap *f)
{
	if (!f)
		return;
	free(f->prog[PCAP_L2]);
	free(f->prog[PCAP_L3]);
	free(f->expr);
	free(f);
}

/*
 * libpcap's own verdict on one packet: pcap_offline_filter() with the
 * layer's classic program. The reference the translation is tested against.
 */
__u32 pcap_filter__match_offline(const struct pwru_pcap *f, enum pcap_layer layer, const __u8 *pkt,
				 __u32 caplen, __u32 wirelen)
{
	struct bpf_program bp = {.bf_len = f->len[layer],
				 .bf_insns = (struct bpf_insn *)f->prog[layer]};
	struct pcap_pkthdr h = {.caplen = caplen, .len = wirelen};

	if (!f->prog[layer])
		return 0;
	return pcap_offline_filter(&bp, &h, pkt);
}
