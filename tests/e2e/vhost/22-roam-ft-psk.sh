# host-side
# Roaming with FT-PSK (802.11r over the air; each AP derives the keys from
# the PSK itself): a station VM walks from one AP to the other and moves by
# FT authentication and reassociation, no 4-way handshake. The roam in the
# events and the capture, data after it, the ping gap (roam.sh).
VARIANT=ft-psk
. "$WM_TOP/tests/e2e/vhost/roam.sh"
