# dist/pwru.bash-completion: its option lists are those of `pwru --help`
# (all, and check's), and it completes options, backend names and `check`.
. tests/host/lib.sh

COMP=dist/pwru.bash-completion
command -v bash >/dev/null || fail "bash is not installed"

# complete WORD...: the completions bash offers for the last word
complete_words() {
	bash -c '. "$1"; shift; COMP_WORDS=(pwru "$@"); COMP_CWORD=$#
		_pwru; printf "%s\n" "${COMPREPLY[@]}" | sort' sh "$COMP" "$@"
}

# expect WANT WORD...: WANT is the space-separated sorted completion list
expect() {
	want=$1
	shift
	got=$(complete_words "$@" | tr '\n' ' ' | sed 's/ $//')
	[ "$got" = "$want" ] || fail "completing 'pwru $*': got '$got', want '$want'"
}

"$PWRU" --help | grep -oE -- '(^| )--?[a-z][a-z-]*' | tr -d ' ' | sort -u >"$TMP/help"
complete_words - | grep -v '^check$' >"$TMP/comp"
diff "$TMP/help" "$TMP/comp" >"$TMP/diff" ||
	fail "completion options differ from --help (< help, > completion): $(cat "$TMP/diff")"
# check's own line in the usage: pwru check [--output-json] [--kernel-btf FILE]
"$PWRU" --help | sed -n 's/^ *pwru check //p' | grep -oE -- '--[a-z-]+' | sort >"$TMP/help.check"
echo --help >>"$TMP/help.check"
complete_words check - >"$TMP/comp.check"
sort -u "$TMP/help.check" | diff - "$TMP/comp.check" >"$TMP/diff" ||
	fail "check completion differs from its usage line: $(cat "$TMP/diff")"

expect 'auto fentry kprobe kprobe-multi tracepoint' --probe-backend ''
expect 'kprobe kprobe-multi' --backend kp
expect 'kprobe kprobe-multi' --probe-backend = kp
expect 'check' ch
expect 'false true' --output-meta = ''
expect 'false' --output-tuple = f
# a bool takes no next word: that is the pcap filter's (or another option)
expect '' --output-meta ''
expect '--output-json' check --output-j
expect '--timestamp' --tim
expect 'absolute' --timestamp ab
expect '' --filter-mark ''
expect '--filter-func --filter-ifname --filter-mark --filter-netns --filter-non-skb-funcs --filter-skb-expr --filter-track-skb --filter-track-skb-by-stackid' --filter
expect "$(ls /sys/class/net | sort | tr '\n' ' ' | sed 's/ $//')" --filter-ifname ''
echo "bash completion: options equal --help's, values and check complete"
