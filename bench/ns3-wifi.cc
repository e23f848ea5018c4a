// ns3-wifi: one point of bench/throughput-vs-snr in ns-3, for comparison
// with the medium. Two scenarios, one point per run, one result line:
//
//   ns3-wifi link STANDARD NSS SNR tcp|udp SECONDS [SEED]
//       an AP and one station at a fixed SNR, the station sending to the AP
//   ns3-wifi hidden STANDARD SNR rts|norts SECONDS [SEED]
//       an AP and two stations that cannot hear each other, both sending
//       UDP at saturation to the AP, with or without RTS/CTS; at 11g with
//       54 Mbit/s data and RTS at 11 Mbit/s, as mac80211 in hostapd's BSS
//
// STANDARD: 11g (2.4 GHz, channel 1, Minstrel), ht20 (2.4 GHz, channel 1),
// ht40 (5 GHz, 36+40), vht80 (5 GHz, 36-48); HT and VHT use MinstrelHt and
// ns-3's default A-MPDU settings. SNR is in dB over the 20 MHz noise floor,
// as the medium's `snr` links are.
//
// The PHY is set up to see what the medium sees (docs/medium.md, phy.md):
// - received power is exact: a matrix loss model gives each pair the loss
//   that puts the signal at (20 MHz noise floor + SNR), or -200 dBm for a
//   pair that must not hear each other;
// - noise is the medium's: -174 dBm/Hz + 10 log10(bandwidth) + 7 dB. ns-3
//   computes kT from its own Boltzmann constant at 290 K (-173.976 dBm/Hz),
//   so its noise figure is set 0.024 dB lower to land on the same floor;
// - NistErrorRateModel, the model the medium's PER tables follow;
// - a preamble is detected at 4 dB SNR with no absolute RSSI floor (ns-3's
//   default floor of -82 dBm would hide every frame below 12 dB SNR), and
//   energy detection at -82 dBm, as the medium's carrier sense.
//
// Output, key=value on one line: the goodput the receiver's sink counted
// over SECONDS (as iperf3's receiver figure), the data mode the station
// used most in the second half of the run, and the mean number of MPDUs per
// data PPDU (A-MPDU aggregation).

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <vector>
#include <string>

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/mobility-module.h"
#include "ns3/network-module.h"
#include "ns3/propagation-module.h"
#include "ns3/wifi-module.h"

using namespace ns3;

namespace {

const char *const usage =
	"usage: ns3-wifi link STANDARD NSS SNR tcp|udp SECONDS [SEED]\n"
	"       ns3-wifi hidden STANDARD SNR rts|norts SECONDS [SEED]\n"
	"STANDARD: 11g, ht20, ht40, vht80; NSS 1..4 (1 for 11g); SNR in dB over\n"
	"the 20 MHz noise floor; SECONDS of traffic after one second of set-up.\n";

// The medium's noise (src/core/prop.c prop_noise_dbm, medium.c's default
// noise figure) and ns-3's thermal noise (InterferenceHelper: k = 1.3803e-23,
// 290 K).
constexpr double medium_noise_figure_db = 7.0;
constexpr double tx_power_dbm = 20.0;
constexpr double deaf_rx_dbm = -200.0;
constexpr uint16_t port = 5201;
constexpr uint32_t udp_payload = 1472;	// a 1500-byte IP packet, as iperf3 -l 1472
constexpr double start_s = 1.0;		// association and ARP first

struct standard {
	const char *name;
	WifiStandard std;
	const char *channel;	// ns-3's ChannelSettings {number, width, band, primary20}
	double max_mbps_1ss;	// highest PHY rate of one stream, long GI: sets the UDP offer
};

const standard standards[] = {
	{ "11g", WIFI_STANDARD_80211g, "{1, 20, BAND_2_4GHZ, 0}", 54.0 },
	{ "ht20", WIFI_STANDARD_80211n, "{1, 20, BAND_2_4GHZ, 0}", 65.0 },
	{ "ht40", WIFI_STANDARD_80211n, "{38, 40, BAND_5GHZ, 0}", 135.0 },
	{ "vht80", WIFI_STANDARD_80211ac, "{42, 80, BAND_5GHZ, 0}", 390.0 },
};

struct options {
	bool hidden = false;
	const standard *std = nullptr;
	unsigned nss = 1;
	double snr_db = 0;
	bool tcp = false;
	bool rts = false;
	double seconds = 0;
	unsigned seed = 1;
};

// parse_* print one message naming what failed and the value, and return false.
bool parse_double(const char *what, const char *s, double lo, double hi, double *out)
{
	char *end;
	errno = 0;
	double v = std::strtod(s, &end);
	if (errno || end == s || *end || !std::isfinite(v) || v < lo || v > hi) {
		std::fprintf(stderr, "ns3-wifi: %s must be a number in [%g, %g]: `%s'\n", what, lo,
			     hi, s);
		return false;
	}
	*out = v;
	return true;
}

bool parse_unsigned(const char *what, const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long v = std::strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < lo || v > hi) {
		std::fprintf(stderr, "ns3-wifi: %s must be an integer in [%u, %u]: `%s'\n", what, lo,
			     hi, s);
		return false;
	}
	*out = static_cast<unsigned>(v);
	return true;
}

