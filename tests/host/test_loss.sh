# Exact loss accounting: a burst that overflows a one-page buffer, with the
# ring buffer and with --perf-buffer. Every event the probes produced is
# either printed or reported lost: printed + lost == datagrams x events per
# datagram, the latter measured first on a buffer large enough to lose none.
# During the overflow burst pwru is stopped (SIGSTOP), so the buffer fills
# however fast the consumer is: a fast machine drained a one-page perf
# buffer of 24000 events in time and this test could not see a loss.
. tests/host/lib.sh
need_root
mount_fs
need_tracepoint_backend

PORT=9797
BURST=3000

# run_burst N STOPPED ARGS...: sets printed, events, lost; STOPPED=1 holds
# the consumer still during the burst
run_burst() {
	n=$1
	stopped=$2
	shift 2
	start_pwru "$TMP/out" --probe-backend tracepoint "udp and dst port $PORT" "$@"
	[ "$stopped" = 1 ] && kill -STOP "$PWRU_PID"
	python3 tests/host/burst.py $PORT "$n"
	[ "$stopped" = 1 ] && kill -CONT "$PWRU_PID"
	sleep 0.5
	stop_pwru
	printed=$(grep -c '^0x' "$TMP/out" || true)
	summary=$(grep -E '^pwru: [0-9]+ events, [0-9]+ lost' "$TMP/out.err") ||
		{ cat "$TMP/out.err"; fail "no summary line"; }
	events=$(echo "$summary" | sed -E 's/^pwru: ([0-9]+) events.*/\1/')
	lost=$(echo "$summary" | sed -E 's/.* ([0-9]+) lost.*/\1/')
	[ "$printed" = "$events" ] || fail "$*: printed $printed lines, summary says $events events"
}

for mode in ringbuf perf; do
	extra=
	[ $mode = perf ] && extra=--perf-buffer
	run_burst 20 0 $extra
	[ "$lost" = 0 ] || fail "$mode: $lost lost on the default buffer with 20 datagrams"
	[ $((events % 20)) = 0 ] && [ "$events" -gt 0 ] ||
		fail "$mode: $events events for 20 datagrams: not the same way each"
	per=$((events / 20))
	run_burst $BURST 1 $extra --ringbuf-pages 1
	want=$((BURST * per))
	echo "$mode: $BURST datagrams x $per events = $want; printed $printed + lost $lost = $((printed + lost))"
	[ "$lost" -gt 0 ] || fail "$mode: a one-page buffer lost nothing of $want events"
	[ $((printed + lost)) = "$want" ] || fail "$mode: printed + lost != produced"
done
