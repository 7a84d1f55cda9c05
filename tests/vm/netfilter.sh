# SPDX-License-Identifier: GPL-2.0
# The netfilter column of tests/vm/scenarios.sh (sourced by it; issue 13):
# who in netfilter dropped, named by each function backend without touching
# the ruleset. Four drops, each a TCP connect to its own address:
#   seed    iptables -t filter -I OUTPUT 1 -m tcp --proto tcp --dst A/32 -j DROP
#   jump    OUTPUT -d B/32 -j CHAIN, and in CHAIN -p tcp --dport P -j DROP
#   nft     table inet T, chain out (hook output priority 10): ip daddr C tcp dport P drop
#   legacy  iptables-legacy -I OUTPUT -d D/32 -p tcp -j DROP (where it works)
# Each backend runs one JSON session (check_netfilter.py checks every drop),
# the first one that names rules also a text session. Kernels whose
# nf_tables module has no BTF (5.10) name them on kprobe with the module
# types of `make modbtf` (PWRU_MODBTF_DIR, set by tests/vm/matrix); fentry
# cannot use those and must still give the location and the inferred reason.
# Uses scenarios.sh's n, DROP_PORT, PWRU, BTF_ARGS, FUNCS, W, USABLE, result,
# now, since, wait_for, stop, bpf_ids and leftovers.

NF_A=127.$((n % 200 + 20)).$((n / 200 % 250 + 1)).21
NF_B=${NF_A%.*}.22 NF_C=${NF_A%.*}.23 NF_D=${NF_A%.*}.24
NF_PORT=$((DROP_PORT + 2))
NF_CHAIN=PWRU_J$n NF_TABLE=vmt$n
NF_LEGACY=0

nf_cleanup() {
	set +e
	iptables -t filter -D OUTPUT -m tcp --proto tcp --dst "$NF_A/32" -j DROP 2>/dev/null
	iptables -D OUTPUT -d "$NF_B/32" -j "$NF_CHAIN" 2>/dev/null
	iptables -F "$NF_CHAIN" 2>/dev/null
	iptables -X "$NF_CHAIN" 2>/dev/null
	nft delete table inet "$NF_TABLE" 2>/dev/null
	[ "$NF_LEGACY" = 1 ] && iptables-legacy -D OUTPUT -d "$NF_D/32" -p tcp -j DROP 2>/dev/null
	set -e
}

nf_setup() {
	iptables -t filter -I OUTPUT 1 -m tcp --proto tcp --dst "$NF_A/32" -j DROP
	iptables -N "$NF_CHAIN"
	iptables -A "$NF_CHAIN" -p udp -j RETURN
	iptables -A "$NF_CHAIN" -p tcp --dport "$NF_PORT" -j DROP
	iptables -A OUTPUT -d "$NF_B/32" -j "$NF_CHAIN"
	nft add table inet "$NF_TABLE"
	nft add chain inet "$NF_TABLE" out '{ type filter hook output priority 10; }'
	nft add rule inet "$NF_TABLE" out ip daddr "$NF_C" tcp dport "$NF_PORT" counter drop
	if iptables-legacy -I OUTPUT -d "$NF_D/32" -p tcp -j DROP 2>"$W/legacy.err"; then
		NF_LEGACY=1
	fi
}

nf_traffic() {
	"$PY" - "$NF_PORT" "$NF_A" "$NF_B" "$NF_C" "$NF_D" <<'PYEOF'
import socket, sys
port = int(sys.argv[1])
for a in sys.argv[2:]:
    try:
        socket.create_connection((a, port), timeout=0.3).close()
        sys.exit("the connect to %s:%d was not dropped" % (a, port))
    except OSError:
        pass
PYEOF
}

# nf_session OUT ARGS...: one pwru session over the four drops; 0 when it ran cleanly
nf_session() {
	local out=$1 pid rc ready=$W/nf.ready
	shift
	rm -f "$ready"
	"$PWRU" "$@" "${BTF_ARGS[@]}" --output-tuple --output-file "$out" --ready-file "$ready" \
		"tcp and port $NF_PORT" </dev/null >/dev/null 2>"$out.err" &
	pid=$!
	if ! wait_for "$ready" "$pid" "$READY_TIMEOUT"; then
		stop "$pid" || true
		NF_WHY="pwru not ready: $(tail -n 2 "$out.err" | tr '\n' ' ')"
		return 1
	fi
	nf_traffic >"$out.traffic" 2>&1 || {
		stop "$pid" || true
		NF_WHY="traffic: $(tail -n 1 "$out.traffic")"
		return 1
	}
	stop "$pid" && rc=0 || rc=$?
	[ "$rc" = 0 ] || { NF_WHY="pwru exited $rc: $(tail -n 2 "$out.err" | tr '\n' ' ')"; return 1; }
	# the exit summary counts the drops
	grep -q '^pwru: [0-9]* drops:' "$out.err" || { NF_WHY="no drop summary on stderr"; return 1; }
}

