# --output-skb, --output-skb-shared-info, --output-skb-cb with the tracepoint
# backend: kfree_skb carries the skb of a datagram to a closed port; its dump
# must show the length pwru saw and the IPv4 protocol (ETH_P_IP, big-endian:
# (__be16)8 on x86). And the bad inputs: a BTF without struct sk_buff.
. tests/host/lib.sh
need_root
mount_fs

# A BTF with one type, int, and no struct sk_buff (raw BTF, as pahole writes it).
python3 - "$TMP/int.btf" <<'PY'
import struct, sys
strs = b"\0int\0"
types = struct.pack("<III", 1, 1 << 24, 4) + struct.pack("<I", (1 << 24) | 32)  # INT, signed, 32 bits
hdr = struct.pack("<HBBIIIII", 0xEB9F, 1, 0, 24, 0, len(types), len(types), len(strs))
open(sys.argv[1], "wb").write(hdr + types + strs)
PY
for opt in --output-skb --output-skb-shared-info --output-skb-cb; do
	expect_error 2 "pwru: $opt: no struct sk_buff in the kernel BTF ($TMP/int.btf)" \
		--probe-backend tracepoint --kernel-btf "$TMP/int.btf" $opt
	[ "$(wc -l <"$TMP/stderr")" = 1 ] || fail "$opt with $TMP/int.btf: not one line: $(cat "$TMP/stderr")"
done
expect_error 2 "--output-skb: 'yes' is not a boolean" --output-skb=yes

need_tracepoint_backend
port=$((20000 + $$ % 10000))
for mode in text json; do
	args=
	[ $mode = text ] || args=--output-json
	# shellcheck disable=SC2086
	start_pwru "$TMP/$mode" --probe-backend tracepoint --filter-func 'kfree_skb|consume_skb' \
		--output-skb --output-skb-shared-info --output-skb-cb $args "udp and dst port $port"
	send_udp 127.0.0.1 $port 3
	sleep 1
	stop_pwru
	python3 - "$TMP/$mode" $mode <<'PY' || fail "$mode: $(head -c 3000 "$TMP/$mode")"
import json, re, sys
text = open(sys.argv[1]).read()
if sys.argv[2] == "json":
    evs = [json.loads(l) for l in text.splitlines() if l.startswith("{")]
    assert evs, "no event"
    e = evs[0]
    dumps = [(e["len"], e["skb_dump"], e["skb_shared_info"], e["cb"]) for e in evs]
else:
    # event line, then the dumps up to the next event line
    blocks = re.split(r"\n(?=0x[0-9a-f]+ )", text.split("\n", 1)[1])
    dumps = []
    for b in blocks:
        line, rest = b.split("\n", 1)
        n = int(re.search(r" 0x0800 \d+ +(\d+) ", line).group(1))
        assert "\n(struct skb_shared_info){" in "\n" + rest, b
        assert re.search(r"\nskb->cb: \[(0x[0-9A-F]{8},){11}0x[0-9A-F]{8}\]", rest), b
        dumps.append((n, rest, None, None))
for n, skb, shinfo, cb in dumps:
    assert skb.startswith("(struct sk_buff){\n"), skb[:200]
    m = re.search(r"\n +\.len = \(unsigned int\)(\d+),", skb)
    assert m and int(m.group(1)) == n, "len %s, event %d" % (m and m.group(1), n)
    assert re.search(r"\n +\.protocol = \(__be16\)8,", skb), skb
    if shinfo is not None:
        assert shinfo.startswith("(struct skb_shared_info){\n"), shinfo[:200]
        assert len(cb) == 12, cb
print("%s: %d dumps, .len and .protocol = (__be16)8 in each" % (sys.argv[2], len(dumps)))
PY
done
grep -m1 -E '^ +\.len = ' "$TMP/text"
grep -m1 -E '^ +\.protocol = ' "$TMP/text"
echo "test_skb_dump: dumps checked in text and JSON, bad BTF refused"
