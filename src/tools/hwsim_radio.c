/* SPDX-License-Identifier: MIT */
/*
 * hwsim-radio: add, delete and list the local kernel's mac80211_hwsim radios
 * over generic netlink (HWSIM_CMD_NEW_RADIO, DEL_RADIO, GET_RADIO).
 *
 * Why it exists: hwsim numbers radios from 0 in every kernel and derives
 * their addresses from that number, so every guest's radio 0 is
 * 02:00:00:00:00:00 and radios of different guests collide on a shared
 * medium. `add --mac` and `add --mac-prefix` give each radio an address of
 * its own (PERM_ADDR), which hwsim then also uses as the radio's identity
 * (addresses[1], the ADDR_TRANSMITTER of its frames).
 *
 * The kernel answers only for radios of the caller's network namespace, and
 * sysfs (where phy addresses and netdevs are read) shows the namespace it
 * was mounted in: run the tool where the radios are (`ip netns exec`
 * remounts /sys). See docs/hwsim-radio.md.
 */

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest/hwsim_nl.h"
#include "guest/sysfs.h"
#include "util/util.h"

#define HR_PROG "hwsim-radio"
#define HR_NAME_MAX HWSIM_RADIO_NAME_MAX	/* a phy name, without its NUL */

#define HR_CHANNELS_MAX 255	/* our bound: hwsim takes any u32 >= 1 */
#define HR_INDEX_MAX 0xffff	/* --mac-prefix puts a 16-bit index in octets 4 and 5 */
#define HR_NETDEVS_MAX 256

enum {
	HR_EXIT_OK = 0,
	HR_EXIT_FAIL = 1,	/* the kernel or the system said no */
	HR_EXIT_USAGE = 2,	/* the command line is wrong: nothing was done */
};

/* ----------------------------------------------------------------- output */

/* The kernel's hwsim family: 0, or -errno after saying why. */
static int hr_open(struct hwsim_nl **nl)
{
	const char *why = NULL;
	int ret = hwsim_nl_open(nl, &why);

	if (ret == -ENOENT)
		fprintf(stderr, HR_PROG ": %s\n", why);
	else if (ret < 0)
		fprintf(stderr, HR_PROG ": %s: %s\n", why, strerror(-ret));
	return ret;
}

static const char *hr_flags(const struct hwsim_nl_radio *r, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s%s%s", r->p2p ? "p2p," : "", r->chanctx ? "chanctx," : "",
		 r->strict_reg ? "strict-reg," : "", r->alpha2[0] ? "reg=" : "",
		 r->alpha2[0] ? r->alpha2 : "");
	if (!buf[0])
		return "-";
	if (buf[strlen(buf) - 1] == ',')
		buf[strlen(buf) - 1] = '\0';
	return buf;
}

static void hr_print_header(void)
{
	printf("%-5s %-12s %-17s %-17s %-12s %-3s %s\n", "ID", "PHY", "ADDRESS", "IDENTITY",
	       "NETDEV", "CH", "FLAGS");
}

/* One radio: the columns of `list`, also what `add` prints. */
static void hr_print_radio(const struct hwsim_nl_radio *r)
{
	uint8_t perm[ETH_ALEN], ident[ETH_ALEN];
	char a[MAC_STR_LEN] = "-", b[MAC_STR_LEN] = "-", nd[HR_NETDEVS_MAX], fl[64];
	int n = r->phy[0] ? sysfs_phy_addrs(r->phy, perm, ident) : -ENOENT;

	if (n >= 1)
		mac_format(perm, a);
	if (n == 2)
		mac_format(ident, b);
	sysfs_phy_netdevs(r->phy, nd, sizeof(nd));
	printf("%-5u %-12s %-17s %-17s %-12s %-3u %s\n", r->id, r->phy[0] ? r->phy : "-", a, b,
	       nd, r->channels, hr_flags(r, fl, sizeof(fl)));
}

/* A kernel error, in words a user acts on. */
static const char *hr_hint(int err)
{
	switch (-err) {
	case EPERM:
		return "needs CAP_NET_ADMIN";
	case ENODEV:
		return "no such radio in this network namespace";
	case EOPNOTSUPP:
		return "not supported by this kernel";
	default:
		return NULL;
	}
}

