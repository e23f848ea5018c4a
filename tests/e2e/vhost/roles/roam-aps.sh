# VM role: two access points of one ESS (SSID wm-roam), one radio each on its
# own channel: AP1_MAC on channel 1, AP2_MAC on channel 11, both in one
# hostapd and bridged with this VM's address 10.99.0.1, so a station reaches
# that address through either. VARIANT: psk, sae, ft-psk or ft-sae (802.11r
# over the air, mobility domain 4d57). Serves until the host raises "stop".
if1=$(radio_new "$AP1_MAC")
if2=$(radio_new "$AP2_MAC")
check radios-created test -n "$if1" -a -n "$if2"
ip link add br0 type bridge
ip addr add 10.99.0.1/24 dev br0
ip link set br0 up

# roam_ap_conf IFACE CHANNEL NAS-ID: hostapd's config for one of the two.
roam_ap_conf() {
	echo "interface=$1"
	echo "bridge=br0"
	echo "driver=nl80211"
	echo "ctrl_interface=$W/hostapd"
	echo "ssid=wm-roam"
	echo "hw_mode=g"
	echo "channel=$2"
	echo "ieee80211n=1"
	echo "wmm_enabled=1"
	echo "wpa=2"
	echo "rsn_pairwise=CCMP"
	case $VARIANT in
	psk | ft-psk) echo "wpa_passphrase=correct horse battery" ;;
	sae | ft-sae)
		echo "sae_password=correct horse battery"
		echo "sae_pwe=2"
		echo "ieee80211w=2"
		;;
	esac
	case $VARIANT in
	psk) echo "wpa_key_mgmt=WPA-PSK" ;;
	sae) echo "wpa_key_mgmt=SAE" ;;
	ft-psk) echo "wpa_key_mgmt=FT-PSK" ;;
	ft-sae) echo "wpa_key_mgmt=FT-SAE" ;;
	esac
	case $VARIANT in
	ft-*)
		echo "mobility_domain=4d57"
		echo "ft_over_ds=0"
		echo "nas_identifier=$3"
		echo "r1_key_holder=$(echo "$4" | tr -d :)"
		echo "pmk_r1_push=1"
		;;
	esac
	case $VARIANT in
	# Each AP derives the keys of the other's stations from the PSK itself.
	ft-psk) echo "ft_psk_generate_local=1" ;;
	# Key holders: both APs, with the key they share (RRB within one hostapd).
	ft-sae)
		for kh in "$AP1_MAC ap1.wm-roam" "$AP2_MAC ap2.wm-roam"; do
			set -- $kh
			echo "r0kh=$1 $2 8f1ad2c2e3b8a7e6d5c4b3a291807f6e5d4c3b2a19080706050403020100ffee"
			echo "r1kh=$1 $1 8f1ad2c2e3b8a7e6d5c4b3a291807f6e5d4c3b2a19080706050403020100ffee"
		done
		;;
	esac
}
roam_ap_conf "$if1" 1 ap1.wm-roam "$AP1_MAC" >$W/ap1.conf
roam_ap_conf "$if2" 11 ap2.wm-roam "$AP2_MAC" >$W/ap2.conf
check hostapd hostapd -B -P $W/hostapd.pid -f $W/hostapd.log $W/ap1.conf $W/ap2.conf
flag_set "$VM-ready"
check stopped-by-host flag_wait stop 170
