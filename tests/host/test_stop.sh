# Stopping (issues 12 and 16): SIGINT, SIGTERM, SIGHUP and a closed stdout all
# end the run the same way (summary, ready file removed, exit 0); a signal
# during attach stops the attach; a slow removal goes on in a child whose end
# leaves nothing behind; a second Ctrl-C during a slow stop says what is going on.
. tests/host/lib.sh
need_root
mount_fs

progs_before=$(unheld_ids prog)
links_before=$(unheld_ids link)
FILTER='udp and host 127.0.0.1 and port 9997'

# the summary line, and no ready file
stopped_cleanly() {
	grep -q '^pwru: [0-9]* events, [0-9]* lost; ' "$1" || { cat "$1"; fail "$2: no summary line"; }
	[ ! -e "$TMP/ready" ] || fail "$2: ready file left behind"
}

# wait_gone PID SECS: the process is gone within SECS seconds
wait_gone() {
	i=0
	while kill -0 "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt $(($2 * 10)) ] || fail "pid $1 still there after $2s"
		sleep 0.1
	done
}

for sig in INT TERM HUP; do
	start_pwru "$TMP/$sig.out" --probe-backend tracepoint "$FILTER"
	send_udp 127.0.0.1 9997 2
	kill -"$sig" "$PWRU_PID"
	rc=0
	wait "$PWRU_PID" || rc=$?
	PWRU_PID=
	[ $rc = 0 ] || { cat "$TMP/$sig.out.err"; fail "SIG$sig: exit $rc, want 0"; }
	stopped_cleanly "$TMP/$sig.out.err" "SIG$sig"
	grep -q 'udp' "$TMP/$sig.out" || fail "SIG$sig: no event before the stop"
	echo "SIG$sig: exit 0, summary, ready file removed"
done

# wait_for TENTHS FILE...: until one of FILEs exists, at most TENTHS/10 s; false if none did
wait_for() {
	n=$1
	shift
	i=0
	while [ $i -lt "$n" ]; do
		for f in "$@"; do
			[ -e "$f" ] && return 0
		done
		i=$((i + 1))
		sleep 0.1
	done
	return 1
}

# `pwru | head -2`: the reader goes after two lines; pwru notices at its next
# write (EPIPE) or, with no more traffic, at its next poll, and exits 0.
rm -f "$TMP/ready"
{
	rc=0
	"$PWRU" --probe-backend tracepoint --ready-file "$TMP/ready" "$FILTER" 2>"$TMP/pipe.err" || rc=$?
	echo $rc >"$TMP/pipe.rc"
} | head -n 2 >"$TMP/pipe.out" &
pipe_pid=$!
wait_for 300 "$TMP/ready" "$TMP/pipe.rc" || true
send_udp 127.0.0.1 9997 3
wait_for 50 "$TMP/pipe.rc" || { kill -INT $(pgrep -P $pipe_pid) 2>/dev/null; fail "pwru | head -2: pwru still running 5s after head exited"; }
wait $pipe_pid
[ "$(cat "$TMP/pipe.rc")" = 0 ] || { cat "$TMP/pipe.err"; fail "pwru | head -2: exit $(cat "$TMP/pipe.rc"), want 0"; }
[ "$(wc -l <"$TMP/pipe.out")" = 2 ] || fail "pwru | head -2: head saw $(wc -l <"$TMP/pipe.out") lines"
stopped_cleanly "$TMP/pipe.err" "pwru | head -2"
echo "pwru | head -2: exit 0, summary, ready file removed"

# `pwru 2>&1 | head -1`: stderr goes with stdout. The first write after head
# has gone raises SIGPIPE; the handler once spun on it, each of its own
# writes to stderr raising it again (100% CPU, never exiting).
rm -f "$TMP/ready" "$TMP/both.rc"
{
	rc=0
	# a pwru that spins is killed at 20 s: the test fails rather than hangs
	timeout -s KILL 20 "$PWRU" --probe-backend tracepoint --ready-file "$TMP/ready" "$FILTER" 2>&1 || rc=$?
	echo $rc >"$TMP/both.rc"
} | head -n 1 >/dev/null &
both_pid=$!
wait_for 300 "$TMP/ready" "$TMP/both.rc" || true
send_udp 127.0.0.1 9997 3
late=0
wait_for 50 "$TMP/both.rc" || late=1
wait $both_pid
[ $late = 0 ] || fail "pwru 2>&1 | head -1: pwru still running 5s after head exited (rc $(cat "$TMP/both.rc"))"
[ "$(cat "$TMP/both.rc")" = 0 ] || fail "pwru 2>&1 | head -1: exit $(cat "$TMP/both.rc"), want 0"
echo "pwru 2>&1 | head -1: exit 0"

