#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Print the ids of BPF programs or links that no live process holds.

  unheld_bpf_ids.py prog|link

Held means an fd of it in some process (for a program, also through a link
some process holds). After pwru has exited, a new id that someone still holds
belongs to another tool on the host (systemd loads cgroup programs at any
time); one that nobody holds (pinned, or attached and forgotten) is a leak.
Shared by tests/host and tests/vm.
"""
import glob
import json
import subprocess
import sys


def held_ids():
    held = {"prog_id": set(), "link_id": set()}
    for path in glob.glob("/proc/[0-9]*/fdinfo/*"):
        try:
            for line in open(path):
                key, _, val = line.partition(":")
                if key in held:
                    held[key].add(int(val))
        except (OSError, ValueError):
            pass
    return held


def listing(kind):
    out = subprocess.run(["bpftool", "-j", kind, "list"], capture_output=True, text=True).stdout
    return json.loads(out or "[]")


def main():
    kind = sys.argv[1]
    held = held_ids()
    links = listing("link")
    held["prog_id"] |= {l.get("prog_id") for l in links if l.get("id") in held["link_id"]}
    for obj in links if kind == "link" else listing("prog"):
        if obj["id"] not in held[kind + "_id"]:
            print(obj["id"])


if __name__ == "__main__":
    main()
