/*
 * The one seam between pure code (lib/) and its surroundings.
 *
 * lib/ builds three ways from the same files: freestanding inside the
 * hypervisor, freestanding inside the UEFI loader, and hosted for the unit
 * tests (with ASan/UBSan).  Pure code may use only what this header gives:
 * fixed-width types, errno values and the handful of string functions below.
 * It has no globals and touches no hardware; anything else it needs (memory,
 * logging, reading guest memory) comes in through arguments.
 *
 * TV_HOST is defined when building for the host.
 */
#ifndef TV_ENV_H
#define TV_ENV_H

#include <tv/types.h>

#ifdef TV_HOST
#include <string.h>
#include <errno.h>
#else
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

/* Linux errno values, so -errno reads the same everywhere. */
#define EPERM		1
#define ENOENT		2
#define EIO		5
#define E2BIG		7
#define ENOEXEC		8
#define EAGAIN		11
#define ENOMEM		12
#define EFAULT		14
#define EACCES		13
#define EBUSY		16
#define EEXIST		17
#define EXDEV		18
#define ENODEV		19
#define EINVAL		22
#define ENOSPC		28
#define ERANGE		34
#define ENOSYS		38
#define ENODATA		61
#define EOVERFLOW	75
#define EBADMSG		74
#define EPROTO		71
#define ENOTSUP		95
#define EOPNOTSUPP	95
#define ETIMEDOUT	110
#endif

#endif
