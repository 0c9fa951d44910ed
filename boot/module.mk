LOADER_SRCS += boot/loader.c boot/files.c boot/disconnect.c boot/cpus.c boot/pci.c
include boot/multiboot/module.mk
