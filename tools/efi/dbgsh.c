/*
 * dbgsh.efi: the UEFI Shell client of the hypervisor's debug shell.
 *
 * One binary for AMD and Intel: the call instruction (vmmcall or vmcall)
 * is picked from the CPU vendor at run time, and only after CPUID
 * 0x40000000 has shown the thinvisor signature (efi_vmm.c); without it the
 * program says so and returns EFI_UNSUPPORTED without executing either.
 *
 * The shell runs inside the hypervisor (core/dbgsh.c); this only moves
 * characters through the `dbgsh` guest call: poll with -1 and print until
 * the answer is 0, read a key from ConIn, send it, until the answer is
 * 0x100 | '\n' (the shell has exited).  Output goes to ConOut with '\n'
 * as CRLF.  Esc or Ctrl-C leaves the shell (erasing the half-typed line
 * and sending "exit", so the next client starts at a fresh prompt).
 */
#include <efi.h>
#include <efilib.h>
#include <tv/env.h>
#include <tv/vmmcall_abi.h>

#include "efi_vmm.h"

#define DBGSH_EXITED	(0x100 | '\n')
#define DBGSH_LINE_MAX	128		/* core/dbgsh.c: longest line */
#define KEY_POLL	(-1)
#define KEY_QUIT	(-2)		/* Esc, Ctrl-C: leave cleanly */
#define KEY_BACKSPACE	127
#define CTRL_C		3
#define OUT_CHARS	256

static struct efi_vmm vmm;
static INT64 dbgsh_num;

/* Console output, batched: OutputString per character is slow. */
static CHAR16 out_buf[OUT_CHARS + 1];
static UINTN out_len;

static void out_flush(void)
{
	if (!out_len)
		return;
	out_buf[out_len] = 0;
	uefi_call_wrapper(ST->ConOut->OutputString, 2, ST->ConOut, out_buf);
	out_len = 0;
}

static void out_char(INT64 c)
{
	if (out_len + 2 > OUT_CHARS)
		out_flush();
	if (c == '\n')
		out_buf[out_len++] = '\r';
	else if (c >= 0x80 || (c < 0x20 && c != '\b'))
		c = '?';
	out_buf[out_len++] = (CHAR16)c;
}

/*
 * Send @key (or poll) and print what the shell answers if @print.
 * Returns 0 when the shell waits for a key, DBGSH_EXITED, or -errno.
 */
static INT64 pump(INT64 key, BOOLEAN print)
{
	INT64 ret = efi_vmm_call(&vmm, dbgsh_num, (UINT64)key);

	while (ret > 0 && ret != DBGSH_EXITED) {
		if (print)
			out_char(ret);
		ret = efi_vmm_call(&vmm, dbgsh_num, (UINT64)(INT64)KEY_POLL);
	}
	out_flush();
	return ret;
}

/* Leave from any state: erase the line, send "exit", drain quietly. */
static INT64 close_session(void)
{
	static const char exit_cmd[] = "exit\r";
	INT64 ret = pump(KEY_POLL, FALSE);
	UINTN i;

	for (i = 0; i < DBGSH_LINE_MAX && ret == 0; i++)
		ret = pump(KEY_BACKSPACE, FALSE);
	for (i = 0; exit_cmd[i] && ret == 0; i++)
		ret = pump(exit_cmd[i], FALSE);
	while (ret == 0)
		ret = pump(KEY_POLL, FALSE);
	return ret == DBGSH_EXITED ? 0 : ret;
}

/* One key from ConIn: 1..255, KEY_QUIT, or -1 when input fails. */
static INT64 read_key(void)
{
	EFI_INPUT_KEY key;
	EFI_STATUS st;
	UINTN index;

	for (;;) {
		st = uefi_call_wrapper(BS->WaitForEvent, 3, 1,
				       &ST->ConIn->WaitForKey, &index);
		if (EFI_ERROR(st))
			return -1;
		st = uefi_call_wrapper(ST->ConIn->ReadKeyStroke, 2, ST->ConIn, &key);
		if (st == EFI_NOT_READY)
			continue;
		if (EFI_ERROR(st))
			return -1;
		if (key.ScanCode == SCAN_ESC || key.UnicodeChar == CTRL_C)
			return KEY_QUIT;
		if (key.UnicodeChar == '\n')
			return '\r';
		if (key.UnicodeChar && key.UnicodeChar < 0x100)
			return key.UnicodeChar;
		/* arrows, function keys, non-Latin-1: the shell has no use */
	}
}

static INT64 session(void)
{
	INT64 ret, key;

	ret = pump(KEY_POLL, TRUE);
	if (ret == DBGSH_EXITED)	/* an earlier client's session closing */
		ret = pump(KEY_POLL, TRUE);
	while (ret == 0) {
		key = read_key();
		if (key < 0) {
			Print(L"\n");
			return close_session();
		}
		ret = pump(key, TRUE);
	}
	return ret == DBGSH_EXITED ? 0 : ret;
}

static EFI_STATUS detect(void)
{
	int err = efi_vmm_detect(&vmm);

	if (err == -ENODEV) {
		Print(L"dbgsh: no thinvisor (CPUID 0x40000000 has no '%a' "
		      L"signature): not running\n", TV_CPUID_SIGNATURE);
		return EFI_UNSUPPORTED;
	}
	if (err) {
		Print(L"dbgsh: thinvisor found, but CPU vendor '%a' has no known "
		      L"call instruction: not running\n", vmm.cpu_vendor);
		return EFI_UNSUPPORTED;
	}
	dbgsh_num = efi_vmm_number(&vmm, TV_CALL_DBGSH);
	if (dbgsh_num <= 0) {
		Print(L"dbgsh: the hypervisor has no '%a' call\n", TV_CALL_DBGSH);
		return EFI_UNSUPPORTED;
	}
	return EFI_SUCCESS;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	EFI_STATUS st;
	INT64 ret;

	InitializeLib(image, systab);
	st = detect();
	if (EFI_ERROR(st))
		return st;
	ret = session();
	if (ret < 0) {
		Print(L"dbgsh: dbgsh call failed (%ld)\n", ret);
		return EFI_DEVICE_ERROR;
	}
	return EFI_SUCCESS;
}
