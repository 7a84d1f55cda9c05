/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_FUZZ_PCAP_CHECK_H
#define PWRU_FUZZ_PCAP_CHECK_H

#include <stdbool.h>
#include "pcap.h"

/*
 * Splice f into a harness whose main calls the stub of each layer in mask
 * (1 << PCAP_L2 | 1 << PCAP_L3), check the result as the verifier would,
 * run it on pkt and, when compare is set, demand libpcap's verdict.
 * Aborts on any broken promise.
 */
void pcap_check(const struct pwru_pcap *f, unsigned int mask, const __u8 *pkt, __u32 caplen,
		__u32 wirelen, bool compare);

#endif
