#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Kill test, run as root on one kernel (in a guest by tests/vm/matrix):
#
#   tests/vm/kill.sh KERNEL [ITERATIONS]       default 20 per backend
#
# For each backend `pwru check` calls usable: SIGKILL pwru at a random moment
# of attach, tracing or stop (SIGINT, then SIGKILL during the detach), with a
# narrow --filter-func. After each kill, nothing of pwru's may remain: BPF
# programs and links that no live process holds, perf events with its
# programs, pwru's kprobe_events. While pwru is alive the same check, blind
# to pwru's own fds, must list its objects, or it could not fail.
# Prints one line per backend, read by tests/vm/matrix:
#   RESULT KERNEL kill-BACKEND STATUS SECONDS DETAIL
# PWRU_KILL_SEED: the seed (printed; default the time), to replay a run.
set -u

KERNEL=${1:?usage: tests/vm/kill.sh KERNEL [ITERATIONS]}
ITER=${2:-20}
VM_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$VM_DIR/../.." && pwd)
PWRU=${PWRU:-$REPO/pwru}
PY=/usr/bin/python3
SEED=${PWRU_KILL_SEED:-$(date +%s)}
FUNCS='^(ip_output|ip_finish_output2|__dev_queue_xmit|ip_rcv|kfree_skb_reason|sk_skb_reason_drop)$'
TPS='^(net_dev_queue|netif_receive_skb|kfree_skb)$' # --filter-func names tracepoints there
BTF_ARGS=()
[ -n "${PWRU_KERNEL_BTF:-}" ] && BTF_ARGS=(--kernel-btf "$PWRU_KERNEL_BTF")
W=$(mktemp -d /tmp/pwru-kill.XXXXXX)
PID=
trap '[ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null; rm -rf "$W"' EXIT

result() { # COLUMN STATUS SECONDS DETAIL
	echo "RESULT $KERNEL $1 $2 $3 ${4:-}"
}

# objects [PID]: "prog N" / "link N" lines of objects nobody (but PID) holds,
# and pwru's kprobe_events; exits non-zero when bpftool fails
objects() {
	local ex=() k
	[ -n "${1:-}" ] && ex=(--except-pid "$1")
	for k in prog link; do
		"$PY" "$REPO/tests/unheld_bpf_ids.py" $k "${ex[@]}" >"$W/$k" || return 1
		sed "s/^/$k /" "$W/$k"
	done
	grep -o 'pwru_[^ ]*' /sys/kernel/tracing/kprobe_events 2>/dev/null | sed 's/^/kprobe_event /'
	return 0
}

# new_objects BEFORE [PID]: objects not in BEFORE
new_objects() {
	objects "${2:-}" | sort >"$W/now" || return 1
	comm -13 "$1" "$W/now"
}

ms_sleep() { sleep "$(awk -v m="$1" 'BEGIN { printf "%.3f", m / 1000 }')"; }

traffic() {
	"$PY" -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.time() + 0.5
while time.time() < end:
    s.sendto(b"pwru", ("127.0.0.1", 9))
    time.sleep(0.01)
' &
}

start() { # BACKEND
	rm -f "$W/ready"
	local f=$FUNCS
	[ "$1" = tracepoint ] && f=$TPS
	"$PWRU" --probe-backend "$1" "${BTF_ARGS[@]}" --filter-func "$f" \
		--ready-file "$W/ready" --output-file /dev/null </dev/null >/dev/null 2>"$W/err" &
	PID=$!
}

wait_ready() {
	local deadline=$((SECONDS + 120))
	while [ ! -e "$W/ready" ]; do
		kill -0 "$PID" 2>/dev/null || return 1
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.05
	done
}

# calibrate BACKEND: sets ATTACH_MS, STOP_MS of one clean run
calibrate() {
	local t0 t1
	t0=$(date +%s%N)
	start "$1"
	wait_ready || return 1
	t1=$(date +%s%N)
	ATTACH_MS=$(((t1 - t0) / 1000000))
	kill -INT "$PID"
	wait "$PID" || return 1
	PID=
	STOP_MS=$((($(date +%s%N) - t1) / 1000000))
}

# one BACKEND PHASE: one kill; returns 1 with WHY set on a leak
one() {
	local be=$1 phase=$2 left i
	start "$be"
	case $phase in
	attach)
		ms_sleep $((RANDOM % (ATTACH_MS + 1)))
		[ -e "$W/ready" ] && phase=tracing # too late: it counts as tracing
		;;
	tracing | stop)
		wait_ready || { WHY="$phase: pwru did not get ready: $(tail -n 2 "$W/err")"; return 1; }
		left=$(new_objects "$W/before" "$PID") || { WHY="bpftool failed"; return 1; }
		[ -n "$left" ] || { WHY="$phase: the check does not see the running pwru's objects"; return 1; }
		SEEN=$((SEEN + 1))
		traffic
		if [ $phase = stop ]; then
			kill -INT "$PID"
			ms_sleep $((RANDOM % (STOP_MS + 1)))
		else
			ms_sleep $((RANDOM % 500))
		fi
		;;
	esac
	kill -KILL "$PID" 2>/dev/null
	wait "$PID" 2>/dev/null
	PID=
	wait # the traffic
	PHASES="$PHASES $phase"
	# the kernel frees a program after an RCU grace period: give it time
	for i in $(seq 40); do
		left=$(new_objects "$W/before") || { WHY="bpftool failed"; return 1; }
		[ -z "$left" ] && return 0
		sleep 0.25
	done
	WHY="$phase: left behind: $(echo $left)"
	return 1
}

echo "kill.sh: seed $SEED, $ITER kills per backend, --filter-func '$FUNCS' (tracepoint: '$TPS')"
RANDOM=$SEED
"$PWRU" check --output-json "${BTF_ARGS[@]}" >"$W/check.json" 2>/dev/null
usable=$("$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(b for b, v in d["backends"].items() if v["usable"]))' "$W/check.json") ||
	{ result kill FAIL 0 "pwru check --output-json gave no verdicts"; exit 0; }
echo "kill.sh: usable backends: $usable"
for be in $usable; do
	t0=$SECONDS
	objects | sort >"$W/before" || { result "kill-$be" FAIL 0 "bpftool failed"; continue; }
	if ! calibrate "$be"; then
		result "kill-$be" FAIL $((SECONDS - t0)) "a clean run failed: $(tail -n 2 "$W/err")"
		continue
	fi
	PHASES= SEEN=0 WHY= status=pass
	for n in $(seq "$ITER"); do
		phases=(attach tracing stop)
		phase=${phases[RANDOM % 3]}
		one "$be" "$phase" || { status=FAIL; break; }
	done
	counts=$(echo $PHASES | tr ' ' '\n' | sort | uniq -c | awk '{ printf "%s %s, ", $1, $2 }')
	result "kill-$be" $status $((SECONDS - t0)) \
		"seed $SEED: $(echo $PHASES | wc -w) kills (${counts%, }); attach ${ATTACH_MS}ms, stop ${STOP_MS}ms; alive check saw pwru's objects $SEEN times${WHY:+; $WHY}"
done
exit 0
