#!/usr/bin/env python3
"""Check a wifimedium capture with tshark, as a user would read it.

  check-capture.py FILE [--sta MAC --ap MAC] [--retries] [--view CLIENT] [--freq MHZ]

Every record: on the interface named after its channel, radiotap frequency, noise,
a rate (legacy or MCS) and a comment naming the sender and attempt; the sender's
TX power in the TX-power field and no antenna signal, except in a radio's view
(--view) where a record that radio heard carries the signal it received instead.
With --sta/--ap: the station's exchange with the AP appears in order (probe
request, probe response, authentication both ways, association request and
response, the four EAPOL messages, data), ACKs appear as frames. With
--retries: there are retransmissions, each with the Retry bit, following the
earlier attempt of the same frame whose comment says a retry follows. With
--view CLIENT: a radio's view, every record sent by CLIENT or heard by it.
Prints what failed and exits 1.
"""
import argparse
import re
import subprocess
import sys

FIELDS = ["frame.number", "frame.interface_name", "radiotap.channel.freq",
          "radiotap.dbm_antsignal", "radiotap.dbm_antnoise", "radiotap.txpower",
          "radiotap.datarate",
          "radiotap.mcs.index", "wlan.fc.type_subtype", "wlan.fc.retry", "wlan.ta",
          "wlan.ra", "wlan.seq", "_ws.col.Protocol", "frame.comment"]


