/* SPDX-License-Identifier: MIT */
/*
 * Arbitrary bytes as a config file: config_load_string must not crash,
 * leak or read outside the input, whatever the text. On success the
 * summary printer walks the result too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "daemon/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/*
 * libconfig 1.5 (Debian 12) leaks a string token that bison discards on a
 * syntax error (hyperrealm/libconfig#142, fixed in 1.7 by PR #155). Only
 * the scanner's string buffers are excused; a missing config_destroy() would still
 * show as leaked settings.
 */
const char *__lsan_default_suppressions(void)
{
	return "leak:strbuf_append\nleak:libconfig_yylex\n";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	struct wm_config cfg;
	struct config_errors errs;

	if (!sink)
		sink = fopen("/dev/null", "w");
	config_errors_init(&errs);
	if (config_load_string((const char *)data, size, "fuzz.cfg", &cfg, &errs) == 0) {
		if (sink)
			config_summary(&cfg, sink);
		config_free(&cfg);
	}
	if (sink)
		config_errors_print(&errs, sink);
	config_errors_free(&errs);
	return 0;
}