# nf_check_json FILE: every drop named as it must be on this kernel
nf_check_json() {
	local f=$1 c=$VM_DIR/check_netfilter.py d ok=0 reason=drop_reason=SKB_DROP_REASON_NETFILTER_DROP
	if [ "$NF_NAMES" = no ]; then
		d=$("$PY" "$c" "$f" "$NF_A" "$NF_PORT" "$reason" drop_reason_inferred=true \
			location~nf_hook_slow netfilter!) || ok=1
		NF_DETAIL+="seed: $d; "
		return $ok
	fi
	if [ "$NF_NAMES" = pinned ]; then
		d=$("$PY" "$c" "$f" "$NF_A" "$NF_PORT" "$reason" location~nft_do_chain netfilter!) || ok=1
		NF_DETAIL+="seed: $d (no rule names without BTF); "
		return $ok
	fi
	d=$("$PY" "$c" "$f" "$NF_A" "$NF_PORT" "$reason" family=ip table=filter chain=OUTPUT \
		hook=output position=1 verdict=drop "rule~$NF_A" rule~DROP handle~) || ok=1
	NF_DETAIL+="seed: $d; "
	d=$("$PY" "$c" "$f" "$NF_B" "$NF_PORT" "$reason" table=filter "chain=$NF_CHAIN" \
		position=2 "rule~--dport $NF_PORT" rule~DROP) || ok=1
	NF_DETAIL+="jump: $d; "
	d=$("$PY" "$c" "$f" "$NF_C" "$NF_PORT" "$reason" family=inet "table=$NF_TABLE" chain=out \
		priority=10 position=1 "rule~ip daddr $NF_C" rule~drop) || ok=1
	NF_DETAIL+="nft: $d; "
	if [ "$NF_LEGACY" = 1 ]; then
		d=$("$PY" "$c" "$f" "$NF_D" "$NF_PORT" "$reason" legacy=true table=filter \
			chain=OUTPUT hook=output rule!) || ok=1
		NF_DETAIL+="legacy: $d; "
	else
		NF_DETAIL+="legacy: SKIPPED (iptables-legacy: $(head -n 1 "$W/legacy.err")); "
	fi
	return $ok
}

# nf_check_trace FILE: the tracepoint backend with --nft-trace (5.12+)
nf_check_trace() {
	local f=$1 c=$VM_DIR/check_netfilter.py d ok=0 reason=drop_reason=SKB_DROP_REASON_NETFILTER_DROP
	d=$("$PY" "$c" "$f" "$NF_A" "$NF_PORT" "$reason" table=filter chain=OUTPUT position=1 \
		hook=output "rule~$NF_A" rule~DROP) || ok=1
	NF_DETAIL+="seed: $d; "
	d=$("$PY" "$c" "$f" "$NF_B" "$NF_PORT" "$reason" "chain=$NF_CHAIN" position=2 rule~DROP) ||
		ok=1
	NF_DETAIL+="jump: $d; "
	d=$("$PY" "$c" "$f" "$NF_C" "$NF_PORT" "$reason" "table=$NF_TABLE" chain=out \
		"rule~ip daddr $NF_C") || ok=1
	NF_DETAIL+="nft: $d; "
	# nftrace sees nf_tables only: a legacy drop stays unexplained
	if [ "$NF_LEGACY" = 1 ]; then
		d=$("$PY" "$c" "$f" "$NF_D" "$NF_PORT" "$reason" netfilter!) || ok=1
		NF_DETAIL+="legacy: $d; "
	fi
	[ -z "$(nft list tables | grep ' pwru_')" ] || { NF_DETAIL+="pwru table left; "; ok=1; }
	return $ok
}

# nf_check_text FILE: the seed drop's line, or the line after it, names it
nf_check_text() {
	local line
	line=$(grep -A1 -F -- "->$NF_A:$NF_PORT(tcp)" "$1" | grep -m1 -e 'filter OUTPUT' || true)
	case $line in
	*"$NF_A"*DROP*) NF_DETAIL+="text: ok; " ;;
	*) NF_DETAIL+="text: MISMATCH: '${line:-no line naming filter OUTPUT}'; "; return 1 ;;
	esac
}