def records(path):
    cmd = ["tshark", "-r", path, "-T", "fields", "-E", "separator=/t", "-E", "occurrence=f"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    if "tshark:" in out.stderr:
        raise SystemExit("tshark complained: " + out.stderr.strip())
    rows = []
    for line in out.stdout.splitlines():
        v = line.split("\t")
        v += [""] * (len(FIELDS) - len(v))
        rows.append(dict(zip(FIELDS, v)))
    return rows


def fail(msg):
    print("check-capture: " + msg)
    sys.exit(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--sta")
    ap.add_argument("--ap")
    ap.add_argument("--retries", action="store_true")
    ap.add_argument("--view")
    ap.add_argument("--freq", help="every record must be on this channel (a filtered capture)")
    a = ap.parse_args()
    rows = records(a.file)
    if len(rows) < 10:
        fail(f"only {len(rows)} records")
    for r in rows:
        n = r["frame.number"]
        if not r["radiotap.channel.freq"] or r["frame.interface_name"] != r["radiotap.channel.freq"] + " MHz":
            fail(f"record {n}: channel {r['radiotap.channel.freq']} on {r['frame.interface_name']!r}")
        heard = r["frame.comment"].startswith("this radio:") or \
            re.match(r"^\[.*\] this radio:", r["frame.comment"])
        has, hasnt = ("radiotap.dbm_antsignal", "radiotap.txpower") if heard else \
            ("radiotap.txpower", "radiotap.dbm_antsignal")
        for f in (has, "radiotap.dbm_antnoise"):
            if not re.fullmatch(r"-?\d+", r[f]):
                fail(f"record {n}: no {f}")
        if r[hasnt]:
            fail(f"record {n}: {hasnt} {r[hasnt]} in a {'receiver' if heard else 'channel'}'s view")
        if a.freq and r["radiotap.channel.freq"] != a.freq:
            fail(f"record {n}: on {r['radiotap.channel.freq']} MHz in a capture of {a.freq} MHz")
        if not (r["radiotap.datarate"] or r["radiotap.mcs.index"]):
            fail(f"record {n}: no rate")
        if not re.search(r"^(\[.*\] )?(this radio: [^;]*; )?(tx|ack by|block ack by|rts by|cts by) \S+.* attempt \d+", r["frame.comment"]):
            fail(f"record {n}: comment {r['frame.comment']!r}")
    print(f"{len(rows)} records, radiotap and comments complete")

    if a.sta and a.ap:
        sta, apm = a.sta, a.ap
        def first(pred, after, what):
            for i in range(after + 1, len(rows)):
                if pred(rows[i]):
                    return i
            fail(f"no {what} after record {rows[after]['frame.number'] if after >= 0 else 0}")
        st = lambda r: int(r["wlan.fc.type_subtype"], 0) if r["wlan.fc.type_subtype"] else -1
        i = first(lambda r: st(r) == 4 and r["wlan.ta"] == sta, -1, "probe request")
        i = first(lambda r: st(r) == 5 and r["wlan.ra"] == sta, i, "probe response")
        i = first(lambda r: st(r) == 11 and r["wlan.ta"] == sta, i, "authentication (station)")
        i = first(lambda r: st(r) == 11 and r["wlan.ta"] == apm, i, "authentication (AP)")
        i = first(lambda r: st(r) == 0 and r["wlan.ta"] == sta, i, "association request")
        i = first(lambda r: st(r) == 1 and r["wlan.ta"] == apm, i, "association response")
        for k, src in enumerate((apm, sta, apm, sta)):
            i = first(lambda r: r["_ws.col.Protocol"] == "EAPOL" and r["wlan.ta"] == src, i,
                      f"EAPOL message {k + 1}")
        # Data after the handshake is encrypted: QoS data or data from the station.
        i = first(lambda r: st(r) in (0x20, 0x28) and r["wlan.ta"] == sta and
                  r["_ws.col.Protocol"] != "EAPOL", i, "data from the station")
        if not any(st(r) == 0x1d for r in rows):
            fail("no ACK frames")
        if not any("ACK follows" in r["frame.comment"] or "Block Ack follows" in r["frame.comment"]
                   for r in rows):
            fail("no record says an ACK follows")
        print("probe, auth, assoc, EAPOL x4, data in order; ACKs present")

    if a.retries:
        retries = 0
        for i, r in enumerate(rows):
            m = re.search(r"^tx .* attempt (\d+)", r["frame.comment"])
            if not m or int(m.group(1)) < 2:
                continue
            k = int(m.group(1))
            retries += 1
            if r["wlan.fc.retry"] not in ("1", "True"):
                fail(f"record {r['frame.number']}: attempt {k} without the Retry bit")
            # The attempt before: the frame itself, or an RTS that drew no CTS.
            prev = [p for p in rows[:i] if p["wlan.ta"] == r["wlan.ta"] and
                    ((p["wlan.seq"] == r["wlan.seq"] and
                      re.search(rf"^tx .* attempt {k - 1}\b", p["frame.comment"])) or
                     re.search(rf"^rts by .* attempt {k - 1}\b", p["frame.comment"]))]
            if not prev:
                fail(f"record {r['frame.number']}: attempt {k} with no attempt {k - 1} before it")
            p = prev[-1]
            if "retry follows" not in p["frame.comment"]:
                # The earlier attempt's ACK (Block Ack, CTS) may have been the one lost.
                acks = [q for q in rows[rows.index(p) + 1:i]
                        if re.match(r"^(block ack|ack|cts) by ", q["frame.comment"])
                        and "retry follows" in q["frame.comment"]]
                if not acks:
                    fail(f"record {p['frame.number']}: attempt {k - 1} says no retry follows: "
                         f"{p['frame.comment']!r}")
        if retries < 3:
            fail(f"only {retries} retransmissions")
        print(f"{retries} retransmissions, each after its earlier attempt, Retry bit set")

    if a.view:
        for r in rows:
            c = r["frame.comment"]
            c = re.sub(r"^\[\d+ records dropped before this one\] ", "", c)
            if not (c.startswith("this radio: ") or re.match(rf"^(tx|ack by|block ack by|rts by|cts by) \S+ \({re.escape(a.view)}\)", c)):
                fail(f"record {r['frame.number']} is neither sent nor heard by {a.view}: {c!r}")
        print(f"every record sent or heard by {a.view}")


if __name__ == "__main__":
    main()
