LOADER_SRCS += boot/loader.c boot/files.c
