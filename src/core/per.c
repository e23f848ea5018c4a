/* SPDX-License-Identifier: MIT */
/*
 * Packet error rate. The AWGN model follows the NIST model (Pei and
 * Kleinschmidt, as ns-3's NistErrorRateModel and DsssErrorRateModel use it):
 * uncoded bit errors per modulation, the hard-decision union bound of the
 * 802.11 convolutional code for its rate, the Barker and CCK processing gain
 * for DSSS. docs/phy.md has the formulas, sources and resulting thresholds.
 *
 * Everything is tabulated once per model as y = ln(-ln P(bit ok)) over SINR:
 * y is smooth in dB where P(bit ok) spans hundreds of decades, so linear
 * interpolation stays accurate at 0.1 dB steps, and a strictly decreasing y
 * gives a PER that never rises with SINR.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/per.h"
#include "util/util.h"

#define SNR_MIN_DB	-20.0
#define SNR_STEP_DB	0.1
#define SNR_POINTS	801		/* -20 .. +60 dB */
#define SNR_CLAMP_DB	1000.0		/* inputs beyond this (and NaN) are clamped */

/* Once P(bit error) is below e^-460 (1e-200) the rest is 0 for any frame. */
#define Y_NEGLIGIBLE	-460.0
/* Smallest step between table entries: keeps y strictly decreasing. */
#define Y_EPS		1e-9

/* ln P(bit ok) for "certainly lost": any frame of one byte or more fails. */
#define LN_LOST		-1000.0

/*
 * wmediumd's -x table (wmediumd/per.c, read_per_file): rows of a received
 * signal in dBm and 12 PERs, one per hwsim legacy rate index of the band;
 * the signal is SNR + NOISE_LEVEL, its fixed noise floor of -91 dBm.
 */
#define TABLE_COLS		12
#define TABLE_MAX_ROWS		4096
#define TABLE_NOISE_DBM		-91.0
#define TABLE_KEY_LIMIT_DBM	1000.0
/*
 * The table's PER applies to PSDUs of this length and scales to others as
 * 1 - (1 - PER)^(len / 1458): the reference length of the 802.11ax
 * evaluation methodology (11-14/0571) PER curves wmediumd's shipped table
 * is derived from, also ns-3's TableBasedErrorRateModel's. wmediumd itself
 * applies the PER unscaled to every length.
 */
#define TABLE_REF_BYTES		1458.0

struct per_model {
	double y[PHY_MC_COUNT][SNR_POINTS];	/* ln(-ln P(bit ok)), strictly decreasing */
	size_t rows;				/* user table rows, 0: AWGN model */
	double *key;				/* signal in dBm, strictly increasing */
	double *p;				/* rows x TABLE_COLS, non-increasing down a column */
};

/* --- AWGN bit error probabilities; g is the SINR as a linear ratio --- */

/* Tail of the standard normal distribution. */
static double q_func(double x)
{
	return 0.5 * erfc(x / M_SQRT2);
}

/*
 * Uncoded Gray-mapped square M-QAM (M = 4 is QPSK), bits per symbol k:
 * Pb = (2 / k)(1 - 1 / sqrt(M)) erfc(sqrt(3 g / (2 (M - 1)))), g = Es/N0
 * per subcarrier (Proakis; the NIST model's GetQamBer). BPSK: 0.5 erfc(sqrt g).
 */
static double ber_qam(unsigned int m, double g)
{
	double k = log2((double)m);

	if (m == 2)
		return 0.5 * erfc(sqrt(g));
	return 2.0 / k * (1.0 - 1.0 / sqrt((double)m)) * erfc(sqrt(3.0 * g / (2.0 * (m - 1))));
}

/*
 * The K = 7 (133, 171) convolutional code and its punctured rates:
 * information-weight spectrum c_d from the free distance up (rate 1/2: even
 * d only), used in the union bound Pb <= 1 / (2 b) * sum c_d D^d with the
 * Bhattacharyya parameter D = sqrt(4 p (1 - p)) of hard decisions on p
 * (Pei and Kleinschmidt; 5/6 from Haccoun and Begin, IEEE Trans. Commun.
 * 32(3), 1984, Table V).
 */
enum conv_code {
	CODE_1_2,
	CODE_2_3,
	CODE_3_4,
	CODE_5_6,
};

