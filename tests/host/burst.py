#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""burst.py PORT N: N UDP datagrams to 127.0.0.1:PORT as fast as possible.

No one listens on PORT, so each datagram takes the same way through the
stack (out, loopback, in, freed for want of a socket): the same events each.
"""
import socket
import sys

port, n = int(sys.argv[1]), int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(n):
    s.sendto(b"pwru", ("127.0.0.1", port))
