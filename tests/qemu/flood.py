#!/usr/bin/env python3
"""Floods of connection attempts at a guest on a tap, and what established
connections see meanwhile: netns_test's flood cases, and a tool to try
bigger floods by hand. Runs inside the test's network namespace, as root.

Two kinds of flood, each from source addresses in 198.18.0.0/15 (RFC 2544's
benchmarking range: the guest answers them through its default route, the
namespace, which owns none of them and forwards nothing, drops the
answers):

  syn        COUNT SYNs, every one from a new address and port, none ever
             answered: the guest holds each half-open (SYN_RCVD, its SYN-ACK
             retransmitted) until its SYN backlog (TCP_SYN_BACKLOG) evicts
             the oldest.
  handshake  COUNT connections whose handshake is completed (the SYN-ACK
             read off the tap and acknowledged) and which then say nothing
             more, ever: established in the guest, an accepted connection
             in the app, with a peer that is gone.

The frames are built here with struct and sent through an AF_PACKET socket
on the tap: a flood needs thousands of frames a second, and scapy builds a
few thousand a second at best (netns_test's malformed frames use it).

While the flood runs, KEEP keep-alive connections opened before it send a
`GET /` every ROUND_S seconds (manyconn.py's client), and a fresh
connection is tried as often; after it, fresh connections are tried until
one is served. Usage:

    flood.py GUEST PORT BODY_BYTES TAP KIND COUNT SECONDS KEEP

prints one JSON object: the flood's own counts, per round how many of the
KEEP were served and in how long, the fresh tries during the flood, and
`recovered_s`, the seconds from the flood's end to the first fresh
connection served (each try waits up to 1 s, so a SYN the guest dropped
shows as a failed try rather than as a 1 s retransmission)."""

import json
import os
import random
import socket
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import manyconn  # noqa: E402

ETH_P_IP = 0x0800
SYN, ACK = 0x02, 0x10
SOURCES = (198 << 24 | 18 << 16, 1 << 17)  # 198.18.0.0/15: base, size
ROUND_S = 0.5
FRESH_TIMEOUT_S = 1.0
RECOVERY_LIMIT_S = 30


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def tcp_frame(dst_mac, src_mac, src_ip, dst_ip, sport, dport, seq, ack,
              flags):
    """Ethernet + IPv4 + TCP, no options and no payload."""
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags,
                      64240, 0, 0)
    pseudo = struct.pack("!IIBBH", src_ip, dst_ip, 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBHII", 0x45, 0, 20 + len(tcp),
                     random.getrandbits(16), 0x4000, 64, 6, 0, src_ip, dst_ip)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return dst_mac + src_mac + struct.pack("!H", ETH_P_IP) + ip + tcp


def mac_of(text):
    return bytes(int(part, 16) for part in text.split(":"))


def guest_mac(guest):
    """From the namespace's ARP table (the keep-alive connections made the
    entry)."""
    with open("/proc/net/arp") as f:
        for line in f.read().splitlines()[1:]:
            fields = line.split()
            if fields[0] == guest and fields[3] != "00:00:00:00:00:00":
                return mac_of(fields[3])
    raise SystemExit("no ARP entry for %s" % guest)


def is_flood_source(address):
    return SOURCES[0] <= address < SOURCES[0] + SOURCES[1]


def answer_synacks(sock, frame_of, guest_ip, opened, acked, deadline):
    """Acknowledges every SYN-ACK waiting on sock that answers a SYN of
    ours (in opened) not acknowledged yet; returns how many."""
    count = 0
    while time.monotonic() < deadline:
        try:
            frame = sock.recv(2048)
        except BlockingIOError:
            return count
        if len(frame) < 54 or frame[12:14] != b"\x08\x00" or \
                frame[23] != 6:
            continue
        ihl = (frame[14] & 0x0F) * 4
        src_ip, dst_ip = struct.unpack("!II", frame[26:34])
        tcp = frame[14 + ihl:]
        if src_ip != guest_ip or not is_flood_source(dst_ip) or len(tcp) < 20:
            continue
        sport, dport, seq, ack, _, flags = struct.unpack("!HHIIBB", tcp[:14])
        if flags & (SYN | ACK) != SYN | ACK or (dst_ip, dport) in acked or \
                (dst_ip, dport) not in opened:
            continue
        acked.add((dst_ip, dport))
        sock.send(frame_of(dst_ip, dport, sport, ack, (seq + 1) & 0xFFFFFFFF,
                           ACK))
        count += 1
    return count


