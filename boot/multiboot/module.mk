# boot/multiboot: thinvisor-mb.elf, the Multiboot loader stub for legacy
# BIOS machines (docs/bios-boot.md).  A 32-bit freestanding ELF linked at
# 1 MiB: the stub's sources plus -m32 builds of the lib/ files it shares
# with the UEFI loader and the hypervisor (build/mb/...).
#
#   make build/thinvisor-mb.elf   the stub (part of `make`)
#   make bios-iso                 build/bios.iso: GRUB (i386-pc), the stub,
#                                 thinvisor.elf, boot/multiboot/thinvisor.conf,
#                                 the test guest
#   make run-bios                 boots it in QEMU + SeaBIOS; COM1 on the
#                                 terminal (Ctrl-A X quits), COM2 (the
#                                 hypervisor's log) in build/run-bios-com2.log
#   make test-bios                tests/integration/test_bios.py (SeaBIOS);
#                                 `make test-integration` runs it too, which
#                                 is how it is part of `make test`

MB_SRCS := boot/multiboot/head.S boot/multiboot/realmode.S \
	boot/multiboot/main.c boot/multiboot/info.c boot/multiboot/memmap.c \
	boot/multiboot/cmdline.c boot/multiboot/cpu.c boot/multiboot/cpus.c \
	boot/multiboot/hv.c boot/multiboot/linux.c boot/multiboot/lowmem.c \
	boot/multiboot/console.c boot/multiboot/div64.c
MB_LIB_SRCS := lib/elf/elf_load.c lib/config/config.c lib/config/config_fmt.c \
	lib/config/cfgbuf.c lib/config/strparse.c lib/fmt/fmt.c \
	lib/string/memcpy.c lib/string/string.c lib/acpi/tables.c \
	lib/acpi/subtables.c lib/acpi/fadt.c

# Recursive (=): FREESTANDING-like flags, but -m32 and not PIE.
MB_CFLAGS = -m32 -march=i686 -std=gnu11 -ffreestanding -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) -fno-pie -fno-pic \
	-fno-stack-protector -fno-strict-aliasing -fno-delete-null-pointer-checks -fno-asynchronous-unwind-tables \
	-fno-omit-frame-pointer -mgeneral-regs-only -O2 -g -Iinclude \
	-Iboot/multiboot $(WARN) -DTV_VERSION='"$(TV_VERSION)"'
MB_OBJS := $(patsubst %,$(BUILD)/mb/%.o,$(basename $(MB_SRCS) $(MB_LIB_SRCS)))

$(BUILD)/mb/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC32    $@"
	$(Q)$(CC) $(MB_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/mb/%.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS32    $@"
	$(Q)$(CC) $(MB_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/thinvisor-mb.elf: $(MB_OBJS) boot/multiboot/mb.lds
	@echo "  LD      $@"
	$(Q)ld -m elf_i386 -nostdlib -z noexecstack -z max-page-size=4096 \
		--build-id=none --no-warn-rwx-segments -T boot/multiboot/mb.lds -o $@ $(MB_OBJS)
	$(Q)if nm -u $@ | grep -q .; then nm -u $@; exit 1; fi
	$(Q)! command -v grub-file >/dev/null || grub-file --is-x86-multiboot $@ || \
		{ echo "$@: not a Multiboot image" >&2; exit 1; }

ALL_TARGETS += $(BUILD)/thinvisor-mb.elf

.PHONY: bios-iso run-bios test-bios
bios-iso: all guest
	scripts/mkbios-iso.sh --out $(BUILD)/bios.iso --conf boot/multiboot/thinvisor.conf

run-bios: bios-iso
	qemu-system-x86_64 -accel tcg -machine q35 -cpu EPYC -smp 2 -m 1G \
		-nodefaults -display none -vga none -net none \
		-drive file=$(BUILD)/bios.iso,format=raw,if=ide,media=cdrom,readonly=on \
		-boot d -serial mon:stdio -serial file:$(BUILD)/run-bios-com2.log

test-bios: all guest
	/usr/bin/python3 -m pytest -o cache_dir=$(BUILD)/pytest-cache -v \
		tests/integration/test_bios.py

# Host unit tests of the stub's pure parts (memory map, configuration).
UNIT_TESTS += mb_stub
UNIT_mb_stub_SRCS := boot/multiboot/test_stub.c boot/multiboot/memmap.c \
	boot/multiboot/cmdline.c $(CONFIG_LIB_SRCS)
