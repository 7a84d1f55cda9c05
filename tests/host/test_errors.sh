# Every user-facing error of the binary: one line on stderr naming the
# option, and the documented exit code (2 bad usage, 1 cannot trace).
. tests/host/lib.sh
need_root
mount_fs

expect_error 2 "--probe-backend: 'bogus' is not one of" --probe-backend bogus
expect_error 2 "--probe-backend: 'x' is not one of" --backend x
expect_error 2 "--filter-func: invalid regular expression '('" --filter-func '('
expect_error 2 "--filter-netns: cannot stat '/nonexistent'" --filter-netns /nonexistent
expect_error 2 "--filter-netns: 'inode:abc' is not a valid inode number" --filter-netns inode:abc
expect_error 2 "--filter-mark: 'zz' is not a 32-bit number" --filter-mark zz
expect_error 2 "--filter-mark: mask in '1/0' is not a non-zero" --filter-mark 1/0
expect_error 2 "--filter-mark: '0x100000000' is not a 32-bit number" --filter-mark 0x100000000
expect_error 2 "--filter-ifname: 'aaaaaaaaaaaaaaaaaaaa' is not an interface name" --filter-ifname aaaaaaaaaaaaaaaaaaaa
expect_error 2 "--output-limit-lines: '0' is not a positive integer" --output-limit-lines 0
expect_error 2 "--output-limit-lines: '-3' is not a positive integer" --output-limit-lines -3
expect_error 2 "--timestamp: 'later' is not one of none, current, relative, absolute" --timestamp later
expect_error 2 "--kernel-btf: cannot read '/nonexistent'" --kernel-btf /nonexistent
expect_error 2 "--ringbuf-pages: '3' is not a power of two" --ringbuf-pages 3
[ "$(getconf PAGESIZE)" != 4096 ] ||
	expect_error 2 "--ringbuf-pages: 1048576 pages of 4096 bytes exceed the ring buffer's limit of 2 GiB (524288 pages)" --ringbuf-pages 1048576
expect_error 2 "unknown option '--frobnicate'" --frobnicate
expect_error 2 "--output-meta: 'maybe' is not a boolean (true, false, 1 or 0)" --output-meta=maybe
expect_error 2 "--output-tuple: '' is not a boolean" --output-tuple=
expect_error 2 "--kmods: 'a,,b' is not a comma-separated list of module names" --kmods a,,b
expect_error 2 "--filter-non-skb-funcs: not supported: it ties events to an skb by --filter-track-skb-by-stackid, which this pwru refuses" --filter-non-skb-funcs kfree_skb
expect_error 2 "--filter-track-skb-by-stackid: not supported: pwru's stack id is the outermost frame pointer" --filter-track-skb-by-stackid
expect_error 2 "--filter-track-skb-by-stackid: not supported" --filter-track-skb-by-stackid=true
expect_error 2 "--filter-ifname: no interface 'nosuchdev0' in netns /proc/self/ns/net" --probe-backend tracepoint --filter-netns /proc/self/ns/net --filter-ifname nosuchdev0
expect_error 2 "option '--filter-func' requires a value" --filter-func
# field expressions: syntax when parsing, fields when the kernel's BTF is read
expect_error 2 "--filter-skb-expr: expected == != < <= > or >= after 'skb->len'" --filter-skb-expr 'skb->len'
expect_error 2 "--filter-skb-expr: 'dev->ifindex == 1' does not start with skb" --filter-skb-expr 'dev->ifindex == 1'
expect_error 2 "--filter-skb-expr: given twice" --filter-skb-expr 'skb->len > 1' --filter-skb-expr 'skb->len < 9'
expect_error 2 "--output-skb-metadata: at most 4 fields" --output-skb-metadata 'skb->len' \
	--output-skb-metadata 'skb->len' --output-skb-metadata 'skb->len' --output-skb-metadata 'skb->len' \
	--output-skb-metadata 'skb->len'
expect_error 2 "--output-skb-metadata: unexpected '== 1' after 'skb->mark' (a field, no comparison)" \
	--output-skb-metadata 'skb->mark == 1'
if [ -r /sys/kernel/btf/vmlinux ]; then
	expect_error 2 "--filter-skb-expr: struct sk_buff has no member 'foo'" --probe-backend tracepoint --filter-skb-expr 'skb->foo == 1'
	expect_error 2 "--filter-skb-expr: struct net_device has no member 'nothere'" --probe-backend tracepoint --filter-skb-expr 'skb->dev->nothere != 0'
	expect_error 2 "--filter-skb-expr: 'skb->dev' is a pointer: write 'skb->dev->ifindex'" --probe-backend tracepoint --filter-skb-expr 'skb->dev.ifindex == 1'
	expect_error 2 "--filter-skb-expr: -1 does not fit 'skb->mark' (unsigned, 32 bits)" --probe-backend tracepoint --filter-skb-expr 'skb->mark == -1'
	expect_error 2 "--filter-skb-expr: 'NO_SUCH_ENUM' is neither a number nor an enum value of this kernel" --probe-backend tracepoint --filter-skb-expr 'skb->len == NO_SUCH_ENUM'
	expect_error 2 "--output-skb-metadata: 'skb->users' is a struct, not a number" --probe-backend tracepoint --output-skb-metadata 'skb->users'
