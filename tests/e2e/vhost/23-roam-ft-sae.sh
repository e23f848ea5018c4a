# host-side
# Roaming with FT-SAE (802.11r over the air after an SAE association; AP1
# pushes PMK-R1 to AP2): a station VM walks from one AP to the other and
# moves by FT authentication and reassociation. The roam in the events and
# the capture, data after it, the ping gap (roam.sh).
VARIANT=ft-sae
. "$WM_TOP/tests/e2e/vhost/roam.sh"
