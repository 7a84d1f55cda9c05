# `make modbtf` (scripts/modbtf-build) refuses what it cannot build module
# types from with one line. The build itself, from Debian 11's headers, and
# its use run in tests/vm/matrix (debian-5.10 row, netfilter cell); the
# checks pwru makes on the file are unit tests (tests/unit/test_modbtf.c).
. tests/host/lib.sh

modbtf_fails() { # 'message' ARGS...
	msg=$1
	shift
	rc=0
	OUTPUT=$TMP/out CLANG=clang BPFTOOL=bpftool scripts/modbtf-build "$@" \
		>"$TMP/mb.out" 2>"$TMP/mb.err" || rc=$?
	[ "$rc" != 0 ] || fail "modbtf-build $*: exit 0, want a failure"
	# one line; a compiler's own errors may come before it
	[ "$(wc -l <"$TMP/mb.err")" = 1 ] || [ -n "${COMPILER_LINES:-}" ] ||
		fail "modbtf-build $*: want one line, got: $(cat "$TMP/mb.err")"
	tail -n 1 "$TMP/mb.err" | grep -qF -- "modbtf-build: " || fail "modbtf-build $*: last line: $(tail -n 1 "$TMP/mb.err")"
	grep -qF -- "$msg" "$TMP/mb.err" || fail "modbtf-build $*: want '$msg', got: $(cat "$TMP/mb.err")"
}
modbtf_fails "usage: make modbtf KDIR="
modbtf_fails "is not a directory" "$TMP/nowhere"
mkdir -p "$TMP/h/include/generated"
modbtf_fails "must be a configured kernel tree or its headers package" "$TMP/h"
echo '#define UTS_VERSION "x"' >"$TMP/h/include/generated/utsrelease.h"
modbtf_fails "cannot read UTS_RELEASE" "$TMP/h"
echo '#define UTS_RELEASE "5.10.0-99-amd64"' >"$TMP/h/include/generated/utsrelease.h"
# Debian's split headers: the Makefile names a -common tree that is not there
echo 'include /usr/src/linux-headers-5.10.0-99-common/Makefile' >"$TMP/h/Makefile"
modbtf_fails "no kernel headers under" "$TMP/h"
# headers there, but not ones that compile
mkdir -p "$TMP/h/include/linux"
COMPILER_LINES=1 modbtf_fails "compiling tools/modbtf_types.c against" "$TMP/h"
[ ! -e "$TMP/out/modbtf/5.10.0-99-amd64" ] || fail "a failed build left $TMP/out/modbtf/5.10.0-99-amd64"

# make's usage line, through the Makefile
rc=0
make -s modbtf OUTPUT="$TMP/out" >"$TMP/mk.out" 2>&1 || rc=$?
[ "$rc" != 0 ] && grep -qF "usage: make modbtf KDIR=" "$TMP/mk.out" ||
	fail "make modbtf without KDIR: exit $rc, $(cat "$TMP/mk.out")"
echo "modbtf-build: every refusal ends in one line naming the problem"
