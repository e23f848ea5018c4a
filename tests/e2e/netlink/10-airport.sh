# radios: 0
# The airport path without a hypervisor: in one guest, wifimedium takes
# agents only (no netlink), and airport takes the medium role for the
# guest's hwsim radios and carries them over a stream. Over a unix socket:
# WPA2 association and ping; the medium restarted under the running
# guest: airport reconnects and traffic resumes. Over TCP with a secret: a
# wrong secret is refused and logged; a garbage-spewing peer is closed
# while the honest agent keeps working. The radios hostapd uses come from
# hwsim-radio and outlive any agent; those an agent makes with --radios
# live as long as it does, so a restarted agent never doubles them.
AP=$WM_BUILD/src/airport
"$WM" -l info --log-file $W/wifimedium.log --airport unix:$W/wm.sock &
WM_PID=$!
sleep 0.5
"$WM_BUILD/src/hwsim-radio" add --mac-prefix 02:a1:00 --count 2 >$W/radios.txt
"$AP" -c unix:$W/wm.sock -N guest1 -l info >$W/airport.log 2>&1 &
AP_PID=$!
for _ in $(seq 1 50); do grep -q "connected as guest1" $W/airport.log && break; sleep 0.1; done
check agent-welcomed grep -q "connected as guest1" $W/airport.log
check medium-saw-agent grep -q "guest guest1 with 0 radios" $W/wifimedium.log

phy_of() { basename "$(dirname "$(grep -l "$1" /sys/class/ieee80211/*/macaddress)")"; }
ns_phy ap "$(phy_of 02:a1:00:00:00:00)"
ns_phy sta "$(phy_of 02:a1:00:00:01:00)"
ifa=$(in_ns ap iw dev | awk '/Interface/ { print $2; exit }')
ifs=$(in_ns sta iw dev | awk '/Interface/ { print $2; exit }')
write_ap_conf $W/ap.conf "$ifa" wm-airport wpa2
write_sta_conf $W/sta.conf wm-airport wpa2
ap_start ap $W/ap.conf
sta_start sta "$ifs" $W/sta.conf
check associated wait_connected sta "$ifs" 30
ip_up ap "$ifa" 10.99.3.1/24
ip_up sta "$ifs" 10.99.3.2/24
check ping ping_ok sta 10.99.3.1
check medium-saw-radios grep -q "guest1: radio 02:a1:00:00:01:00 appeared" $W/wifimedium.log

# The medium restarts under the running guest.
kill "$WM_PID"
wait "$WM_PID"
sleep 1
check_not no-frames-while-away in_ns sta ping -c 2 -W 1 10.99.3.1
"$WM" -l info --log-file $W/wifimedium2.log --airport unix:$W/wm.sock &
WM_PID=$!
for _ in $(seq 1 100); do [ "$(grep -c 'connected as guest1' $W/airport.log)" -ge 2 ] && break; sleep 0.1; done
check agent-reconnected sh -c "[ \$(grep -c 'connected as guest1' $W/airport.log) -ge 2 ]"
ok=1
for _ in $(seq 1 20); do ping_ok sta 10.99.3.1 >/dev/null && ok=0 && break; sleep 1; done
check traffic-resumes test $ok = 0
kill "$WM_PID"
wait "$WM_PID"

# TCP with a secret: TLS; the honest agent's session is made, a wrong secret's is not.
echo "a shared secret for the test" >$W/secret
echo "not the secret at all" >$W/wrong
# Secrets are for the owner's eyes only (tests/cli checks the refusal of others).
chmod 600 $W/secret $W/wrong
"$WM" -l info --log-file $W/wifimedium3.log --airport tcp:127.0.0.1:7373 --secret-file $W/secret &
WM_PID=$!
sleep 0.5
"$AP" -c tcp:127.0.0.1:7373 -N liar -s $W/wrong >$W/airport-liar.log 2>&1 &
LIAR=$!
for _ in $(seq 1 30); do grep -q "TLS handshake failed" $W/airport-liar.log && break; sleep 0.1; done
kill "$LIAR"
# TLS 1.3 with a key from the secret: the wrong one gets no session, on either side.
check wrong-secret-refused grep -q "TLS handshake failed" $W/airport-liar.log
check refusal-logged grep -q "tcp:127.0.0.1: TLS handshake failed" $W/wifimedium3.log
kill "$AP_PID"
wait "$AP_PID"
"$AP" -c tcp:127.0.0.1:7373 -N guest1 -s $W/secret -l info >$W/airport2.log 2>&1 &
AP_PID=$!
for _ in $(seq 1 50); do grep -q "connected as guest1" $W/airport2.log && break; sleep 0.1; done
check right-secret-welcomed grep -q "connected as guest1" $W/airport2.log
check tls-established grep -q "TLS session established" $W/airport2.log
# A peer that spews garbage gets no session either; the honest one carries on.
before=$(grep -c "TLS handshake failed" $W/wifimedium3.log)
bash -c 'head -c 8192 /dev/urandom >/dev/tcp/127.0.0.1/7373' 2>/dev/null
sleep 1
check garbage-peer-closed test "$(grep -c "TLS handshake failed" $W/wifimedium3.log)" -gt "$before"
ok=1
for _ in $(seq 1 20); do ping_ok sta 10.99.3.1 >/dev/null && ok=0 && break; sleep 1; done
check honest-agent-keeps-working test $ok = 0
kill "$AP_PID"

# --radios: made for the agent's run, gone with it (even killed), so a
# restart makes them anew instead of doubling them.
count_radios() { ls /sys/class/mac80211_hwsim | wc -l; }
"$AP" -c tcp:127.0.0.1:7373 -N guest2 -s $W/secret -r 2 -m 02:b2:00 -l info >$W/airport3.log 2>&1 &
AP3=$!
for _ in $(seq 1 50); do grep -q "connected as guest2" $W/airport3.log && break; sleep 0.1; done
check agent-radios-made test "$(count_radios)" = 4
kill -9 "$AP3"
wait "$AP3" 2>/dev/null
for _ in $(seq 1 50); do [ "$(count_radios)" = 2 ] && break; sleep 0.1; done
check agent-radios-gone-with-it test "$(count_radios)" = 2
"$AP" -c tcp:127.0.0.1:7373 -N guest2 -s $W/secret -r 2 -m 02:b2:00 -l info >$W/airport4.log 2>&1 &
AP3=$!
for _ in $(seq 1 50); do grep -q "connected as guest2" $W/airport4.log && break; sleep 0.1; done
check agent-restart-not-doubled test "$(count_radios)" = 4
kill "$AP3"
wait "$AP3"
check agent-stops-cleanly test $? = 0
