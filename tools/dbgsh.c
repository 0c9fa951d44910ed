/*
 * dbgsh: the Linux guest client of the hypervisor's debug shell.
 *
 * The shell itself runs inside thinvisor (core/dbgsh.c); this program only
 * moves characters through the `dbgsh` guest call (include/tv/vmmcall_abi.h):
 * RBX = a key or -1 to poll, RAX = 0 (nothing more to print: send a key),
 * a character to print, or 0x100 | '\n' once the shell has exited.  So the
 * loop is: poll and print until 0, read one key, send it, and so on.
 *
 *   dbgsh                 interactive; the terminal is raw (no echo, no
 *                         line editing: the shell echoes and edits) and
 *                         restored on exit, EOF, SIGINT, SIGTERM, SIGHUP
 *   dbgsh -c "c1; c2"     run the commands, print only their output, exit
 *
 * A client that stops early (a signal, EOF) clears the shell's half-typed
 * line and sends "exit", so the next client finds a fresh prompt.
 * Exit status: 0, 1 on a failed call, 2 without thinvisor, 128+N on signal N.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "lib/call_vmm.h"

#define DBGSH_EXITED	(0x100 | '\n')
#define DBGSH_LINE_MAX	128		/* core/dbgsh.c: longest line */
#define KEY_POLL	(-1)
#define KEY_BACKSPACE	127

/* Where the shell's output goes: the terminal, a buffer, or nowhere. */
struct sink {
	void (*put)(struct sink *s, char c);
	char *buf;
	size_t len, cap;
};

static int64_t dbgsh_num;
static struct termios saved_tio;
static int tio_saved;
static volatile sig_atomic_t stop_signal;

static void put_stdout(struct sink *s __attribute__((unused)), char c)
{
	putchar(c);
}

static void put_discard(struct sink *s __attribute__((unused)),
			char c __attribute__((unused)))
{
}

static void put_buffer(struct sink *s, char c)
{
	if (s->len + 1 >= s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 4096;
		char *p = realloc(s->buf, cap);

		if (!p)
			return;		/* out of memory: drop output, keep going */
		s->buf = p;
		s->cap = cap;
	}
	s->buf[s->len++] = c;
	s->buf[s->len] = 0;
}

/*
 * Send @key (or poll) and hand everything the shell has to print to @s.
 * Returns 0 when the shell waits for a key, DBGSH_EXITED, or -errno.
 */
static int64_t pump(int key, struct sink *s)
{
	int64_t ret = call_vmm_call(dbgsh_num, (uint64_t)(int64_t)key, 0, 0);

	while (ret > 0 && ret != DBGSH_EXITED) {
		s->put(s, (char)ret);
		ret = call_vmm_call(dbgsh_num, (uint64_t)(int64_t)KEY_POLL, 0, 0);
	}
	return ret;
}

static int64_t pump_string(const char *str, struct sink *s)
{
	int64_t ret = 0;

	while (*str && ret == 0)
		ret = pump((unsigned char)*str++, s);
	return ret;
}

/*
 * Start a session or join the running one (a new session prints its
 * banner; a closing one first reports its exit) and bring it to an empty
 * line, discarding the output.  Returns 0 or -errno.
 */
static int64_t fresh_line(void)
{
	struct sink none = { .put = put_discard };
	int64_t ret = pump(KEY_POLL, &none);
	int i;

	if (ret == DBGSH_EXITED)
		ret = pump(KEY_POLL, &none);
	for (i = 0; i < DBGSH_LINE_MAX && ret == 0; i++)
		ret = pump(KEY_BACKSPACE, &none);
	return ret == DBGSH_EXITED ? -EPIPE : ret;
}

/*
 * Leave the shell cleanly whatever state it is in: drain its output,
 * erase a half-typed line, send "exit".  Returns 0 or -errno.
 */
static int64_t close_session(void)
{
	struct sink none = { .put = put_discard };
	int64_t ret = fresh_line();

	if (ret == 0)
		ret = pump_string("exit\r", &none);
	while (ret == 0)	/* a queued answer was still draining */
		ret = pump(KEY_POLL, &none);
	return ret == DBGSH_EXITED ? 0 : ret;
}

static void restore_terminal(void)
{
	if (tio_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
}

static void on_signal(int sig)
{
	stop_signal = sig;
}

/*
 * Raw input: no echo and no line editing (the shell does both), no CR/NL
 * translation; output processing stays on so '\n' prints as CRLF.
 * ISIG stays too, so Ctrl-C stops the client; Ctrl-Z is disabled.
 */
static void raw_terminal(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART */
	struct termios tio;
	unsigned int i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tio))
		return;
	tio_saved = 1;
	atexit(restore_terminal);
	tio = saved_tio;
	tio.c_iflag &= ~(ICRNL | INLCR | IGNCR | IXON | ISTRIP | BRKINT);
	tio.c_lflag &= ~(ICANON | ECHO | ECHONL | IEXTEN);
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	tio.c_cc[VSUSP] = _POSIX_VDISABLE;
	tcsetattr(STDIN_FILENO, TCSANOW, &tio);
}

