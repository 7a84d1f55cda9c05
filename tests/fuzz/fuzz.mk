# SPDX-License-Identifier: GPL-2.0
# Fuzzing and sanitizers (included by the Makefile).
#   make fuzz [FUZZ_SECONDS=N]  each libFuzzer target N seconds (default 20)
#   make fuzz-fixed [FUZZ_SEED=N] fixed runs from a fixed seed (make test's)
#   make fuzz-replay            corpus and regression inputs through the same
#                               entry points, without libFuzzer (unit-test runs it)
#   make sanitize               unit tests, replays and host tests with ASan+UBSan
# Each of the last two builds the library again in its own OUTPUT, with clang.

FUZZ_TARGETS := options tracefs pinned btf pcap_expr pcap_cbpf
FUZZ_SECONDS ?= 20
FUZZ_OUT ?= .output-fuzz
SAN_OUT ?= .output-san
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_HELPERS := tests/fuzz/ebpf_run.c tests/fuzz/pcap_check.c
FUZZ_DEPS := $(FUZZ_HELPERS) $(wildcard tests/fuzz/*.h)
REPLAY_BINS := $(patsubst %,$(OUTPUT)/fuzz/replay_%,$(FUZZ_TARGETS))

.PHONY: fuzz fuzz-fixed fuzz-build fuzz-replay sanitize san-build

# $(OUTPUT)/pwru: the same link as ./pwru, for builds that must not replace it
$(OUTPUT)/pwru: $(OUTPUT)/src/main.o $(LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(OUTPUT)/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(FUZZ_DEPS) $(OUTPUT)/libpwru.a
	$(call msg,REPLAY,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -iquote tests/fuzz -o $@ $< tests/fuzz/replay.c $(FUZZ_HELPERS) \
		$(OUTPUT)/libpwru.a $(LDLIBS)

$(OUTPUT)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_DEPS) $(OUTPUT)/libpwru.a
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -fsanitize=fuzzer -iquote tests/fuzz -o $@ $< $(FUZZ_HELPERS) \
		$(OUTPUT)/libpwru.a $(LDLIBS)

$(OUTPUT)/fuzz/mkseed_btf: tests/fuzz/mkseed_btf.c $(OUTPUT)/libpwru.a
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(OUTPUT)/libpwru.a $(LDLIBS)

# timeout: a hang (a BTF cycle once) fails instead of stalling the run
fuzz-replay: $(REPLAY_BINS)
	$(Q)for t in $(FUZZ_TARGETS); do \
		timeout 300 $(OUTPUT)/fuzz/replay_$$t tests/fuzz/corpus/$$t tests/fuzz/regressions/$$t || exit 1; \
	done

unit-test: fuzz-replay

# libFuzzer's own instrumentation on top of the sanitizers, in FUZZ_OUT
fuzz-build:
	$(Q)CFLAGS="-g -O1 $(SAN_FLAGS) -fsanitize=fuzzer-no-link" \
		$(MAKE) --no-print-directory OUTPUT=$(FUZZ_OUT) CC=clang \
		$(patsubst %,$(FUZZ_OUT)/fuzz/fuzz_%,$(FUZZ_TARGETS))

fuzz: fuzz-build
	$(Q)FUZZ_OUT=$(FUZZ_OUT) tests/fuzz/run $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# make test's run: a fixed seed and run count, the same inputs every time
FUZZ_SEED ?= 1
fuzz-fixed: fuzz-build
	$(Q)FUZZ_OUT=$(FUZZ_OUT) FUZZ_SEED=$(FUZZ_SEED) tests/fuzz/run 120 $(FUZZ_TARGETS)

san-build:
	$(Q)CFLAGS="-g -O1 $(SAN_FLAGS)" LDFLAGS="$(SAN_FLAGS)" \
		$(MAKE) --no-print-directory OUTPUT=$(SAN_OUT) CC=clang \
		$(SAN_OUT)/pwru $(patsubst $(OUTPUT)/%,$(SAN_OUT)/%,$(UNIT_BINS) $(REPLAY_BINS))

# Any report fails the run: ASan and UBSan stop at the first (halt_on_error),
# LeakSanitizer's exit code fails the test binary, and each report is also
# written under $(SAN_OUT)/report.* so that one a test ignored (a pwru the
# host tests stopped with a signal) still counts.
SAN_REPORT = $(abspath $(SAN_OUT))/report
SAN_ENV = ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1:log_path=$(SAN_REPORT) \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/fuzz/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=$(SAN_REPORT)

# test_nobtf.sh uses the unsanitized pinned-gen
sanitize: san-build $(OUTPUT)/pinned-gen pwru-static
	$(Q)rm -f $(SAN_REPORT).*
	$(Q)$(SAN_ENV) tests/unit/run $(patsubst $(OUTPUT)/%,$(SAN_OUT)/%,$(UNIT_BINS)) || \
		{ cat $(SAN_REPORT).* 2>/dev/null; exit 1; }
	$(Q)for t in $(FUZZ_TARGETS); do $(SAN_ENV) timeout 300 $(SAN_OUT)/fuzz/replay_$$t \
		tests/fuzz/corpus/$$t tests/fuzz/regressions/$$t || { cat $(SAN_REPORT).*; exit 1; }; done
	$(Q)$(SAN_ENV) PWRU=$(SAN_OUT)/pwru flock /tmp/pwru-host-test.lock tests/host/run || \
		{ cat $(SAN_REPORT).* 2>/dev/null; exit 1; }
	$(Q)n=$$(ls $(SAN_REPORT).* 2>/dev/null | wc -l); echo "sanitizer reports: $$n"; \
		[ $$n = 0 ] || { cat $(SAN_REPORT).*; exit 1; }