static const struct {
	unsigned int b;		/* puncturing period numerator: R = b / (b + 1) */
	unsigned int dfree;
	unsigned int dstep;
	unsigned int n;
	double c[10];
} codes[] = {
	[CODE_1_2] = { 1, 10, 2, 9, { 36, 211, 1404, 11633, 77433, 502690, 3322763,
				      21292910, 134365911 } },
	[CODE_2_3] = { 2, 6, 1, 10, { 3, 70, 285, 1276, 6160, 27128, 117019, 498860,
				      2103891, 8784123 } },
	[CODE_3_4] = { 3, 5, 1, 10, { 42, 201, 1492, 10469, 62935, 379644, 2253373,
				      13073811, 75152755, 428005675 } },
	[CODE_5_6] = { 5, 4, 1, 10, { 92, 528, 8694, 79453, 792114, 7375573, 67884974,
				      610875423, 5427275376.0, 47664215639.0 } },
};

static double ber_coded(enum conv_code code, double p)
{
	double d = sqrt(4.0 * p * (1.0 - p)), step = codes[code].dstep == 2 ? d * d : d;
	double dk = pow(d, codes[code].dfree), sum = 0.0;

	for (unsigned int i = 0; i < codes[code].n; i++, dk *= step)
		sum += codes[code].c[i] * dk;
	sum /= 2.0 * codes[code].b;
	return sum < 0.5 ? sum : 0.5;
}

/*
 * Symbol error probability of 16 biorthogonal signals (8 antipodal pairs)
 * at beta = sqrt(2 Es / N0), Proakis' integral
 *   Pe = 1 - int_{-beta}^{inf} (1 - 2 Q(x + beta))^7 phi(x) dx,
 * rewritten as a sum of positive terms so that small Pe keeps its digits:
 *   Pe = Q(beta) + int_0^inf phi(t - beta) (1 - (1 - 2 Q(t))^7) dt,
 * by Simpson's rule. The integrand peaks near t = beta / 2; past the upper
 * limit both factors are negligible.
 */
static double sep_biorth16(double beta)
{
	const unsigned int n = 64;	/* even; 5e-6 relative error or better */
	double hi = fmax(12.0, 0.5 * beta + 8.0), h = hi / n, sum = 0.0;

	for (unsigned int i = 0; i <= n; i++) {
		double t = i * h, e = t - beta;
		double f = exp(-0.5 * e * e) / sqrt(2.0 * M_PI) *
			   -expm1(7.0 * log1p(-erfc(t / M_SQRT2)));

		sum += f * (i == 0 || i == n ? 1.0 : i % 2 ? 4.0 : 2.0);
	}
	return q_func(beta) + sum * h / 3.0;
}

/*
 * DSSS/CCK. The caller's SINR has its noise over 20 MHz; the despreader sees
 * the noise of the 11 Mchip/s chip rate, 20/11 less, and then gains the
 * chips per bit or symbol: 11 (Barker, 1 Mbit/s DBPSK), 5.5 per bit (Barker,
 * 2 Mbit/s DQPSK), 8 per CCK symbol. Net: Eb/N0 = g * 20 MHz / bit rate,
 * Es/N0 = g * 20 MHz / 1.375 Msymbol/s.
 */
#define DSSS_NOISE_HZ	20e6
#define CCK_SYMBOL_HZ	1.375e6

