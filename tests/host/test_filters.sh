# In-kernel filters and output modes on the host, through the tracepoint backend.
. tests/host/lib.sh
need_root
mount_fs
need_tracepoint_backend

# --filter-mark: only the marked datagram
out="$TMP/mark.out"
start_pwru "$out" --probe-backend tracepoint --output-tuple --filter-mark 0x2a
send_udp_mark 127.0.0.1 9997 0x2a
send_udp_mark 127.0.0.1 9996 0x2b
send_udp 127.0.0.1 9995 1
stop_pwru
grep -q '127.0.0.1:[0-9]*->127.0.0.1:9997(udp) net_dev_queue' "$out" || { cat "$out"; fail "mark: marked datagram missing"; }
! grep -qE ':999[56]\(udp\)' "$out" || { cat "$out"; fail "mark: unmarked datagrams traced"; }
echo "filter-mark ok"

# --filter-mark with a mask
out="$TMP/mask.out"
start_pwru "$out" --probe-backend tracepoint --output-tuple --filter-mark 0x20/0xf0
send_udp_mark 127.0.0.1 9997 0x2b
send_udp_mark 127.0.0.1 9996 0x3b
stop_pwru
grep -q ':9997(udp)' "$out" || { cat "$out"; fail "mark/mask: matching datagram missing"; }
! grep -q ':9996(udp)' "$out" || { cat "$out"; fail "mark/mask: non-matching datagram traced"; }
echo "filter-mark mask ok"

# --filter-netns: only traffic inside the namespace
ns=pwrutest$$
ip netns add "$ns"
trap 'ip netns del "$ns" 2>/dev/null; cleanup' EXIT
ip -n "$ns" link set lo up
out="$TMP/netns.out"
start_pwru "$out" --probe-backend tracepoint --output-netns-names --filter-netns "/run/netns/$ns"
ip netns exec "$ns" python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.1", 9994))'
send_udp 127.0.0.1 9993 1
stop_pwru
inode=$(stat -L -c %i "/run/netns/$ns")
grep -q "$inode($ns) .*127.0.0.1:[0-9]*->127.0.0.1:9994(udp) net_dev_queue" "$out" || { cat "$out"; fail "netns: in-namespace datagram missing (or its name)"; }
! grep -q ':9993(udp)' "$out" || { cat "$out"; fail "netns: host-namespace datagram traced"; }
echo "filter-netns ok (tuple and meta on by default, netns named)"

# --filter-ifname inside --filter-netns: the namespace's lo, not the host's
out="$TMP/netns-if.out"
start_pwru "$out" --probe-backend tracepoint --filter-netns "/run/netns/$ns" --filter-ifname lo
ip netns exec "$ns" python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.1", 9994))'
send_udp 127.0.0.1 9993 1
stop_pwru
grep -q "$inode .* lo .*:9994(udp) net_dev_queue" "$out" || { cat "$out"; fail "netns+ifname: in-namespace lo datagram missing"; }
! grep -q ':9993(udp)' "$out" || { cat "$out"; fail "netns+ifname: host lo datagram traced"; }
echo "filter-ifname in filter-netns ok"

# --filter-ifname: lo matches loopback traffic, a name nobody has matches nothing
out="$TMP/ifname.out"
start_pwru "$out" --probe-backend tracepoint --output-tuple --output-meta --filter-ifname lo
send_udp 127.0.0.1 9992 1
stop_pwru
grep -q ' lo .*:9992(udp) net_dev_queue' "$out" || { cat "$out"; fail "ifname: lo datagram missing"; }
out="$TMP/ifname2.out"
start_pwru "$out" --probe-backend tracepoint --filter-ifname nosuchdev0
send_udp 127.0.0.1 9991 1
stop_pwru
[ "$(grep -vc '^SKB' "$out")" = 0 ] || { cat "$out"; fail "ifname: events for a device that does not exist"; }
echo "filter-ifname ok"

# --output-meta=false --output-tuple=false: pwru's way to turn the defaults off
out="$TMP/bare.out"
start_pwru "$out" --probe-backend tracepoint --output-meta=false --output-tuple=false 'udp dst port 9985'
send_udp 127.0.0.1 9985 1
stop_pwru
head -1 "$out" | grep -qx 'SKB  *CPU PROCESS  *FUNC' || { cat "$out"; fail "bare: header has more than SKB CPU PROCESS FUNC"; }
grep -q ' net_dev_queue$' "$out" || { cat "$out"; fail "bare: datagram missing"; }
! grep -q '127.0.0.1' "$out" || { cat "$out"; fail "bare: tuple printed"; }
echo "output-meta=false output-tuple=false ok"

# --output-tcp-flags: a connect to a closed port is SYN, then RST|ACK
out="$TMP/flags.out"
start_pwru "$out" --probe-backend tracepoint --output-tcp-flags 'tcp port 9986'
python3 -c 'import socket
try: socket.create_connection(("127.0.0.1", 9986), 2)
except OSError: pass'
stop_pwru
grep -q -- '->127.0.0.1:9986(tcp:SYN) ' "$out" || { cat "$out"; fail "tcp flags: no SYN"; }
grep -q -- ':9986->127.0.0.1:[0-9]*(tcp:RST|ACK) ' "$out" || { cat "$out"; fail "tcp flags: no RST|ACK"; }
echo "output-tcp-flags ok"

