LOADER_SRCS += boot/loader.c boot/files.c boot/disconnect.c boot/cpus.c boot/pci.c boot/keys.c
include boot/multiboot/module.mk
