/* SPDX-License-Identifier: MIT */
/*
 * ieee80211_parse(), ieee80211_parse_agg() and ieee80211_parse_basic_rates()
 * on arbitrary bytes: they read within len, or fail.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "proto/ieee80211.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

/* An address field lies wholly inside the frame's header. */
static void check_addr(const uint8_t *a, const uint8_t *in, const struct ieee80211_hdr_info *h)
{
	if (!a)
		return;
	check(a >= in + 4 && a + 6 <= in + h->hdr_len);
	check(a[0] + a[5] >= 0);	/* read it: ASan checks the bytes exist */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *in = malloc(size ? size : 1);
	struct ieee80211_hdr_info h;
	int r;

	if (!in)
		return 0;
	if (size)
		memcpy(in, data, size);
	r = ieee80211_parse(in, size, &h);
	check(r == 0 || r == -EINVAL);
	if (r == 0) {
		check(h.hdr_len >= IEEE80211_MIN_FRAME_LEN && h.hdr_len <= size);
		check_addr(h.addr1, in, &h);
		check_addr(h.addr2, in, &h);
		check_addr(h.addr3, in, &h);
		check_addr(h.addr4, in, &h);
		check(!h.group || h.no_ack);
		check(ieee80211_frame_ac(&h) <= IEEE80211_AC_VO);
		check(ieee80211_frame_name(h.type, h.subtype) != NULL);
		check(!h.has_qos || h.type == IEEE80211_FTYPE_DATA);
		{
			struct medium_agg a;

			ieee80211_parse_agg(in, size, &h, &a);
			check(a.ba <= MEDIUM_BA_OPAQUE && a.ba_tid < 16 && a.ba_win <= 1023);
			check(!a.ht_max_ampdu || (a.ht_max_ampdu >= 8191 && a.ht_max_ampdu <= 65535));
			check(!a.vht_max_ampdu || a.vht_max_ampdu <= 1048575);
			check(a.density_q <= 64);
		}
		{
			bool to;
			uint16_t basic = ieee80211_parse_basic_rates(in, size, &h, &to);

			check(basic < 1u << 12 && (!to || basic));
		}
	}
	free(in);
	return 0;
}
