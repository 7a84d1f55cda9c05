# Least privilege on the host (tracepoint backend): files pwru will not
# follow or trust, --user errors, and the dropped state of a tracing pwru
# (tests/vm/privilege.sh, which the matrix also runs in every guest).
. tests/host/lib.sh
need_root
mount_fs

one_line() { # what: stderr must be exactly one line
	[ "$(wc -l <"$TMP/stderr")" = 1 ] || fail "$1: want one line on stderr, got: $(cat "$TMP/stderr")"
}

# a symlink planted where the output or ready file goes is never followed
echo keep >"$TMP/victim"
ln -s "$TMP/victim" "$TMP/link"
expect_error 2 "--output-file: '$TMP/link' is a symbolic link; refusing to follow it" \
	--probe-backend tracepoint --output-file "$TMP/link"
one_line "--output-file symlink"
expect_error 2 "--ready-file: '$TMP/link' is a symbolic link; refusing to follow it" \
	--probe-backend tracepoint --output-file "$TMP/out" --ready-file "$TMP/link"
one_line "--ready-file symlink"
[ "$(cat "$TMP/victim")" = keep ] || fail "the symlink's target was written to"

expect_error 2 "--user: no user 'no-such-user-pwru' in /etc/passwd" \
	--probe-backend tracepoint --user no-such-user-pwru
one_line "--user unknown"
expect_error 2 "--user: no user 'no-such-user-pwru' in /etc/passwd" -Z no-such-user-pwru
expect_error 2 "--user: empty name" --user ''

# offsets are read from --kernel-btf: a file others can change is refused
mkdir -m 0775 "$TMP/shared"
cp /sys/kernel/btf/vmlinux "$TMP/shared/vmlinux.btf"
expect_error 2 "--kernel-btf: $TMP/shared is writable by its group; only root may be able to change it" \
	--probe-backend tracepoint --kernel-btf "$TMP/shared/vmlinux.btf"
one_line "--kernel-btf group-writable"

# a tracing pwru: uid 65534, no capabilities, NoNewPrivs, still tracing
tests/vm/privilege.sh host >"$TMP/priv.out" 2>&1 || fail "tests/vm/privilege.sh: $(cat "$TMP/priv.out")"
cat "$TMP/priv.out"
grep -q '^RESULT host priv-drop-tracepoint pass' "$TMP/priv.out" || fail "privilege drop: $(cat "$TMP/priv.out")"
grep -q '^RESULT host priv-caps-tracepoint pass' "$TMP/priv.out" || fail "run with CAP_BPF+CAP_PERFMON: $(cat "$TMP/priv.out")"
! grep -q ' FAIL ' "$TMP/priv.out" || fail "$(grep ' FAIL ' "$TMP/priv.out")"

# pwru check names what a missing capability costs, exit 1
rc=0
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all,+bpf --ambient-caps=-all,+bpf \
	"$PWRU" check >"$TMP/check" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "pwru check with CAP_BPF only: exit $rc, want 1"
grep -q 'tracepoint    needs CAP_PERFMON,CAP_BPF: missing CAP_PERFMON' "$TMP/check" ||
	fail "pwru check does not name the missing capability: $(cat "$TMP/check")"
rc=0
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all,+bpf --ambient-caps=-all,+bpf \
	"$PWRU" --probe-backend tracepoint >"$TMP/stdout" 2>"$TMP/stderr" || rc=$?
[ "$rc" = 1 ] || fail "tracing with CAP_BPF only: exit $rc, want 1"
one_line "tracing with CAP_BPF only"
grep -q 'not enough privileges (missing CAP_PERFMON)' "$TMP/stderr" || fail "no capability named: $(cat "$TMP/stderr")"
echo "test_privilege: symlinks, --user, --kernel-btf trust, drop and capabilities checked"
