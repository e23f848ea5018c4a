# host-side
# Roaming with SAE (WPA3-Personal, PMF required): a station VM walks from
# one AP to the other (two channels, one SSID) and reassociates on its own
# (bgscan), with a new SAE exchange and 4-way handshake at AP2. The roam in
# the events and the capture, data after it, the ping gap (roam.sh).
VARIANT=sae
. "$WM_TOP/tests/e2e/vhost/roam.sh"
