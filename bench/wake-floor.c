/* SPDX-License-Identifier: MIT */
/*
 * What a wake-up costs on this machine: the floor under the daemon's cost
 * per frame (docs/benchmarks.md, "The floor under a frame"). A child process plays the
 * daemon, this process the VMs or agents; each pattern is what the daemon
 * must do at least once per frame sent alone, repeated, and the child's own
 * CPU time (user + system, getrusage) per round is reported.
 *
 *   syscall          a system call that does nothing (getppid): entry and exit
 *   kick+signal      woken in epoll_wait by an eventfd (a VM's kick), read it,
 *                    write one eventfd another process sleeps on (a call)
 *   kick+2 signals   the same, signalling two processes (status and delivery)
 *   kick+2 SIGIO     the same, but each signal is 8 bytes on a unix socket
 *                    that raises SIGIO in its reader: a UML guest's call fd
 *   timer+2 signals  woken by epoll_pwait2's timeout 50 us on, signal two
 *   unix             woken by a unix stream socket, read 200 bytes, send 200
 *                    bytes to each of two sleeping processes (an airport
 *                    frame: its delivery and its TX status)
 *   fan-out          woken by a timeout 200 us on, send 200 bytes to each of
 *                    16 processes asleep on their sockets (a beacon heard by
 *                    16 agents); reported per send
 *
 *   wake-floor [rounds]
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum pattern { P_SYSCALL, P_KICK1, P_KICK2, P_SIGIO2, P_TIMER2, P_UNIX, P_FANOUT, P_N };

static const char *const pattern_name[P_N] = {
	"syscall", "kick+signal", "kick+2 signals", "kick+2 SIGIO", "timer+2 signals", "unix",
	"fan-out",
};

#define MSG_LEN 200
#define FANOUT 16

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static double rusage_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void put_u64(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) != sizeof(one))
		die("write eventfd");
}

static void get_u64(int fd)
{
	uint64_t v;

	if (read(fd, &v, sizeof(v)) != sizeof(v))
		die("read eventfd");
}

static void xfull(ssize_t n, size_t want, const char *what)
{
	if (n != (ssize_t)want)
		die(what);
}

/*
 * The fds of one pattern. kick/call: eventfds (call[1] unused by one
 * signal); sock[i][0] the daemon's end, sock[i][1] the peer's: 0 sends the
 * frame and gets the status, 1 gets the delivery.
 */
struct fds {
	int kick, call[2], sock[2][2];
	int fan[FANOUT][2];
};

/* The daemon's side: rounds of its pattern; its CPU seconds go back on result. */
static void daemon_side(enum pattern p, const struct fds *f, unsigned rounds, int result)
{
	char msg[MSG_LEN];
	struct epoll_event ev = { .events = EPOLLIN }, out;
	int ep = epoll_create1(0);
	double t0;

	if (ep < 0)
		die("epoll_create1");
	/* As the daemon's loop does: a timeout ends when it is due, not up to 50 us later. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	if (p == P_UNIX)
		ev.data.fd = f->sock[0][0];
	else
		ev.data.fd = f->kick;
	if (p != P_SYSCALL && p != P_TIMER2 && epoll_ctl(ep, EPOLL_CTL_ADD, ev.data.fd, &ev) < 0)
		die("epoll_ctl");
	t0 = rusage_s();
	for (unsigned i = 0; i < rounds; i++) {
		struct timespec ts = { 0, 50000 };

		switch (p) {
		case P_SYSCALL:
			syscall(SYS_getppid);
			break;
		case P_KICK1:
		case P_KICK2:
			if (epoll_wait(ep, &out, 1, -1) != 1)
				die("epoll_wait");
			get_u64(f->kick);
			put_u64(f->call[0]);
			if (p == P_KICK2)
				put_u64(f->call[1]);
			break;
		case P_SIGIO2:
			if (epoll_wait(ep, &out, 1, -1) != 1)
				die("epoll_wait");
			get_u64(f->kick);
			put_u64(f->sock[0][0]);
			put_u64(f->sock[1][0]);
			break;
		case P_TIMER2:
			/* Nothing arrives: the wait ends by its timeout. */
			if (epoll_pwait2(ep, &out, 1, &ts, NULL) != 0)
				die("epoll_pwait2");
			put_u64(f->call[0]);
			put_u64(f->call[1]);
			/* The peers answer before the next round, as a VM's next frame would. */
			get_u64(f->kick);
			break;
		case P_UNIX:
			if (epoll_wait(ep, &out, 1, -1) != 1)
				die("epoll_wait");
			xfull(recv(f->sock[0][0], msg, sizeof(msg), MSG_WAITALL), sizeof(msg), "recv");
			xfull(send(f->sock[1][0], msg, sizeof(msg), 0), sizeof(msg), "send");
			xfull(send(f->sock[0][0], msg, sizeof(msg), 0), sizeof(msg), "send");
			break;
		case P_FANOUT:
			ts.tv_nsec = 200000;
			if (epoll_pwait2(ep, &out, 1, &ts, NULL) != 0)
				die("epoll_pwait2");
			for (int k = 0; k < FANOUT; k++)
				xfull(send(f->fan[k][0], msg, sizeof(msg), 0), sizeof(msg), "send");
			break;
		case P_N:
			break;
		}
	}
	t0 = rusage_s() - t0;
	xfull(write(result, &t0, sizeof(t0)), sizeof(t0), "write result");
}

