/* SPDX-License-Identifier: MIT */
/*
 * The ns-2 mobility trace parser (ns2trace.h). A line is split into
 * tokens at blanks, a double quote being a token of its own, so that
 * `at 2 "$node_(0) setdest 1 2 3"' and `at 2 " $node_(0) ... "' read the
 * same; then one of three shapes is matched.
 */
#include "core/ns2trace.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

#define MAX_TOKENS 16

struct token {
	const char *s;
	size_t len;
};

/* A token for a message: printable, at most 32 characters. */
static const char *tok_str(const struct token *t, char buf[40])
{
	size_t n = t->len < 32 ? t->len : 32, i;

	for (i = 0; i < n; i++)
		buf[i] = t->s[i] >= 0x20 && t->s[i] < 0x7f ? t->s[i] : '?';
	if (n < t->len)
		buf[i++] = '.', buf[i++] = '.', buf[i++] = '.';
	buf[i] = '\0';
	return buf;
}

static bool tok_is(const struct token *t, const char *s)
{
	return t->len == strlen(s) && !memcmp(t->s, s, t->len);
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Up to MAX_TOKENS tokens of [s, e); MAX_TOKENS + 1 when there are more. */
static size_t tokenize(const char *s, const char *e, struct token *tok)
{
	size_t n = 0;

	while (s < e) {
		const char *b;

		while (s < e && blank(*s))
			s++;
		if (s == e || *s == '#')
			break;
		b = s;
		if (*s == '"')
			s++;
		else
			while (s < e && !blank(*s) && *s != '"' && *s != '#')
				s++;
		if (n == MAX_TOKENS)
			return MAX_TOKENS + 1;
		tok[n++] = (struct token){ b, (size_t)(s - b) };
	}
	return n;
}

/* A plain decimal number (no nan, inf or hex), finite and within limit. */
static bool number(const struct token *t, double limit, double *out)
{
	char buf[64], *end;

	if (!t->len || t->len >= sizeof(buf))
		return false;
	for (size_t i = 0; i < t->len; i++)
		if (!t->s[i] || !strchr("0123456789+-.eE", t->s[i]))
			return false;
	memcpy(buf, t->s, t->len);
	buf[t->len] = '\0';
	*out = strtod(buf, &end);
	return end == buf + t->len && isfinite(*out) && fabs(*out) <= limit;
}

/* $node_(N): 0 no such shape, 1 a node (in *node), -1 a bad index. */
static int node_ref(const struct token *t, uint32_t *node)
{
	static const char pre[] = "$node_(";
	size_t p = sizeof(pre) - 1;
	uint32_t v = 0;

	if (t->len < p || memcmp(t->s, pre, p))
		return 0;
	if (t->len < p + 2 || t->len > p + 7 || t->s[t->len - 1] != ')')
		return -1;
	for (size_t i = p; i < t->len - 1; i++) {
		if (t->s[i] < '0' || t->s[i] > '9')
			return -1;
		v = v * 10 + (uint32_t)(t->s[i] - '0');
	}
	if (v > NS2_TRACE_MAX_NODE)
		return -1;
	*node = v;
	return 1;
}

struct parse {
	struct ns2_trace_entry *v;
	size_t n, cap;
	char *err;
	size_t errlen;
	uint32_t line;
};

/*
 * A node statement: `$node_(N) set X_ V' or `$node_(N) setdest X Y S'
 * (timed only). t[0] is the node reference.
 */
static int node_stmt(struct parse *p, const struct token *t, size_t n, bool timed,
		     uint64_t at_us)
{
	struct ns2_trace_entry e = { .line = p->line, .timed = timed };
	char b[40];
	int r = node_ref(&t[0], &e.node);

	if (r < 0)
		return line_error(p->err, p->errlen, p->line, "bad node `%s' (want $node_(0) to "
			    "$node_(%u))", tok_str(&t[0], b), NS2_TRACE_MAX_NODE);
	e.step.at_us = at_us;
	if (n >= 2 && tok_is(&t[1], "set")) {
		static const char *const axes[] = { "X_", "Y_", "Z_" };
		int k;

		if (n != 4)
			return line_error(p->err, p->errlen, p->line, "`set' wants X_, Y_ or Z_ and a "
				    "value");
		for (k = 0; k < 3 && !tok_is(&t[2], axes[k]); k++)
			;
		if (k == 3)
			return line_error(p->err, p->errlen, p->line, "unknown coordinate `%s' (want "
				    "X_, Y_ or Z_)", tok_str(&t[2], b));
		if (!number(&t[3], NS2_TRACE_POS_LIMIT, &e.step.value))
			return line_error(p->err, p->errlen, p->line, "bad coordinate `%s' (metres, "
				    "|v| <= %g)", tok_str(&t[3], b), NS2_TRACE_POS_LIMIT);
		e.step.op = (enum medium_trace_op)(MEDIUM_TRACE_SET_X + k);
	} else if (n >= 2 && tok_is(&t[1], "setdest")) {
		if (!timed)
			return line_error(p->err, p->errlen, p->line, "setdest outside `$ns_ at TIME'");
		if (n != 5)
			return line_error(p->err, p->errlen, p->line, "setdest wants X Y SPEED");
		for (int k = 0; k < 2; k++)
			if (!number(&t[2 + k], NS2_TRACE_POS_LIMIT, &e.step.dest[k]))
				return line_error(p->err, p->errlen, p->line, "bad coordinate `%s' "
					    "(metres, |v| <= %g)", tok_str(&t[2 + k], b),
					    NS2_TRACE_POS_LIMIT);
		if (!number(&t[4], NS2_TRACE_SPEED_LIMIT, &e.step.speed) || e.step.speed < 0)
			return line_error(p->err, p->errlen, p->line, "bad speed `%s' (m/s, 0 to %g)",
				    tok_str(&t[4], b), NS2_TRACE_SPEED_LIMIT);
		e.step.op = MEDIUM_TRACE_SETDEST;
	} else {
		return line_error(p->err, p->errlen, p->line, "unknown node command `%s' (want set "
			    "or setdest)", n >= 2 ? tok_str(&t[1], b) : "");
	}
	if (p->n == NS2_TRACE_MAX_ENTRIES)
		return line_error(p->err, p->errlen, p->line, "more than %u set and at lines",
			    NS2_TRACE_MAX_ENTRIES);
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		p->v = xreallocarray(p->v, p->cap, sizeof(*p->v));
	}
	p->v[p->n++] = e;
	return 0;
}

