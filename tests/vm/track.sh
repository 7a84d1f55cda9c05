#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# --filter-track-skb through DNAT, on each function backend this kernel allows
# (called by tests/vm/scenarios.sh with its usable backends):
#
#   tests/vm/track.sh KERNEL BACKEND...
#
# A TCP connect to 127.0.0.99:9999 that an OUTPUT DNAT rule sends to a
# listener on 127.0.0.1:9998, traced with 'dst host 127.0.0.99': with
# tracking the same skb must show up before the rewrite (->127.0.0.99:9999)
# and after it (->127.0.0.1:9998); without tracking the rewritten part must be
# absent. Prints RESULT lines as scenarios.sh does. The tracepoint backend
# sees no skb before the NAT hook (its first is net_dev_queue) and is skipped.
set -u

KERNEL=${1:?usage: tests/vm/track.sh KERNEL BACKEND...}
shift
. "$(dirname "$0")/guest_lib.sh"
FUNCS='(ip_local_out|__ip_local_out|ip_output|ip_finish_output.*|nf_hook_slow|nf_nat_.*|__dev_queue_xmit|ip_rcv.*|ip_local_deliver.*|tcp_v4_rcv|kfree_skbmem|__kfree_skb|napi_skb_cache_put|__napi_kfree_skb)'
RULE=(OUTPUT -d 127.0.0.99 -p tcp --dport 9999 -j DNAT --to-destination 127.0.0.1:9998)
W=$(mktemp -d /tmp/pwru-track.XXXXXX)
LISTENER=

cleanup() {
	[ -z "$LISTENER" ] || kill "$LISTENER" 2>/dev/null
	iptables -t nat -D "${RULE[@]}" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT

# session OUT ARGS...: trace one connect through the DNAT rule
session() {
	local out=$1 pid
	shift
	"$PWRU" "$@" "${BTF_ARGS[@]}" --output-json --filter-func "$FUNCS" --output-file "$out" \
		--ready-file "$out.ready" 'dst host 127.0.0.99' </dev/null >/dev/null 2>"$out.err" &
	pid=$!
	wait_ready "$out.ready" $pid || return 1
	"$PY" -c 'import socket; socket.create_connection(("127.0.0.99", 9999), timeout=10).close()' ||
		echo "connect through the DNAT rule failed" >>"$out.err"
	sleep 1
	kill -INT $pid
	wait $pid
}

# verdict OUT TRACKED: the DNAT case in OUT's JSON lines; prints the detail
verdict() {
	"$PY" - "$1" "$2" <<'PYEOF'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
tracked = sys.argv[2] == "1"
def dst(e):
    t = e.get("tuple", {})
    return "%s:%s" % (t.get("daddr"), t.get("dport"))
before = {e["skb"] for e in evs if dst(e) == "127.0.0.99:9999"}
after = [e for e in evs if dst(e) == "127.0.0.1:9998"]
same = sorted({e["skb"] for e in after} & before)
if not before:
    sys.exit("no event for ->127.0.0.99:9999 (%d events)" % len(evs))
if not tracked:
    if after:
        sys.exit("untracked, yet %d events after the rewrite" % len(after))
    print("untracked: %d events, none after the rewrite" % len(evs))
    sys.exit(0)
if not same:
    sys.exit("no skb seen both before and after the rewrite (%d events)" % len(evs))
s = same[0]
funcs = [(e["func"], dst(e)) for e in evs if e["skb"] == s]
print("skb %s: %s" % (s, " ".join("%s(->%s)" % f for f in funcs[:12])))
PYEOF
}

bes=()
for be in "$@"; do [ "$be" = tracepoint ] || bes+=("$be"); done
[ ${#bes[@]} -gt 0 ] || exit 0
modprobe iptable_nat 2>/dev/null || modprobe nft_nat 2>/dev/null || true
"$PY" -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 9998))
s.listen(16)
open(sys.argv[1], "w").close()
while True:
    s.accept()[0].close()
' "$W/listener.ready" &
LISTENER=$!
for _ in $(seq 100); do [ -e "$W/listener.ready" ] && break; sleep 0.2; done
# A kernel built without NAT (the lab's 6.12-full, whose config is not in the
# guest: no NAT symbol in kallsyms then) cannot run the case: a visible skip.
has_nat() {
	{ zcat /proc/config.gz 2>/dev/null || cat "/boot/config-$(uname -r)" 2>/dev/null; } |
		grep -q '^CONFIG_NF_NAT=[ym]' || grep -qw nf_nat_setup_info /proc/kallsyms
}
if ! iptables -t nat -I "${RULE[@]}" 2>"$W/ipt.err"; then
	if ! has_nat; then
		result track absent 0 "SKIP: kernel without CONFIG_NF_NAT: no DNAT to track through"
	else
		result track FAIL 0 "iptables -t nat: cannot add the DNAT rule: $(tail -1 "$W/ipt.err")"
	fi
	exit 0
fi
for be in "${bes[@]}"; do
	t0=$SECONDS
	for mode in 1 0; do
		args=(--probe-backend "$be")
		[ $mode = 0 ] || args+=(--filter-track-skb)
		col=track-$be
		[ $mode = 1 ] || col=untracked-$be
		out=$W/$col.json
		session "$out" "${args[@]}"
		judge "$col" $t0 "$out" $? verdict "$out" $mode
	done
done
exit 0