# SIGINT during a slow attach (30 tracepoints, 200 ms each): back within 2 s,
# never ready, fewer probes than the full set.
rm -f "$TMP/ready"
PWRU_TEST_ATTACH_DELAY_MS=200 "$PWRU" --probe-backend tracepoint --ready-file "$TMP/ready" \
	"$FILTER" >/dev/null 2>"$TMP/attach.err" &
pid=$!
sleep 1
kill -INT $pid
start=$(date +%s)
wait_gone $pid 3
rc=0
wait $pid || rc=$?
[ $rc = 0 ] || { cat "$TMP/attach.err"; fail "SIGINT during attach: exit $rc, want 0"; }
[ ! -e "$TMP/ready" ] || fail "SIGINT during attach: ready file left behind"
n=$(sed -n 's/^pwru: attached \([0-9]*\) tracepoints.*/\1/p' "$TMP/attach.err")
[ -n "$n" ] && [ "$n" -lt 20 ] || { cat "$TMP/attach.err"; fail "SIGINT during attach: attached '${n:-?}', want fewer than 20"; }
grep -q 'tracing; press Ctrl-C' "$TMP/attach.err" && fail "SIGINT during attach: tracing started anyway"
echo "SIGINT during attach: stopped after $n tracepoints, exit 0"
# that attach took more than a second, but stderr was no terminal
grep -q 'attaching \[' "$TMP/attach.err" && fail "a progress line on a stderr that is no terminal"

# On a terminal (script's pty) an attach and a detach of over a second show
# a progress line: done/total, rate, time left.
command -v script >/dev/null || fail "script (util-linux) is not installed"
rm -f "$TMP/ready"
PWRU_TEST_ATTACH_DELAY_MS=80 PWRU_TEST_DETACH_DELAY_MS=80 PWRU_DETACH=foreground \
	script -qec "sh -c '\"$PWRU\" --probe-backend tracepoint --ready-file $TMP/ready \"$FILTER\" & p=\$!
	i=0; while [ ! -e $TMP/ready ] && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i + 1)); done
	kill -INT \$p; wait \$p'" "$TMP/typescript" >/dev/null
for what in attaching detaching; do
	grep -aqE "pwru: $what \[#* *\] [0-9]+/[0-9]+ [0-9.]+/s, [0-9]+s left" "$TMP/typescript" ||
		{ cat -v "$TMP/typescript"; fail "no $what progress line on a terminal"; }
done
echo "progress: on a terminal only"

# A removal said to be slow goes to a child: pwru exits at once and says so;
# the child's end leaves nothing behind.
export PWRU_DETACH=background PWRU_TEST_DETACH_DELAY_MS=100
start_pwru "$TMP/bg.out" --probe-backend tracepoint "$FILTER"
unset PWRU_DETACH PWRU_TEST_DETACH_DELAY_MS
t0=$(date +%s)
stop_pwru
[ $(($(date +%s) - t0)) -le 2 ] || fail "background removal: pwru took $(($(date +%s) - t0))s to exit"
stopped_cleanly "$TMP/bg.out.err" "background removal"
child=$(sed -n 's/^pwru: removing [0-9]* probes in the background (pid \([0-9]*\))$/\1/p' "$TMP/bg.out.err")
[ -n "$child" ] || { cat "$TMP/bg.out.err"; fail "background removal: no 'removing N probes in the background (pid N)' line"; }
kill -0 "$child" 2>/dev/null || fail "background removal: child $child already gone (3 s of removal expected)"
# a pwru started meanwhile works
start_pwru "$TMP/meanwhile.out" --probe-backend tracepoint "$FILTER"
send_udp 127.0.0.1 9997 1
stop_pwru
grep -q 'udp' "$TMP/meanwhile.out" || fail "a pwru started during the removal saw nothing"
wait_gone "$child" 30
echo "background removal: parent back at once, child $child done"

# A second Ctrl-C during a slow removal says what is still going on.
export PWRU_TEST_DETACH_DELAY_MS=100
start_pwru "$TMP/slow.out" --wait-detach --probe-backend tracepoint "$FILTER"
unset PWRU_TEST_DETACH_DELAY_MS
kill -INT "$PWRU_PID"
sleep 1
kill -INT "$PWRU_PID"
stop_rc=0
wait "$PWRU_PID" || stop_rc=$?
PWRU_PID=
[ $stop_rc = 0 ] || fail "--wait-detach: exit $stop_rc"
grep -q '^pwru: still removing [0-9]* probes' "$TMP/slow.out.err" ||
	{ cat "$TMP/slow.out.err"; fail "second Ctrl-C: no 'still removing' line"; }
grep -q '^pwru: detached in ' "$TMP/slow.out.err" || fail "--wait-detach: no 'detached in' line"
echo "second Ctrl-C during a slow removal: says what is going on"

left=$(leaked "$progs_before" "$links_before")
[ -z "$left" ] || fail "BPF objects left behind: $(echo $left)"
echo "nothing left behind"
