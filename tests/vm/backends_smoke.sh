#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Smoke test of one probing backend, run inside a guest by tests/vm/run:
#
#   tests/vm/run KERNEL -- tests/vm/backends_smoke.sh BACKEND scenario
#   tests/vm/run KERNEL -- tests/vm/backends_smoke.sh BACKEND bench
#   tests/vm/run 6.12-nobtf -- env PWRU_KERNEL_BTF=$(tests/vm/run --print-btf 6.12-nobtf) \
#           tests/vm/backends_smoke.sh BACKEND scenario
#
# scenario: a netfilter drop of a TCP SYN to 127.0.0.9:9999 and a UDP
# datagram delivered over a veth pair, traced with a modest --filter-func
# (TCG is slow); then nothing of ours may remain in bpftool's lists or in
# kprobe_events (pwru opens kprobes through the PMU and never writes there). bench: attach and detach the full function set, once.
. tests/host/lib.sh
need_root
mount_fs

BACKEND=${1:?backend}
# PWRU_KERNEL_BTF: --kernel-btf for kernels without /sys/kernel/btf/vmlinux
BTF_ARGS=()
[ -z "${PWRU_KERNEL_BTF:-}" ] || BTF_ARGS=(--kernel-btf "$PWRU_KERNEL_BTF")
MODE=${2:-scenario}
FUNCS='(ip_.*|nf_hook_slow|__dev_queue_xmit|dev_hard_start_xmit|kfree_skb.*|sk_skb_reason_drop|tcp_v4_connect|__ip_local_out|ip_local_deliver.*|netif_receive_skb.*|__netif_receive_skb.*|veth_xmit)'

kprobe_events() {
	cat /sys/kernel/tracing/kprobe_events 2>/dev/null | grep pwru || true
}

check_clean() {
	left=$(leaked "$progs_before" "$links_before")
	[ -z "$left" ] || fail "BPF objects left behind: $(echo $left)"
	[ -z "$(kprobe_events)" ] || fail "kprobe_events left behind: $(kprobe_events)"
	echo "clean: no programs, links or kprobe_events left"
}

setup_veth() {
	modprobe veth 2>/dev/null || true
	ip netns add peer
	ip link add vpwru0 type veth peer name vpwru1
	ip link set vpwru1 netns peer
	ip addr add 10.99.0.1/24 dev vpwru0
	ip link set vpwru0 up
	ip -n peer addr add 10.99.0.2/24 dev vpwru1
	ip -n peer link set vpwru1 up
	ip -n peer link set lo up
}

tcp_syn() {
	timeout 3 bash -c "echo >/dev/tcp/$1/$2" 2>/dev/null || true
}

scenario() {
	out=$TMP/out
	setup_veth
	# Debian builds netfilter as modules; iptables (nf_tables) needs these
	for m in nf_tables nft_compat x_tables xt_tcpudp; do modprobe $m 2>/dev/null || true; done
	# kprobe.multi: a symbol the kernel rejects, which the bisection must drop
	[ "$BACKEND" != kprobe-multi ] || export PWRU_KMULTI_BAD_SYM=pwru_no_such_function
	start_pwru "$out" --probe-backend "$BACKEND" "${BTF_ARGS[@]}" --output-tuple --filter-func "$FUNCS"
	unset PWRU_KMULTI_BAD_SYM
	cat "$out.err"
	leak_check_sees_pwru "$progs_before" "$links_before"
	[ "$BACKEND" != kprobe-multi ] || grep -q 'e.g. pwru_no_such_function' "$out.err" ||
		fail "the rejected symbol was not skipped"
	iptables -I OUTPUT -d 127.0.0.9 -p tcp --dport 9999 -j DROP
	tcp_syn 127.0.0.9 9999
	iptables -D OUTPUT -d 127.0.0.9 -p tcp --dport 9999 -j DROP
	send_udp 10.99.0.2 9998 1
	sleep 1
	stop_pwru
	cat "$out.err"
	echo "--- drop"
	grep -E '127\.0\.0\.9:9999\(tcp\)' "$out" | head -20
	echo "--- delivery"
	grep -E '10\.99\.0\.2:9998\(udp\)' "$out" | head -30
	grep -qE '127\.0\.0\.9:9999\(tcp\) nf_hook_slow$' "$out" || fail "no nf_hook_slow for the dropped SYN"
	grep -qE '127\.0\.0\.9:9999\(tcp\) (kfree_skb_reason|sk_skb_reason_drop)\(SKB_DROP_REASON_NETFILTER_DROP\) location=(nft_do_chain|nf_hook_slow)\+0x' "$out" ||
		fail "no netfilter drop with its location for the dropped SYN"
	for f in ip_output __dev_queue_xmit; do
		grep -qE "10\.99\.0\.2:9998\(udp\) $f\$" "$out" || fail "delivered datagram lacks $f"
	done
	grep -q 'events, 0 lost' "$out.err" || fail "no summary line or events lost"
	check_clean
	echo "PASS $BACKEND scenario on $(uname -r)"
}

bench() {
	out=$TMP/out
	start_pwru "$out" --probe-backend "$BACKEND" "${BTF_ARGS[@]}"
	leak_check_sees_pwru "$progs_before" "$links_before"
	stop_pwru
	cat "$out.err"
	check_clean
}

progs_before=$(unheld_ids prog)
links_before=$(unheld_ids link)
"$MODE"
