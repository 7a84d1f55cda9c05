/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --output-skb, --output-skb-shared-info, --output-skb-cb: the raw bytes of
 * the structs, copied into the event's trailer and formatted in user space
 * against the kernel's BTF (src/skb_dump.c). Unlike bpf_snprintf_btf() (5.9+,
 * BTF only) this needs only bpf_probe_read_kernel(), so it works on every
 * kernel and build pwru loads on. Sizes and offsets come from CFG, filled
 * from the BTF that formats the bytes; included by body.bpf.h.
 */
#ifndef PWRU_SKB_DUMP_BPF_H
#define PWRU_SKB_DUMP_BPF_H

/* known at load time: with no dump asked for the verifier prunes all of it */
#define PWRU_DUMPING (CFG.dump_skb_size || CFG.dump_shinfo_size || CFG.dump_cb)

/* a record's length: the dump comes after the netfilter part, used or not */
#define PWRU_RECORD_SIZE(nf)                                                   \
	(PWRU_DUMPING ? sizeof(struct pwru_event_dump) :                      \
	 (nf)	      ? sizeof(struct pwru_event_nf) :                        \
			sizeof(struct pwru_event))

/* skb_shared_info sits at skb->head + skb->end (an offset on 64-bit kernels) */
static __always_inline const void *pwru_shinfo(const void *skb)
{
	__u64 head = 0, end = 0;
	__u32 end_off = 0;

	if (bpf_probe_read_kernel(&head, sizeof(head), skb + CFG.dump_head_off) || !head)
		return NULL;
	if (CFG.dump_end_ptr) {
		if (bpf_probe_read_kernel(&end, sizeof(end), skb + CFG.dump_end_off))
			return NULL;
		return (const void *)end;
	}
	if (bpf_probe_read_kernel(&end_off, sizeof(end_off), skb + CFG.dump_end_off))
		return NULL;
	return (const void *)(head + end_off);
}

static __always_inline void pwru_dump_fill(const void *skb, struct pwru_event *ev)
{
	struct pwru_dump *d = &((struct pwru_event_dump *)ev)->dump;
	__u32 n = CFG.dump_skb_size;
	const void *sh;

	d->skb_len = d->shinfo_len = d->cb_len = 0;
	ev->flags |= PWRU_F_HAS_DUMP;
	/* user space refuses larger types; the bound is for the verifier */
	if (n > PWRU_DUMP_SKB_MAX)
		n = PWRU_DUMP_SKB_MAX;
	if (n && !bpf_probe_read_kernel(d->skb, n, skb))
		d->skb_len = n;
	if (CFG.dump_cb &&
	    !bpf_probe_read_kernel(d->cb, PWRU_DUMP_CB_LEN, skb + CFG.dump_cb_off))
		d->cb_len = PWRU_DUMP_CB_LEN;
	n = CFG.dump_shinfo_size;
	if (n > PWRU_DUMP_SHINFO_MAX)
		n = PWRU_DUMP_SHINFO_MAX;
	if (n && (sh = pwru_shinfo(skb)) && !bpf_probe_read_kernel(d->shinfo, n, sh))
		d->shinfo_len = n;
}

#endif /* PWRU_SKB_DUMP_BPF_H */