/* "what: strerror (kernel text; hint)" on one line. */
static void hr_report(const struct hwsim_nl *nl, const char *what, int err)
{
	const char *hint = hr_hint(err);
	const char *ext = hwsim_nl_ext_msg(nl);

	fprintf(stderr, HR_PROG ": %s: %s%s%s%s%s%s\n", what, strerror(-err),
		ext || hint ? " (" : "", ext ? ext : "", ext && hint ? "; " : "", hint ? hint : "",
		ext || hint ? ")" : "");
}

/* ----------------------------------------------------------- command line */

static int hr_parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno || *end || *out < min || *out > max ? -EINVAL : 0;
}

/* A radio's address: six octets, unicast, not zero (what hwsim accepts). */
static int hr_parse_mac(const char *s, uint8_t mac[ETH_ALEN])
{
	static const uint8_t zero[ETH_ALEN];

	if (mac_parse(s, mac) < 0) {
		fprintf(stderr, HR_PROG ": invalid MAC address (want six hex octets, "
			"aa:bb:cc:dd:ee:ff): `%s'\n", s);
		return -EINVAL;
	}
	if (mac[0] & 1) {
		fprintf(stderr, HR_PROG ": invalid MAC address (a group address: bit 0 of the "
			"first octet is set): `%s'\n", s);
		return -EINVAL;
	}
	if (mac_equal(mac, zero)) {
		fprintf(stderr, HR_PROG ": invalid MAC address (all zero): `%s'\n", s);
		return -EINVAL;
	}
	return 0;
}

/*
 * --mac-prefix: three octets; the first must be locally administered
 * (bit 1 set) and unicast (bit 0 clear), so no generated address can be a
 * vendor's or a group address.
 */
static int hr_parse_prefix(const char *s, uint8_t prefix[3])
{
	char full[MAC_STR_LEN + 8];
	uint8_t mac[ETH_ALEN];

	if (strlen(s) != 8 || snprintf(full, sizeof(full), "%s:00:00:00", s) < 0 ||
	    mac_parse(full, mac) < 0) {
		fprintf(stderr, HR_PROG ": invalid MAC prefix (want three hex octets, "
			"e.g. 02:aa:01): `%s'\n", s);
		return -EINVAL;
	}
	if ((mac[0] & 3) != 2) {
		fprintf(stderr, HR_PROG ": invalid MAC prefix (the first octet must be locally "
			"administered unicast: bit 1 set, bit 0 clear, e.g. 02, 06, 0a, fe): `%s'\n",
			s);
		return -EINVAL;
	}
	memcpy(prefix, mac, 3);
	return 0;
}

/* A radio name hwsim and sysfs take whole: 1..64 printable characters, no '/' or space. */
static int hr_parse_name(const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++) {
		if (!isgraph((unsigned char)s[i]) || s[i] == '/') {
			n = 0;
			break;
		}
	}
	if (n == 0 || n > HR_NAME_MAX || !strcmp(s, ".") || !strcmp(s, "..")) {
		fprintf(stderr, HR_PROG ": invalid radio name (1..%d printable characters, "
			"no '/' or spaces): `%s'\n", HR_NAME_MAX, s);
		return -EINVAL;
	}
	return 0;
}

struct hr_cmd {
	const char *name;
	int (*run)(const struct hr_cmd *cmd, int argc, char **argv);
	const char *args;	/* synopsis after the name */
	const char *summary;
	const char *help;	/* the options, for `CMD --help` */
};

static void hr_cmd_usage(const struct hr_cmd *cmd, FILE *f)
{
	fprintf(f, "Usage: " HR_PROG " %s %s\n%s\n%s", cmd->name, cmd->args, cmd->summary,
		cmd->help);
}

/*
 * getopt_long over a command's own arguments (argv[0] is its name). Prints
 * unknown options and missing arguments itself; returns the option or -1.
 */
static int hr_getopt(const struct hr_cmd *cmd, int argc, char **argv, const char *shortopts,
		     const struct option *longopts)
{
	int c;

	opterr = 0;
	c = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (c == '?' || c == ':')
		fprintf(stderr, HR_PROG " %s: %s: `%s' (see " HR_PROG " %s --help)\n", cmd->name,
			c == ':' ? "option needs a value" : "unknown option", argv[optind - 1],
			cmd->name);
	return c;
}

/* ------------------------------------------------------------------- add */

struct hr_add {
	bool have_mac, have_prefix, no_vif, p2p;
	uint8_t mac[ETH_ALEN];
	uint8_t prefix[3];
	unsigned long count, first, channels;	/* channels 0: the kernel's default */
	const char *name;
};

