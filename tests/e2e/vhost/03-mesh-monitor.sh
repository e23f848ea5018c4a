# host-side
# An 802.11s mesh across three VMs in a line, A and C out of each other's
# range (placed by MAC in the config: log-distance, exponent 6), so A
# reaches C through B; a fourth VM only monitors and captures their frames.
cat >"$WM_OUT/line.cfg" <<EOC
ifaces : { ids = [ "02:a0:00:00:00:00", "02:b0:00:00:00:00", "02:c0:00:00:00:00", "02:d0:00:00:00:00" ]; };
model : {
	type = "path_loss";
	positions = ( (0.0, 0.0), (10.0, 0.0), (22.0, 0.0), (11.0, 2.0) );
	tx_powers = (20, 20, 20, 20);
	model_name = "log_distance";
	path_loss_exp = 6.0;
};
EOC
medium_start -c "$WM_OUT/line.cfg"
vm_start mon monitor MAC=02:d0:00:00:00:00 FROM=02:a0:00:00:00:00
check monitor-ready flag_wait_host mon-capturing 60
vm_start b mesh MAC=02:b0:00:00:00:00 IP=10.99.1.2
vm_start c mesh MAC=02:c0:00:00:00:00 IP=10.99.1.3
vm_start a mesh MAC=02:a0:00:00:00:00 IP=10.99.1.1 PING_TO=10.99.1.3 WAIT_FOR=c-joined \
	VIA=b PEER_MAC=02:c0:00:00:00:00 VIA_MAC=02:b0:00:00:00:00
vm_wait a 150
flag_set capture-stop
flag_set stop
vm_wait mon 60
vm_wait b 30
vm_wait c 30