static double ln_ok_dsss(enum phy_modclass mc, double g)
{
	double x, ber, esn0, sep;

	switch (mc) {
	case PHY_MC_DSSS1:
		/* Differentially coherent BPSK: Pb = exp(-Eb/N0) / 2 */
		x = g * DSSS_NOISE_HZ / 1e6;
		return log1p(-0.5 * exp(-x));
	case PHY_MC_DSSS2:
		/*
		 * Gray-coded DQPSK, the high-SNR form of its Marcum-Q
		 * expression (Proakis; ns-3 DsssErrorRateModel):
		 * Pb = (sqrt 2 + 1) / sqrt(8 pi sqrt 2) / sqrt(x) * exp(-(2 - sqrt 2) x)
		 */
		x = g * DSSS_NOISE_HZ / 2e6;
		ber = (M_SQRT2 + 1.0) / sqrt(8.0 * M_PI * M_SQRT2) / sqrt(x) *
		      exp(-(2.0 - M_SQRT2) * x);
		return log1p(-(ber < 0.5 ? ber : 0.5));
	case PHY_MC_CCK5_5:
		/*
		 * CCK as biorthogonal signalling (the Pei and Kleinschmidt CCK
		 * model in ns-3): 5.5 Mbit/s is 16-ary with 4 bits per symbol,
		 * beta = sqrt(Es/N0); a bit survives with (1 - SEP)^(1/4).
		 */
		esn0 = g * DSSS_NOISE_HZ / CCK_SYMBOL_HZ;
		sep = sep_biorth16(sqrt(esn0));
		return log1p(-fmin(sep, 1.0)) / 4.0;
	case PHY_MC_CCK11:
		/* 11 Mbit/s: two independent 16-ary halves at half the energy each, 8 bits. */
		esn0 = g * DSSS_NOISE_HZ / CCK_SYMBOL_HZ;
		sep = sep_biorth16(sqrt(esn0 / 2.0));
		return 2.0 * log1p(-fmin(sep, 1.0)) / 8.0;
	case PHY_MC_BPSK_1_2:
	case PHY_MC_BPSK_3_4:
	case PHY_MC_QPSK_1_2:
	case PHY_MC_QPSK_3_4:
	case PHY_MC_QAM16_1_2:
	case PHY_MC_QAM16_3_4:
	case PHY_MC_QAM64_2_3:
	case PHY_MC_QAM64_3_4:
	case PHY_MC_QAM64_5_6:
	case PHY_MC_QAM256_3_4:
	case PHY_MC_QAM256_5_6:
	case PHY_MC_COUNT:
		break;
	}
	return 0.0;
}

/* ln P(bit ok) of a modulation class at linear SINR g (per subcarrier for OFDM). */
static double ln_ok_awgn(enum phy_modclass mc, double g)
{
	unsigned int m = 2;
	enum conv_code code = CODE_1_2;

	switch (mc) {
	case PHY_MC_DSSS1:
	case PHY_MC_DSSS2:
	case PHY_MC_CCK5_5:
	case PHY_MC_CCK11:
		return ln_ok_dsss(mc, g);
	case PHY_MC_BPSK_1_2:	m = 2; code = CODE_1_2; break;
	case PHY_MC_BPSK_3_4:	m = 2; code = CODE_3_4; break;
	case PHY_MC_QPSK_1_2:	m = 4; code = CODE_1_2; break;
	case PHY_MC_QPSK_3_4:	m = 4; code = CODE_3_4; break;
	case PHY_MC_QAM16_1_2:	m = 16; code = CODE_1_2; break;
	case PHY_MC_QAM16_3_4:	m = 16; code = CODE_3_4; break;
	case PHY_MC_QAM64_2_3:	m = 64; code = CODE_2_3; break;
	case PHY_MC_QAM64_3_4:	m = 64; code = CODE_3_4; break;
	case PHY_MC_QAM64_5_6:	m = 64; code = CODE_5_6; break;
	case PHY_MC_QAM256_3_4:	m = 256; code = CODE_3_4; break;
	case PHY_MC_QAM256_5_6:	m = 256; code = CODE_5_6; break;
	case PHY_MC_COUNT:
		return 0.0;
	}
	return log1p(-ber_coded(code, ber_qam(m, g)));
}

static void build_table(double *y, enum phy_modclass mc)
{
	for (unsigned int i = 0; i < SNR_POINTS; i++) {
		double v = -INFINITY;

		if (i == 0 || y[i - 1] > Y_NEGLIGIBLE) {
			double l = ln_ok_awgn(mc, pow(10.0, (SNR_MIN_DB + i * SNR_STEP_DB) / 10.0));

			if (l < 0.0)
				v = log(-l);
		}
		/*
		 * Skipped points, underflow (v = -inf), the BER clamp at 0.5
		 * and rounding noise: keep y finite and strictly falling.
		 */
		if (i == 0 && !isfinite(v))
			v = 0.0;
		if (i > 0 && !(isfinite(v) && v < y[i - 1] - Y_EPS))
			v = y[i - 1] - Y_EPS;
		y[i] = v;
	}
}

struct per_model *per_model_new(void)
{
	struct per_model *pm = xcalloc(1, sizeof(*pm));

	for (int mc = 0; mc < PHY_MC_COUNT; mc++)
		build_table(pm->y[mc], (enum phy_modclass)mc);
	return pm;
}