/* One key from stdin: 0..255, or -1 on EOF, error or a signal. */
static int read_key(void)
{
	unsigned char c;
	ssize_t n;

	do {
		n = read(STDIN_FILENO, &c, 1);
	} while (n < 0 && errno == EINTR && !stop_signal);
	if (n != 1)
		return -1;
	return c == '\n' ? '\r' : c;
}

static int interactive(void)
{
	struct sink out = { .put = put_stdout };
	int64_t ret;
	int key;

	raw_terminal();
	ret = pump(KEY_POLL, &out);
	if (ret == DBGSH_EXITED)	/* an earlier client's session closing */
		ret = pump(KEY_POLL, &out);
	while (ret == 0 && !stop_signal) {
		fflush(stdout);
		key = read_key();
		if (key < 0)
			break;
		ret = pump(key, &out);
	}
	if (ret == 0) {			/* EOF or a signal: leave cleanly */
		putchar('\n');
		ret = close_session();
	}
	fflush(stdout);
	restore_terminal();
	if (ret < 0) {
		fprintf(stderr, "dbgsh: dbgsh call: %s\n", strerror((int)-ret));
		return 1;
	}
	return stop_signal ? 128 + stop_signal : 0;
}

/*
 * Print what one command produced: the shell's answer after a command is
 * "<echo of the line>\n<output>> ", so keep only what lies in between.
 */
static void print_output(const struct sink *s)
{
	const char *start, *end;

	if (!s->buf)
		return;
	start = strchr(s->buf, '\n');
	start = start ? start + 1 : s->buf + s->len;
	end = s->buf + s->len;
	if (end - start >= 2 && !strcmp(end - 2, "> "))
		end -= 2;
	fwrite(start, 1, end - start, stdout);
}

/* Run one command (leading/trailing blanks trimmed); 1 if it was "exit". */
static int64_t run_command(char *cmd)
{
	struct sink s = { .put = put_buffer };
	char *end = cmd + strlen(cmd);
	int64_t ret;

	while (*cmd == ' ' || *cmd == '\t')
		cmd++;
	while (end > cmd && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = 0;
	if (!*cmd)
		return 0;
	if (!strcmp(cmd, "exit") || !strcmp(cmd, "quit"))
		return 1;
	ret = pump_string(cmd, &s);
	if (ret == 0)
		ret = pump('\r', &s);
	print_output(&s);
	free(s.buf);
	return ret == DBGSH_EXITED ? -EPIPE : ret;
}

static int batch(const char *cmds)
{
	char *copy = strdup(cmds), *save = NULL, *cmd;
	int64_t ret;

	if (!copy)
		return 1;
	/* Start from an empty line, whatever an earlier client left. */
	ret = fresh_line();
	for (cmd = strtok_r(copy, ";", &save); cmd && ret == 0;
	     cmd = strtok_r(NULL, ";", &save))
		ret = run_command(cmd);
	free(copy);
	fflush(stdout);
	if (ret >= 0)
		ret = close_session();
	if (ret < 0) {
		fprintf(stderr, "dbgsh: dbgsh call: %s\n", strerror((int)-ret));
		return 1;
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: dbgsh [-c \"command; command...\"]\n"
		"The hypervisor's debug shell; type help for its commands.\n");
	exit(1);
}

int main(int argc, char **argv)
{
	struct vmm_info info;
	const char *cmds = NULL;
	int opt;

	while ((opt = getopt(argc, argv, "c:h")) != -1) {
		if (opt != 'c')
			usage();
		cmds = optarg;
	}
	if (optind != argc)
		usage();
	if (call_vmm_detect(&info)) {
		fprintf(stderr, "dbgsh: no thinvisor: CPUID 0x40000000 has no "
			"'%s' signature\n", TV_CPUID_SIGNATURE);
		return 2;
	}
	dbgsh_num = call_vmm_number(TV_CALL_DBGSH);
	if (dbgsh_num <= 0) {
		fprintf(stderr, "dbgsh: the hypervisor has no dbgsh call (%s)\n",
			dbgsh_num ? strerror((int)-dbgsh_num) : "unknown function");
		return 1;
	}
	return cmds ? batch(cmds) : interactive();
}
