// SPDX-License-Identifier: GPL-2.0
/*
 * pcap filter expressions: compile with libpcap, translate, splice, check
 * and run the result on a packet; the verdict must be libpcap's.
 * Input: one flags byte, the expression, a NUL, the packet bytes. The
 * flags make the wire length longer than the captured bytes (a snapped
 * packet).
 */
#include <string.h>

#include "fuzz.h"
#include "pcap_check.h"

#define MAX_EXPR 256 /* libpcap's optimizer is slow on long chains: not what we test */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const __u8 *nul, *pkt;
	struct pwru_pcap *f;
	char expr[MAX_EXPR + 1], err[256];
	size_t elen;
	__u32 caplen;

	if (size < 2)
		return 0;
	nul = memchr(data + 1, 0, size - 1);
	elen = nul ? (size_t)(nul - data - 1) : size - 1;
	if (elen > MAX_EXPR)
		return 0;
	memcpy(expr, data + 1, elen);
	expr[elen] = 0;
	pkt = nul ? nul + 1 : data + size;
	caplen = data + size - pkt;
	if (pcap_filter__compile(expr, &f, err, sizeof(err))) {
		FUZZ_ASSERT(err[0], "'%s' refused without a message", expr);
		return 0;
	}
	/* the packet gets its own copy so ASan sees a read past caplen */
	__u8 *copy = malloc(caplen ? caplen : 1);

	memcpy(copy, pkt, caplen);
	pcap_check(f, 1u << PCAP_L2 | 1u << PCAP_L3, copy, caplen, caplen + (data[0] & 0x7f) * 16,
		   true);
	free(copy);
	pcap_filter__free(f);
	return 0;
}