/* The address of radio i of this invocation; false for the kernel's default. */
static bool hr_add_addr(const struct hr_add *a, unsigned long i, uint8_t mac[ETH_ALEN])
{
	unsigned long idx = a->first + i;

	if (a->have_mac) {
		memcpy(mac, a->mac, ETH_ALEN);
		return true;
	}
	if (!a->have_prefix)
		return false;
	/* Octets 4 and 5 carry the index, as in hwsim's own addresses; the last is 0. */
	memcpy(mac, a->prefix, 3);
	mac[3] = (uint8_t)(idx >> 8);
	mac[4] = (uint8_t)idx;
	mac[5] = 0;
	return true;
}

/* The name of radio i: --name, with the index appended when there are several. */
static void hr_add_name(const struct hr_add *a, unsigned long i, char *name, size_t size)
{
	name[0] = '\0';
	if (a->name && a->count == 1)
		snprintf(name, size, "%s", a->name);
	else if (a->name)
		snprintf(name, size, "%s%lu", a->name, a->first + i);
}

/*
 * Create one radio; on success *r describes it. 0, or -errno after
 * printing why.
 */
static int hr_add_one(struct hwsim_nl *nl, const struct hr_add *a, unsigned long i,
		      struct hwsim_nl_radio *r)
{
	struct hwsim_msg msg = { 0 };
	struct hwsim_nl_radios got = { 0 };
	char name[HR_NAME_MAX + 1], what[HR_NAME_MAX + 64], mac[MAC_STR_LEN], phy[HR_NAME_MAX + 1];
	uint32_t id;
	int ret;

	hr_add_name(a, i, name, sizeof(name));
	if (hr_add_addr(a, i, msg.perm_addr)) {
		msg.attrs |= HWSIM_BIT(HWSIM_ATTR_PERM_ADDR);
		snprintf(what, sizeof(what), "cannot add a radio with address %s",
			 mac_format(msg.perm_addr, mac));
		/*
		 * The kernel takes an address in use: hwsim's hash insert of
		 * identities does no duplicate check (6.1's rhashtable_insert_fast,
		 * despite its comment), and the copy then receives the original's
		 * frames. So we refuse what a phy of this namespace has, as
		 * address or identity; other namespaces' phys are out of sight.
		 */
		if (sysfs_phy_by_addr(msg.perm_addr, phy) == 0) {
			fprintf(stderr, HR_PROG ": %s: %s (%s in this namespace has it)\n", what,
				strerror(EEXIST), phy);
			return -EEXIST;
		}
	} else {
		snprintf(what, sizeof(what), "cannot add a radio");
	}
	if (a->channels) {
		msg.attrs |= HWSIM_BIT(HWSIM_ATTR_CHANNELS);
		msg.channels = (uint32_t)a->channels;
	}
	if (name[0]) {
		msg.attrs |= HWSIM_BIT(HWSIM_ATTR_RADIO_NAME);
		msg.radio_name = name;
		msg.radio_name_len = (uint32_t)strlen(name);
	}
	if (a->no_vif)
		msg.attrs |= HWSIM_BIT(HWSIM_ATTR_NO_VIF);
	if (a->p2p)
		msg.attrs |= HWSIM_BIT(HWSIM_ATTR_SUPPORT_P2P_DEVICE);

	ret = hwsim_nl_new_radio(nl, &msg, &id);
	if (ret < 0) {
		hr_report(nl, what, ret);
		return ret;
	}
	/* The phy's name (the kernel's choice, or ours) comes from GET_RADIO. */
	ret = hwsim_nl_get_radios(nl, id, &got);
	if (ret == 0 && got.n != 1)
		ret = -ENODEV;
	if (ret < 0) {
		hr_report(nl, "added a radio but cannot read it back", ret);
		hwsim_nl_del_radio(nl, id, NULL);
		free(got.v);
		return ret;
	}
	*r = got.v[0];
	free(got.v);
	/*
	 * cfg80211 silently falls back to phyN when a name is taken (or is
	 * phyM of another number); scripts that asked for a name must get it.
	 */
	if (name[0] && strcmp(name, r->phy)) {
		fprintf(stderr, HR_PROG ": cannot add a radio named `%s': the name is taken, or is "
			"phyN with another number (the kernel named it %s; removed)\n", name, r->phy);
		hwsim_nl_del_radio(nl, r->id, NULL);
		return -EEXIST;
	}
	return 0;
}