/* The peers' side, in this process: one frame per round, then wait for what comes back. */
static void peer_side(enum pattern p, const struct fds *f, unsigned rounds)
{
	char msg[MSG_LEN] = { 0 };
	sigset_t sigio;

	sigemptyset(&sigio);
	sigaddset(&sigio, SIGIO);
	if (p == P_SIGIO2) {
		/* Blocked, so it stays pending for sigwait() instead of killing us. */
		sigprocmask(SIG_BLOCK, &sigio, NULL);
		for (int k = 0; k < 2; k++)
			if (fcntl(f->sock[k][1], F_SETOWN, getpid()) < 0 ||
			    fcntl(f->sock[k][1], F_SETFL, O_ASYNC | O_NONBLOCK) < 0)
				die("fcntl");
	}

	if (p == P_FANOUT) {
		pid_t pids[FANOUT];

		for (int k = 0; k < FANOUT; k++) {
			pids[k] = fork();
			if (pids[k] < 0)
				die("fork");
			if (!pids[k]) {
				for (unsigned i = 0; i < rounds; i++)
					xfull(recv(f->fan[k][1], msg, sizeof(msg), MSG_WAITALL),
					      sizeof(msg), "recv");
				_exit(0);
			}
		}
		for (int k = 0; k < FANOUT; k++)
			waitpid(pids[k], NULL, 0);
		return;
	}
	for (unsigned i = 0; i < rounds; i++) {
		switch (p) {
		case P_SYSCALL:
		case P_FANOUT:
			return;
		case P_KICK1:
		case P_KICK2:
			put_u64(f->kick);
			get_u64(f->call[0]);
			if (p == P_KICK2)
				get_u64(f->call[1]);
			break;
		case P_SIGIO2: {
			int got = 0;

			put_u64(f->kick);
			/* As UML sleeps until a SIGIO says an fd of its has something. */
			while (got < 2) {
				uint64_t v;
				int sig;

				if (sigwait(&sigio, &sig))
					die("sigwait");
				for (int k = 0; k < 2; k++)
					while (read(f->sock[k][1], &v, sizeof(v)) == sizeof(v))
						got++;
			}
			break;
		}
		case P_TIMER2:
			get_u64(f->call[0]);
			get_u64(f->call[1]);
			put_u64(f->kick);
			break;
		case P_UNIX:
			xfull(send(f->sock[0][1], msg, sizeof(msg), 0), sizeof(msg), "send");
			xfull(recv(f->sock[1][1], msg, sizeof(msg), MSG_WAITALL), sizeof(msg), "recv");
			xfull(recv(f->sock[0][1], msg, sizeof(msg), MSG_WAITALL), sizeof(msg), "recv");
			break;
		case P_N:
			break;
		}
	}
}

/* One pattern: CPU microseconds of the daemon's side per round; *wall_us the round's time. */
static double run(enum pattern p, unsigned rounds, double *wall_us)
{
	struct fds f;
	int res[2], status;
	double cpu = -1;
	uint64_t t0;
	pid_t pid;

	f.kick = eventfd(0, 0);
	f.call[0] = eventfd(0, 0);
	f.call[1] = eventfd(0, 0);
	if (f.kick < 0 || f.call[0] < 0 || f.call[1] < 0 || pipe(res) < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, f.sock[0]) < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, f.sock[1]) < 0)
		die("setup");
	for (int k = 0; k < FANOUT; k++)
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, f.fan[k]) < 0)
			die("socketpair");
	t0 = now_ns();
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		daemon_side(p, &f, rounds, res[1]);
		_exit(0);
	}
	peer_side(p, &f, rounds);
	if (read(res[0], &cpu, sizeof(cpu)) != sizeof(cpu))
		cpu = -1;
	*wall_us = (double)(now_ns() - t0) / 1e3 / rounds;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		cpu = -1;
	close(f.kick);
	close(f.call[0]);
	close(f.call[1]);
	for (int i = 0; i < 2; i++) {
		close(f.sock[i][0]);
		close(f.sock[i][1]);
		close(res[i]);
	}
	for (int k = 0; k < FANOUT; k++) {
		close(f.fan[k][0]);
		close(f.fan[k][1]);
	}
	return cpu < 0 ? -1 : cpu * 1e6 / rounds;
}

int main(int argc, char **argv)
{
	unsigned rounds = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 100000;
	int failed = 0;

	if (!rounds || argc > 2) {
		fprintf(stderr, "usage: wake-floor [rounds]\n");
		return 2;
	}
	printf("wake-floor: %u rounds per pattern; the daemon's side, CPU per round\n", rounds);
	for (enum pattern p = 0; p < P_N; p++) {
		unsigned n = p == P_SYSCALL ? rounds * 10 : p == P_FANOUT ? rounds / 10 : rounds;
		double wall = 0, cpu = run(p, n ? n : 1, &wall);

		if (cpu < 0) {
			fprintf(stderr, "wake-floor: %s failed\n", pattern_name[p]);
			failed = 1;
			continue;
		}
		if (p == P_FANOUT)
			printf("  %-16s %7.2f us CPU   per send (%.2f us per round of %d)\n",
			       pattern_name[p], cpu / FANOUT, cpu, FANOUT);
		else
			printf("  %-16s %7.2f us CPU   %7.2f us per round\n", pattern_name[p], cpu,
			       wall);
	}
	return failed;
}
