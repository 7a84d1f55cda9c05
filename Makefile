# SPDX-License-Identifier: GPL-2.0
# pwru: build, tests and benchmarks. `make V=1` shows full commands.

OUTPUT ?= .output
CLANG ?= clang
BPFTOOL ?= bpftool
CC ?= gcc
ARCH := x86

ifeq ($(V),1)
Q :=
msg =
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

# -iquote: probe-detect/features.h must not shadow glibc <features.h>
INCLUDES := -iquote $(OUTPUT) -iquote bpf -iquote src -iquote src/nft -iquote src/discovery -iquote src/pcap -iquote backends -iquote backends/common -iquote probe-detect \
	    -I/usr/include/traceevent
CFLAGS ?= -g -O2
CFLAGS += -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
	  -std=gnu11 -D_GNU_SOURCE -DPWRU_VERSION='"$(VERSION)"' $(INCLUDES) -MMD -MP
LDLIBS := -lbpf -lelf -lz -lpcap -ltraceevent -lnftables -lnftnl -lmnl
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Ibpf -Wall -Wno-unused-function

BPF_SRCS := $(wildcard backends/*/*.bpf.c)
SKELS := $(patsubst %.bpf.c,$(OUTPUT)/%.skel.h,$(notdir $(BPF_SRCS)))
LIB_SRCS := $(filter-out %.bpf.c src/main.c src/nft/nft_static_stub.c,$(wildcard src/*.c src/*/*.c probe-detect/*.c backends/*.c backends/*/*.c))
LIB_OBJS := $(patsubst %.c,$(OUTPUT)/%.o,$(LIB_SRCS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/%,$(UNIT_SRCS))

vpath %.bpf.c $(sort $(dir $(BPF_SRCS)))

.DELETE_ON_ERROR:
.PHONY: all clean test unit-test host-test vm-test bench install format pinned modbtf

all: pwru

# main.o prints the version: rebuilt when `git describe` changes, not only
# when its sources do (a stale --version named a commit from before)
VERSION_STAMP := $(OUTPUT)/version.stamp
$(VERSION_STAMP): FORCE
	@mkdir -p $(@D)
	@[ "$$(cat $@ 2>/dev/null)" = "$(VERSION)" ] || echo "$(VERSION)" >$@
$(OUTPUT)/src/main.o $(OUTPUT)/static/main.o: $(VERSION_STAMP)
.PHONY: FORCE
FORCE:

# Objects, not the archive: backends are found through weak references.
pwru: $(OUTPUT)/src/main.o $(LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(OUTPUT)/libpwru.a: $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

# Every BPF header, ours and the backends' shared ones: a missed edit would
# leave a stale skeleton behind.
BPF_HDRS := $(wildcard bpf/*.h backends/*/*.bpf.h)

$(OUTPUT)/%.bpf.o: %.bpf.c $(BPF_HDRS) | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@.tmp
	$(Q)$(BPFTOOL) gen object $@ $@.tmp && rm -f $@.tmp

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

# Every user-space object may include a skeleton; -MMD tracks the rest.
$(OUTPUT)/%.o: %.c $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

# Pinned pre-CO-RE builds for kernels without BTF (docs/no-btf.md):
#   make pinned KDIR=<kernel build tree> [VMLINUX=<its vmlinux with DWARF>]
# A pinned build is only used by a pwru built from the same BPF sources.
PREFIX ?= /usr/local
PINNED_DIR ?= $(PREFIX)/lib/pwru/pinned
BPF_HASH_SRCS := bpf/body.bpf.h bpf/nf.bpf.h bpf/event.h bpf/skb_expr.bpf.h bpf/skb_expr_cfg.h bpf/track_clone.bpf.h bpf/skb_dump.bpf.h $(sort $(wildcard backends/*/*.bpf.c backends/*/*.bpf.h))
BPF_HASH := $(shell cat $(BPF_HASH_SRCS) | sha256sum | cut -c1-16)

$(OUTPUT)/src/pinned.o: CFLAGS += -DPWRU_BPF_HASH='"$(BPF_HASH)"' \
	-DPWRU_PINNED_DIR_DEFAULT='"$(PINNED_DIR)"'
$(OUTPUT)/src/pinned.o: $(BPF_HASH_SRCS) Makefile

$(OUTPUT)/pinned-gen: tools/pinned_gen.c $(OUTPUT)/libpwru.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(OUTPUT)/libpwru.a $(LDLIBS)

pinned: $(OUTPUT)/pinned-gen
	$(Q)OUTPUT=$(OUTPUT) CLANG=$(CLANG) BPFTOOL=$(BPFTOOL) BPF_CFLAGS="$(BPF_CFLAGS)" \
		BPF_HASH=$(BPF_HASH) PINNED_GEN=$(OUTPUT)/pinned-gen PINNED_DIR=$(PINNED_DIR) \
		PWRU_VERSION=$(VERSION) scripts/pinned-build "$(KDIR)" $(VMLINUX)

# Module types for kernels whose modules have no BTF (Debian 11's 5.10):
#   make modbtf KDIR=/usr/src/linux-headers-<release>
# They let the function backends name nf_tables rules there (docs/no-btf.md).
MODBTF_DIR ?= $(PREFIX)/lib/pwru/modbtf
$(OUTPUT)/src/modbtf.o: CFLAGS += -DPWRU_MODBTF_DIR_DEFAULT='"$(MODBTF_DIR)"'
$(OUTPUT)/src/modbtf.o: Makefile

modbtf:
	$(Q)OUTPUT=$(OUTPUT) CLANG=$(CLANG) BPFTOOL=$(BPFTOOL) MODBTF_DIR=$(MODBTF_DIR) \
		scripts/modbtf-build "$(KDIR)"

$(OUTPUT)/tests/%: tests/unit/%.c $(OUTPUT)/libpwru.a
	$(call msg,TEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(OUTPUT)/libpwru.a $(LDLIBS) -lcheck -lsubunit -lm -lrt -lpthread

# bench/run builds these: the same flags and includes as pwru itself.
$(OUTPUT)/bench/micro: bench/micro.c $(OUTPUT)/libpwru.a
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(OUTPUT)/libpwru.a $(LDLIBS)

$(OUTPUT)/bench/udpflood: bench/udpflood.c
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $<

$(OUTPUT):
	$(Q)mkdir -p $@

unit-test: $(UNIT_BINS) pwru
	$(Q)tests/unit/run $(UNIT_BINS)

host-test: pwru $(OUTPUT)/pinned-gen
	$(Q)tests/host/run

vm-test: pwru
	$(Q)tests/vm/matrix $(KERNELS)

# The README's test command: unit, host, sanitizers, a short fuzz run from a
# fixed seed (make fuzz explores), then the QEMU matrix.
test: unit-test host-test sanitize fuzz-fixed vm-test

bench: pwru
	$(Q)bench/run

format:
	clang-format -i $(filter-out bpf/vmlinux.h,$(wildcard src/*.[ch] src/*/*.[ch] probe-detect/*.[ch] backends/*.[ch] backends/*/*.[ch] bpf/*.h tests/unit/*.c))

install: pwru
	install -D -m 0755 pwru $(DESTDIR)$(PREFIX)/sbin/pwru
	$(Q)for d in $(filter-out %.tmp/,$(wildcard $(OUTPUT)/pinned/*/)); do \
		r=$$(basename $$d); echo "  INSTALL  $(DESTDIR)$(PINNED_DIR)/$$r"; \
		rm -rf $(DESTDIR)$(PINNED_DIR)/$$r && install -d $(DESTDIR)$(PINNED_DIR)/$$r && \
		install -m 0644 $$d* $(DESTDIR)$(PINNED_DIR)/$$r/ || exit 1; \
	done
	$(Q)for d in $(filter-out %.tmp/,$(wildcard $(OUTPUT)/modbtf/*/)); do \
		r=$$(basename $$d); echo "  INSTALL  $(DESTDIR)$(MODBTF_DIR)/$$r"; \
		install -D -m 0644 $$d/modules.btf $(DESTDIR)$(MODBTF_DIR)/$$r/modules.btf || exit 1; \
	done

include tests/fuzz/fuzz.mk

clean:
	rm -rf $(OUTPUT) $(FUZZ_OUT) $(SAN_OUT) pwru

-include $(wildcard $(OUTPUT)/*/*.d $(OUTPUT)/*/*/*.d $(OUTPUT)/tests/*.d)

# make static, man page and completion for install, make deb
include mk/dist.mk
