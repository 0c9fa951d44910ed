/*
 * The guest's SSE state around the hypervisor's own use of XMM registers
 * (AES-NI in lib/crypto).  The hypervisor is built -mgeneral-regs-only and
 * never saves guest FPU/SIMD state on exits, so any code that runs an
 * AES-NI context (crypto_uses_xmm) brackets its calls:
 *
 *	fpu_begin();
 *	xts_encrypt_sectors(...);	(several calls may share one bracket)
 *	fpu_end();
 *
 * fpu_begin saves the legacy SSE state (XMM0-15, MXCSR, x87) of this CPU
 * with FXSAVE into a per-CPU 512-byte area; fpu_end restores it with
 * FXRSTOR, which also erases the round keys the AES-NI code left in XMM
 * registers.  No nesting; no other CPU may use this CPU's area.
 */
#ifndef ARCH_FPU_H
#define ARCH_FPU_H

void fpu_begin(void);
void fpu_end(void);

#endif
