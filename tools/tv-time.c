/*
 * tv-time: run a command and print how long it took, in nanoseconds of
 * CLOCK_MONOTONIC, as the only line on stdout:
 *
 *     tv-time dd if=/dev/nvme0n1 of=/dev/null bs=1M count=64 iflag=direct
 *     123456789
 *
 * busybox has no clock finer than /proc/uptime's 10 ms, too coarse for
 * the fast lanes of `make bench-storage` (tools/initramfs/tests/
 * storagebench.sh).  Exit status: the command's (127 if it cannot run,
 * 128 + N if it died of signal N).
 */
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long long t0;
	pid_t pid;
	int st;

	if (argc < 2) {
		fprintf(stderr, "usage: tv-time COMMAND [ARG]...\n");
		return 2;
	}
	t0 = now_ns();
	pid = fork();
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid) {
		perror("tv-time");
		return 1;
	}
	printf("%lld\n", now_ns() - t0);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}
