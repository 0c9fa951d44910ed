/*
 * What the simulated-controller tests (ahci_sim.c, nvme_sim.c and their
 * tests) share: page-aligned zeroed memory for queues, tables and guest
 * RAM, and the one XTS key their ciphertext checks use.
 */
#ifndef TESTS_UNIT_SIM_UTIL_H
#define TESTS_UNIT_SIM_UTIL_H

#include <stddef.h>
#include <tv/types.h>

void *zalloc(size_t n);			/* page-aligned, zeroed, never freed */
extern const u8 sim_key_bytes[64];	/* 1, 2, ..., 64 */

#endif