bool parse_standard(const char *s, const standard **out)
{
	for (const standard &st : standards) {
		if (std::string(s) == st.name) {
			*out = &st;
			return true;
		}
	}
	std::fprintf(stderr, "ns3-wifi: unknown standard (11g, ht20, ht40, vht80): `%s'\n", s);
	return false;
}

bool parse_choice(const char *what, const char *s, const char *yes, const char *no, bool *out)
{
	if (std::string(s) == yes || std::string(s) == no) {
		*out = std::string(s) == yes;
		return true;
	}
	std::fprintf(stderr, "ns3-wifi: %s must be %s or %s: `%s'\n", what, yes, no, s);
	return false;
}

bool parse_args(int argc, char **argv, options *o)
{
	if (argc < 2) {
		std::fputs(usage, stderr);
		return false;
	}
	std::string mode = argv[1];
	if (mode == "link") {
		if (argc != 7 && argc != 8) {
			std::fputs(usage, stderr);
			return false;
		}
		if (!parse_standard(argv[2], &o->std) ||
		    !parse_unsigned("NSS", argv[3], 1, 4, &o->nss) ||
		    !parse_double("SNR", argv[4], -20, 80, &o->snr_db) ||
		    !parse_choice("traffic", argv[5], "tcp", "udp", &o->tcp) ||
		    !parse_double("SECONDS", argv[6], 0.1, 3600, &o->seconds) ||
		    (argc == 8 && !parse_unsigned("SEED", argv[7], 1, 1000000, &o->seed)))
			return false;
		if (o->std->std == WIFI_STANDARD_80211g && o->nss != 1) {
			std::fprintf(stderr, "ns3-wifi: 11g has one spatial stream: `%s'\n", argv[3]);
			return false;
		}
		return true;
	}
	if (mode == "hidden") {
		if (argc != 6 && argc != 7) {
			std::fputs(usage, stderr);
			return false;
		}
		o->hidden = true;
		return parse_standard(argv[2], &o->std) &&
		       parse_double("SNR", argv[3], -20, 80, &o->snr_db) &&
		       parse_choice("RTS/CTS", argv[4], "rts", "norts", &o->rts) &&
		       parse_double("SECONDS", argv[5], 0.1, 3600, &o->seconds) &&
		       (argc == 6 || parse_unsigned("SEED", argv[6], 1, 1000000, &o->seed));
	}
	std::fprintf(stderr, "ns3-wifi: unknown scenario (link, hidden): `%s'\n", argv[1]);
	return false;
}

// What the stations put on the air: data PPDUs per mode, counted in the
// second half of the run (where rate control has settled), and MPDUs in them.
struct tx_watch {
	Time from;
	std::map<std::string, uint64_t> ppdus_by_mode;
	uint64_t ppdus = 0;
	uint64_t mpdus = 0;
};

void on_psdu_begin(tx_watch *w, WifiConstPsduMap psdus, WifiTxVector txv, double)
{
	if (Simulator::Now() < w->from)
		return;
	for (const auto &p : psdus) {
		if (!p.second->GetHeader(0).IsData())
			continue;
		// VHT names its MCS without the streams; HT's index counts them.
		std::string mode = txv.GetMode().GetUniqueName();
		if (txv.GetMode().GetModulationClass() == WIFI_MOD_CLASS_VHT)
			mode += "x" + std::to_string(txv.GetNss());
		w->ppdus_by_mode[mode]++;
		w->ppdus++;
		w->mpdus += p.second->GetNMpdus();
	}
}


