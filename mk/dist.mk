# SPDX-License-Identifier: GPL-2.0
# Shipping pwru (issue 15): make static, make install's man page and
# completion, make deb. Included at the end of the Makefile; uses its OUTPUT,
# CC, CFLAGS, LDFLAGS, LDLIBS, LIB_OBJS, SKELS, VERSION, PREFIX and PINNED_DIR.

MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
STATIC_MAIN := $(firstword $(wildcard src/main.c src/*/main.c))

.PHONY: static deb install-doc

# pinned.c compiles PINNED_DIR in. Rebuild it when the directory changes, so
# that `make install PREFIX=/usr` installs a pwru that looks where the pinned
# builds went.
PINNED_STAMP := $(OUTPUT)/pinned-dir
ifneq ($(shell cat $(PINNED_STAMP) 2>/dev/null),$(PINNED_DIR))
$(shell mkdir -p $(OUTPUT) && echo '$(PINNED_DIR)' >$(PINNED_STAMP))
endif
$(filter %/pinned.o,$(LIB_OBJS)): $(PINNED_STAMP)

# --- make static: ./pwru-static, one statically linked executable ---------
#
# glibc's name service switch and dlopen() load shared objects of the glibc
# the binary was built with, from the machine it runs on. dist/static.c
# replaces the libraries' few calls into them (see there); --fatal-warnings
# turns glibc's "Using 'X' in statically linked applications" into an error,
# and the nm check below fails the build if NSS still got linked in.
STATIC_WRAP := getaddrinfo freeaddrinfo gethostbyname getnetbyname_r \
	       getprotobyname_r ether_hostton dlopen dlsym dlclose dlerror
comma := ,

static: pwru-static

$(OUTPUT)/static/main.o: $(STATIC_MAIN) $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(filter-out -DPWRU_VERSION=%,$(CFLAGS)) \
		-DPWRU_VERSION='"$(VERSION) (static build)"' -c $< -o $@

# No static libmnl or libnftables in Debian: the netlink half of the
# netfilter explanation is stubbed out (src/nft/nft_static_stub.c).
STATIC_NFT_OBJS := $(filter %/nft_rules.o %/nft_trace.o,$(LIB_OBJS))
STATIC_LDLIBS := $(filter-out -lnftables -lnftnl -lmnl,$(LDLIBS))

$(OUTPUT)/static/nft_static_stub.o: src/nft/nft_static_stub.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(OUTPUT)/static/static.o: dist/static.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

# The unstripped binary stays in $(OUTPUT) for debugging.
$(OUTPUT)/pwru-static.debug: $(OUTPUT)/static/main.o $(OUTPUT)/static/static.o \
			     $(OUTPUT)/static/nft_static_stub.o \
			     $(filter-out $(STATIC_NFT_OBJS),$(LIB_OBJS))
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -static -o $@ $^ $(addprefix -Wl$(comma)--wrap=,$(STATIC_WRAP)) \
		-Wl,--fatal-warnings $(STATIC_LDLIBS)
	$(Q)if nm $@ | grep -E ' (__nss_[a-z_0-9]+|getaddrinfo|getpwnam|getpwuid)$$'; then \
		echo "$@: glibc NSS is linked in (see dist/static.c)" >&2; exit 1; fi

pwru-static: $(OUTPUT)/pwru-static.debug
	$(call msg,STRIP,$@)
	$(Q)strip -o $@ $<

# --- make install: man page and bash completion next to the binary --------
install: install-doc

install-doc:
	install -D -m 0644 docs/pwru.8 $(DESTDIR)$(MANDIR)/man8/pwru.8
	install -D -m 0644 dist/pwru.bash-completion $(DESTDIR)$(BASHCOMPDIR)/pwru

# --- make deb: ./pwru_VERSION_amd64.deb ------------------------------------
#
# dpkg-buildpackage in a copy of the tracked files (working-tree contents),
# so that its clean step and its output in ../ stay out of this tree.
DEB_DATE := $(shell git log -1 --format=%cd --date=format:%Y%m%d 2>/dev/null || echo 0)
DEB_VERSION := 0~git$(DEB_DATE).$(subst -,.,$(VERSION))
DEB_TREE := $(OUTPUT)/deb/pwru-$(DEB_VERSION)

deb:
	$(Q)rm -rf $(OUTPUT)/deb && mkdir -p $(DEB_TREE)
	$(Q)git ls-files -z | tar --null -T - -cf - | tar -xf - -C $(DEB_TREE)
	$(Q)sed -i '1s/([^)]*)/($(DEB_VERSION))/' $(DEB_TREE)/debian/changelog
	$(Q)cd $(DEB_TREE) && PWRU_VERSION='$(VERSION)' dpkg-buildpackage -b -us -uc \
		>../build.log 2>&1 || { tail -n 30 ../build.log; exit 1; }
	$(Q)cp $(OUTPUT)/deb/pwru_$(DEB_VERSION)_*.deb .
	$(Q)ls pwru_$(DEB_VERSION)_*.deb

clean: clean-dist
clean-dist:
	rm -f pwru-static pwru_*.deb
.PHONY: clean-dist

# the host tests run pwru-static too (tests/host/test_static.sh)
host-test: pwru-static

# The static binary on the lab's Debian kernels (tests/vm/static.sh); with
# KERNELS given, on those of them that are debian-*.
STATIC_KERNELS := $(filter debian-%,$(KERNELS))
vm-test: vm-static
vm-static: pwru-static
ifeq ($(KERNELS),)
	$(Q)tests/vm/static.sh
else ifneq ($(STATIC_KERNELS),)
	$(Q)tests/vm/static.sh $(STATIC_KERNELS)
else
	@echo "SKIP vm-static: no debian-* kernel in KERNELS=$(KERNELS)"
endif
.PHONY: vm-static
