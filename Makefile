# The two commands of the README, plus the usual ones.
#   make          build (installs missing Debian build packages when run as root)
#   make check    every test suite: unit, sanitizers, fuzzing, end to end
#   make demo     three VMs (an AP, two stations) on one simulated air
#   make bench    the core benchmark, the machine's wake-up floor, and a quick
#                 throughput sweep beside ns-3
#   make install  install (meson install; DESTDIR= and PREFIX= as usual)
#   make deb      the Debian packages, in build-deb/ (dpkg-buildpackage)
#   make check-package  build them, lintian, install into a fresh root (root)

BUILD ?= build
PREFIX ?= /usr/local

all:
	@scripts/deps build
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD) >/dev/null
	@ninja -C $(BUILD)

check:
	@scripts/check

demo:
	@scripts/demo

# The core's own speed, what a wake-up costs on this machine (the floor
# under the daemon's cost per frame), then a quick throughput-vs-SNR sweep between VMs
# beside ns-3 (a few minutes; bench/throughput-vs-snr without --quick for
# every point). ns-3 installed after the build was configured needs a
# reconfigure for meson to find it.
bench: all
	$(BUILD)/bench/bench-core
	$(BUILD)/bench/wake-floor
	@scripts/deps bench
	@[ -x $(BUILD)/bench/ns3-wifi ] || { meson setup --reconfigure $(BUILD) >/dev/null && ninja -C $(BUILD) >/dev/null; }
	bench/throughput-vs-snr --quick $(BUILD)

install:
	@scripts/deps build
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD) >/dev/null
	@meson configure $(BUILD) --prefix $(PREFIX) >/dev/null
	@meson install -C $(BUILD) $(if $(DESTDIR),--destdir $(DESTDIR))

deb:
	@scripts/build-deb

check-package:
	@tests/package/test-deb.sh

clean:
	rm -rf build build-* *.setup.log *.ninja.log

.PHONY: all check demo bench install deb check-package clean
