# Tracepoint backend end to end on the host: a netfilter drop and a delivered
# datagram, with nf_tables iptables and with iptables-legacy.
. tests/host/lib.sh
need_root
mount_fs
need_tracepoint_backend

progs_before=$(unheld_ids prog)
links_before=$(unheld_ids link)

run_drop() {
	ipt=$1
	location=$2
	command -v "$ipt" >/dev/null || fail "$ipt is not installed"
	out="$TMP/$ipt.out"
	start_pwru "$out" --probe-backend tracepoint --output-tuple
	leak_check_sees_pwru "$progs_before" "$links_before"
	"$ipt" -I OUTPUT -d 127.0.0.9 -p udp --dport 9999 -j DROP
	send_udp 127.0.0.9 9999
	"$ipt" -D OUTPUT -d 127.0.0.9 -p udp --dport 9999 -j DROP
	send_udp 127.0.0.1 9998 1
	stop_pwru
	grep -q '^SKB ' "$out" || fail "$ipt: no header line"
	grep -E '127\.0\.0\.1:[0-9]+->127\.0\.0\.9:9999\(udp\) kfree_skb\(SKB_DROP_REASON_NETFILTER_DROP\) location='"$location"'\+0x' "$out" >/dev/null ||
		{ cat "$out"; fail "$ipt: no netfilter drop at $location for the dropped tuple"; }
	for f in net_dev_queue net_dev_xmit netif_receive_skb; do
		grep -qE "127\.0\.0\.1:[0-9]+->127\.0\.0\.1:9998\(udp\) $f\$" "$out" ||
			{ cat "$out"; fail "$ipt: delivered datagram lacks $f"; }
	done
	if grep -E '127\.0\.0\.1:[0-9]+->127\.0\.0\.1:9998\(udp\) kfree_skb\(SKB_DROP_REASON_NETFILTER_DROP' "$out"; then
		fail "$ipt: delivered datagram reported as a netfilter drop"
	fi
	grep -q 'events, 0 lost' "$out.err" || { cat "$out.err"; fail "$ipt: no summary line or events lost"; }
	echo "$ipt: drop and delivery traced"
}

run_drop iptables nft_do_chain
run_drop iptables-legacy nf_hook_slow

left=$(leaked "$progs_before" "$links_before")
[ -z "$left" ] || fail "BPF objects left behind: $(echo $left)"
