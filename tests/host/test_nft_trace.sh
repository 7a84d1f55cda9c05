# --nft-trace on the host (tracepoint backend, issue 13): the seed scenario's
# drop names table filter, chain OUTPUT and the rule, in text and JSON; the
# drop summary counts it; pwru's tracing table goes away with pwru, also
# after SIGKILL; and function backends refuse the option.
. tests/host/lib.sh
need_root
mount_fs

ADDR=127.$(($$ % 200 + 20)).$(($$ / 200 % 250 + 1)).9
PORT=$((20000 + $$ % 20000))
RULE="-m tcp --proto tcp --dst $ADDR/32 -j DROP"

pwru_tables() { nft list tables 2>/dev/null | grep -c ' pwru_' || true; }

connect() {
	python3 - "$ADDR" "$PORT" <<'PY'
import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=0.5).close()
    sys.exit("the connect was not dropped")
except OSError:
    pass
PY
}

command -v nft >/dev/null || fail "nft is not installed (scripts/install-deps)"
expect_error 2 "--nft-trace: only with the tracepoint backend" --probe-backend kprobe --nft-trace
[ "$(pwru_tables)" = 0 ] || fail "a pwru_ table exists before the test: $(nft list tables)"

# shellcheck disable=SC2086 # RULE is a list of words
iptables -t filter -I OUTPUT 1 $RULE
trap 'iptables -t filter -D OUTPUT $RULE 2>/dev/null; cleanup' EXIT
for fmt in text json; do
	args="--probe-backend tracepoint --nft-trace --output-tuple"
	[ $fmt = json ] && args="$args --output-json"
	# shellcheck disable=SC2086
	start_pwru "$TMP/$fmt" $args "tcp and host $ADDR and port $PORT"
	[ "$(pwru_tables)" = 1 ] || fail "$fmt: no pwru_ table while tracing: $(nft list tables)"
	connect
	stop_pwru
	[ "$(pwru_tables)" = 0 ] || fail "$fmt: the pwru_ table outlived pwru"
	grep -q "^pwru: [0-9]* drops:" "$TMP/$fmt.err" && grep -q "by filter OUTPUT rule 1: .*$ADDR.*DROP" "$TMP/$fmt.err" ||
		{ cat "$TMP/$fmt.err"; fail "$fmt: the drop summary does not count the rule's drop"; }
done
grep -A1 -F -- "->$ADDR:$PORT(tcp) kfree_skb(SKB_DROP_REASON_NETFILTER_DROP)" "$TMP/text" |
	grep -qE "^    netfilter: ip filter OUTPUT \(hook output, priority 0\): rule 1, handle [0-9]+: -A OUTPUT -d $ADDR/32 .*-j DROP$" ||
	{ cat "$TMP/text"; fail "text: the drop does not name filter OUTPUT and its rule"; }
python3 - "$TMP/json" "$ADDR" <<'PY' || fail "json: the drop's netfilter object is wrong"
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
nf = [e["netfilter"] for e in evs if "netfilter" in e]
ok = any(n.get("table") == "filter" and n.get("chain") == "OUTPUT" and n.get("position") == 1
         and sys.argv[2] in n.get("rule", "") and "DROP" in n.get("rule", "")
         and n.get("verdict") == "drop" for n in nf)
print(nf if not ok else "json: %s" % nf[0])
sys.exit(0 if ok else 1)
PY

# IPv6: the same rule on ::1 is named too (the selection and the trace's
# flows take IPv6 headers)
PORT6=$((PORT + 1))
RULE6="-p tcp -d ::1/128 --dport $PORT6 -j DROP"
# shellcheck disable=SC2086 # RULE6 is a list of words
ip6tables -t filter -I OUTPUT 1 $RULE6
trap 'iptables -t filter -D OUTPUT $RULE 2>/dev/null; ip6tables -t filter -D OUTPUT $RULE6 2>/dev/null; cleanup' EXIT
start_pwru "$TMP/v6" --probe-backend tracepoint --nft-trace --output-tuple "tcp and host ::1 and port $PORT6"
python3 - "$PORT6" <<'PY'
import socket, sys
try:
    socket.create_connection(("::1", int(sys.argv[1])), timeout=0.5).close()
    sys.exit("the IPv6 connect was not dropped")
except OSError:
    pass
PY
stop_pwru
grep -A1 -F -- "->[::1]:$PORT6(tcp) kfree_skb(SKB_DROP_REASON_NETFILTER_DROP)" "$TMP/v6" |
	grep -qE "^    netfilter: ip6 filter OUTPUT \(hook output, priority 0\): rule 1, handle [0-9]+: -A OUTPUT -d ::1/128 .*-j DROP$" ||
	{ cat "$TMP/v6" "$TMP/v6.err"; fail "IPv6: the drop does not name filter OUTPUT and its rule"; }

# SIGKILL: the kernel removes the table with pwru's socket
start_pwru "$TMP/kill" --probe-backend tracepoint --nft-trace "host $ADDR"
[ "$(pwru_tables)" = 1 ] || fail "kill: no pwru_ table while tracing"
kill -KILL "$PWRU_PID"
wait "$PWRU_PID" 2>/dev/null || true
PWRU_PID=
i=0
while [ "$(pwru_tables)" != 0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(pwru_tables)" = 0 ] || fail "the pwru_ table survived SIGKILL: $(nft list tables)"
echo "nft-trace: rule named in text and JSON, for IPv4 and IPv6; table gone after exit and after SIGKILL"
