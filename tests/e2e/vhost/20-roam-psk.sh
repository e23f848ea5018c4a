# host-side
# Roaming with WPA2-PSK: a station VM walks from one AP to the other (two
# channels, one SSID) and reassociates on its own (bgscan), with a full
# 4-way handshake at AP2. The roam in the events and the capture, data after
# it, the ping gap it caused (roam.sh).
VARIANT=psk
. "$WM_TOP/tests/e2e/vhost/roam.sh"
