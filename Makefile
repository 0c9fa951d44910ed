# thinvisor top-level build.
#
# Every folder that builds something has a module.mk that appends to the
# lists below; this file only holds the generic rules.  Lists:
#   LIB_SRCS         pure code (lib/), linked into the hypervisor
#   LOADER_LIB_SRCS  the subset of lib/ the UEFI loader links
#   HV_SRCS          hypervisor sources (.c and .S), freestanding
#   LOADER_SRCS      UEFI loader sources (gnu-efi)
#   HOST_TOOLS       names; HOST_TOOL_<name>_SRCS -> build/<name>
#   UNIT_TESTS       names; UNIT_<name>_SRCS (+ UNIT_<name>_LDLIBS)
#                    -> build/unit/<name>, cmocka, ASan/UBSan
#   TEST_TARGETS     extra phony targets that `make test` runs
#   ALL_TARGETS      extra artifacts that `make` builds

.DEFAULT_GOAL := all
SHELL := /bin/bash
# `make V=1` shows the full commands.
ifeq ($(V),1)
Q :=
else
Q := @
endif
BUILD ?= build
CC := gcc
export THINVISOR_ROOT := $(CURDIR)

LIB_SRCS :=
HV_LIB_SRCS :=
LOADER_LIB_SRCS :=
HV_SRCS :=
LOADER_SRCS :=
HOST_TOOLS :=
UNIT_TESTS :=
TEST_TARGETS :=
ALL_TARGETS :=

WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes
HOST_CFLAGS := -std=gnu11 -O1 -g $(WARN) -Iinclude -DTV_HOST \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HOST_TOOL_CFLAGS := -std=gnu11 -O2 -g $(WARN) -Iinclude -DTV_HOST

include $(sort $(wildcard lib/*/module.mk drivers/*/module.mk))
include $(wildcard core/module.mk arch/x86/module.mk boot/module.mk tools/module.mk \
	tests/module.mk)

TV_VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

# ---- the hypervisor: freestanding, static PIE, run where the loader puts it ----
FREESTANDING := -std=gnu11 -ffreestanding -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-fno-stack-protector -fno-strict-aliasing -mno-red-zone -fno-asynchronous-unwind-tables \
	-fno-omit-frame-pointer -include include/tv/visibility.h -Iinclude $(WARN)
HV_CFLAGS := $(FREESTANDING) -O2 -g -fpie -mgeneral-regs-only -Iarch/x86/include \
	-DTV_VERSION='"$(TV_VERSION)"'
HV_OBJS := $(patsubst %,$(BUILD)/hv/%.o,$(basename $(HV_SRCS) $(sort $(LIB_SRCS) $(HV_LIB_SRCS))))

