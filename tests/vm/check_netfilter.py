#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check the netfilter explanation of a drop in pwru's JSON lines.

  check_netfilter.py FILE ADDR PORT EXPECT...

Takes the drop events (drop_reason_code present) of the flow to ADDR:PORT;
there must be one. EXPECT applies to the first one:
  key=value       the event's key (drop_reason, drop_reason_inferred, location)
                  or netfilter.key equals value (numbers compared as text)
  key~text        ... contains text (several allowed per key)
  key!            ... is absent (netfilter! : no netfilter object at all)
Keys without a dot name netfilter.KEY unless they are event keys.
Prints one line; exit 1 on any mismatch.
"""
import json
import sys

EVENT_KEYS = {"drop_reason", "drop_reason_inferred", "location", "func", "netfilter"}


def value(ev, key):
    if key in EVENT_KEYS:
        return ev.get(key)
    return (ev.get("netfilter") or {}).get(key)


def text(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def main():
    path, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    drops = []
    for line in open(path):
        if not line.strip():
            continue
        ev = json.loads(line)
        t = ev.get("tuple", {})
        if "drop_reason_code" in ev and t.get("daddr") == addr and t.get("dport") == port:
            drops.append(ev)
    if not drops:
        print("no drop event for %s:%d" % (addr, port))
        return 1
    ev = next((e for e in drops if "netfilter" in e), drops[0])
    bad = []
    for exp in sys.argv[4:]:
        if exp.endswith("!"):
            k = exp[:-1]
            if value(ev, k) is not None:
                bad.append("%s present (%s)" % (k, text(value(ev, k))))
        elif "~" in exp:
            k, want = exp.split("~", 1)
            got = value(ev, k)
            if got is None or want not in text(got):
                bad.append("%s %r lacks %r" % (k, got, want))
        else:
            k, want = exp.split("=", 1)
            got = value(ev, k)
            if got is None or text(got) != want:
                bad.append("%s is %r, not %r" % (k, got, want))
    nf = ev.get("netfilter")
    shown = "%s at %s%s" % (ev.get("drop_reason"), ev.get("location"),
                            " inferred" if ev.get("drop_reason_inferred") else "")
    if nf:
        shown += "; %s %s %s hook %s rule %s handle %s: %s" % (
            nf.get("family"), nf.get("table"), nf.get("chain"), nf.get("hook"),
            nf.get("position"), nf.get("handle"), nf.get("rule"))
    print(shown + ("" if not bad else " | MISMATCH: " + "; ".join(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
