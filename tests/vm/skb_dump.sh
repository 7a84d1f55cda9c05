#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# --output-skb, --output-skb-shared-info, --output-skb-cb on each backend this
# kernel allows (called by tests/vm/scenarios.sh with its usable backends):
#
#   tests/vm/skb_dump.sh KERNEL BACKEND...
#
# Datagrams to a closed UDP port, traced with 'udp and dst port P' in JSON:
# every event must carry the dumps, and each sk_buff dump must show the .len
# of the event, and .protocol = (__be16)8 (ETH_P_IP, big-endian on x86) where
# the event's protocol is IPv4 (none before ip_output sets it).
# Prints RESULT lines as scenarios.sh does; PWRU_VM_KEEP_TRACE=1 also prints
# one text-mode event with its dump.
set -u

KERNEL=${1:?usage: tests/vm/skb_dump.sh KERNEL BACKEND...}
shift
. "$(dirname "$0")/guest_lib.sh"
PORT=9997
FUNCS='(ip_output|ip_finish_output|__ip_local_out|ip_rcv|__udp4_lib_rcv|kfree_skb.*|consume_skb|sk_skb_reason_drop)'
TPS='(kfree_skb|consume_skb|net_dev_queue)'
DUMPS=(--output-skb --output-skb-shared-info --output-skb-cb)
W=$(mktemp -d /tmp/pwru-skbdump.XXXXXX)
trap 'rm -rf "$W"' EXIT

# A kernel without BTF and no --kernel-btf (a pinned build): the fields or
# the dump cannot be looked up, and pwru must say so, exit 2, on every backend.
if no_btf; then
	for be in "$@"; do
		refused_without_btf skb-dump "formatted from the kernel's BTF.*--kernel-btf" "$be" "${DUMPS[@]}"
	done
	exit 0
fi

# session OUT ARGS...: trace three datagrams to the closed port
session() {
	local out=$1 pid
	shift
	"$PWRU" "$@" "${BTF_ARGS[@]}" "${DUMPS[@]}" --output-file "$out" --ready-file "$out.ready" \
		"udp and dst port $PORT" </dev/null >/dev/null 2>"$out.err" &
	pid=$!
	wait_ready "$out.ready" $pid || return 1
	"$PY" -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(3): s.sendto(b"pwru skb dump", ("127.0.0.1", int(sys.argv[1])))' $PORT
	sleep 1
	kill -INT $pid 2>/dev/null
	wait $pid
}

verdict() {
	"$PY" - "$1" <<'PYEOF'
import json, re, sys
evs = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
if not evs:
    sys.exit("no event")
for e in evs:
    skb = e.get("skb_dump")
    if not skb or not skb.startswith("(struct sk_buff){\n"):
        sys.exit("%s: no sk_buff dump: %s" % (e["func"], sorted(e)))
    m = re.search(r"\n +\.len = \(unsigned int\)(\d+),", skb)
    if not m or int(m.group(1)) != e["len"]:
        sys.exit("%s: .len %s, event len %d" % (e["func"], m and m.group(1), e["len"]))
    # skb->protocol is set on the way (ip_output): before, the event's is 0 too
    p = re.search(r"\n +\.protocol = \(__be16\)(\d+),", skb)
    want = {0x0800: "8", 0: None}.get(e["proto"], "?")
    if (p and p.group(1)) != want:
        sys.exit("%s: .protocol %s, event proto %#x: %r" %
                 (e["func"], p and p.group(1), e["proto"], skb[:300]))
    if not e.get("skb_shared_info", "").startswith("(struct skb_shared_info){"):
        sys.exit("%s: no skb_shared_info dump" % e["func"])
    if len(e.get("cb", [])) != 12:
        sys.exit("%s: cb %s" % (e["func"], e.get("cb")))
ip = [e["func"] for e in evs if e["proto"] == 0x0800]
if not ip:
    sys.exit("no event with skb->protocol ETH_P_IP")
print("%d events with dumps, .len as the event's; .protocol = (__be16)8 in %d (%s)" %
      (len(evs), len(ip), " ".join(sorted(set(ip)))))
PYEOF
}

for be in "$@"; do
	t0=$SECONDS
	filter=$FUNCS
	[ "$be" != tracepoint ] || filter=$TPS
	out=$W/$be.json
	session "$out" --probe-backend "$be" --filter-func "$filter" --output-json
	judge "skb-dump-$be" $t0 "$out" $? verdict "$out"
	# the perf buffer (kernels before 5.8) carries the longer record too: once
	if [ "$be" = "$1" ]; then
		t0=$SECONDS
		out=$W/$be-perf.json
		if ! session "$out" --probe-backend "$be" --filter-func "$filter" --output-json --perf-buffer; then
			result skb-dump-perf FAIL $((SECONDS - t0)) "pwru failed: $(tail -1 "$out.err")"
		elif d=$(verdict "$out" 2>&1); then
			result skb-dump-perf pass $((SECONDS - t0)) "$be --perf-buffer: $d"
		else
			result skb-dump-perf FAIL $((SECONDS - t0)) "$be --perf-buffer: $d"
		fi
	fi
	if [ -n "${PWRU_VM_KEEP_TRACE:-}" ]; then
		# one event after ip_output set skb->protocol
		[ "$be" = tracepoint ] || filter=ip_output
		session "$W/$be.txt" --probe-backend "$be" --filter-func "$filter" --output-limit-lines 1
		cat "$W/$be.txt"
	fi
done
exit 0
