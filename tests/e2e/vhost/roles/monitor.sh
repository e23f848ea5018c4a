# VM role: a radio that only listens, on a monitor interface. MAC; captures
# until the host raises "capture-stop", then counts what it saw from FROM.
ifc=$(radio_new "$MAC")
check radio-created test -n "$ifc"
phy=$(basename "$(readlink -f /sys/class/net/$ifc/phy80211)")
iw phy "$phy" interface add mon0 type monitor
ip link set mon0 up
iw dev mon0 set freq 2412
# hwsim tells the medium about no monitor interface: one interface of the
# radio must be up (and announced) for the medium to know this radio.
ip link set "$ifc" up
tshark -q -i mon0 -w $W/mon.pcapng >$W/tshark.log 2>&1 &
for _ in $(seq 1 150); do grep -q "Capturing on" $W/tshark.log && break; sleep 0.2; done
sleep 1
flag_set "$VM-capturing"
flag_wait capture-stop 150
pkill -INT -x tshark
sleep 1
n=$(tshark -r $W/mon.pcapng -Y "wlan.ta == $FROM" 2>/dev/null | wc -l)
say "captured $n frames from $FROM"
check sees-others-frames test "$n" -ge 5
