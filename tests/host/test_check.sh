# `pwru check` on this host (KERNEL-LAB.md): the verdicts must come from
# the probes themselves, the probes must leave nothing behind, and the
# JSON document must say the same as the text report.
. tests/host/lib.sh
need_root

# Our test programs are all named pwru_probe; other tests may load theirs
# concurrently, so only those count.
probe_progs() {
	command -v bpftool >/dev/null || return 0
	bpftool prog list -j | python3 -c 'import json,sys; print(sum(p.get("name") == "pwru_probe" for p in json.load(sys.stdin)))'
}

rc=0
"$PWRU" check >"$TMP/out" 2>"$TMP/err" || rc=$?
[ "$rc" = 0 ] || fail "pwru check: exit $rc, want 0 (tracepoint is usable here)"
[ ! -s "$TMP/err" ] || fail "pwru check: unexpected stderr: $(cat "$TMP/err")"

has() {
	grep -qF -- "$1" "$TMP/out" || { cat "$TMP/out" >&2; fail "pwru check: output lacks '$1'"; }
}
has "REQUIREMENT"
has "fentry        not usable: refused with EPERM although BTF is present"
has "kprobe-multi  not usable: no CONFIG_FPROBE"
has "kprobe        not usable: CONFIG_KPROBES not set"
has "tracepoint    usable"
has "auto would use: tracepoint (fentry: refused with EPERM although BTF is present; kprobe-multi: no CONFIG_FPROBE; kprobe: CONFIG_KPROBES not set)"
has "lockdown                                 integrity"
has "kernel:  $(uname -r)"

# every test program was unloaded (another pwru may be probing right now:
# give it a few seconds to finish before calling it a leak)
i=0
while after=$(probe_progs) && [ "$after" != 0 ] && [ $i -lt 50 ]; do
	i=$((i + 1))
	sleep 0.1
done
[ "$after" = 0 ] || fail "pwru check left $after pwru_probe programs loaded"
# no legacy kprobe event of ours survives
if [ -r /sys/kernel/tracing/kprobe_events ]; then
	! grep -q pwru_ /sys/kernel/tracing/kprobe_events || fail "pwru check left a kprobe event"
fi

rc=0
"$PWRU" check --output-json >"$TMP/json" 2>"$TMP/err" || rc=$?
[ "$rc" = 0 ] || fail "pwru check --output-json: exit $rc, want 0"
python3 - "$TMP/json" "$(uname -r)" <<'PY' || fail "pwru check --output-json: wrong document"
import json, sys

d = json.load(open(sys.argv[1]))
be = d["backends"]
def want(cond, what):
    if not cond:
        print("JSON: " + what, file=sys.stderr)
        sys.exit(1)

want(set(be) == {"fentry", "kprobe-multi", "kprobe", "tracepoint"}, "backend names %s" % list(be))
want(be["fentry"]["usable"] is False and "EPERM" in be["fentry"]["reason"]
     and "BTF is present" in be["fentry"]["reason"], "fentry %s" % be["fentry"])
want(be["kprobe-multi"]["usable"] is False and "FPROBE" in be["kprobe-multi"]["reason"],
     "kprobe-multi %s" % be["kprobe-multi"])
want(be["kprobe"]["usable"] is False and "CONFIG_KPROBES" in be["kprobe"]["reason"],
     "kprobe %s" % be["kprobe"])
want(be["tracepoint"]["usable"] is True and be["tracepoint"]["remedy"] is None,
     "tracepoint %s" % be["tracepoint"])
for name in ("fentry", "kprobe-multi", "kprobe"):
    want(isinstance(be[name]["remedy"], str) and be[name]["remedy"], name + " has no remedy")
want(d["auto"] == "tracepoint", "auto %r" % d["auto"])
want(d["auto_explain"].startswith("tracepoint (fentry: refused with EPERM"), d["auto_explain"])
k = d["kernel"]
want(k["release"] == sys.argv[2], "release %r" % k["release"])
want(k["vmlinux_btf"] is True and k["ringbuf"] is True, "kernel facts %s" % k)
want(k["lockdown"] == "integrity", "lockdown %r" % k["lockdown"])
f = d["features"]
want(f["probe.fentry"]["errno_name"] == "EPERM" and f["probe.fentry"]["how"] == "probe",
     "probe.fentry %s" % f["probe.fentry"])
want(f["probe.kprobe_multi"]["errno_name"] == "EOPNOTSUPP", "probe.kprobe_multi %s" % f["probe.kprobe_multi"])
want(f["probe.kprobe"]["errno_name"] == "ENOENT", "probe.kprobe %s" % f["probe.kprobe"])
want(f["probe.raw_tp"]["value"] is True, "probe.raw_tp %s" % f["probe.raw_tp"])
want(f["config.KPROBES"]["value"] is False and f["config.FPROBE"]["value"] is False, "config")
PY

# --kernel-btf is recorded; it cannot make fentry usable
rc=0
"$PWRU" check --output-json --kernel-btf /sys/kernel/btf/vmlinux >"$TMP/json2" || rc=$?
[ "$rc" = 0 ] || fail "pwru check --kernel-btf: exit $rc, want 0"
python3 - "$TMP/json2" <<'PY' || fail "pwru check --kernel-btf: wrong document"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["features"]["btf.external"]["value"] is True, d["features"]["btf.external"]
assert d["kernel"]["kernel_btf"] == "/sys/kernel/btf/vmlinux", d["kernel"]
assert d["backends"]["fentry"]["usable"] is False
assert d["auto"] == "tracepoint"
PY
exit 0
