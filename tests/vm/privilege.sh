#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Least privilege on one kernel (in the guest, or on the host for KERNEL=host),
# run as root; tests/vm/matrix runs it after scenarios.sh:
#
#   tests/vm/privilege.sh KERNEL            the tests (RESULT lines, as scenarios.sh)
#   tests/vm/privilege.sh KERNEL measure    which capabilities each backend needs (CAPS lines)
#
# Tests, for every backend this kernel can use: pwru run by uid 65534 with
# only the capabilities `pwru check` says it needs (caps_needed, the sets
# README's Requirements lists) traces a UDP send; a pwru
# started by root shows, once its ready file holds its pid, a non-root uid,
# CapEff/CapPrm 0 and NoNewPrivs 1 in /proc/PID/status, still traces, and
# leaves no BPF program behind once it has detached without privilege.
set -eu

KERNEL=${1:?usage: tests/vm/privilege.sh KERNEL [measure]}
MODE=${2:-test}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
PWRU=${PWRU:-$REPO/pwru}
PY=/usr/bin/python3
NOBODY=65534
BTF_ARGS=()
BTF_DIR=
# the lab's BTF file is 0640 (pahole's umask): a copy the unprivileged runs may
# read, in a directory only root may change (pwru trusts no other)
if [ -n "${PWRU_KERNEL_BTF:-}" ]; then
	BTF_DIR=$(mktemp -d /run/pwru-btf.XXXXXX)
	chmod 755 "$BTF_DIR"
	install -m 0644 "$PWRU_KERNEL_BTF" "$BTF_DIR/vmlinux.btf"
	BTF_ARGS=(--kernel-btf "$BTF_DIR/vmlinux.btf")
fi
FUNCS='ip_send_skb|udp_send_skb|ip_output|ip_local_out|__ip_local_out|ip_finish_output2?'
FUNCS+='|__dev_queue_xmit|dev_hard_start_xmit|__netif_rx|netif_rx|ip_rcv|udp_rcv|kfree_skb.*'

W=$(mktemp -d /tmp/pwru-priv.XXXXXX)
chmod 1777 "$W"
trap 'rm -rf "$W" ${BTF_DIR:+"$BTF_DIR"}' EXIT

# usable backends, from root's `pwru check`; doc_caps BACKEND: what it says that one needs
"$PWRU" check --output-json "${BTF_ARGS[@]}" >"$W/check.json" 2>/dev/null || true
usable=$($PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(b for b, v in d["backends"].items() if v["usable"]))' "$W/check.json")
doc_caps() {
	$PY -c '
import json, sys
d = json.load(open(sys.argv[1]))["backends"][sys.argv[2]]["caps_needed"]
print(",".join(c[4:].lower() for c in d))' "$W/check.json" "$1"
}

send_udp() {
	$PY -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(3): s.sendto(b"pwru", ("127.0.0.1", int(sys.argv[1])))' "$1"
}

