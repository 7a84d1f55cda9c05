# docs/pwru.8 against `pwru --help`: one OPTIONS entry per option and no
# entry for an option pwru lacks; one BACKENDS entry per backend name of
# --probe-backend; the exit codes of --help; and man renders it without a
# warning.
. tests/host/lib.sh

MAN=${PWRU_MAN:-docs/pwru.8}
command -v man >/dev/null || fail "man is not installed (man-db)"

# tags SECTION: the option words of the .TP entries of a .SH section
tags() {
	awk -v sec="$1" '/^\.SH / { on = ($2 == sec) } on && tp { print; tp = 0 } on && /^\.TP/ { tp = 1 }' "$MAN" |
		sed 's/\\-/-/g'
}
opts_of() {
	grep -oE -- '(^|[^A-Za-z0-9-])--?[a-z][a-z-]*' | grep -oE -- '--?[a-z][a-z-]*' | sort -u
}

"$PWRU" --help | opts_of >"$TMP/help"
tags OPTIONS | opts_of >"$TMP/man"
diff "$TMP/help" "$TMP/man" >"$TMP/diff" ||
	fail "$MAN OPTIONS differ from --help (< help, > man): $(cat "$TMP/diff" | tr '\n' ' ')"

"$PWRU" --help | sed -n 's/^ *--probe-backend B *//p' | grep -oE '[a-z][a-z-]*' |
	grep -vxE 'default|or' | sort >"$TMP/help.be"
tags BACKENDS | sed 's/^\.B *//' | sort >"$TMP/man.be"
echo auto >>"$TMP/man.be"
sort -o "$TMP/man.be" "$TMP/man.be"
diff "$TMP/help.be" "$TMP/man.be" >"$TMP/diff" ||
	fail "$MAN BACKENDS differ from --help (< help, > man): $(cat "$TMP/diff" | tr '\n' ' ')"

"$PWRU" --help | sed -n 's/^Exit codes: //p' | grep -oE '(^|, )[0-9]+' | grep -oE '[0-9]+' >"$TMP/help.rc"
tags 'EXIT' | sed 's/^\.B *//' >"$TMP/man.rc"
[ -s "$TMP/help.rc" ] || fail "no exit codes in --help"
diff "$TMP/help.rc" "$TMP/man.rc" >"$TMP/diff" ||
	fail "$MAN EXIT STATUS differs from --help: $(cat "$TMP/diff" | tr '\n' ' ')"

# lintian's way of asking man for warnings
LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$MAN" \
	>/dev/null 2>"$TMP/warn" || fail "man -l $MAN failed: $(cat "$TMP/warn")"
[ ! -s "$TMP/warn" ] || fail "man warns about $MAN: $(cat "$TMP/warn")"
MANWIDTH=80 man -l "$MAN" 2>/dev/null | grep -q -- '--probe-backend backend' ||
	fail "man -l $MAN does not render the options"
echo "man page: $(wc -l <"$TMP/help") options, $(wc -l <"$TMP/man.be") backends, exit codes as in --help"
