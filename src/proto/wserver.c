/* SPDX-License-Identifier: MIT */
#include "proto/wserver.h"

#include <errno.h>
#include <math.h>
#include <string.h>

static const uint8_t req_size[] = {
	[WSERVER_SHUTDOWN] = 1,
	[WSERVER_SNR] = 17,
	[WSERVER_DEL_BY_MAC] = 7,
	[WSERVER_DEL_BY_ID] = 5,
	[WSERVER_ADD] = 7,
	[WSERVER_ERRPROB] = 17,
	[WSERVER_POSITION] = 19,
	[WSERVER_TXPOWER] = 11,
	[WSERVER_GAIN] = 11,
	[WSERVER_HEIGHT] = 11,
	[WSERVER_GAUSSIAN] = 11,
	[WSERVER_MEDIUM] = 11,
};

size_t wserver_req_size(uint8_t type)
{
	if (type == WSERVER_SPECPROB)
		return WSERVER_REQ_MAX;
	return type < sizeof(req_size) ? req_size[type] : 0;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static float get_f32(const uint8_t *p)
{
	uint32_t u = get_be32(p);
	float f;

	memcpy(&f, &u, sizeof(f));
	return f;
}

ssize_t wserver_parse(const uint8_t *buf, size_t len, struct wserver_req *req)
{
	size_t n;

	if (!len)
		return 0;
	n = wserver_req_size(buf[0]);
	if (!n)
		return -EPROTO;
	if (len < n)
		return 0;
	memset(req, 0, sizeof(*req) - sizeof(req->raw));
	req->type = buf[0];
	memcpy(req->raw, buf, n);
	req->len = n;
	switch ((enum wserver_type)req->type) {
	case WSERVER_SHUTDOWN:
		break;
	case WSERVER_SNR:
	case WSERVER_ERRPROB:
		memcpy(req->mac, buf + 1, 6);
		memcpy(req->mac2, buf + 7, 6);
		req->value = (int32_t)get_be32(buf + 13);
		req->fixed = get_be32(buf + 13);
		break;
	case WSERVER_SPECPROB:
		memcpy(req->mac, buf + 1, 6);
		memcpy(req->mac2, buf + 7, 6);
		for (int i = 0; i < WSERVER_SPEC_N; i++)
			req->spec[i] = get_be32(buf + 13 + 4 * i);
		break;
	case WSERVER_DEL_BY_MAC:
	case WSERVER_ADD:
		memcpy(req->mac, buf + 1, 6);
		break;
	case WSERVER_DEL_BY_ID:
		req->value = (int32_t)get_be32(buf + 1);
		break;
	case WSERVER_POSITION:
		memcpy(req->mac, buf + 1, 6);
		for (int i = 0; i < 3; i++)
			req->pos[i] = get_f32(buf + 7 + 4 * i);
		break;
	case WSERVER_TXPOWER:
	case WSERVER_GAIN:
	case WSERVER_HEIGHT:
	case WSERVER_MEDIUM:
		memcpy(req->mac, buf + 1, 6);
		req->value = (int32_t)get_be32(buf + 7);
		break;
	case WSERVER_GAUSSIAN:
		memcpy(req->mac, buf + 1, 6);
		req->fvalue = get_f32(buf + 7);
		break;
	case WSERVER_ERROR:
		return -EPROTO;
	}
	return (ssize_t)n;
}

size_t wserver_reply(const struct wserver_req *req, enum wserver_result result, int32_t id,
		     uint8_t *out)
{
	size_t n = 0;

	if (req->type == WSERVER_SHUTDOWN)
		return 0;
	out[n++] = (uint8_t)(req->type + 1);
	if (req->type == WSERVER_SPECPROB) {
		/* Its 589-byte request is not echoed: the two addresses are. */
		memcpy(out + n, req->mac, 6);
		memcpy(out + n + 6, req->mac2, 6);
		n += 12;
	} else {
		memcpy(out + n, req->raw, req->len);
		n += req->len;
	}
	if (req->type == WSERVER_ADD) {
		put_be32(out + n, (uint32_t)id);
		n += 4;
	}
	out[n++] = (uint8_t)result;
	return n;
}

size_t wserver_error_reply(uint8_t t, uint8_t *out)
{
	out[0] = WSERVER_ERROR;
	out[1] = t;
	return 2;
}

double wserver_fixed_to_double(uint32_t u)
{
	return (double)(u & 0x7fffffffu) / 2147483648.0 + (double)(u >> 31);
}

uint32_t wserver_double_to_fixed(double d)
{
	double ip, fp;

	if (!(d > 0.0))
		return 0;
	if (d >= 2.0)
		return 0xffffffffu;
	fp = modf(d, &ip);
	return (uint32_t)ip << 31 | (uint32_t)(fp * 2147483648.0);
}