/* `$ns_ at TIME " STMT "': the statement is node_stmt's or $god_'s (ignored). */
static int at_stmt(struct parse *p, const struct token *t, size_t n)
{
	double s;
	char b[40];

	if (n < 2 || !tok_is(&t[1], "at"))
		return line_error(p->err, p->errlen, p->line, "want `$ns_ at TIME \"...\"'");
	if (n < 3 || !number(&t[2], NS2_TRACE_MAX_TIME_S, &s) || s < 0)
		return line_error(p->err, p->errlen, p->line, "bad time `%s' (seconds, 0 to %g)",
			    n < 3 ? "" : tok_str(&t[2], b), NS2_TRACE_MAX_TIME_S);
	if (n < 5 || !tok_is(&t[3], "\"") || !tok_is(&t[n - 1], "\""))
		return line_error(p->err, p->errlen, p->line, "want the command in double quotes");
	for (size_t i = 4; i < n - 1; i++)
		if (tok_is(&t[i], "\""))
			return line_error(p->err, p->errlen, p->line, "a quote inside the command");
	if (tok_is(&t[4], "$god_"))
		return 0;
	if (node_ref(&t[4], &(uint32_t){ 0 }) == 0)
		return line_error(p->err, p->errlen, p->line, "unknown command `%s' (want "
			    "$node_(N) setdest or set)", tok_str(&t[4], b));
	return node_stmt(p, t + 4, n - 5, true, (uint64_t)llround(s * 1e6));
}

static int parse_line(struct parse *p, const char *s, const char *e)
{
	struct token t[MAX_TOKENS + 1];
	size_t n;
	char b[40];

	if (e - s > NS2_TRACE_MAX_LINE)
		return line_error(p->err, p->errlen, p->line, "line longer than %u characters",
			    NS2_TRACE_MAX_LINE);
	for (const char *c = s; c < e; c++)
		if (!*c)
			return line_error(p->err, p->errlen, p->line, "NUL byte");
	n = tokenize(s, e, t);
	if (!n)
		return 0;
	if (n > MAX_TOKENS)
		return line_error(p->err, p->errlen, p->line, "more than %u words", MAX_TOKENS);
	if (tok_is(&t[0], "$ns_"))
		return at_stmt(p, t, n);
	if (tok_is(&t[0], "$god_"))
		return 0;
	if (node_ref(&t[0], &(uint32_t){ 0 }) != 0)
		return node_stmt(p, t, n, false, 0);
	return line_error(p->err, p->errlen, p->line, "unknown statement `%s' (want $node_(N) set, "
		    "$ns_ at or $god_)", tok_str(&t[0], b));
}

static int cmp_entry(const void *a, const void *b)
{
	const struct ns2_trace_entry *x = a, *y = b;

	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	if (x->timed != y->timed)
		return x->timed ? 1 : -1;
	if (x->step.at_us != y->step.at_us)
		return x->step.at_us < y->step.at_us ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

int ns2_trace_parse(const char *text, size_t len, struct ns2_trace *t, char *err, size_t errlen)
{
	struct parse p = { .err = err, .errlen = errlen };
	const char *s = text, *end = len ? text + len : text;
	int r = 0;

	*t = (struct ns2_trace){ 0 };
	if (err && errlen)
		err[0] = '\0';
	if (len > NS2_TRACE_MAX_BYTES)
		return line_error(err, errlen, 0, "more than %u bytes", NS2_TRACE_MAX_BYTES);
	while (len && s < end && !r) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));

		p.line++;
		r = parse_line(&p, s, nl ? nl : end);
		s = nl ? nl + 1 : end;
	}
	if (!r && p.n) {
		qsort(p.v, p.n, sizeof(*p.v), cmp_entry);
		/* Timed entries of one node: a run, checked against the core's limit. */
		for (size_t i = 0, run = 0; i < p.n && !r; i++) {
			run = i && p.v[i].node == p.v[i - 1].node && p.v[i - 1].timed ? run + 1 :
									    p.v[i].timed;
			if (run > MEDIUM_MAX_TRACE_STEPS)
				r = line_error(err, errlen, p.v[i].line, "$node_(%u): more than %u timed "
					 "lines", p.v[i].node, MEDIUM_MAX_TRACE_STEPS);
		}
	}
	if (r) {
		free(p.v);
		return r;
	}
	t->v = p.v;
	t->n = p.n;
	return 0;
}

void ns2_trace_free(struct ns2_trace *t)
{
	free(t->v);
	*t = (struct ns2_trace){ 0 };
}