void per_model_free(struct per_model *pm)
{
	if (!pm)
		return;
	free(pm->key);
	free(pm->p);
	free(pm);
}

static double clamp_snr(double s)
{
	if (!(s >= -SNR_CLAMP_DB))	/* NaN too */
		return -SNR_CLAMP_DB;
	return s > SNR_CLAMP_DB ? SNR_CLAMP_DB : s;
}

/*
 * The SINR one spatial stream sees. The transmit power is split evenly over
 * NSS streams, so each gets 1/NSS of it: -10 log10(NSS) dB. No receive
 * array gain is modelled (hwsim radios have no antennas to speak of), which
 * makes an N-stream MCS need 10 log10(N) dB more than its 1-stream twin.
 */
static double stream_snr(const struct phy_rate *r, double sinr_db)
{
	double s = clamp_snr(sinr_db);

	if ((r->mode == PHY_MODE_HT || r->mode == PHY_MODE_VHT) && r->nss > 1)
		s -= 10.0 * log10((double)r->nss);
	return s;
}

static double awgn_ln_bit_ok(const struct per_model *pm, enum phy_modclass mc, double s)
{
	const double *y = pm->y[mc];
	double x = (s - SNR_MIN_DB) / SNR_STEP_DB, v;
	size_t i;

	if (x <= 0.0) {
		v = y[0];
	} else if (x >= SNR_POINTS - 1) {
		v = y[SNR_POINTS - 1];
	} else {
		i = (size_t)x;
		v = y[i] + (x - (double)i) * (y[i + 1] - y[i]);
	}
	return -exp(v);
}

/*
 * wmediumd's semantics, made continuous: below the first row the frame is
 * lost, above the last it is received, between rows the PER is interpolated
 * linearly (wmediumd truncates to the row below; at whole dB keys both agree).
 */
