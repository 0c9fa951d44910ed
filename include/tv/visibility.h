/*
 * Forced into every hypervisor and loader object (-include): all symbols are
 * hidden, so position-independent code reaches them PC-relative instead of
 * through a GOT that nobody would fill.
 */
#pragma GCC visibility push(hidden)