$(BUILD)/hv/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(HV_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/hv/%.o: %.S
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(HV_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/thinvisor.elf: $(HV_OBJS) arch/x86/thinvisor.lds
	@echo "  LD      $@"
	$(Q)ld -pie --no-dynamic-linker -z noexecstack -z max-page-size=4096 -nostdlib \
		-T arch/x86/thinvisor.lds -o $@ $(HV_OBJS)
	scripts/check-hv-elf.sh $@

# ---- the UEFI loader: gnu-efi, converted to PE32+ ----
EFI_CFLAGS := $(FREESTANDING) -O2 -fpic -fshort-wchar -maccumulate-outgoing-args \
	-DEFI_FUNCTION_WRAPPER -DGNU_EFI_USE_MS_ABI=0 -I/usr/include/efi \
	-I/usr/include/efi/x86_64 -Wno-missing-prototypes -Wno-strict-prototypes
LOADER_OBJS := $(patsubst %.c,$(BUILD)/loader/%.o,$(LOADER_SRCS) $(sort $(LOADER_LIB_SRCS)))

$(BUILD)/loader/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(EFI_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/loader.so: $(LOADER_OBJS)
	@echo "  LD      $@"
	$(Q)ld -nostdlib -znocombreloc -T /usr/lib/elf_x86_64_efi.lds -shared -Bsymbolic \
		-L/usr/lib /usr/lib/crt0-efi-x86_64.o $(LOADER_OBJS) -o $@ -lefi -lgnuefi

$(BUILD)/thinvisor.efi: $(BUILD)/loader.so
	@echo "  EFI     $@"
	$(Q)objcopy -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela \
		-j '.rel.*' -j '.rela.*' -j .reloc --target efi-app-x86_64 \
		--subsystem=10 $< $@

ALL_TARGETS += $(BUILD)/thinvisor.elf $(BUILD)/thinvisor.efi

# ---- host objects (unit tests, sanitized) and host tools (optimized) ----
$(BUILD)/host/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/hosttool/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(HOST_TOOL_CFLAGS) -MMD -MP -c $< -o $@

define unit_rule
$(BUILD)/unit/$(1): $$(patsubst %.c,$(BUILD)/host/%.o,$$(UNIT_$(1)_SRCS))
	@mkdir -p $$(dir $$@)
	@echo "  LD      $$@"
	$(Q)$$(CC) $(HOST_CFLAGS) $$^ -lcmocka $$(UNIT_$(1)_LDLIBS) -o $$@
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))

define tool_rule
$(BUILD)/$(1): $$(patsubst %.c,$(BUILD)/hosttool/%.o,$$(HOST_TOOL_$(1)_SRCS))
	@mkdir -p $$(dir $$@)
	@echo "  LD      $$@"
	$(Q)$$(CC) $(HOST_TOOL_CFLAGS) $$^ $$(HOST_TOOL_$(1)_LDLIBS) -o $$@
endef
$(foreach t,$(HOST_TOOLS),$(eval $(call tool_rule,$(t))))

UNIT_BINS := $(addprefix $(BUILD)/unit/,$(UNIT_TESTS))

.PHONY: all test test-all test-unit test-integration run setup clean kernel initramfs \
	guest bench-boot bench-exits bench-storage esp
all: $(addprefix $(BUILD)/,$(HOST_TOOLS)) $(ALL_TARGETS)

test-unit: $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do echo "== $$t"; $$t || fail=1; done; exit $$fail

# ---- the guest: Debian's kernel, our initramfs ----
KERNEL_CACHE ?= $(if $(THINVISOR_CACHE),$(THINVISOR_CACHE),$(BUILD)/cache/kernel)
GUEST_KERNEL := $(KERNEL_CACHE)/vmlinuz

$(GUEST_KERNEL):
	scripts/fetch-kernel.sh

kernel: $(GUEST_KERNEL)

$(BUILD)/initrd.img: $(GUEST_TOOL_BINS) $(GUEST_KERNEL) scripts/mkinitramfs.sh \
		scripts/mkcpio.py $(shell find tools/initramfs -type f 2>/dev/null)
	scripts/mkinitramfs.sh

initramfs: $(BUILD)/initrd.img
guest: kernel initramfs

# An ESP image with the default tools/esp/thinvisor.conf, for QEMU or a USB stick.
esp: all guest
	scripts/mkesp.sh --out $(BUILD)/esp.img --efi $(BUILD)/thinvisor.efi \
		--elf $(BUILD)/thinvisor.elf --conf tools/esp/thinvisor.conf \
		--extra $(BUILD)/dbgsh.efi=/EFI/BOOT/dbgsh.efi

test-integration: all guest
	/usr/bin/python3 -m pytest -o cache_dir=$(BUILD)/pytest-cache -v tests/integration \
		--ignore=tests/integration/test_bochs.py	# run by test-bochs

# Everything, after installing what is missing; CI runs exactly this.
test:
	scripts/setup.sh
	$(MAKE) test-all

test-all: all test-unit $(TEST_TARGETS) test-integration

run:
	scripts/setup.sh
	scripts/run.sh

bench-boot: all guest
	/usr/bin/python3 tests/bench/bench_boot.py

bench-exits: all guest
	/usr/bin/python3 tests/bench/bench_exits.py

# Disk throughput: bare, pass-through, nvme_crypt, in-guest dm-crypt.
bench-storage: all guest $(CRYPTO_BENCH)
	/usr/bin/python3 tests/bench/bench_storage.py

setup:
	scripts/setup.sh

clean:
	rm -rf $(BUILD)/host $(BUILD)/hosttool $(BUILD)/unit $(BUILD)/hv $(BUILD)/loader \
		$(BUILD)/mb $(BUILD)/efi-tools \
		$(BUILD)/*.efi $(BUILD)/*.elf $(addprefix $(BUILD)/,$(HOST_TOOLS))

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
