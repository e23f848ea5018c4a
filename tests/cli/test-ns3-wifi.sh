#!/bin/sh
# bench/ns3-wifi (built only with ns-3): its arguments, each bad one named
# with exit 2, and one short run of each scenario that must carry traffic
# and print its result line. No timing is judged.
#   test-ns3-wifi.sh NS3-WIFI
NS3=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0

. "$(dirname "$0")/expect.sh"

expect no-arguments 2 "^usage: ns3-wifi link" "$NS3"
expect unknown-scenario 2 "unknown scenario (link, hidden): \`mesh'" "$NS3" mesh 11g 1 40 tcp 1
expect link-too-few 2 "^usage:" "$NS3" link 11g 1 40 tcp
expect link-too-many 2 "^usage:" "$NS3" link 11g 1 40 tcp 1 1 1
expect unknown-standard 2 "unknown standard (11g, ht20, ht40, vht80): \`11b'" "$NS3" link 11b 1 40 tcp 1
expect nss-zero 2 "NSS must be an integer in \[1, 4\]: \`0'" "$NS3" link ht20 0 40 tcp 1
expect nss-five 2 "NSS must be an integer in \[1, 4\]: \`5'" "$NS3" link ht20 5 40 tcp 1
expect nss-negative 2 "NSS must be an integer in \[1, 4\]: \`-1'" "$NS3" link ht20 -1 40 tcp 1
expect 11g-two-streams 2 "11g has one spatial stream: \`2'" "$NS3" link 11g 2 40 tcp 1
expect snr-not-number 2 "SNR must be a number in \[-20, 80\]: \`40dB'" "$NS3" link ht20 1 40dB tcp 1
expect snr-range 2 "SNR must be a number in \[-20, 80\]: \`90'" "$NS3" link ht20 1 90 tcp 1
expect snr-nan 2 "SNR must be a number in \[-20, 80\]: \`nan'" "$NS3" link ht20 1 nan tcp 1
expect traffic 2 "traffic must be tcp or udp: \`sctp'" "$NS3" link ht20 1 40 sctp 1
expect seconds-zero 2 "SECONDS must be a number in \[0.1, 3600\]: \`0'" "$NS3" link ht20 1 40 tcp 0
expect seed-zero 2 "SEED must be an integer in \[1, 1000000\]: \`0'" "$NS3" link ht20 1 40 tcp 1 0
expect hidden-rts 2 "RTS/CTS must be rts or norts: \`on'" "$NS3" hidden 11g 40 on 1
expect hidden-too-few 2 "^usage:" "$NS3" hidden 11g 40 rts
# Short runs: the line's shape, and traffic that got through (mbps not 0.00).
expect link-runs 0 "^ns3 link standard=11g nss=1 snr=40 traffic=udp seconds=0.3 mbps=[1-9][0-9.]* mode=ErpOfdmRate[0-9]*Mbps mpdus_per_ppdu=1.0$" \
	"$NS3" link 11g 1 40 udp 0.3
expect link-ht-aggregates 0 "^ns3 link standard=ht20 nss=2 snr=40 traffic=udp seconds=0.3 mbps=[1-9][0-9.]* mode=HtMcs[0-9]* mpdus_per_ppdu=\([2-9]\|[1-9][0-9]\)" \
	"$NS3" link ht20 2 40 udp 0.3
expect hidden-runs 0 "^ns3 hidden standard=11g snr=40 rts=on seconds=0.3 mbps=[1-9][0-9.]* sta1=[0-9.]* sta2=[0-9.]* mode=" \
	"$NS3" hidden 11g 40 rts 0.3
[ "$fails" = 0 ]