# run_one NAME CAPS BACKEND PORT [pwru options]: CAPS "root" or a setpriv list
# ("bpf,perfmon"). Leaves $W/NAME.{out,err,status}; returns 0 when pwru
# traced the send and exited 0.
run_one() {
	local name=$1 caps=$2 be=$3 port=$4 pid i rc=0
	shift 4
	local args=(--probe-backend "$be" "${BTF_ARGS[@]}" --output-json --output-file "$W/$name.out"
		--ready-file "$W/$name.ready" "$@" "udp and port $port")
	[ "$be" = tracepoint ] || args=(--filter-func "$FUNCS" "${args[@]}")
	rm -f "$W/$name".*
	if [ "$caps" = root ]; then
		"$PWRU" "${args[@]}" 2>"$W/$name.err" &
	else
		setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups \
			--inh-caps=-all,+${caps//,/,+} --ambient-caps=-all,+${caps//,/,+} \
			-- "$PWRU" "${args[@]}" 2>"$W/$name.err" &
	fi
	pid=$!
	for ((i = 0; i < 1200; i++)); do
		[ -s "$W/$name.ready" ] && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	if [ -s "$W/$name.ready" ]; then
		cp /proc/$pid/status "$W/$name.status" 2>/dev/null || true
		send_udp "$port"
		sleep 1
	fi
	kill -INT $pid 2>/dev/null || true
	wait $pid || rc=$?
	[ $rc -eq 0 ] && grep -q "\"dport\":$port" "$W/$name.out" 2>/dev/null
}

first_err() {
	grep -v -e '^pwru: using backend' -e '^pwru: attached' -e '^pwru: tracing' \
		-e 'events,' "$W/$1.err" | head -1 | tr '\n' ' '
}

measure() {
	local be caps x port=40000 sets
	echo "CAPS $KERNEL sysctl kptr_restrict=$(cat /proc/sys/kernel/kptr_restrict)" \
		"unprivileged_bpf_disabled=$(cat /proc/sys/kernel/unprivileged_bpf_disabled)" \
		"perf_event_paranoid=$(cat /proc/sys/kernel/perf_event_paranoid)"
	for be in $usable; do
		sets="bpf,perfmon bpf perfmon"
		for x in sys_resource syslog dac_read_search sys_admin net_admin ipc_lock; do
			sets+=" bpf,perfmon,$x"
		done
		sets+=" bpf,perfmon,sys_resource,syslog,dac_read_search,sys_admin,net_admin,ipc_lock"
		for caps in $sets; do
			port=$((port + 1))
			if run_one m "$caps" "$be" $port; then
				echo "CAPS $KERNEL $be ok $caps $(grep -c dport "$W/m.out") events;" \
					"$(grep -i warning "$W/m.err" | head -1)"
			else
				echo "CAPS $KERNEL $be fail $caps $(first_err m)"
			fi
		done
	done
}

result() { echo "RESULT $KERNEL $*"; }

check_status() {
	$PY - "$1" <<'EOF'
import sys
st = dict(l.split(":", 1) for l in open(sys.argv[1]) if ":" in l)
uid = st["Uid"].split()
bad = [k for k in ("CapEff", "CapPrm", "CapInh", "CapAmb") if int(st[k], 16)]
if "0" in uid or bad or st["NoNewPrivs"].strip() != "1":
    sys.exit("uid %s %s NoNewPrivs %s" % (uid, " ".join("%s=%s" % (k, st[k].strip()) for k in bad),
                                         st["NoNewPrivs"].strip()))
EOF
}

# new_unheld BEFORE: program ids nobody holds that BEFORE lacks, once they
# stayed so for 30 s (a closed tracing program is freed after an RCU-tasks
# grace period; a real leak stays)
new_unheld() {
	local i ids
	for i in $(seq 60); do
		ids=$($PY "$REPO/tests/unheld_bpf_ids.py" prog | sort | comm -13 "$1" -)
		[ -z "$ids" ] && return 0
		sleep 0.5
	done
	echo $ids
}

tests() {
	local be t0 port=41000 why caps
	for be in $usable; do
		t0=$SECONDS port=$((port + 1)) caps=$(doc_caps "$be")
		if run_one caps "$caps" "$be" $port; then
			result priv-caps-$be pass $((SECONDS - t0)) "uid $NOBODY with $caps"
		else
			result priv-caps-$be FAIL $((SECONDS - t0)) "uid $NOBODY with $caps: $(first_err caps)"
		fi
		t0=$SECONDS port=$((port + 1))
		$PY "$REPO/tests/unheld_bpf_ids.py" prog | sort >"$W/ids.before"
		if ! run_one drop root "$be" $port; then
			result priv-drop-$be FAIL $((SECONDS - t0)) "root run did not trace: $(first_err drop)"
		elif ! why=$(check_status "$W/drop.status" 2>&1); then
			result priv-drop-$be FAIL $((SECONDS - t0)) "/proc/PID/status: $why"
		elif why=$(new_unheld "$W/ids.before") && [ -n "$why" ]; then
			result priv-drop-$be FAIL $((SECONDS - t0)) "BPF programs left behind: $why"
		else
			result priv-drop-$be pass $((SECONDS - t0)) "uid $NOBODY, CapEff 0, NoNewPrivs 1;" \
				"$(grep -o '[0-9]* events, [0-9]* lost[^;]*' "$W/drop.err")"
		fi
	done
	[ -n "$usable" ] || result priv FAIL 0 "pwru check reports no usable backend"
}

case $MODE in
measure) measure ;;
test) tests ;;
*) echo "privilege.sh: unknown mode '$MODE'" >&2; exit 2 ;;
esac