// The loss that puts a 20 dBm signal at the medium's 20 MHz noise floor + SNR.
double loss_for_snr(double snr_db)
{
	double rx_dbm = -174.0 + 10.0 * std::log10(20e6) + medium_noise_figure_db + snr_db;
	return tx_power_dbm - rx_dbm;
}

void set_up_phy(YansWifiPhyHelper *phy, const options &o)
{
	// ns-3's floor is k·290 K·B·NF with its own k; this NF makes it -174 dBm/Hz + 7 dB.
	double ns3_kt_dbm_hz = 10.0 * std::log10(1.3803e-23 * 290.0 * 1e3);
	phy->Set("RxNoiseFigure", DoubleValue(medium_noise_figure_db + (-174.0 - ns3_kt_dbm_hz)));
	phy->Set("TxPowerStart", DoubleValue(tx_power_dbm));
	phy->Set("TxPowerEnd", DoubleValue(tx_power_dbm));
	phy->Set("CcaEdThreshold", DoubleValue(-82.0));
	phy->Set("RxSensitivity", DoubleValue(-200.0));
	phy->Set("ChannelSettings", StringValue(o.std->channel));
	phy->Set("Antennas", UintegerValue(o.nss));
	phy->Set("MaxSupportedTxSpatialStreams", UintegerValue(o.nss));
	phy->Set("MaxSupportedRxSpatialStreams", UintegerValue(o.nss));
	phy->SetErrorRateModel("ns3::NistErrorRateModel");
	phy->SetPreambleDetectionModel("ns3::ThresholdPreambleDetectionModel", "Threshold",
				       DoubleValue(4.0), "MinimumRssi", DoubleValue(-200.0));
}

