# Kernels without BTF, what can be checked on a host that has BTF:
# `pwru check` does not look for a pinned build here, `make pinned` refuses
# what it cannot build from with one line, the CO-RE check tells a CO-RE
# object from a pinned one, and, when the QEMU lab has built its 6.12-nobtf
# kernel, a pinned build made from that vmlinux has what pwru needs.
. tests/host/lib.sh
need_root
mount_fs

GEN=.output/pinned-gen
[ -x "$GEN" ] || fail "$GEN not built (make .output/pinned-gen)"

# 1. the kernel has BTF: no pinned build is looked for, and pwru check says so
"$PWRU" check --output-json >"$TMP/check.json" 2>"$TMP/check.err" || true
python3 - "$TMP/check.json" <<'PY' || fail "pwru check: btf.pinned wrong: $(grep -F btf.pinned "$TMP/check.json")"
import json, sys
p = json.load(open(sys.argv[1]))["features"]["btf.pinned"]
assert p["value"] is None and p["detail"] == "not looked for: the kernel has BTF", p
PY

# 2. make pinned: one clear line for what it cannot build from
pinned_fails() { # 'message' ARGS...
	msg=$1
	shift
	rc=0
	OUTPUT=$TMP/out CLANG=clang BPFTOOL=bpftool BPF_CFLAGS="-g -O2 -target bpf -D__TARGET_ARCH_x86 -Ibpf" \
		BPF_HASH=test PINNED_GEN=$GEN scripts/pinned-build "$@" >"$TMP/pb.out" 2>"$TMP/pb.err" || rc=$?
	[ "$rc" != 0 ] || fail "pinned-build $*: exit 0, want a failure"
	grep -qF -- "$msg" "$TMP/pb.err" || fail "pinned-build $*: want '$msg', got: $(cat "$TMP/pb.err")"
}
pinned_fails "usage: make pinned KDIR="
pinned_fails "is not a directory" "$TMP/nowhere"
mkdir -p "$TMP/tree/include/config"
pinned_fails "no $TMP/tree/vmlinux: build the kernel first" "$TMP/tree"
cp /bin/true "$TMP/tree/vmlinux"
pinned_fails "cannot tell the kernel release" "$TMP/tree"
echo 9.9.9 >"$TMP/tree/include/config/kernel.release"
pinned_fails "has no DWARF" "$TMP/tree"
# a vmlinux from another kernel than the tree says
printf 'x\0Linux version 6.1.0-99-amd64 (debian-kernel@lists.debian.org) #1\0' >"$TMP/tree/vmlinux"
pinned_fails "is release 6.1.0-99-amd64, but $TMP/tree says 9.9.9" "$TMP/tree"

# 3. the CO-RE check: the normal object has relocations, a pinned one none
clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -Ibpf -c backends/tracepoint/tracepoint.bpf.c \
	-o "$TMP/core.o"
rc=0
"$GEN" check-core "$TMP/core.o" 2>"$TMP/core.err" || rc=$?
[ "$rc" = 1 ] && grep -q 'CO-RE relocations; a pinned object must have none' "$TMP/core.err" ||
	fail "check-core accepted a CO-RE object (exit $rc): $(cat "$TMP/core.err")"

# 4. a real pinned build, from the lab's 6.12-nobtf vmlinux when it is there
vmlinux=$(ls "${PWRU_VM_CACHE:-/var/cache/pwru-vm}"/6.12-*/nobtf/vmlinux 2>/dev/null | head -n 1)
if [ -z "$vmlinux" ]; then
	skip "test_nobtf part 4: no 6.12-nobtf vmlinux in the VM cache yet (parts 1-3 passed); the real pinned build is left to the vm matrix (6.12-nobtf-pinned row)"
fi
OUTPUT=$TMP/out CLANG=clang BPFTOOL=bpftool BPF_CFLAGS="-g -O2 -target bpf -D__TARGET_ARCH_x86 -Ibpf -Wno-unused-function" \
	BPF_HASH=0123456789abcdef PINNED_GEN=$GEN scripts/pinned-build "$(dirname "$vmlinux")" \
	>"$TMP/pb.out" 2>&1 || fail "pinned-build from $vmlinux failed: $(tail -n 5 "$TMP/pb.out")"
d=$(ls -d "$TMP"/out/pinned/6.12.*)
[ "$(cat "$d/release")" = "$(basename "$d")" ] || fail "$d/release says $(cat "$d/release")"
[ "$(cat "$d/bpf-hash")" = 0123456789abcdef ] || fail "$d/bpf-hash"
"$GEN" check-core "$d"/*.bpf.o || fail "a pinned object has CO-RE relocations"
grep -qx 'ip_rcv 1 4' "$d/funcs" || fail "$d/funcs lacks 'ip_rcv 1 4'"
grep -qx 'kfree_skb 1 4' "$d/tracepoints" || fail "$d/tracepoints lacks 'kfree_skb 1 4' (skb, location, reason, rx_sk): $(grep kfree_skb "$d/tracepoints")"
grep -qx '11 SKB_DROP_REASON_NETFILTER_DROP' "$d/drop_reasons" || fail "$d/drop_reasons: NETFILTER_DROP is not 11"
n=$(wc -l <"$d/funcs")
[ "$n" -gt 500 ] || fail "$d/funcs: only $n functions"
echo "test_nobtf: pinned build of $(basename "$d") from $vmlinux: $n functions, no CO-RE relocation"
