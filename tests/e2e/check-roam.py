#!/usr/bin/env python3
"""Check that a station roamed from AP1 to AP2: in wifimedium's frame events
and, with tshark, in its capture.

  check-roam.py --events FILE --capture FILE --sta MAC --ap1 MAC --ap2 MAC ALG

ALG is how the station authenticates to AP2: open (WPA2-PSK), sae or ft
(802.11r over the air). Events (wifimedium-ctl --json events): the station's
association with AP1 on AP1's channel, then, on AP2's channel, an
authentication with ALG both ways that AP2 ends with
success (transaction 2), a reassociation request to AP2 and AP2's
response, each acknowledged, in that order. Capture: the same exchange with
its contents: the authentication algorithm and status, the reassociation
request naming AP1 as the current AP (and the mobility domain for ft), and
a successful response. Prints what failed and exits 1.
"""
import argparse
import json
import subprocess
import sys

ALGS = {"open": 0, "ft": 2, "sae": 3}


def fail(msg):
    print("check-roam: " + msg)
    sys.exit(1)


def first(frames, start, **want):
    """Index of the first frame at or after start whose fields match."""
    for i in range(start, len(frames)):
        if all(frames[i].get(k) == v for k, v in want.items()):
            return i
    return None


def check_events(path, sta, ap1, ap2, alg):
    ev = []
    with open(path) as f:
        for line in f:
            if line.strip():
                ev.append(json.loads(line))
    frames = [e for e in ev if e.get("event") == "frame" and e.get("next") in ("ack", "done")]
    freq = {}
    for e in ev:
        if e.get("event") == "frame" and e.get("from") in (ap1, ap2):
            freq.setdefault(e["from"], e["freq"])
    if freq.get(ap1) == freq.get(ap2) or None in (freq.get(ap1), freq.get(ap2)):
        fail(f"events: the APs are not on two channels: {freq}")
    i = first(frames, 0, type="assoc-req", **{"from": sta, "to": ap1, "freq": freq[ap1]})
    if i is None:
        fail("events: no acknowledged association request from the station to AP1")
    steps = [("auth", sta, ap2), ("auth", ap2, sta), ("reassoc-req", sta, ap2),
             ("reassoc-resp", ap2, sta)]
    for kind, src, dst in steps:
        want = {"type": kind, "from": src, "to": dst, "freq": freq[ap2]}
        if kind == "auth":
            want["auth_alg"] = alg
        if src == ap2 and kind == "auth":
            # The answer that completes it (open, FT: the second; SAE: the confirm).
            want.update(auth_seq=2, status=0)
        j = first(frames, i + 1, **want)
        if j is None:
            fail(f"events: no acknowledged {kind} {src} > {dst} on {freq[ap2]} MHz "
                 f"{'with algorithm %d ' % alg if kind == 'auth' else ''}after event {i}")
        i = j
        if kind == "auth" and src == sta:
            start = frames[j]["time_us"]
    # How long the station was away on the air: from its first authentication
    # frame to AP2 to the last frame of the new keys (FT: the reassociation
    # response; otherwise message 4 of the 4-way handshake that follows).
    end = frames[i]["time_us"]
    if alg != ALGS["ft"]:
        for _ in range(2):
            i = first(frames, i + 1, type="eapol", **{"from": sta, "to": ap2})
            if i is None:
                fail("events: no 4-way handshake with AP2 after the reassociation")
        end = frames[i]["time_us"]
    print(f"check-roam: the roam took {(end - start) / 1000:.1f} ms on the air")
    return freq


FIELDS = ["frame.number", "radiotap.channel.freq", "wlan.fc.type_subtype", "wlan.ta", "wlan.ra",
          "wlan.fixed.auth.alg", "wlan.fixed.auth_seq", "wlan.fixed.status_code",
          "wlan.fixed.current_ap", "wlan.mobility_domain.mdid"]


def check_capture(path, sta, ap1, ap2, alg, freq2):
    cmd = ["tshark", "-r", path, "-Y", "wlan.fc.type_subtype <= 3 || wlan.fc.type_subtype == 11",
           "-T", "fields", "-E", "separator=/t", "-E", "occurrence=f"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    if "tshark:" in out.stderr:
        fail("tshark complained: " + out.stderr.strip())
    rows = []
    for line in out.stdout.splitlines():
        v = line.split("\t")
        v += [""] * (len(FIELDS) - len(v))
        rows.append(dict(zip(FIELDS, v)))

    def find(start, what, **want):
        for k in range(start, len(rows)):
            if all(rows[k][f] == v for f, v in want.items()):
                return k
        fail(f"capture: no {what} after record {rows[start - 1]['frame.number'] if start else 0}")

    freq2 = str(freq2)
    i = find(0, "association request from the station to AP1",
             **{"wlan.fc.type_subtype": "0x0000", "wlan.ta": sta, "wlan.ra": ap1})
    i = find(i + 1, f"authentication (algorithm {alg}) from the station to AP2",
             **{"wlan.fc.type_subtype": "0x000b", "wlan.ta": sta, "wlan.ra": ap2,
                "radiotap.channel.freq": freq2, "wlan.fixed.auth.alg": str(alg),
                "wlan.fixed.auth_seq": "0x0001"})
    i = find(i + 1, f"successful authentication (algorithm {alg}) from AP2",
             **{"wlan.fc.type_subtype": "0x000b", "wlan.ta": ap2, "wlan.ra": sta,
                "radiotap.channel.freq": freq2, "wlan.fixed.auth.alg": str(alg),
                "wlan.fixed.auth_seq": "0x0002", "wlan.fixed.status_code": "0x0000"})
    want = {"wlan.fc.type_subtype": "0x0002", "wlan.ta": sta, "wlan.ra": ap2,
            "radiotap.channel.freq": freq2, "wlan.fixed.current_ap": ap1}
    i = find(i + 1, "reassociation request to AP2 naming AP1 as the current AP", **want)
    if alg == ALGS["ft"] and not rows[i]["wlan.mobility_domain.mdid"]:
        fail(f"capture: record {rows[i]['frame.number']}: no mobility domain in the FT reassociation")
    find(i + 1, "successful reassociation response from AP2",
         **{"wlan.fc.type_subtype": "0x0003", "wlan.ta": ap2, "wlan.ra": sta,
            "wlan.fixed.status_code": "0x0000"})


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--events", required=True)
    p.add_argument("--capture", required=True)
    p.add_argument("--sta", required=True)
    p.add_argument("--ap1", required=True)
    p.add_argument("--ap2", required=True)
    p.add_argument("alg", choices=sorted(ALGS))
    a = p.parse_args()
    alg = ALGS[a.alg]
    freq = check_events(a.events, a.sta, a.ap1, a.ap2, alg)
    check_capture(a.capture, a.sta, a.ap1, a.ap2, alg, freq[a.ap2])


if __name__ == "__main__":
    main()