static double table_ln_bit_ok(const struct per_model *pm, const struct phy_rate *r, double s)
{
	size_t col = phy_rx_rate_index(r), lo = 0, hi = pm->rows - 1;
	double k = s + TABLE_NOISE_DBM, p, l;

	if (col >= TABLE_COLS)
		col = TABLE_COLS - 1;
	if (k < pm->key[0])
		return LN_LOST;
	if (k > pm->key[hi])
		return 0.0;
	/* Binary search (O(log rows)): keys need not be evenly spaced. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (pm->key[mid] <= k)
			lo = mid;
		else
			hi = mid;
	}
	p = pm->p[lo * TABLE_COLS + col];
	if (lo + 1 < pm->rows && k > pm->key[lo]) {
		double t = (k - pm->key[lo]) / (pm->key[lo + 1] - pm->key[lo]);

		p += t * (pm->p[(lo + 1) * TABLE_COLS + col] - p);
	}
	if (!(p < 1.0))
		return LN_LOST;
	l = log1p(-p) / (8.0 * TABLE_REF_BYTES);
	return l > LN_LOST ? l : LN_LOST;
}

double per_model_ln_bit_ok(const struct per_model *pm, const struct phy_rate *r, double sinr_db)
{
	double s = stream_snr(r, sinr_db);

	if (pm->rows)
		return table_ln_bit_ok(pm, r, s);
	return awgn_ln_bit_ok(pm, phy_modclass(r), s);
}

double per_model_per(const struct per_model *pm, const struct phy_rate *r, double sinr_db,
		     uint32_t psdu_bytes)
{
	double per;

	if (!psdu_bytes)
		return 0.0;
	per = -expm1(8.0 * psdu_bytes * per_model_ln_bit_ok(pm, r, sinr_db));
	return per < 0.0 ? 0.0 : per > 1.0 ? 1.0 : per;
}

/* --- the -x table loader --- */

struct token {
	const char *s;
	size_t len;
};

/* A token for an error message: printable, at most 32 characters. */
static const char *token_str(const struct token *t, char buf[40])
{
	size_t n = t->len < 32 ? t->len : 32, i;

	for (i = 0; i < n; i++)
		buf[i] = t->s[i] >= 0x20 && t->s[i] < 0x7f ? t->s[i] : '?';
	if (n < t->len)
		buf[i++] = '.', buf[i++] = '.', buf[i++] = '.';
	buf[i] = '\0';
	return buf;
}

/*
 * A plain decimal number: digits, sign, point, exponent. Rejects what strtod
 * would also take (nan, inf, hex) so that every accepted value is finite.
 */
static int parse_number(const struct token *t, double *out)
{
	char buf[64], *end;

	if (t->len >= sizeof(buf))
		return -EINVAL;
	for (size_t i = 0; i < t->len; i++)
		if (!strchr("0123456789+-.eE", t->s[i]) || !t->s[i])
			return -EINVAL;
	memcpy(buf, t->s, t->len);
	buf[t->len] = '\0';
	*out = strtod(buf, &end);
	if (end != buf + t->len || !isfinite(*out))
		return -EINVAL;
	return 0;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Splits [s, e) into at most max tokens; returns how many there were (max + 1 if more). */
static size_t tokenize(const char *s, const char *e, struct token *tok, size_t max)
{
	size_t n = 0;

	while (s < e) {
		const char *b;

		while (s < e && is_blank(*s))
			s++;
		if (s == e || *s == '#')
			break;
		b = s;
		while (s < e && !is_blank(*s) && *s != '#')
			s++;
		if (n == max)
			return max + 1;
		tok[n].s = b;
		tok[n].len = (size_t)(s - b);
		n++;
	}
	return n;
}

int per_model_load_table(struct per_model *pm, const char *text, size_t len, char *err,
			 size_t errlen)
{
	const char *s = "", *end = s;
	size_t rows = 0, cap = 0;
	double *key = NULL, *p = NULL;
	unsigned int line = 0;
	struct token tok[TABLE_COLS + 1];
	char tb[40];
	int rc;

	if (!text && len)
		return line_error(err, errlen, 0, "no text");
	if (text) {
		s = text;
		end = text + len;
	}
	while (s < end || line == 0) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end;
		size_t n = tokenize(s, e, tok, TABLE_COLS + 1);
		double k, v;

		line++;
		s = nl ? nl + 1 : end;
		if (!n)
			continue;
		if (n != TABLE_COLS + 1) {
			rc = n > TABLE_COLS + 1 ?
				line_error(err, errlen, line, "expected a signal level and %d "
				     "probabilities, got more than %d fields", TABLE_COLS, TABLE_COLS + 1) :
				line_error(err, errlen, line, "expected a signal level and %d "
				     "probabilities, got %zu fields", TABLE_COLS, n);
			goto out;
		}
		if (rows == TABLE_MAX_ROWS) {
			rc = line_error(err, errlen, line, "more than %d rows", TABLE_MAX_ROWS);
			goto out;
		}
		if (parse_number(&tok[0], &k) < 0) {
			rc = line_error(err, errlen, line, "bad signal level `%s'", token_str(&tok[0], tb));
			goto out;
		}
		if (fabs(k) > TABLE_KEY_LIMIT_DBM) {
			rc = line_error(err, errlen, line, "signal level %g dBm out of range", k);
			goto out;
		}
		if (rows && !(k > key[rows - 1])) {
			rc = line_error(err, errlen, line, "signal level %g dBm not above the previous "
				  "row's %g dBm", k, key[rows - 1]);
			goto out;
		}
		if (rows == cap) {
			cap = cap ? 2 * cap : 64;
			key = xreallocarray(key, cap, sizeof(*key));
			p = xreallocarray(p, cap, TABLE_COLS * sizeof(*p));
		}
		key[rows] = k;
		for (size_t c = 0; c < TABLE_COLS; c++) {
			if (parse_number(&tok[c + 1], &v) < 0) {
				rc = line_error(err, errlen, line, "bad probability `%s'",
					  token_str(&tok[c + 1], tb));
				goto out;
			}
			if (v < 0.0 || v > 1.0) {
				rc = line_error(err, errlen, line, "probability %g out of [0, 1]", v);
				goto out;
			}
			if (rows && v > p[(rows - 1) * TABLE_COLS + c]) {
				rc = line_error(err, errlen, line, "rate column %zu: PER %g above the "
					  "previous row's %g, PER must not rise with the signal",
					  c, v, p[(rows - 1) * TABLE_COLS + c]);
				goto out;
			}
			p[rows * TABLE_COLS + c] = v;
		}
		rows++;
	}
	if (!rows) {
		rc = line_error(err, errlen, line, "no table rows");
		goto out;
	}
	free(pm->key);
	free(pm->p);
	pm->key = key;
	pm->p = p;
	pm->rows = rows;
	return 0;
out:
	free(key);
	free(p);
	return rc;
}
