# --output-stack on a burst: every event prints its own stack (identical
# stacks share one id in the kernel's map: one lookup must not take it from
# the others), and a stack starts past pwru's own BPF and tracing frames.
. tests/host/lib.sh
need_root
mount_fs
need_tracepoint_backend

start_pwru "$TMP/out" --probe-backend tracepoint --output-stack "udp and dst port 9796"
python3 tests/host/burst.py 9796 300
sleep 0.5
stop_pwru
grep -q 'events, 0 lost' "$TMP/out.err" || { cat "$TMP/out.err"; fail "events lost"; }
python3 - "$TMP/out" <<'PY' || fail "stacks missing or not starting at the traced code"
import re, sys
events = nostack = plumbing = 0
lines = open(sys.argv[1]).read().splitlines()[1:]
for i, l in enumerate(lines):
    if not l.startswith("0x"):
        continue
    events += 1
    nxt = lines[i + 1] if i + 1 < len(lines) else "0x"
    if nxt.startswith("0x"):
        nostack += 1
    elif re.match(r"(bpf_|__bpf_|bpf_trace_run|__traceiter_)", nxt):
        plumbing += 1
print(f"stacks: {events} events, {nostack} without a stack, {plumbing} starting in pwru's plumbing")
sys.exit(1 if events < 300 or nostack or plumbing else 0)
PY
