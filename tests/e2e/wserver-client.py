#!/usr/bin/env python3
"""A client of the mininet-wifi fork's wmediumd control socket (wifimedium -s).

  wserver-client.py SOCKET [--expect RESULT] COMMAND ARGS...

Commands (MACs as aa:bb:cc:dd:ee:ff; each sends one request on one connection
and prints the reply as `TYPE result N` (`id N` too for add):
  snr A B DB          errprob A B P       specprob A B P (every size and rate)
  pos MAC X Y Z       txpower MAC DBM     gain MAC DBI      height MAC M
  gaussian MAC V      medium MAC ID       add MAC           del MAC
  delid INDEX         shutdown            raw HEX (prints the reply's bytes in hex)
The byte layouts are the fork's, as mininet-wifi's connector packs them
(network order, no padding). --expect: exit 1 unless the result is RESULT.
"""
import socket
import struct
import sys


def mac(s):
    b = bytes(int(x, 16) for x in s.split(":"))
    if len(b) != 6:
        raise SystemExit("bad MAC: " + s)
    return b


def fixed(p):
    """The fork's 1.31 fixed point, encoded correctly (mininet-wifi's own encoder is not)."""
    p = float(p)
    ip = int(p)
    return (ip << 31) + int((p - ip) * (1 << 31))


REPLY = {1: 19, 3: 9, 5: 7, 7: 13, 9: 19, 11: 14, 13: 21, 15: 13, 17: 13, 19: 13, 21: 13, 23: 13}


def request(argv):
    cmd, a = argv[0], argv[1:]
    if cmd == "snr":
        return struct.pack("!B6s6si", 1, mac(a[0]), mac(a[1]), int(a[2]))
    if cmd == "errprob":
        return struct.pack("!B6s6sI", 9, mac(a[0]), mac(a[1]), fixed(a[2]))
    if cmd == "specprob":
        return struct.pack("!B6s6s144I", 11, mac(a[0]), mac(a[1]), *([fixed(a[2])] * 144))
    if cmd == "pos":
        return struct.pack("!B6sfff", 13, mac(a[0]), float(a[1]), float(a[2]), float(a[3]))
    if cmd in ("txpower", "gain", "height", "medium"):
        t = {"txpower": 15, "gain": 17, "height": 19, "medium": 23}[cmd]
        return struct.pack("!B6si", t, mac(a[0]), int(a[1]))
    if cmd == "gaussian":
        return struct.pack("!B6sf", 21, mac(a[0]), float(a[1]))
    if cmd == "add":
        return struct.pack("!B6s", 7, mac(a[0]))
    if cmd == "del":
        return struct.pack("!B6s", 3, mac(a[0]))
    if cmd == "delid":
        return struct.pack("!Bi", 5, int(a[0]))
    if cmd == "shutdown":
        return b"\x00"
    if cmd == "raw":
        return bytes.fromhex(a[0])
    raise SystemExit("unknown command: " + cmd)


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        part = s.recv(n - len(buf))
        if not part:
            break
        buf += part
    return buf


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        raise SystemExit(__doc__)
    path, args = args[0], args[1:]
    want = None
    if args[0] == "--expect":
        want, args = int(args[1]), args[2:]
    req = request(args)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    s.sendall(req)
    if args[0] == "raw":
        try:
            out = s.recv(4096)
        except socket.timeout:
            out = b""
        print(out.hex())
        return 0
    if args[0] == "shutdown":
        # No reply: the server closes the connection.
        print("closed" if recv_exact(s, 1) == b"" else "answered")
        return 0
    rep = recv_exact(s, REPLY[req[0]])
    if len(rep) != REPLY[req[0]] or rep[0] != req[0] + 1:
        print("bad reply:", rep.hex())
        return 2
    if req[0] != 11 and rep[1:1 + len(req)] != req:
        print("reply does not echo the request:", rep.hex())
        return 2
    result = rep[-1]
    extra = ""
    if req[0] == 7:
        extra = " id %d" % struct.unpack("!i", rep[8:12])[0]
    print("%s result %d%s" % (args[0], result, extra))
    return 0 if want is None or result == want else 1


if __name__ == "__main__":
    sys.exit(main())
