#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# pwru-static on lab kernels: `pwru-static check`, then the README's seed
# scenario (a TCP connect to 127.0.0.9:8080 that an iptables rule drops)
# with auto's backend, both from a root directory holding only the binary.
#
#   tests/vm/static.sh [KERNEL...]    default: every debian-* kernel of the lab
#   tests/vm/static.sh --guest        (inside the guest: one kernel's checks)
#
# Exits 1 if any kernel fails. Needs ./pwru-static (make static).
set -eu

VM_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$VM_DIR/../.." && pwd)
cd "$REPO"

# in_root ROOT ARGS...: /pwru ARGS in ROOT, which holds only the binary and
# the kernel's file systems; the binds live in a mount namespace of its own.
IN_ROOT='r=$1; shift
	mount --bind /proc "$r/proc" && mount --bind /sys "$r/sys" &&
	mount --bind /sys/kernel/tracing "$r/sys/kernel/tracing" &&
	mount --bind /dev "$r/dev" && exec chroot "$r" /pwru "$@"'

guest() {
	local w root pid rc=0 rule="OUTPUT -d 127.0.0.9 -p tcp --dport 8080 -j DROP"
	w=$(mktemp -d /tmp/pwru-static.XXXXXX)
	trap "iptables -D $rule 2>/dev/null || true; rm -rf '$w'" EXIT
	root=$w/root
	mkdir -p "$root/proc" "$root/sys" "$root/dev"
	cp pwru-static "$root/pwru"
	echo "kernel $(uname -r); root: $(cd "$root" && echo *)"

	unshare -m sh -c "$IN_ROOT" sh "$root" check >"$w/check" 2>&1 || rc=$?
	grep -A6 '^BACKENDS' "$w/check" || cat "$w/check"
	[ $rc = 0 ] || { echo "FAIL: pwru-static check exited $rc"; return 1; }

	# The functions of the seed scenario only: quick to attach under TCG.
	unshare -m sh -c "$IN_ROOT" sh "$root" --output-tuple --ready-file /ready \
		--filter-func 'ip_local_out|__ip_local_out|nf_hook_slow|kfree_skb.*|sk_skb_reason_drop|tcp_v4_connect|__tcp_transmit_skb' \
		>"$w/trace" 2>"$w/err" &
	pid=$!
	while [ ! -e "$root/ready" ]; do
		kill -0 $pid 2>/dev/null || { cat "$w/err"; echo "FAIL: pwru-static exited early"; return 1; }
		sleep 0.2
	done
	iptables -I $rule
	python3 -c 'import socket
s = socket.socket(); s.settimeout(1)
try: s.connect(("127.0.0.9", 8080))
except OSError: pass'
	iptables -D $rule
	sleep 0.5
	kill -INT $pid
	wait $pid || rc=$?
	head -n 2 "$w/err"
	grep -E '\->127\.0\.0\.9:8080\(tcp\)' "$w/trace" | cut -c1-160 || true
	[ $rc = 0 ] || { echo "FAIL: pwru-static exited $rc after SIGINT"; return 1; }
	grep -qE '\->127\.0\.0\.9:8080\(tcp\) nf_hook_slow' "$w/trace" ||
		{ echo "FAIL: the dropped SYN never reached nf_hook_slow"; return 1; }
	# Drop reasons exist from 5.17 on; earlier kernels show the free alone.
	grep -qE '\->127\.0\.0\.9:8080\(tcp\) (kfree_skb|kfree_skb_reason|sk_skb_reason_drop)' "$w/trace" ||
		{ echo "FAIL: the dropped SYN was not seen freed"; return 1; }
	echo "PASS: pwru-static check and the seed drop on $(uname -r)"
}

if [ "${1:-}" = --guest ]; then
	guest
	exit
fi

. "$VM_DIR/lib.sh"
[ -x pwru-static ] || die "./pwru-static is not built (make static)"
[ $# -gt 0 ] || set -- $(printf '%s\n' $VM_KERNELS | grep '^debian-')
fail=0
for k in "$@"; do
	log "$k: pwru-static check and the seed drop"
	if "$VM_DIR/run" "$k" --timeout 900 -- "$VM_DIR/static.sh" --guest; then
		echo "static $k: pass"
	else
		echo "static $k: FAIL"
		fail=1
	fi
done
exit $fail
