#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Judge a pwru --output-json trace for the tests/vm scenarios.

  check_trace.py [--no-reasons] drop KIND FILE DADDR DPORT
  check_trace.py delivery KIND FILE DADDR DPORT

KIND is "func" (fentry, kprobe, kprobe-multi) or "tracepoint". The drop must
say why: SKB_DROP_REASON_NETFILTER_DROP, or, with --no-reasons (kernels before
5.17 have no drop reasons), a location in nft_do_chain or nf_hook_slow, on
every backend. Prints one line saying what was seen; exits 0 when the trace
shows what it must, 1 when not, 2 when the file cannot be read.
"""
import json
import sys

DROP_FUNCS = {"kfree_skb", "kfree_skb_reason", "sk_skb_reason_drop"}
NF_DROP = "SKB_DROP_REASON_NETFILTER_DROP"
TX = {
    "func": {"ip_output", "ip_finish_output", "ip_finish_output2", "__ip_local_out",
             "ip_local_out", "__ip_queue_xmit", "__dev_queue_xmit", "dev_hard_start_xmit",
             "veth_xmit", "neigh_resolve_output", "neigh_hh_output"},
    "tracepoint": {"net_dev_queue", "net_dev_start_xmit", "net_dev_xmit"},
}
RX = {
    "func": {"ip_rcv", "ip_rcv_core", "ip_rcv_finish", "ip_local_deliver",
             "ip_local_deliver_finish", "tcp_v4_rcv", "__netif_receive_skb",
             "__netif_receive_skb_core", "__netif_receive_skb_one_core",
             "netif_receive_skb", "__netif_rx", "netif_rx", "netif_rx_internal",
             "enqueue_to_backlog", "process_backlog"},
    "tracepoint": {"netif_rx", "netif_rx_entry", "netif_receive_skb",
                   "netif_receive_skb_entry", "napi_gro_receive_entry"},
}


def load(path, daddr, dport):
    """Events of the tuple's forward direction, in file order."""
    evs = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                ev = json.loads(line)
            except ValueError as e:
                raise SystemExit(f"line {n} is not JSON ({e}): {line[:120]}")
            t = ev.get("tuple") or {}
            if t.get("daddr") == daddr and t.get("dport") == dport and t.get("proto") == 6:
                ev["_name"] = str(ev.get("func", "")).split("(")[0]
                evs.append(ev)
    return evs


def names(evs):
    seen = []
    for e in evs:
        if e["_name"] not in seen:
            seen.append(e["_name"])
    return " ".join(seen[:14]) + (" ..." if len(seen) > 14 else "")


NF_LOCS = ("nft_do_chain", "nf_hook_slow")


def at_nf(e):
    return str(e.get("location", "")).startswith(NF_LOCS)


def check_drop(kind, evs, reasons=True):
    if reasons:
        drops = [i for i, e in enumerate(evs)
                 if e["_name"] in DROP_FUNCS and e.get("drop_reason") == NF_DROP]
        if not drops:
            return False, f"no kfree_skb with {NF_DROP}; seen: {names(evs) or 'nothing'}"
        d = evs[drops[0]]
        where = f"{d['_name']} {NF_DROP} at {d.get('location', '?')}"
    else:
        # No reason to name before 5.17: the freeing location says who dropped.
        freed = [i for i, e in enumerate(evs) if e["_name"] in DROP_FUNCS]
        drops = [i for i in freed if at_nf(evs[i])]
        if not drops:
            if not freed:
                return False, f"no kfree_skb; seen: {names(evs) or 'nothing'}"
            d = evs[freed[0]]
            return False, (f"{d['_name']} at {d.get('location', '?')}: no location in "
                           f"nft_do_chain/nf_hook_slow (no drop reasons before 5.17)")
        d = evs[drops[0]]
        where = f"{d['_name']} at {d['location']}"
    if kind == "tracepoint":
        if not at_nf(d):
            return False, f"{where}: location not nft_do_chain/nf_hook_slow"
        return True, where
    hooks = [i for i, e in enumerate(evs) if e["_name"] == "nf_hook_slow"]
    if not hooks:
        return False, f"{where} but no nf_hook_slow; seen: {names(evs)}"
    if hooks[0] > drops[-1]:
        return False, f"nf_hook_slow only after the drop; seen: {names(evs)}"
    return True, f"nf_hook_slow -> {where}"


def check_delivery(kind, evs):
    tx = [i for i, e in enumerate(evs) if e["_name"] in TX[kind]]
    rx = [i for i, e in enumerate(evs) if e["_name"] in RX[kind]]
    if not tx or not rx:
        return False, (f"missing {'transmit' if not tx else 'receive'} path; "
                       f"seen: {names(evs) or 'nothing'}")
    if rx[-1] < tx[0]:
        return False, f"receive before transmit; seen: {names(evs)}"
    first_tx = evs[tx[0]]
    late_rx = [evs[i] for i in rx if i > tx[0]]
    # With --output-meta events carry the netns: the receive side is the peer's.
    if "netns" in first_tx:
        other = [e for e in late_rx if e.get("netns") != first_tx.get("netns")]
        if not other:
            return False, (f"no receive event in another netns than {first_tx.get('netns')}; "
                           f"seen: {names(evs)}")
        return True, (f"tx {evs[tx[0]]['_name']} (netns {first_tx.get('netns')}) -> "
                      f"rx {other[0]['_name']} (netns {other[0].get('netns')})")
    return True, f"tx {evs[tx[0]]['_name']} -> rx {late_rx[0]['_name']}"


def main(argv):
    reasons = "--no-reasons" not in argv[1:2]
    if not reasons:
        argv = argv[:1] + argv[2:]
    if (len(argv) != 6 or argv[1] not in ("drop", "delivery") or argv[2] not in TX or
            (not reasons and argv[1] != "drop")):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    mode, kind, path, daddr, dport = argv[1:6]
    try:
        evs = load(path, daddr, int(dport))
    except OSError as e:
        print(f"cannot read the trace: {e}")
        return 2
    if mode == "drop":
        ok, why = check_drop(kind, evs, reasons)
    else:
        ok, why = check_delivery(kind, evs)
    print(why)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
