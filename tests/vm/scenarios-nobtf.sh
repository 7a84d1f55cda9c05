#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The pinned-build half of the 6.12-nobtf column (tests/vm/matrix runs the
# --kernel-btf half through scenarios.sh):
#
#   tests/vm/scenarios-nobtf.sh          on the host: `make pinned` for the
#                                        6.12-nobtf kernel, boot it, run --guest
#   tests/vm/scenarios-nobtf.sh --guest DIR   in the guest, DIR the pinned root
#
# In the guest, with no BTF anywhere (no --kernel-btf):
#   - scenarios.sh's drop and delivery sessions, every backend, auto and
#     `pwru check`, with the pinned build (cells relabelled 6.12-nobtf-pinned)
#   - pinned-check: `pwru check` names the pinned build and where it is
#   - pinned-none, pinned-other-release, pinned-stale: pwru exits 1 with one
#     line that says what to do, and never uses a build for another release
#   - reasons-pinned: with the kfree_skb format hidden, drop-reason names come
#     from the pinned table; list-funcs: discovery from the pinned table
# Prints RESULT lines as scenarios.sh does; exits 1 if a cell failed.
set -eu

VM_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$VM_DIR/../.." && pwd)
KERNEL=6.12-nobtf
LABEL=$KERNEL-pinned

if [ "${1:-}" != --guest ]; then
	cd "$REPO"
	kdir=$("$VM_DIR/run" --print-kernel "$KERNEL")
	# the kernel's cache dir holds its DWARF vmlinux (tests/vm/build-kernel)
	make -s pwru pinned KDIR="$kdir" >&2
	exec "$VM_DIR/run" "$KERNEL" --timeout "${PWRU_VM_TIMEOUT:-1800}" -- \
		env -u PWRU_KERNEL_BTF "$VM_DIR/scenarios-nobtf.sh" --guest "$REPO/.output/pinned"
fi

ROOT=${2:?usage: scenarios-nobtf.sh --guest PINNED_ROOT}
PWRU=$REPO/pwru
REL=$(uname -r)
W=$(mktemp -d /tmp/pwru-nobtf.XXXXXX)
RULE=(OUTPUT -d 127.0.0.9 -p tcp --dport 9999 -j DROP)
failed=0
trap 'iptables -D "${RULE[@]}" 2>/dev/null || true; rm -rf "$W"' EXIT

result() { # CELL STATUS DETAIL
	echo "RESULT $LABEL $1 $2 0 ${3:-}"
	[ "$2" = pass ] || failed=1
}

[ ! -e /sys/kernel/btf/vmlinux ] || { result setup FAIL "this kernel has BTF"; exit 1; }
[ -d "$ROOT/$REL" ] || { result setup FAIL "no pinned build for $REL in $ROOT"; exit 1; }

# 1. the matrix's scenarios, with the pinned build instead of --kernel-btf
PWRU_PINNED_DIR=$ROOT "$VM_DIR/scenarios.sh" "$KERNEL" 2>"$W/scen.err" |
	sed "s/^RESULT $KERNEL /RESULT $LABEL /" | tee "$W/scen.out"
grep -q "^RESULT $LABEL auto " "$W/scen.out" || { cat "$W/scen.err" >&2; failed=1; }
! grep -Eq "^RESULT $LABEL [^ ]+ (FAIL|UNEXPECTED) " "$W/scen.out" || failed=1

# 2. pwru check says which pinned build and where; fentry absent for lack of BTF
PWRU_PINNED_DIR=$ROOT "$PWRU" check --output-json >"$W/check.json" 2>&1 || true
why=$(python3 - "$W/check.json" "$ROOT/$REL" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
p = d["features"]["btf.pinned"]
fe = d["backends"]["fentry"]
ok = p["value"] is True and sys.argv[2] in p["detail"] and not fe["usable"] \
    and "BTF" in fe["reason"]
print("btf.pinned: %s; fentry: %s" % (p["detail"], fe["reason"]))
sys.exit(0 if ok else 1)
EOF
) && result pinned-check pass "$why" || result pinned-check FAIL "$why"

# expect_refusal CELL PINNED_ROOT REGEX: pwru exits 1 with one line matching REGEX
expect_refusal() {
	local rc=0
	PWRU_PINNED_DIR=$2 timeout 120 "$PWRU" --probe-backend kprobe "host 127.0.0.9" \
		</dev/null >/dev/null 2>"$W/$1.err" || rc=$?
	if [ "$rc" = 1 ] && [ "$(wc -l <"$W/$1.err")" = 1 ] && grep -Eq "$3" "$W/$1.err"; then
		result "$1" pass "$(cat "$W/$1.err")"
	else
		result "$1" FAIL "exit $rc, expected 1 and one line matching /$3/: $(head -c 300 "$W/$1.err")"
	fi
}

mkdir -p "$W/none" "$W/other" "$W/stale"
expect_refusal pinned-none "$W/none" "no usable pinned build .*make pinned KDIR=.*--kernel-btf"
# a build for another release, even a near one, is never used
cp -r "$ROOT/$REL" "$W/other/$REL.1"
echo "$REL.1" >"$W/other/$REL.1/release"
expect_refusal pinned-other-release "$W/other" "none for $REL in $W/other \\(it has: $REL\\.1\\).*make pinned"
cp -r "$ROOT/$REL" "$W/stale/$REL"
echo 0123456789abcdef >"$W/stale/$REL/bpf-hash"
expect_refusal pinned-stale "$W/stale" "other BPF sources"

# 3. drop-reason names from the pinned table when the tracepoint format is hidden
mount --bind /dev/null /sys/kernel/tracing/events/skb/kfree_skb/format
PWRU_PINNED_DIR=$ROOT "$PWRU" --probe-backend kprobe --output-tuple \
	--filter-func 'nf_hook_slow|kfree_skb_reason|sk_skb_reason_drop' \
	--ready-file "$W/ready" --output-file "$W/reasons.out" 2>"$W/reasons.err" &
pid=$!
for _ in $(seq 600); do
	[ ! -e "$W/ready" ] && kill -0 $pid 2>/dev/null || break
	sleep 0.2
done
iptables -I "${RULE[@]}"
timeout 3 bash -c 'echo >/dev/tcp/127.0.0.9/9999' 2>/dev/null || true
iptables -D "${RULE[@]}"
kill -INT $pid 2>/dev/null
wait $pid || true
umount /sys/kernel/tracing/events/skb/kfree_skb/format
line=$(grep -m1 '127\.0\.0\.9:9999(tcp) .*(SKB_DROP_REASON_NETFILTER_DROP) location=' "$W/reasons.out" || true)
[ -n "$line" ] && result reasons-pinned pass "$line" ||
	result reasons-pinned FAIL "no named netfilter drop: $(tail -n 3 "$W/reasons.err" "$W/reasons.out" | tr '\n' ' ')"

# 4. --list-funcs from the pinned table, filtered by what this kernel can probe
n=$(PWRU_PINNED_DIR=$ROOT "$PWRU" --list-funcs 2>/dev/null | wc -l)
total=$(wc -l <"$ROOT/$REL/funcs")
if [ "$n" -gt 500 ] && [ "$n" -le "$total" ] && PWRU_PINNED_DIR=$ROOT "$PWRU" --list-funcs 2>/dev/null | grep -qx 'ip_rcv 1'; then
	result list-funcs pass "$n of the table's $total functions are probeable, ip_rcv 1 among them"
else
	result list-funcs FAIL "$n functions listed (table: $total)"
fi
exit $failed