static int hr_cmd_add(const struct hr_cmd *cmd, int argc, char **argv)
{
	enum { O_MAC = 0x100, O_PREFIX, O_COUNT, O_FIRST, O_NAME, O_CHANNELS, O_NO_VIF, O_P2P };
	static const struct option opts[] = {
		{ "mac", required_argument, NULL, O_MAC },
		{ "mac-prefix", required_argument, NULL, O_PREFIX },
		{ "count", required_argument, NULL, O_COUNT },
		{ "first", required_argument, NULL, O_FIRST },
		{ "name", required_argument, NULL, O_NAME },
		{ "channels", required_argument, NULL, O_CHANNELS },
		{ "no-vif", no_argument, NULL, O_NO_VIF },
		{ "p2p", no_argument, NULL, O_P2P },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hr_add a = { .count = 1 };
	struct hwsim_nl_radio *made;
	unsigned long n = 0;
	bool have_first = false;
	struct hwsim_nl *nl;
	int c, ret = 0;

	while ((c = hr_getopt(cmd, argc, argv, ":h", opts)) != -1) {
		switch (c) {
		case O_MAC:
			if (hr_parse_mac(optarg, a.mac) < 0)
				return HR_EXIT_USAGE;
			a.have_mac = true;
			break;
		case O_PREFIX:
			if (hr_parse_prefix(optarg, a.prefix) < 0)
				return HR_EXIT_USAGE;
			a.have_prefix = true;
			break;
		case O_COUNT:
			if (hr_parse_uint(optarg, 1, HR_INDEX_MAX + 1, &a.count) < 0) {
				fprintf(stderr, HR_PROG ": invalid count (1..%d): `%s'\n",
					HR_INDEX_MAX + 1, optarg);
				return HR_EXIT_USAGE;
			}
			break;
		case O_FIRST:
			if (hr_parse_uint(optarg, 0, HR_INDEX_MAX, &a.first) < 0) {
				fprintf(stderr, HR_PROG ": invalid first index (0..%d): `%s'\n",
					HR_INDEX_MAX, optarg);
				return HR_EXIT_USAGE;
			}
			have_first = true;
			break;
		case O_NAME:
			if (hr_parse_name(optarg) < 0)
				return HR_EXIT_USAGE;
			a.name = optarg;
			break;
		case O_CHANNELS:
			if (hr_parse_uint(optarg, 1, HR_CHANNELS_MAX, &a.channels) < 0) {
				fprintf(stderr, HR_PROG ": invalid channel count (1..%d): `%s'\n",
					HR_CHANNELS_MAX, optarg);
				return HR_EXIT_USAGE;
			}
			break;
		case O_NO_VIF:
			a.no_vif = true;
			break;
		case O_P2P:
			a.p2p = true;
			break;
		case 'h':
			hr_cmd_usage(cmd, stdout);
			return HR_EXIT_OK;
		default:
			return HR_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, HR_PROG " add: unexpected argument: `%s'\n", argv[optind]);
		return HR_EXIT_USAGE;
	}
	if (a.have_mac && a.have_prefix) {
		fprintf(stderr, HR_PROG " add: --mac and --mac-prefix exclude each other\n");
		return HR_EXIT_USAGE;
	}
	if (a.have_mac && a.count > 1) {
		fprintf(stderr, HR_PROG " add: --count %lu with one --mac: use --mac-prefix\n",
			a.count);
		return HR_EXIT_USAGE;
	}
	if (have_first && !a.have_prefix) {
		fprintf(stderr, HR_PROG " add: --first numbers --mac-prefix addresses: "
			"give --mac-prefix\n");
		return HR_EXIT_USAGE;
	}
	if (a.first + a.count - 1 > HR_INDEX_MAX) {
		fprintf(stderr, HR_PROG " add: --first %lu --count %lu runs past index %d\n",
			a.first, a.count, HR_INDEX_MAX);
		return HR_EXIT_USAGE;
	}
	if (a.name && a.count > 1) {
		char last[HR_NAME_MAX + 32];

		snprintf(last, sizeof(last), "%s%lu", a.name, a.first + a.count - 1);
		if (hr_parse_name(last) < 0)
			return HR_EXIT_USAGE;
	}

	if (hr_open(&nl) < 0)
		return HR_EXIT_FAIL;
	made = xreallocarray(NULL, a.count, sizeof(*made));
	for (; n < a.count; n++) {
		ret = hr_add_one(nl, &a, n, &made[n]);
		if (ret < 0)
			break;
	}
	if (ret < 0) {
		/* All or nothing: a half-made set of radios is harder to clean up than none. */
		for (unsigned long i = 0; i < n; i++)
			if (hwsim_nl_del_radio(nl, made[i].id, NULL) < 0)
				fprintf(stderr, HR_PROG ": could not remove radio %u again\n",
					made[i].id);
	} else {
		for (unsigned long i = 0; i < n; i++)
			hr_print_radio(&made[i]);
	}
	free(made);
	hwsim_nl_close(nl);
	return ret < 0 ? HR_EXIT_FAIL : HR_EXIT_OK;
}

/* ------------------------------------------------------------------- del */

/* A target of `del`: a radio id, a phy name, or an address. */
struct hr_target {
	const char *arg;
	int64_t id;		/* -1 when named */
	bool by_addr;
	uint8_t mac[ETH_ALEN];
};

static int hr_parse_target(const char *s, struct hr_target *t)
{
	unsigned long id;

	t->arg = s;
	t->id = -1;
	t->by_addr = false;
	if (isdigit((unsigned char)s[0]) && strspn(s, "0123456789") == strlen(s)) {
		if (hr_parse_uint(s, 0, UINT32_MAX, &id) < 0) {
			fprintf(stderr, HR_PROG ": invalid radio id (0..%u): `%s'\n", UINT32_MAX, s);
			return -EINVAL;
		}
		t->id = (int64_t)id;
		return 0;
	}
	/* Only the MAC syntax makes an address; "aa:bb" falls through to a name. */
	if (strlen(s) == MAC_STR_LEN - 1 && mac_parse(s, t->mac) == 0) {
		t->by_addr = true;
		return 0;
	}
	return hr_parse_name(s);
}

static int hr_cmd_del(const struct hr_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hr_target *t;
	struct hwsim_nl *nl;
	int c, n, fails = 0;

	while ((c = hr_getopt(cmd, argc, argv, ":h", opts)) != -1) {
		if (c != 'h')
			return HR_EXIT_USAGE;
		hr_cmd_usage(cmd, stdout);
		return HR_EXIT_OK;
	}
	n = argc - optind;
	if (n < 1) {
		fprintf(stderr, HR_PROG " del: which radio? (see " HR_PROG " del --help)\n");
		return HR_EXIT_USAGE;
	}
	t = xcalloc((size_t)n, sizeof(*t));
	/* Every argument is checked before any radio goes. */
	for (int i = 0; i < n; i++) {
		if (hr_parse_target(argv[optind + i], &t[i]) < 0) {
			free(t);
			return HR_EXIT_USAGE;
		}
	}
	if (hr_open(&nl) < 0) {
		free(t);
		return HR_EXIT_FAIL;
	}
	for (int i = 0; i < n; i++) {
		char phy[HR_NAME_MAX + 1], what[HR_NAME_MAX + 64];
		int ret;

		snprintf(what, sizeof(what), "cannot delete radio %s", t[i].arg);
		if (t[i].by_addr && sysfs_phy_by_addr(t[i].mac, phy) < 0) {
			fprintf(stderr, HR_PROG ": %s: no phy in this network namespace has that "
				"address\n", what);
			fails++;
			continue;
		}
		ret = hwsim_nl_del_radio(nl, t[i].id, t[i].by_addr ? phy : t[i].arg);
		if (ret < 0) {
			hr_report(nl, what, ret);
			fails++;
		}
	}
	hwsim_nl_close(nl);
	free(t);
	return fails ? HR_EXIT_FAIL : HR_EXIT_OK;
}

/* ------------------------------------------------------------------ list */

static int hr_cmd_list(const struct hr_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hwsim_nl_radios list = { 0 };
	struct hwsim_nl *nl;
	int c, ret;

	while ((c = hr_getopt(cmd, argc, argv, ":h", opts)) != -1) {
		if (c != 'h')
			return HR_EXIT_USAGE;
		hr_cmd_usage(cmd, stdout);
		return HR_EXIT_OK;
	}
	if (optind < argc) {
		fprintf(stderr, HR_PROG " list: unexpected argument: `%s'\n", argv[optind]);
		return HR_EXIT_USAGE;
	}
	if (hr_open(&nl) < 0)
		return HR_EXIT_FAIL;
	ret = hwsim_nl_get_radios(nl, -1, &list);
	if (ret < 0) {
		hr_report(nl, "cannot list the radios", ret);
	} else {
		hr_print_header();
		for (size_t i = 0; i < list.n; i++)
			hr_print_radio(&list.v[i]);
	}
	free(list.v);
	hwsim_nl_close(nl);
	return ret < 0 ? HR_EXIT_FAIL : HR_EXIT_OK;
}

/* ------------------------------------------------------------------ main */

static const struct hr_cmd hr_cmds[] = {
	{ "add", hr_cmd_add, "[--mac MAC | --mac-prefix XX:XX:XX [--count N] [--first I]] "
	  "[--name NAME] [--channels N] [--no-vif] [--p2p]",
	  "Create radios; print one line per radio: ID PHY ADDRESS IDENTITY NETDEV CH FLAGS.",
	  "\n"
	  "  --mac MAC             the radio's address and its identity on the medium\n"
	  "                        (unicast, not zero); default: the kernel's own,\n"
	  "                        02:00:00:II:ii:00 from the radio id, identity 42:..\n"
	  "  --mac-prefix P        addresses P:II:ii:00, II:ii = 16-bit index from --first;\n"
	  "                        P's first octet must be locally administered unicast\n"
	  "                        (bit 1 set, bit 0 clear: 02, 06, 0a, .., fe)\n"
	  "  --count N             create N radios (default 1), all or none\n"
	  "  --first I             index of the first --mac-prefix address (default 0)\n"
	  "  --name NAME           the phy's name; with --count N > 1, NAME then the index\n"
	  "                        (default: the kernel's phyN)\n"
	  "  --channels N          concurrent channels, 1..255 (default: the module's, 1);\n"
	  "                        N > 1 uses channel contexts, which netlink media refuse\n"
	  "  --no-vif              create no network interface\n"
	  "  --p2p                 support a P2P device interface\n"
	  "  -h, --help            this help\n" },
	{ "del", hr_cmd_del, "ID|NAME|MAC...",
	  "Delete radios of this network namespace, by radio id, phy name or address.",
	  "\n"
	  "  ID                    the radio id `add' and `list' print\n"
	  "  NAME                  the phy name (phy3, or what --name gave)\n"
	  "  MAC                   the phy's address or identity, looked up in sysfs\n"
	  "  -h, --help            this help\n" },
	{ "list", hr_cmd_list, "",
	  "List this network namespace's radios: ID PHY ADDRESS IDENTITY NETDEV CH FLAGS.",
	  "\n"
	  "ADDRESS and IDENTITY come from sysfs (/sys/class/ieee80211/PHY/addresses):\n"
	  "run where /sys belongs to this namespace (ip netns exec does that).\n"
	  "  -h, --help            this help\n" },
};

static const struct hr_cmd *hr_find_cmd(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(hr_cmds); i++)
		if (!strcmp(hr_cmds[i].name, name))
			return &hr_cmds[i];
	return NULL;
}