int run(const options &o)
{
	RngSeedManager::SetSeed(1);
	RngSeedManager::SetRun(o.seed);
	// Linux's segments (1500-byte MTU, timestamps) and room for the window.
	Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
	Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(4 << 20));
	Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(4 << 20));

	unsigned nsta = o.hidden ? 2 : 1;
	NodeContainer ap, stas;
	ap.Create(1);
	stas.Create(nsta);
	MobilityHelper mobility;
	mobility.SetMobilityModel("ns3::ConstantPositionMobilityModel");
	mobility.Install(ap);
	mobility.Install(stas);

	Ptr<MatrixPropagationLossModel> loss = CreateObject<MatrixPropagationLossModel>();
	loss->SetDefaultLoss(tx_power_dbm - deaf_rx_dbm);
	for (unsigned i = 0; i < nsta; i++)
		loss->SetLoss(ap.Get(0)->GetObject<MobilityModel>(),
			      stas.Get(i)->GetObject<MobilityModel>(), loss_for_snr(o.snr_db));
	Ptr<YansWifiChannel> channel = CreateObject<YansWifiChannel>();
	channel->SetPropagationLossModel(loss);
	channel->SetPropagationDelayModel(CreateObject<ConstantSpeedPropagationDelayModel>());

	YansWifiPhyHelper phy;
	phy.SetChannel(channel);
	set_up_phy(&phy, o);

	WifiHelper wifi;
	wifi.SetStandard(o.std->std);
	// RTS/CTS for every data frame, or never.
	UintegerValue rts(o.rts ? 0 : 65535);
	if (o.hidden && o.std->std == WIFI_STANDARD_80211g)
		// Minstrel sends RTS at the lowest rate, 1 Mbit/s; mac80211 at the
		// fastest basic rate not above the data rate, 11 Mbit/s CCK in
		// hostapd's 802.11g BSS. At 40 dB both stations send at 54.
		wifi.SetRemoteStationManager("ns3::ConstantRateWifiManager", "RtsCtsThreshold", rts,
					     "DataMode", StringValue("ErpOfdmRate54Mbps"),
					     "ControlMode", StringValue("DsssRate11Mbps"));
	else if (o.std->std == WIFI_STANDARD_80211g)
		wifi.SetRemoteStationManager("ns3::MinstrelWifiManager", "RtsCtsThreshold", rts);
	else
		wifi.SetRemoteStationManager("ns3::MinstrelHtWifiManager", "RtsCtsThreshold", rts);

	WifiMacHelper mac;
	Ssid ssid("wm-bench");
	mac.SetType("ns3::StaWifiMac", "Ssid", SsidValue(ssid));
	NetDeviceContainer sta_devs = wifi.Install(phy, mac, stas);
	mac.SetType("ns3::ApWifiMac", "Ssid", SsidValue(ssid));
	NetDeviceContainer ap_devs = wifi.Install(phy, mac, ap);

	InternetStackHelper internet;
	internet.Install(ap);
	internet.Install(stas);
	Ipv4AddressHelper addrs;
	addrs.SetBase("10.99.0.0", "255.255.255.0");
	Ipv4InterfaceContainer ap_if = addrs.Assign(ap_devs);
	addrs.Assign(sta_devs);

	// One sink per station on the AP, so the hidden pair is counted apart.
	Time start = Seconds(start_s), stop = Seconds(start_s + o.seconds);
	const char *proto = o.tcp ? "ns3::TcpSocketFactory" : "ns3::UdpSocketFactory";
	std::vector<Ptr<PacketSink>> sinks;
	for (unsigned i = 0; i < nsta; i++) {
		uint16_t p = port + i;
		PacketSinkHelper sink(proto, InetSocketAddress(Ipv4Address::GetAny(), p));
		ApplicationContainer a = sink.Install(ap);
		a.Start(Seconds(0));
		sinks.push_back(DynamicCast<PacketSink>(a.Get(0)));
		AddressValue dst(InetSocketAddress(ap_if.GetAddress(0), p));
		ApplicationContainer c;
		if (o.tcp) {
			BulkSendHelper bulk(proto, Address());
			bulk.SetAttribute("Remote", dst);
			c = bulk.Install(stas.Get(i));
		} else {
			// Saturation: more than the fastest rate can carry.
			OnOffHelper onoff(proto, Address());
			onoff.SetAttribute("Remote", dst);
			onoff.SetConstantRate(DataRate(static_cast<uint64_t>(
						      1.5e6 * o.std->max_mbps_1ss * o.nss)),
					      udp_payload);
			c = onoff.Install(stas.Get(i));
		}
		c.Start(start);
		c.Stop(stop);
	}

	tx_watch watch;
	watch.from = Seconds(start_s + o.seconds / 2);
	for (unsigned i = 0; i < nsta; i++) {
		Ptr<WifiNetDevice> dev = DynamicCast<WifiNetDevice>(sta_devs.Get(i));
		dev->GetPhy()->TraceConnectWithoutContext("PhyTxPsduBegin",
							  MakeBoundCallback(&on_psdu_begin, &watch));
	}

	// Bytes counted at `stop`: what arrives later was not sent in the window.
	std::vector<uint64_t> rx(nsta);
	Simulator::Schedule(stop, [&]() {
		for (unsigned i = 0; i < nsta; i++)
			rx[i] = sinks[i]->GetTotalRx();
	});
	Simulator::Stop(stop + MilliSeconds(1));
	Simulator::Run();
	Simulator::Destroy();

	uint64_t total = 0;
	for (uint64_t b : rx)
		total += b;
	std::string mode = "none";
	uint64_t most = 0;
	for (const auto &m : watch.ppdus_by_mode) {
		if (m.second > most) {
			most = m.second;
			mode = m.first;
		}
	}
	double mpdus = watch.ppdus ? static_cast<double>(watch.mpdus) / watch.ppdus : 0.0;
	auto mbps = [&](uint64_t bytes) { return bytes * 8.0 / o.seconds / 1e6; };

	if (o.hidden) {
		std::printf("ns3 hidden standard=%s snr=%g rts=%s seconds=%g mbps=%.2f sta1=%.2f "
			    "sta2=%.2f mode=%s mpdus_per_ppdu=%.1f\n",
			    o.std->name, o.snr_db, o.rts ? "on" : "off", o.seconds, mbps(total),
			    mbps(rx[0]), mbps(rx[1]), mode.c_str(), mpdus);
	} else {
		std::printf("ns3 link standard=%s nss=%u snr=%g traffic=%s seconds=%g mbps=%.2f "
			    "mode=%s mpdus_per_ppdu=%.1f\n",
			    o.std->name, o.nss, o.snr_db, o.tcp ? "tcp" : "udp", o.seconds,
			    mbps(total), mode.c_str(), mpdus);
	}
	return 0;
}

} // namespace

int main(int argc, char **argv)
{
	options o;
	if (!parse_args(argc, argv, &o))
		return 2;
	return run(o);
}
