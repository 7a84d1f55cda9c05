# make install DESTDIR=...: binary, man page and bash completion where
# PREFIX puts them, and the pinned directory compiled into pwru is the one
# PREFIX names (with the build's PREFIX, so nothing is rebuilt).
. tests/host/lib.sh

D=$TMP/dest
make -s install DESTDIR="$D" >"$TMP/log" 2>&1 || { cat "$TMP/log"; fail "make install failed"; }
for f in sbin/pwru share/man/man8/pwru.8 share/bash-completion/completions/pwru; do
	[ -f "$D/usr/local/$f" ] || fail "make install: no /usr/local/$f in DESTDIR ($(cd "$D" && find . -type f))"
done
[ -x "$D/usr/local/sbin/pwru" ] || fail "installed pwru is not executable"
cmp -s "$D/usr/local/sbin/pwru" ./pwru || fail "installed pwru is not ./pwru"
strings ./pwru | grep -qxF /usr/local/lib/pwru/pinned || fail "./pwru does not look in /usr/local/lib/pwru/pinned"
echo "make install: $(cd "$D" && find . -type f | sort | tr '\n' ' ')"