def flood(tap, guest, port, kind, count, seconds):
    """Sends the flood, paced evenly over seconds; returns its counts."""
    guest_ip = struct.unpack("!I", socket.inet_aton(guest))[0]
    with open("/sys/class/net/%s/address" % tap) as f:
        own_mac = mac_of(f.read().strip())
    dst_mac = guest_mac(guest)

    def frame_of(src_ip, sport, dport, seq, ack, flags):
        return tcp_frame(dst_mac, own_mac, src_ip, guest_ip, sport, dport,
                         seq, ack, flags)

    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                         socket.htons(ETH_P_IP))
    sock.bind((tap, 0))
    sock.setblocking(False)
    opened, acked = set(), set()
    sent = acks = 0
    # Built before the flood starts, so that sending costs this process
    # little: on a machine of 2 cores it shares them with QEMU. Address n
    # of the range, with a port of its own: no two SYNs share a connection.
    syns = []
    for n in range(count):
        src_ip = SOURCES[0] + n % SOURCES[1]
        sport = 1024 + (n * 7919) % 64000
        syns.append((src_ip, sport, frame_of(src_ip, sport, port,
                                             random.getrandbits(32), 0, SYN)))
    started = time.monotonic()
    end = started + seconds
    for n, (src_ip, sport, syn) in enumerate(syns):
        while True:
            try:
                sock.send(syn)
                break
            except BlockingIOError:
                time.sleep(0.001)
        sent += 1
        if kind == "handshake":
            opened.add((src_ip, sport))
            acks += answer_synacks(sock, frame_of, guest_ip, opened, acked,
                                   end + 5)
        # Pacing: frame n leaves at its share of the time.
        ahead = started + (n + 1) * seconds / count - time.monotonic()
        if ahead > 0.002:
            time.sleep(ahead)
    flood_s = time.monotonic() - started
    if kind == "handshake":
        # SYN-ACKs still on their way, and retransmitted ones.
        linger = time.monotonic() + 2
        while time.monotonic() < linger:
            acks += answer_synacks(sock, frame_of, guest_ip, opened, acked,
                                   linger)
            time.sleep(0.01)
    sock.close()
    return {"kind": kind, "sent": sent, "acked": acks,
            "seconds": round(flood_s, 2)}


def fresh_get(guest, port, body_bytes, timeout_s=FRESH_TIMEOUT_S):
    """Seconds a new connection took to a whole answer, or None."""
    started = time.monotonic()
    conn = manyconn.Conn((guest, port))
    manyconn.exchange([conn], body_bytes, started + timeout_s)
    conn.sock.close()
    return round(time.monotonic() - started, 3) if conn.outcome == "ok" \
        else None


def keep_round(conns, body_bytes):
    """One GET on every held connection at once: (served, seconds)."""
    for c in conns:
        c.outcome = None if c.outcome == "ok" else c.outcome
    started = time.monotonic()
    manyconn.exchange(conns, body_bytes, started + 10)
    return (sum(c.outcome == "ok" for c in conns),
            round(time.monotonic() - started, 3))


def measure(guest, port, body_bytes, tap, kind, count, seconds, keep):
    manyconn.raise_file_limit(keep + 64)
    conns = [manyconn.Conn((guest, port)) for _ in range(keep)]
    manyconn.exchange(conns, body_bytes, time.monotonic() + 30)
    held = sum(c.outcome == "ok" for c in conns)
    # The sender is a process of its own: it must not wait for this one's
    # rounds, nor these for it.
    sender = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "--send", guest,
         str(port), tap, kind, str(count), str(seconds)],
        stdout=subprocess.PIPE, universal_newlines=True)
    rounds, fresh = [], []
    while sender.poll() is None:
        began = time.monotonic()
        rounds.append(keep_round(conns, body_bytes))
        fresh.append(fresh_get(guest, port, body_bytes))
        rest = ROUND_S - (time.monotonic() - began)
        if rest > 0:
            time.sleep(rest)
    ended = time.monotonic()
    flood_counts = json.loads(sender.stdout.read().strip().splitlines()[-1])
    recovered = None
    while time.monotonic() - ended < RECOVERY_LIMIT_S:
        if fresh_get(guest, port, body_bytes) is not None:
            recovered = round(time.monotonic() - ended, 3)
            break
    after = keep_round(conns, body_bytes)
    for c in conns:
        c.sock.close()
    served = [r[0] for r in rounds]
    return {"flood": flood_counts, "held": held, "keep": keep,
            "rounds": len(rounds),
            "rounds_all_served": sum(s == keep for s in served),
            "least_served": min(served) if served else None,
            "slowest_round_s": max((r[1] for r in rounds), default=None),
            "fresh_served": sum(f is not None for f in fresh),
            "fresh_tried": len(fresh),
            "fresh_slowest_s": max((f for f in fresh if f is not None),
                                   default=None),
            "recovered_s": recovered, "after": after[0]}


def main(argv):
    if argv[:1] == ["--send"]:
        guest, port, tap, kind, count, seconds = argv[1:]
        print(json.dumps(flood(tap, guest, int(port), kind, int(count),
                               float(seconds))), flush=True)
        return
    guest, port, body, tap, kind, count, seconds, keep = argv
    if kind not in ("syn", "handshake"):
        raise SystemExit("KIND is syn or handshake")
    print(json.dumps(measure(guest, int(port), int(body), tap, kind,
                             int(count), float(seconds), int(keep))))


if __name__ == "__main__":
    main(sys.argv[1:])
