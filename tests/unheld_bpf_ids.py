#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Print the ids of BPF programs or links that no live process holds.

  unheld_bpf_ids.py prog|link [--except-pid PID]

Held means an fd of it in some process (for a program, also through a link
some process holds). After pwru has exited, a new id that someone still holds
belongs to another tool on the host (systemd loads cgroup programs at any
time); one that nobody holds (pinned, or attached and forgotten) is a leak.
Shared by tests/host and tests/vm.

--except-pid PID: PID's fds hold nothing, so that while pwru is alive its
own objects are listed: the check must see them then, or it proves nothing
after. Exits 2 when bpftool fails: an empty list must mean no objects.
"""
import glob
import json
import subprocess
import sys


def held_ids(except_pid):
    held = {"prog_id": set(), "link_id": set()}
    for path in glob.glob("/proc/[0-9]*/fdinfo/*"):
        if path.split("/")[2] == except_pid:
            continue
        try:
            for line in open(path):
                key, _, val = line.partition(":")
                if key in held:
                    held[key].add(int(val))
        except (OSError, ValueError):
            pass
    return held


def listing(kind):
    try:
        r = subprocess.run(["bpftool", "-j", kind, "list"], capture_output=True, text=True)
        if r.returncode == 0:
            return json.loads(r.stdout or "[]")
        err = r.stderr.strip()
    except (OSError, ValueError) as e:
        err = str(e)
    sys.exit(f"unheld_bpf_ids.py: bpftool {kind} list failed: {err}")


def main():
    kind = sys.argv[1]
    except_pid = sys.argv[3] if sys.argv[2:3] == ["--except-pid"] else None
    held = held_ids(except_pid)
    links = listing("link")
    held["prog_id"] |= {l.get("prog_id") for l in links if l.get("id") in held["link_id"]}
    # a program attached to a perf event (kprobe, tracepoint) is held by that event's fd
    held["prog_id"] |= {p.get("prog_id") for p in listing("perf") if str(p.get("pid")) != except_pid}
    for obj in links if kind == "link" else listing("prog"):
        if obj["id"] not in held[kind + "_id"]:
            print(obj["id"])


if __name__ == "__main__":
    main()
