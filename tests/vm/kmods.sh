#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# fentry on the functions of more modules than pwru's module BTF cache once
# held (64, issue 16): called by tests/vm/scenarios.sh with its usable backends.
#
#   tests/vm/kmods.sh KERNEL BACKEND...
#
# Loads every module of net/sched and net/netfilter, then traces with
# --all-kmods and a --filter-func that matches a function or more in most of
# them (qdisc enqueues, classifiers, actions, xtables matches and targets).
# While pwru is attached, its fentry links must reach more than 64 module BTF
# objects (target_obj_id in the links' fdinfo), and no function may be skipped for want
# of its module's BTF. Prints RESULT KERNEL kmods-fentry STATUS SECONDS DETAIL.
# Runs last in a boot: the modules stay loaded.
set -u

KERNEL=${1:?usage: tests/vm/kmods.sh KERNEL BACKEND...}
shift
VM_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$VM_DIR/../.." && pwd)
PWRU=${PWRU:-$REPO/pwru}
PY=/usr/bin/python3
RE='(tcf_[a-z0-9_]+_act|[a-z0-9_]+_classify|[a-z0-9_]+_enqueue|[a-z0-9_]+_mt[46]?|[a-z0-9_]+_tg[46]?)'
W=$(mktemp -d /tmp/pwru-kmods.XXXXXX)
PID=
trap '[ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null; rm -rf "$W"' EXIT
t0=$(date +%s)

result() { echo "RESULT $KERNEL kmods-fentry $1 $(($(date +%s) - t0)) $2"; }

case " $* " in
*" fentry "*) ;;
*)
	result SKIP "fentry is not usable here"
	exit 0
	;;
esac
mods=/lib/modules/$(uname -r)/kernel/net
if [ ! -d "$mods/sched" ]; then
	result SKIP "no module tree (a kernel with everything built in)"
	exit 0
fi
# module BTF came in 5.11: without it no module function is found, and
# loading two hundred modules first would only cost time (150 s on 5.10)
modprobe sch_htb 2>/dev/null
if ! ls /sys/kernel/btf | grep -qv '^vmlinux$'; then
	result SKIP "no module BTF (5.11+ with CONFIG_DEBUG_INFO_BTF_MODULES)"
	exit 0
fi
for m in $(find "$mods/sched" "$mods/netfilter" -name '*.ko*' | sed 's|.*/||; s|\.ko.*||'); do
	modprobe "$m" 2>/dev/null
done
"$PWRU" --all-kmods --filter-func "$RE" --list-funcs >"$W/list" 2>"$W/list.err" || {
	result FAIL "--list-funcs: $(tail -1 "$W/list.err")"
	exit 0
}
nfuncs=$(wc -l <"$W/list")
nmods=$(grep -o '\[[^]]*\]$' "$W/list" | sort -u | wc -l)
if [ "$nmods" -le 64 ]; then
	result SKIP "only $nmods modules with matching functions loaded; the test needs more than 64"
	exit 0
fi

"$PWRU" --probe-backend fentry --all-kmods --filter-func "$RE" --ready-file "$W/ready" \
	'host 203.0.113.77' </dev/null >"$W/out" 2>"$W/err" &
PID=$!
for _ in $(seq 600); do
	[ -e "$W/ready" ] || { kill -0 $PID 2>/dev/null && sleep 0.5 && continue; }
	break
done
if [ ! -e "$W/ready" ]; then
	wait $PID
	PID=
	result FAIL "not ready: $(tail -1 "$W/err")"
	exit 0
fi
# the BTF objects pwru's links attach to, while it is alive: a tracing link's
# fdinfo names its target (bpftool 7.1 does not print it)
grep -h '^target_obj_id:' /proc/$PID/fdinfo/* 2>/dev/null | sort -u >"$W/links"
kill -INT $PID
wait $PID
rc=$?
PID=
detail=$("$PY" - "$W/links" "$W/err" "$nfuncs" "$nmods" "$rc" <<'PYEOF'
import json, re, sys
links, err, nfuncs, nmods, rc = sys.argv[1:]
objs = {l.split()[1] for l in open(links) if l.strip()}
text = open(err).read()
att = re.search(r"attached (\d+) functions", text)
problems = []
if rc != "0":
    problems.append("exit %s" % rc)
if "module BTF" in text:
    problems.append("functions skipped for their module's BTF: %s"
                    % re.search(r".*module BTF.*", text).group(0).strip())
# vmlinux is one more BTF object among the targets. A link's fdinfo names
# its target only on newer kernels (not 6.1): there the module BTF skips
# above are the check (the old 64-entry cache showed as such skips).
if objs and len(objs) <= 65:
    problems.append("links reach %d BTF objects, not more than 64 modules" % len(objs))
if not att:
    problems.append("no 'attached' line")
msg = "%s of %s functions in %s modules attached, %s" % (
    att.group(1) if att else "?", nfuncs, nmods,
    "links on %d BTF objects" % len(objs) if objs else "no module BTF skip (no target_obj_id in this kernel's link fdinfo)")
print(msg if not problems else msg + "; " + "; ".join(problems))
sys.exit(1 if problems else 0)
PYEOF
) && result pass "$detail" || result FAIL "$detail"
