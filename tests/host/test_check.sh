# `pwru check` on this host (KERNEL-LAB.md): the verdicts must come from
# the probes themselves, the probes must leave nothing behind, and the
# JSON document must say the same as the text report.
. tests/host/lib.sh
need_root
command -v bpftool >/dev/null || fail "bpftool is not installed: the leak check cannot run"

# The probes load pwru's own templates (tp_skb1, ...) and the floor probe's
# pwru_probe; a leak is a new program or link no live process holds.
progs_before=$(unheld_ids prog)
links_before=$(unheld_ids link)

rc=0
start=$(date +%s%N)
"$PWRU" check >"$TMP/out" 2>"$TMP/err" || rc=$?
echo "pwru check took $((($(date +%s%N) - start) / 1000000)) ms"
[ "$rc" = 0 ] || fail "pwru check: exit $rc, want 0 (tracepoint is usable here)"
[ ! -s "$TMP/err" ] || fail "pwru check: unexpected stderr: $(cat "$TMP/err")"

has() {
	grep -qF -- "$1" "$TMP/out" || { cat "$TMP/out" >&2; fail "pwru check: output lacks '$1'"; }
}
has "REQUIREMENT"
# the floor is stated, and a passed load+attach probe is pwru's own program
has "floor:   supported: Linux 5.5 or later, where its verifier reads .rodata as constants"
if grep -E "load\+attach +ok " "$TMP/out" | grep -v "loaded pwru's " >&2; then
	fail "pwru check: a passed probe is not pwru's own program"
fi
has "kernel:  $(uname -r)"
# The verdicts come from what this kernel has (its config, BTF, lockdown),
# not from one CI host's: the facts decide what each line must say.
cfg() { # OPTION: y, n, or ? when the config cannot be read
	if [ -r /proc/config.gz ]; then
		zcat /proc/config.gz | grep -q "^CONFIG_$1=y" && echo y || echo n
	else
		echo '?'
	fi
}
KPROBES=$(cfg KPROBES) FPROBE=$(cfg FPROBE)
[ "$KPROBES" != n ] || has "kprobe        not usable: CONFIG_KPROBES not set"
[ "$FPROBE" != n ] || has "kprobe-multi  not usable: no CONFIG_FPROBE"
[ -r /sys/kernel/btf/vmlinux ] || has "fentry        not usable:"
for be in fentry kprobe-multi kprobe tracepoint; do
	grep -qE "^  $(printf '%-13s' $be) (usable|not usable: .+)" "$TMP/out" ||
		{ cat "$TMP/out" >&2; fail "pwru check: no verdict line for $be"; }
done
# auto names the first usable backend in the order of preference, and why the others were passed
first=$(for be in fentry kprobe-multi kprobe tracepoint; do
	grep -q "^  $(printf '%-13s' $be) usable" "$TMP/out" && { echo $be; break; }
done)
has "auto would use: $first"
if mountpoint -q /sys/kernel/security && [ -r /sys/kernel/security/lockdown ]; then
	lock=$(sed -E 's/.*\[([a-z]+)\].*/\1/' /sys/kernel/security/lockdown)
	grep -qE "^lockdown +$lock " "$TMP/out" || fail "pwru check: lockdown is not '$lock'"
fi

left=$(leaked "$progs_before" "$links_before")
[ -z "$left" ] || fail "pwru check left BPF objects behind: $left"

rc=0
"$PWRU" check --output-json >"$TMP/json" 2>"$TMP/err" || rc=$?
[ "$rc" = 0 ] || fail "pwru check --output-json: exit $rc, want 0"
python3 - "$TMP/json" "$(uname -r)" <<'PY' || fail "pwru check --output-json: wrong document"
import json, os, sys

d = json.load(open(sys.argv[1]))
be = d["backends"]
def want(cond, what):
    if not cond:
        print("JSON: " + what, file=sys.stderr)
        sys.exit(1)

want(set(be) == {"fentry", "kprobe-multi", "kprobe", "tracepoint"}, "backend names %s" % list(be))
for name, v in be.items():
    want(isinstance(v["usable"], bool) and v["reason"], "%s %s" % (name, v))
    # a refusal comes with a remedy, a usable backend with none
    want(v["usable"] or (isinstance(v["remedy"], str) and v["remedy"]), name + " has no remedy")
    want(not v["usable"] or v["remedy"] is None, name + " usable with a remedy")
f = d["features"]
cfg = {"KPROBES": "kprobe", "FPROBE": "kprobe-multi"}
for opt, name in cfg.items():
    if f["config." + opt]["value"] is False:
        want(be[name]["usable"] is False and opt in be[name]["reason"], "%s %s" % (name, be[name]))
usable = [n for n in ("fentry", "kprobe-multi", "kprobe", "tracepoint") if be[n]["usable"]]
want(d["auto"] == (usable[0] if usable else None), "auto %r, usable %s" % (d["auto"], usable))
want(not usable or d["auto_explain"].startswith(usable[0]), d["auto_explain"])
# each probe verdict agrees with its backend's
for feat, name in (("probe.fentry", "fentry"), ("probe.kprobe_multi", "kprobe-multi"),
                   ("probe.kprobe", "kprobe"), ("probe.raw_tp", "tracepoint")):
    if f[feat]["how"] == "probe" and f[feat]["value"] is False:
        want(be[name]["usable"] is False, "%s refused but %s usable" % (feat, name))
k = d["kernel"]
want(k["release"] == sys.argv[2], "release %r" % k["release"])
want(k["vmlinux_btf"] is os.access("/sys/kernel/btf/vmlinux", os.R_OK), "vmlinux_btf %s" % k)
fl = d["floor"]
want(fl["version"] == "5.5" and fl["supported"] is True, "floor %s" % fl)
for feat in ("probe.fentry", "probe.kprobe_multi", "probe.kprobe", "probe.raw_tp"):
    want(f[feat]["value"] is not True or "pwru's" in f[feat]["detail"],
         "%s passed without pwru's program: %s" % (feat, f[feat]))
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
PY
exit 0