# --output-json: every line parses; the datagram's tuple is there
out="$TMP/json.out"
start_pwru "$out" --probe-backend tracepoint --output-json --output-meta --timestamp current
send_udp 127.0.0.1 9990 1
stop_pwru
python3 - "$out" <<'PY' || fail "json output invalid"
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
hit = [e for e in evs if e.get("tuple", {}).get("dport") == 9990 and e["func"] == "net_dev_queue"]
assert hit, "no net_dev_queue event for dport 9990"
e = hit[0]
for k in ("skb", "cpu", "process", "func", "kind", "time", "netns", "iface", "len"):
    assert k in e, k
assert e["kind"] == "tracepoint" and e["iface"] == "lo" and e["tuple"]["proto"] == 17
print("json ok:", len(evs), "events")
PY

# --output-stack and --output-caller: stack lines follow the event
out="$TMP/stack.out"
start_pwru "$out" --probe-backend tracepoint --output-tuple --output-stack --output-caller --filter-func net_dev_queue
send_udp 127.0.0.1 9989 1
stop_pwru
grep -q 'FUNC CALLER' "$out" || fail "stack: no CALLER column"
grep -A30 ':9989(udp) net_dev_queue' "$out" | grep -q '^__dev_queue_xmit' || { cat "$out"; fail "stack: __dev_queue_xmit not in the stack"; }
echo "stack ok"

# --output-limit-lines: pwru stops by itself after N events
out="$TMP/limit.out"
"$PWRU" --probe-backend tracepoint --output-limit-lines 3 --output-file "$out" 2>"$TMP/limit.err" &
pid=$!
for _ in $(seq 50); do send_udp 127.0.0.1 9988 1; kill -0 $pid 2>/dev/null || break; sleep 0.1; done
rc=0
wait $pid || rc=$?
[ $rc = 0 ] || fail "limit: exit $rc"
[ "$(grep -vc '^SKB' "$out")" = 3 ] || { cat "$out"; fail "limit: not exactly 3 events"; }
echo "limit ok"

# --perf-buffer: the pre-5.8 path delivers the same events
out="$TMP/perf.out"
start_pwru "$out" --probe-backend tracepoint --output-tuple --perf-buffer
send_udp 127.0.0.1 9987 1
stop_pwru
grep -q ':9987(udp) net_dev_queue' "$out" || { cat "$out"; fail "perf buffer: datagram missing"; }
echo "perf buffer ok"

# --filter-skb-expr: a field comparison in the kernel; the large datagram only
send_sized() {
	python3 -c 'import socket, sys
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x" * int(sys.argv[2]), ("127.0.0.1", int(sys.argv[1])))' "$@"
}
out="$TMP/expr.out"
start_pwru "$out" --probe-backend tracepoint --filter-skb-expr 'skb->len > 1000' \
	--output-skb-metadata 'skb->len' --output-skb-metadata 'skb->dev->ifindex' \
	--output-skb-metadata 'skb->sk->__sk_common.skc_family' 'udp and (dst port 9981 or dst port 9980)'
send_sized 9981 1400
send_sized 9980 20
stop_pwru
grep -q ':9981(udp) net_dev_queue skb->len=14[0-9][0-9] skb->dev->ifindex=1 skb->sk->__sk_common.skc_family=2$' "$out" ||
	{ cat "$out"; fail "skb expr: large datagram or its metadata missing"; }
! grep -q ':9980(udp)' "$out" || { cat "$out"; fail "skb expr: small datagram traced"; }
# no socket any more on the receive side: a NULL pointer on the way prints '?'
grep -q ':9981(udp) netif_receive_skb .* skb->sk->__sk_common.skc_family=?$' "$out" ||
	{ cat "$out"; fail "skb expr: NULL skb->sk not shown as '?'"; }
echo "filter-skb-expr and output-skb-metadata ok"

# the same metadata in JSON, an enum comparison selecting every datagram
out="$TMP/expr.json"
start_pwru "$out" --probe-backend tracepoint --output-json \
	--filter-skb-expr 'skb->dev->reg_state == NETREG_REGISTERED' \
	--output-skb-metadata 'skb->len' --output-skb-metadata 'skb->sk' 'udp dst port 9979'
send_sized 9979 20
stop_pwru
python3 - "$out" <<'PY' || fail "skb expr json invalid"
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
hit = [e for e in evs if e["func"] == "net_dev_queue"]
assert hit, "no net_dev_queue event for dport 9979"
m = hit[0]["skb_metadata"]
assert m["skb->len"] == hit[0]["len"], m
assert m["skb->sk"].startswith("0xffff"), m
print("skb expr json ok:", m)
PY
