# Under --output-json every error is one JSON object on stderr's last line,
# {"error": MESSAGE, "exit": N}, with the text line's words (no "pwru: ")
# and the exit code pwru returns; notices before it stay "pwru: " lines.
. tests/host/lib.sh
need_root
mount_fs

# expect_json_error RC MESSAGE ARGS...: exit RC, and the object says MESSAGE (exactly) and RC
expect_json_error() {
	want_rc=$1
	want_msg=$2
	shift 2
	rc=0
	timeout -s INT 300 "$PWRU" "$@" >"$TMP/stdout" 2>"$TMP/stderr" </dev/null || rc=$?
	[ "$rc" = "$want_rc" ] || fail "pwru $*: exit $rc, want $want_rc ($(cat "$TMP/stderr"))"
	python3 - "$TMP/stderr" "$want_rc" "$want_msg" <<'PY' || fail "pwru $*: stderr: $(cat "$TMP/stderr")"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert lines, "no stderr"
obj = json.loads(lines[-1])
assert sorted(obj) == ["error", "exit"], obj
assert obj["exit"] == int(sys.argv[2]), obj
assert obj["error"] == sys.argv[3], (obj["error"], sys.argv[3])
# the one object: every other line is a text notice
for l in lines[:-1]:
    assert l.startswith("pwru: "), l
PY
}

# Bad input, exit 2: option errors come before --output-json is parsed (argv is read first).
expect_json_error 2 "unknown option '--frobnicate' (see --help)" --output-json --frobnicate
expect_json_error 2 "unknown option '--frobnicate' (see --help)" --frobnicate --output-json
expect_json_error 2 "--filter-mark: 'zz' is not a 32-bit number (MARK[/MASK])" --filter-mark zz --output-json=true
expect_json_error 2 "check: unexpected argument 'extra'" check --output-json extra
expect_json_error 2 "pcap filter 'udp and (': can't parse filter expression: syntax error" \
	--output-json 'udp and ('
expect_json_error 2 "pcap filter '1/0 = 1': division by zero" --output-json '1/0 = 1'
# --output-json=false, or after "--", leaves errors as text
rc=0
"$PWRU" --frobnicate --output-json=false 2>"$TMP/stderr" >/dev/null || rc=$?
[ $rc = 2 ] && [ "$(cat "$TMP/stderr")" = "pwru: unknown option '--frobnicate' (see --help)" ] ||
	fail "--output-json=false: exit $rc: $(cat "$TMP/stderr")"

# Run-time failures, exit 1.
expect_json_error 1 "--output-file: cannot open '/nonexistent/dir/f': No such file or directory" \
	--output-json --probe-backend tracepoint --output-file /nonexistent/dir/f
expect_json_error 1 "--kmods: module 'nosuchmod' is not loaded or has no BTF (/sys/kernel/btf/nosuchmod: No such file or directory)" \
	--output-json --probe-backend tracepoint --kmods nosuchmod
floor="kernel 4.15.0-213-generic is older than pwru supports: it needs Linux 5.5 or later, where its verifier reads .rodata as constants (probe: map create (BPF_F_RDONLY_PROG, 5.2) EINVAL)"
# below the floor (a fixture stands in for the kernel), both commands
export PWRU_TEST_PROFILE=tests/unit/profiles/ubuntu-18.04-4.15.profile
expect_json_error 1 "$floor" --output-json
expect_json_error 1 "$floor" check --output-json
unset PWRU_TEST_PROFILE
# the report itself still goes to stdout
grep -q '"supported": false' "$TMP/stdout" || fail "check --output-json below the floor: no report on stdout"
# no backend usable (a fixture without BTF): the text report's verdict is the object's words
export PWRU_TEST_PROFILE=tests/unit/profiles/nobtf-5.15.profile
auto=$("$PWRU" check 2>/dev/null | sed -n 's/^auto would use: //p') || true
[ -n "$auto" ] || fail "pwru check (no BTF fixture): no 'auto would use' line"
expect_json_error 1 "auto would use: $auto" check --output-json
unset PWRU_TEST_PROFILE
echo "test_json_errors: ok"
