# SPDX-License-Identifier: GPL-2.0
# Shared by the guest-side scenario scripts that tests/vm/scenarios.sh calls
# with KERNEL as their first argument (skb_expr.sh, skb_dump.sh, track.sh).
# Sourced, not run; the caller has shifted KERNEL off and set KERNEL.

VM_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$VM_DIR/../.." && pwd)
PWRU=${PWRU:-$REPO/pwru}
PY=/usr/bin/python3
BTF_ARGS=()
[ -z "${PWRU_KERNEL_BTF:-}" ] || BTF_ARGS=(--kernel-btf "$PWRU_KERNEL_BTF")

result() { echo "RESULT $KERNEL $1 $2 $3 ${4:-}"; }

# no_btf: a kernel without BTF, and no --kernel-btf given (a pinned build)
no_btf() { [ ! -e /sys/kernel/btf/vmlinux ] && [ -z "${PWRU_KERNEL_BTF:-}" ]; }

# refused_without_btf CELL PATTERN BACKEND ARGS...: pwru must refuse ARGS
# with exit 2 and a message matching PATTERN (naming --kernel-btf)
refused_without_btf() {
	local cell=$1 pattern=$2 be=$3 t0=$SECONDS msg rc
	shift 3
	msg=$(timeout 120 "$PWRU" --probe-backend "$be" "$@" 'host 203.0.113.77' </dev/null 2>&1 >/dev/null)
	rc=$?
	if [ $rc = 2 ] && echo "$msg" | grep -q -- "$pattern"; then
		result "$cell-$be" pass $((SECONDS - t0)) "no BTF: refused, exit 2: $(echo "$msg" | tail -1)"
	else
		result "$cell-$be" FAIL $((SECONDS - t0)) "no BTF: exit $rc, want 2 naming --kernel-btf: $(echo "$msg" | tail -1)"
	fi
}

# judge CELL T0 OUT RC VERDICT...: CELL's RESULT line from a session that
# exited RC and wrote OUT, and from the VERDICT command's exit and words
judge() {
	local cell=$1 t0=$2 out=$3 rc=$4 d
	shift 4
	if [ "$rc" != 0 ]; then
		result "$cell" FAIL $((SECONDS - t0)) "pwru failed: $(tail -1 "$out.err")"
	elif d=$("$@" 2>&1); then
		result "$cell" pass $((SECONDS - t0)) "$d"
	else
		result "$cell" FAIL $((SECONDS - t0)) "$d; $(tail -1 "$out.err")"
		[ -z "${PWRU_VM_KEEP_TRACE:-}" ] || cat "$out"
	fi
}

# wait_ready READY PID: until pwru (PID) writes READY, at most 300 s; fails,
# having reaped PID, when it exits first or never gets there
wait_ready() {
	local i
	for i in $(seq 600); do
		[ -e "$1" ] || { kill -0 "$2" 2>/dev/null && sleep 0.5 && continue; }
		break
	done
	[ -e "$1" ] || { wait "$2"; return 1; }
}
