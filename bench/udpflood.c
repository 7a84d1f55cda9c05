// SPDX-License-Identifier: GPL-2.0
/*
 * Paced UDP flood to a socket of our own on 127.0.0.1, for the ring-buffer
 * loss figure of `make bench`:
 *
 *   udpflood RATE SECONDS [PORT]
 *
 * Sends RATE datagrams a second in 1 ms batches for SECONDS, reads them back
 * so the receive queue never fills, and prints one JSON line with what it
 * really sent and received.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void drain(int fd, long *got)
{
	char buf[64];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		(*got)++;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	long rate, sent = 0, got = 0, errs = 0;
	double secs, t0, t, elapsed;
	char payload[32] = "pwru-bench";
	int tx, rx, port;

	if (argc < 3) {
		fprintf(stderr, "usage: udpflood RATE SECONDS [PORT]\n");
		return 2;
	}
	rate = atol(argv[1]);
	secs = atof(argv[2]);
	port = argc > 3 ? atoi(argv[3]) : 9977;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rx = socket(AF_INET, SOCK_DGRAM, 0);
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	if (rx < 0 || tx < 0 || bind(rx, (struct sockaddr *)&a, sizeof(a)) ||
	    connect(tx, (struct sockaddr *)&a, sizeof(a))) {
		perror("udpflood: socket");
		return 1;
	}
	t0 = now();
	for (long tick = 1;; tick++) {
		/* send what is due by the end of this millisecond */
		long due = (long)(rate * (tick / 1000.0));
		struct timespec until;
		double next = t0 + tick / 1000.0;

		if (tick / 1000.0 > secs)
			break;
		while (sent < due) {
			if (send(tx, payload, sizeof(payload), 0) < 0)
				errs++;
			sent++;
		}
		drain(rx, &got);
		t = now();
		if (next > t) {
			until.tv_sec = 0;
			until.tv_nsec = (long)((next - t) * 1e9);
			nanosleep(&until, NULL);
		}
	}
	elapsed = now() - t0;
	usleep(10000);
	drain(rx, &got);
	printf("{\"sent\":%ld,\"received\":%ld,\"send_errors\":%ld,\"seconds\":%.4f,"
	       "\"pkts_per_s\":%.0f}\n",
	       sent, got, errs, elapsed, sent / elapsed);
	return 0;
}
