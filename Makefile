# The two commands of the README, plus the usual ones.
#   make          build (installs missing Debian build packages when run as root)
#   make check    every test suite: unit, sanitizers, fuzzing, end to end
#   make demo     three VMs (an AP, two stations) on one simulated air
#   make bench    the benchmarks in bench/

BUILD ?= build

all:
	@scripts/deps build
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD) >/dev/null
	@ninja -C $(BUILD)

check:
	@scripts/check

demo:
	@scripts/demo

bench: all
	$(BUILD)/bench/bench-core

clean:
	rm -rf build build-* *.setup.log *.ninja.log

.PHONY: all check demo bench clean