# the tracepoint backend: --nft-trace where the kernel has owned tables (5.12+)
nf_trace_session() {
	local f=$W/nf-trace.json rc
	if [ "$NF_NAMES" = no ]; then
		"$PWRU" --probe-backend tracepoint --nft-trace "${BTF_ARGS[@]}" "tcp and port $NF_PORT" \
			</dev/null >/dev/null 2>"$f.err" && rc=0 || rc=$?
		if [ "$rc" = 1 ] && grep -q 'NFT_TABLE_F_OWNER' "$f.err"; then
			NF_DETAIL+="[tracepoint --nft-trace] refused: $(head -n 1 "$f.err"); "
			return 0
		fi
		NF_DETAIL+="[tracepoint --nft-trace] expected exit 1 naming NFT_TABLE_F_OWNER, got $rc: $(head -n 1 "$f.err"); "
		return 1
	fi
	NF_WHY=
	if ! nf_session "$f" --probe-backend tracepoint --nft-trace --output-json; then
		NF_DETAIL+="[tracepoint --nft-trace] $NF_WHY; "
		return 1
	fi
	NF_DETAIL+="[tracepoint --nft-trace] "
	nf_check_trace "$f"
}

netfilter_cell() {
	local t0 b status=pass first=1 args kernel_names
	t0=$(now)
	case $KERNEL in
	debian-5.10) NF_NAMES=no ;; # nf_tables has no module BTF there
	*) NF_NAMES=yes ;;
	esac
	NF_MODBTF=no
	if [ "$NF_NAMES" = no ] && [ -n "${PWRU_MODBTF_DIR:-}" ]; then
		if [ -r "$PWRU_MODBTF_DIR/$(uname -r)/modules.btf" ]; then
			NF_MODBTF=yes
		else
			status=FAIL NF_DETAIL+="no module types in $PWRU_MODBTF_DIR/$(uname -r); "
		fi
	fi
	# a pinned build on a kernel without BTF (scenarios-nobtf.sh runs this
	# file with PWRU_PINNED_DIR and no --kernel-btf): it names rules where
	# the kernel has nf_tables built in, whose structs its vmlinux.h then
	# has (its netfilter file says so); else the reason and place only
	if [ ! -e /sys/kernel/btf/vmlinux ] && [ -z "${PWRU_KERNEL_BTF:-}" ]; then
		NF_NAMES=pinned
		grep -qx nf_tables "${PWRU_PINNED_DIR:-/nonexistent}/$(uname -r)/netfilter" 2>/dev/null &&
			NF_NAMES=yes
	fi
	trap 'nf_cleanup; cleanup' EXIT
	nf_setup
	NF_DETAIL=${NF_DETAIL:-}
	kernel_names=$NF_NAMES
	for b in $USABLE; do
		NF_NAMES=$kernel_names
		# the header-made types serve the backends that probe by symbol
		case $NF_MODBTF/$b in yes/kprobe | yes/kprobe-multi) NF_NAMES=yes ;; esac
		if [ "$b" = tracepoint ]; then
			nf_trace_session || status=FAIL
			continue
		fi
		args=(--probe-backend "$b" --filter-func "$FUNCS")
		NF_WHY=
		if nf_session "$W/nf-$b.json" "${args[@]}" --output-json; then
			NF_DETAIL+="[$b] "
			nf_check_json "$W/nf-$b.json" || status=FAIL
			if [ "$NF_MODBTF" = yes ] && [ "$b" = fentry ]; then
				if grep -q "fentry needs the module's own BTF" "$W/nf-$b.json.err"; then
					NF_DETAIL+="said why fentry cannot name rules; "
				else
					status=FAIL NF_DETAIL+="fentry did not say why it names no rules; "
				fi
			fi
		else
			status=FAIL NF_DETAIL+="[$b] $NF_WHY; "
		fi
		if [ "$first" = 1 ] && [ "$NF_NAMES" = yes ]; then
			first=0
			if nf_session "$W/nf-$b.txt" "${args[@]}"; then
				nf_check_text "$W/nf-$b.txt" || status=FAIL
			else
				status=FAIL NF_DETAIL+="text: $NF_WHY; "
			fi
		fi
		if [ "$status" = FAIL ] && [ "${PWRU_VM_KEEP_TRACE:-0}" = 1 ]; then
			cat "$W/nf-$b.json.err" "$W/nf-$b.json" >&2
		fi
	done
	nf_cleanup
	trap cleanup EXIT
	result netfilter "$status" "$(since "$t0")" "$NF_DETAIL"
}
