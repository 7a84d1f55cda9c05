# pwru-static (make static) in a root directory that holds nothing but the
# binary and the kernel's own file systems: no loader, no libraries, no shell,
# no /etc. It must say it is the static build, pass `check`, and trace a
# netfilter drop and a delivered datagram with the tracepoint backend, as
# test_trace_drop.sh does with ./pwru. The dynamic ./pwru in the same kind of
# root must fail to start, or the root is not as empty as it claims.
. tests/host/lib.sh
need_root
mount_fs

STATIC=${PWRU_STATIC:-./pwru-static}
[ -x "$STATIC" ] || fail "$STATIC is not built (make static)"
file -L "$STATIC" | grep -q 'statically linked' || fail "$STATIC: $(file -L "$STATIC")"

progs_before=$(unheld_ids prog)
links_before=$(unheld_ids link)
RULE="OUTPUT -d 127.0.0.9 -p udp --dport 9999 -j DROP"
static_cleanup() {
	iptables -D $RULE 2>/dev/null || true
	cleanup
}
trap static_cleanup EXIT

# make_root DIR BINARY: DIR holds BINARY as /pwru and empty mount points
make_root() {
	mkdir -p "$1/proc" "$1/sys" "$1/dev"
	cp "$2" "$1/pwru"
}

# in_root DIR ARGS...: run /pwru ARGS in DIR, in a mount namespace of its
# own, so that the binds vanish with it and nothing else sees them. Every
# step execs the next: run in the background, $! is pwru's pid.
IN_ROOT='r=$1; shift
	mount --bind /proc "$r/proc" && mount --bind /sys "$r/sys" &&
	mount --bind /sys/kernel/tracing "$r/sys/kernel/tracing" &&
	mount --bind /dev "$r/dev" && exec chroot "$r" /pwru "$@"'
in_root() {
	unshare -m sh -c "$IN_ROOT" sh "$@"
}

ROOT=$TMP/root
make_root "$ROOT" "$STATIC"
have=$(cd "$ROOT" && find . -mindepth 1 | sort | tr '\n' ' ')
[ "$have" = "./dev ./proc ./pwru ./sys " ] || fail "the root holds more than pwru: $have"

# Negative control: a dynamically linked pwru finds no loader there.
make_root "$TMP/dynroot" ./pwru
rc=0
in_root "$TMP/dynroot" --version >"$TMP/dyn.out" 2>&1 || rc=$?
[ $rc != 0 ] || fail "the dynamic ./pwru ran in an empty root: the test proves nothing"

in_root "$ROOT" --version >"$TMP/version" || fail "pwru-static --version failed"
head -n 1 "$TMP/version" | grep -q '^pwru .* (static build)$' ||
	fail "--version does not say static: $(head -n 1 "$TMP/version")"

rc=0
in_root "$ROOT" check >"$TMP/check" 2>&1 || rc=$?
[ $rc = 0 ] || { cat "$TMP/check"; fail "pwru-static check exited $rc"; }
grep -qE '^  tracepoint +usable' "$TMP/check" || { cat "$TMP/check"; fail "check: tracepoint not usable"; }
grep -qE '^vmlinux BTF +yes' "$TMP/check" || { cat "$TMP/check"; fail "check: no vmlinux BTF seen"; }

# No name service: a name in a filter is a usage error that names it.
rc=0
in_root "$ROOT" 'host example.com' >/dev/null 2>"$TMP/name.err" || rc=$?
[ $rc = 2 ] || fail "a host name in the filter: exit $rc, want 2 ($(cat "$TMP/name.err"))"
grep -qxF "pwru: pcap filter 'host example.com': unknown host 'example.com'" "$TMP/name.err" ||
	fail "a host name in the filter: '$(cat "$TMP/name.err")'"

out=$TMP/trace.out
unshare -m sh -c "$IN_ROOT" sh "$ROOT" --ready-file /ready --probe-backend tracepoint \
	--output-tuple >"$out" 2>"$out.err" &
PWRU_PID=$!
i=0
while [ ! -e "$ROOT/ready" ]; do
	kill -0 "$PWRU_PID" 2>/dev/null || { cat "$out.err" >&2; fail "pwru-static exited before it was ready"; }
	i=$((i + 1))
	[ $i -lt 600 ] || fail "pwru-static not ready after 60s"
	sleep 0.1
done
iptables -I $RULE
send_udp 127.0.0.9 9999
iptables -D $RULE
send_udp 127.0.0.1 9998 1
stop_pwru
grep -E '127\.0\.0\.1:[0-9]+->127\.0\.0\.9:9999\(udp\) kfree_skb\(SKB_DROP_REASON_NETFILTER_DROP\) location=nft_do_chain\+0x' "$out" >/dev/null ||
	{ cat "$out" "$out.err"; fail "no netfilter drop for the dropped tuple"; }
for f in net_dev_queue net_dev_xmit netif_receive_skb; do
	grep -qE "127\.0\.0\.1:[0-9]+->127\.0\.0\.1:9998\(udp\) $f\$" "$out" ||
		{ cat "$out"; fail "delivered datagram lacks $f"; }
done
grep -q 'events, 0 lost' "$out.err" || { cat "$out.err"; fail "no summary line or events lost"; }

# pwru-static has exited, but the kernel may still be releasing its raw
# tracepoint links' programs (seen once: a prog id that nobody held, gone a
# moment later). A leak is one that stays.
i=0
while left=$(leaked "$progs_before" "$links_before") && [ -n "$left" ] && [ $i -lt 10 ]; do
	i=$((i + 1))
	sleep 0.5
done
[ -z "$left" ] || fail "BPF objects left behind: $(echo $left)"
echo "pwru-static: check and a traced drop in a root holding only the binary"