else
	echo "SKIP: test_errors: no /sys/kernel/btf/vmlinux: --filter-skb-expr field errors untested here"
fi
expect_error 2 "pcap filter 'udp and (': can't parse filter expression: syntax error" 'udp and ('
expect_error 2 "pcap filter 'proto foo': unknown ip proto 'foo'" proto foo
expect_error 2 "pcap filter '1/0 = 1': division by zero" '1/0 = 1'
expect_error 2 "check: option '--output-tuple' does not apply" check --output-tuple
expect_error 2 "check: unexpected argument 'extra'" check extra

# Run-time errors: exit 1 with the reason.
# Below the floor (a fixture stands in for the kernel): one line, exit 1, both commands.
floor="pwru: kernel 4.15.0-213-generic is older than pwru supports: it needs Linux 5.5 or later, where its verifier reads .rodata as constants (probe: map create (BPF_F_RDONLY_PROG, 5.2) EINVAL)"
export PWRU_TEST_PROFILE=tests/unit/profiles/ubuntu-18.04-4.15.profile
# (check --output-json: the same words as JSON, tests/host/test_json_errors.sh)
for cmd in "" check; do
	# shellcheck disable=SC2086
	expect_error 1 "$floor" $cmd
	[ "$(wc -l <"$TMP/stderr")" = 1 ] || fail "pwru $cmd below the floor: not one line: $(cat "$TMP/stderr")"
done
unset PWRU_TEST_PROFILE
expect_error 1 "--output-file: cannot open '/nonexistent/dir/f'" --probe-backend tracepoint --output-file /nonexistent/dir/f
# A forced backend this kernel lacks (pwru check decides, from what the
# kernel has): exit 1, the reason, and no promise that pwru falls back.
"$PWRU" check --output-json >"$TMP/check.json" || true
for be in fentry kprobe-multi kprobe; do
	python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1]))["backends"][sys.argv[2]]["usable"])' \
		"$TMP/check.json" $be || { echo "test_errors: $be is usable here: its refusal is not tested"; continue; }
	expect_error 1 "backend $be is not usable on this kernel" --probe-backend $be
	! grep -q 'by itself\|falls back' "$TMP/stderr" || fail "forced $be: $(cat "$TMP/stderr")"
done
expect_error 2 "--filter-func '^pwru_nothing\$' matches no tracepoint that backend tracepoint can probe" \
	--probe-backend tracepoint --filter-func '^pwru_nothing$'
expect_error 2 "--filter-func '^pwru_nothing\$' matches no" --filter-func '^pwru_nothing$'
! grep -q 'No such file or directory' "$TMP/stderr" || fail "--filter-func matching nothing: $(cat "$TMP/stderr")"
# check's report cannot be written: a message and exit 1, not a negative errno (251)
rc=0
"$PWRU" check >/dev/full 2>"$TMP/stderr" || rc=$?
[ $rc = 1 ] && grep -q '^pwru: check: cannot write the report: ' "$TMP/stderr" ||
	fail "pwru check >/dev/full: exit $rc: $(cat "$TMP/stderr")"
expect_error 1 "--kmods: module 'nosuchmod' is not loaded or has no BTF" --probe-backend tracepoint --kmods nosuchmod
expect_error 1 "--kmods: module 'nosuchmod' is not loaded" --list-funcs --kmods nosuchmod
echo "not btf" >"$TMP/bad.btf"
expect_error 1 "--kernel-btf: '$TMP/bad.btf' is not a readable BTF file" --probe-backend tracepoint --kernel-btf "$TMP/bad.btf"

# --help tells the truth about every option it lists.
"$PWRU" --help >"$TMP/help"
for opt in $(grep -oE -- '--[a-z][a-z-]+' "$TMP/help" | sort -u); do
	case $opt in --help | --version | --list-funcs) continue ;; esac
	# --version after the option makes pwru exit before it would trace
	"$PWRU" "$opt" x --version 2>"$TMP/e" >/dev/null </dev/null || true
	! grep -q "unknown option" "$TMP/e" || fail "--help lists $opt but pwru does not know it"
done
"$PWRU" --version | grep -q '^backends: .*tracepoint' || fail "--version lacks the backends line"
