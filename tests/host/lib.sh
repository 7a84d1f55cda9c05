# Shared helpers for host tests. Tests run from the repository root, as root.
set -eu

PWRU=${PWRU:-./pwru}
TMP=$(mktemp -d /tmp/pwru-test.XXXXXX)
PWRU_PID=

cleanup() {
	# CONT: a test that fails while pwru is held with SIGSTOP must not leave it there
	[ -n "$PWRU_PID" ] && kill -INT "$PWRU_PID" 2>/dev/null && kill -CONT "$PWRU_PID" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# skip WHY: this test cannot run here; tests/host/run counts it as a skip, not a pass
skip() {
	echo "SKIP: $*" >&2
	exit 77
}

# need_tracepoint_backend: what tracing on the host needs (KERNEL-LAB.md): BTF, tracefs
need_tracepoint_backend() {
	[ -r /sys/kernel/btf/vmlinux ] || skip "no /sys/kernel/btf/vmlinux"
	[ -d /sys/kernel/tracing/events ] || skip "no tracefs at /sys/kernel/tracing"
}

need_root() {
	[ "$(id -u)" = 0 ] || fail "host tests must run as root"
}

# mount_fs: tracefs and bpffs where missing; a kernel without them is a
# skip for the tests that need them (need_tracepoint_backend), not a failure here
mount_fs() {
	mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || true
	mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf 2>/dev/null || true
}

# start_pwru OUTFILE ARGS...: start in the background, wait for the ready file
start_pwru() {
	out=$1
	shift
	rm -f "$TMP/ready"
	"$PWRU" --ready-file "$TMP/ready" --output-file "$out" "$@" 2>"$out.err" &
	PWRU_PID=$!
	i=0
	while [ ! -e "$TMP/ready" ]; do
		kill -0 "$PWRU_PID" 2>/dev/null || { cat "$out.err" >&2; fail "pwru exited before it was ready"; }
		i=$((i + 1))
		[ $i -lt 600 ] || fail "pwru not ready after 60s"
		sleep 0.1
	done
}

# stop_pwru: SIGINT, wait, require exit 0
stop_pwru() {
	kill -INT "$PWRU_PID"
	rc=0
	wait "$PWRU_PID" || rc=$?
	PWRU_PID=
	[ $rc = 0 ] || fail "pwru exited $rc after SIGINT"
}

# expect_error EXPECTED_RC 'message substring' ARGS...
expect_error() {
	want_rc=$1
	want_msg=$2
	shift 2
	rc=0
	# a case that should fail may trace instead where the kernel allows it: bounded
	# (the 1M-insn pcap filter takes a minute to verify)
	timeout -s INT "${EXPECT_TIMEOUT:-300}" "$PWRU" "$@" >"$TMP/stdout" 2>"$TMP/stderr" </dev/null || rc=$?
	[ "$rc" != 124 ] || fail "pwru $*: still running after ${EXPECT_TIMEOUT:-300}s, want exit $want_rc"
	[ "$rc" = "$want_rc" ] || fail "pwru $*: exit $rc, want $want_rc ($(cat "$TMP/stderr"))"
	grep -qF -- "$want_msg" "$TMP/stderr" ||
		fail "pwru $*: stderr '$(cat "$TMP/stderr")' lacks '$want_msg'"
	[ "$(wc -l <"$TMP/stderr")" -ge 1 ] || fail "pwru $*: no error line"
}

# unheld_ids prog|link [--except-pid PID]: BPF ids no live process (but PID)
# holds (tests/unheld_bpf_ids.py); fails the test when bpftool fails
unheld_ids() {
	python3 tests/unheld_bpf_ids.py "$@" >"$TMP/unheld" || fail "cannot list BPF objects"
	sort "$TMP/unheld"
}

# leaked BEFORE_PROGS BEFORE_LINKS [--except-pid PID]: unheld ids that were not
# there before. After pwru exited, an id must stay unheld for 5 s to count: the
# kernel frees a closed program a moment later (RCU), and another pwru on a
# shared host may be exiting just then; a real leak stays.
leaked() {
	local tries=1 i out
	printf '%s\n' "$1" >"$TMP/progs.before"
	printf '%s\n' "$2" >"$TMP/links.before"
	shift 2
	[ $# = 0 ] && tries=11
	for i in $(seq "$tries"); do
		unheld_ids prog "$@" >"$TMP/progs.after"
		unheld_ids link "$@" >"$TMP/links.after"
		out=$(comm -13 "$TMP/progs.before" "$TMP/progs.after" | sed 's/^/prog /'
		      comm -13 "$TMP/links.before" "$TMP/links.after" | sed 's/^/link /')
		[ -n "$out" ] || return 0
		[ "$i" = "$tries" ] || sleep 0.5
	done
	printf '%s\n' "$out"
}

# leak_check_sees_pwru BEFORE_PROGS BEFORE_LINKS: while pwru runs, the leak
# check with pwru's fds ignored must list its objects, or it could not fail
leak_check_sees_pwru() {
	seen=$(leaked "$1" "$2" --except-pid "$PWRU_PID")
	[ -n "$seen" ] || fail "the leak check does not see the running pwru's BPF objects"
	echo "leak check sees the running pwru's objects: $(echo "$seen" | grep -c .)"
}

send_udp() {
	python3 - "$1" "$2" "${3:-3}" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(int(sys.argv[3])):
    try:
        s.sendto(b"pwru", (sys.argv[1], int(sys.argv[2])))
    except PermissionError:
        pass  # EPERM is how a netfilter drop on OUTPUT looks to the sender
PY
}

# send_udp_mark ADDR PORT MARK: one datagram from a socket with SO_MARK
send_udp_mark() {
	python3 - "$1" "$2" "$3" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 36, int(sys.argv[3], 0))  # SO_MARK
s.sendto(b"pwru", (sys.argv[1], int(sys.argv[2])))
PY
}
