#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Field expressions and clone tracking on each backend this kernel allows
# (called by tests/vm/scenarios.sh with its usable backends):
#
#   tests/vm/skb_expr.sh KERNEL BACKEND...
#
# expr-BACKEND: --filter-skb-expr 'skb->len > 1000' must select a 1400-byte
# UDP datagram and not a 20-byte one, with --output-skb-metadata values that
# agree with the event's own (skb->len = len, skb->dev->ifindex = ifindex).
# clone-BACKEND: --filter-track-skb with a filter only the original of a TCP
# SYN matches (skb->fclone == SKB_FCLONE_ORIG: __tcp_transmit_skb sends a
# clone, whose fclone is SKB_FCLONE_CLONE); the clone must be followed
# through the IP output path, and without tracking it must be absent.
# Prints RESULT lines as scenarios.sh does.
set -u

KERNEL=${1:?usage: tests/vm/skb_expr.sh KERNEL BACKEND...}
shift
. "$(dirname "$0")/guest_lib.sh"
FUNCS='(ip_local_out|__ip_local_out|ip_output|ip_finish_output2?|__ip_queue_xmit|__tcp_transmit_skb|tcp_transmit_skb|__dev_queue_xmit|ip_rcv|ip_local_deliver|udp_rcv|tcp_v4_rcv|kfree_skbmem|__kfree_skb|napi_skb_cache_put|__napi_kfree_skb)'
W=$(mktemp -d /tmp/pwru-expr.XXXXXX)
trap 'rm -rf "$W"' EXIT

# A kernel without BTF and no --kernel-btf (a pinned build): the fields or
# the dump cannot be looked up, and pwru must say so, exit 2, on every backend.
if no_btf; then
	for be in "$@"; do
		refused_without_btf expr "needs the kernel's BTF.*--kernel-btf" "$be" --filter-skb-expr 'skb->len > 1000'
	done
	exit 0
fi

# session OUT TRAFFIC ARGS...: run pwru, wait until attached, run TRAFFIC, stop
session() {
	local out=$1 traffic=$2 pid
	shift 2
	"$PWRU" "$@" "${BTF_ARGS[@]}" --output-json --output-file "$out" \
		--ready-file "$out.ready" </dev/null >/dev/null 2>"$out.err" &
	pid=$!
	wait_ready "$out.ready" $pid || return 1
	$traffic >>"$out.err" 2>&1
	sleep 1
	kill -INT $pid
	wait $pid
}

udp_pair() {
	"$PY" -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"x" * 1400, ("127.0.0.1", 9971))
s.sendto(b"x" * 20, ("127.0.0.1", 9970))'
}

syn() {
	"$PY" -c 'import socket
try: socket.create_connection(("127.0.0.1", 9969), 2).close()
except OSError: pass'
}

expr_verdict() {
	"$PY" - "$1" <<'PYEOF'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
port = lambda e: e.get("tuple", {}).get("dport")
big = [e for e in evs if port(e) == 9971]
if not big:
    sys.exit("no event for the 1400-byte datagram (%d events)" % len(evs))
if any(port(e) == 9970 for e in evs):
    sys.exit("the 20-byte datagram passed skb->len > 1000")
for e in big:
    m = e.get("skb_metadata", {})
    if m.get("skb->len") != e["len"]:
        sys.exit("%s: skb->len=%s but len %s" % (e["func"], m.get("skb->len"), e["len"]))
    if e["ifindex"] and m.get("skb->dev->ifindex") != e["ifindex"]:
        sys.exit("%s: skb->dev->ifindex=%s but ifindex %s" % (e["func"], m.get("skb->dev->ifindex"), e["ifindex"]))
e = ([x for x in big if x["ifindex"]] or big)[0]
print("%d events, none for the small one; %s skb->len=%s skb->dev->ifindex=%s" %
      (len(big), e["func"], e["skb_metadata"]["skb->len"], e["skb_metadata"]["skb->dev->ifindex"]))
PYEOF
}

# clone_verdict OUT TRACKED: the SYN's clone on the IP path only when tracked
clone_verdict() {
	"$PY" - "$1" "$2" <<'PYEOF'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
tracked = sys.argv[2] == "1"
orig = {e["skb"] for e in evs if e["func"] in ("__tcp_transmit_skb", "tcp_transmit_skb")}
ip = [e for e in evs if e["func"] in ("__ip_queue_xmit", "ip_local_out", "__ip_local_out", "ip_output", "ip_finish_output2")
      and e.get("tuple", {}).get("dport") == 9969]
clones = [e for e in ip if e["skb"] not in orig]
if not orig:
    sys.exit("no event for the original skb (%d events)" % len(evs))
if not tracked:
    if clones:
        sys.exit("untracked, yet the clone %s shows in %s" % (clones[0]["skb"], clones[0]["func"]))
    print("untracked: %d events of the original, no clone" % len(evs))
    sys.exit(0)
if not clones:
    sys.exit("the clone of %s was not followed (%d events)" % (sorted(orig)[0], len(evs)))
c = clones[0]["skb"]
print("original %s, clone %s: %s" % (sorted(orig)[0], c, " ".join(e["func"] for e in evs if e["skb"] == c)))
PYEOF
}

for be in "$@"; do
	t0=$SECONDS
	args=(--probe-backend "$be")
	[ "$be" = tracepoint ] || args+=(--filter-func "$FUNCS")
	out=$W/expr-$be.json
	session "$out" udp_pair "${args[@]}" --filter-skb-expr 'skb->len > 1000' \
		--output-skb-metadata 'skb->len' --output-skb-metadata 'skb->dev->ifindex' \
		'udp and (dst port 9971 or dst port 9970)'
	judge "expr-$be" $t0 "$out" $? expr_verdict "$out"
	# the tracepoint backend has no event at a clone function's return
	[ "$be" != tracepoint ] || continue
	for mode in 1 0; do
		t0=$SECONDS
		col=clone-$be
		targs=(--filter-track-skb)
		[ $mode = 1 ] || { col=clone-untracked-$be; targs=(); }
		out=$W/$col.json
		session "$out" syn "${args[@]}" "${targs[@]}" \
			--filter-skb-expr 'skb->fclone == SKB_FCLONE_ORIG'
		judge "$col" $t0 "$out" $? clone_verdict "$out" $mode
	done
done
exit 0