static void hr_usage(FILE *f)
{
	fprintf(f, "Usage: " HR_PROG " COMMAND [ARGS]\n"
		"Manage this kernel's mac80211_hwsim radios over generic netlink.\n\n");
	for (size_t i = 0; i < ARRAY_SIZE(hr_cmds); i++)
		fprintf(f, "  %-6s %s\n", hr_cmds[i].name, hr_cmds[i].summary);
	fprintf(f, "\n" HR_PROG " COMMAND --help for its options; " HR_PROG " -V, --version "
		"the version.\nExit status: 0 done, 1 refused or failed, 2 usage error.\n"
		"Manual: hwsim-radio(8).\n");
}

int main(int argc, char **argv)
{
	const struct hr_cmd *cmd;

	if (argc < 2) {
		hr_usage(stderr);
		return HR_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf(HR_PROG " %s\n", WM_VERSION);
		return HR_EXIT_OK;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		if (argc > 2 && !strcmp(argv[1], "help")) {
			cmd = hr_find_cmd(argv[2]);
			if (!cmd) {
				fprintf(stderr, HR_PROG ": unknown command: `%s'\n", argv[2]);
				return HR_EXIT_USAGE;
			}
			hr_cmd_usage(cmd, stdout);
			return HR_EXIT_OK;
		}
		hr_usage(stdout);
		return HR_EXIT_OK;
	}
	cmd = hr_find_cmd(argv[1]);
	if (!cmd) {
		fprintf(stderr, HR_PROG ": unknown command: `%s' (see " HR_PROG " --help)\n",
			argv[1]);
		return HR_EXIT_USAGE;
	}
	return cmd->run(cmd, argc - 1, argv + 1);
}
