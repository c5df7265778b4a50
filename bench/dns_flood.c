/*
 * The flooder of bench/dns_rrl.sh: one DNS query sent over UDP at a fixed
 * rate from one source address, its answers counted by what they are, so
 * that the benchmark can show what the response-rate limiter did. Cheap on
 * purpose (sendmmsg/recvmmsg, one wake-up every 5 ms): on a two-core
 * machine it shares a CPU with the load it is measured against, and a
 * flooder in Python cost five times as much.
 *
 * Sends RATE queries a second, evenly (a batch every 5 ms), for SECONDS,
 * each with its own message ID (so RATE * SECONDS is at most 65536), then
 * waits at most 1 s for the last answers. An answer counts once per ID:
 * whole (NOERROR, TC clear), truncated (NOERROR, TC set: the limiter's
 * slip), other (any other rcode, BADCOOKIE among them); the queries left
 * are unanswered (dropped by the limiter, or lost).
 *
 * Prints one line:
 *   flood: from SRC: sent N in T s (R/s); answered W, truncated C,
 *   other O, unanswered U; flooder CPU X s
 *
 * Usage: dns_flood SOURCE SERVER RATE SECONDS QUERYFILE
 *   QUERYFILE holds the query as dnsperf -B reads it (a 2-byte length,
 *   then the message; bench/dns_mix.py wire writes it); its ID is
 *   replaced. The server's port is 53.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define TICK_NS 5000000LL           /* a batch every 5 ms */
#define BATCH_MAX 256
#define QUERY_MAX 512
#define ANSWER_MAX 4096
#define IDS 65536u

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
}

static uint8_t outstanding[IDS];     /* 1: sent, no answer yet */
static unsigned long whole, truncated, other;

/* Reads every answer waiting, without blocking. */
static void drain(int fd)
{
    static uint8_t bufs[BATCH_MAX][ANSWER_MAX];
    static struct iovec iov[BATCH_MAX];
    static struct mmsghdr msgs[BATCH_MAX];
    for (;;) {
        for (int i = 0; i < BATCH_MAX; i++) {
            iov[i] = (struct iovec){.iov_base = bufs[i], .iov_len = ANSWER_MAX};
            msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_iov = &iov[i], .msg_iovlen = 1}};
        }
        int n = recvmmsg(fd, msgs, BATCH_MAX, MSG_DONTWAIT, NULL);
        if (n <= 0)
            return;
        for (int i = 0; i < n; i++) {
            const uint8_t *a = bufs[i];
            if (msgs[i].msg_len < 12)
                continue;
            unsigned id = (unsigned)a[0] << 8 | a[1];
            if (!outstanding[id])
                continue;
            outstanding[id] = 0;
            unsigned rcode = a[3] & 0x0f, tc = a[2] & 0x02;
            if (rcode != 0)
                other++;
            else if (tc)
                truncated++;
            else
                whole++;
        }
    }
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: dns_flood SOURCE SERVER RATE SECONDS QUERYFILE\n");
        return 2;
    }
    struct sockaddr_in src = {.sin_family = AF_INET}, dst = {.sin_family = AF_INET, .sin_port = htons(53)};
    if (inet_pton(AF_INET, argv[1], &src.sin_addr) != 1 || inet_pton(AF_INET, argv[2], &dst.sin_addr) != 1) {
        fprintf(stderr, "dns_flood: SOURCE and SERVER are IPv4 addresses\n");
        return 2;
    }
    double rate = atof(argv[3]), seconds = atof(argv[4]);
    unsigned long total = (unsigned long)(rate * seconds);
    if (rate <= 0 || seconds <= 0 || total > IDS) {
        fprintf(stderr, "dns_flood: RATE and SECONDS positive, RATE * SECONDS at most %u\n", IDS);
        return 2;
    }
    uint8_t query[QUERY_MAX];
    FILE *f = fopen(argv[5], "rb");
    uint8_t len_be[2];
    size_t qlen = 0;
    if (f && fread(len_be, 1, 2, f) == 2) {
        qlen = (size_t)len_be[0] << 8 | len_be[1];
        if (qlen < 12 || qlen > QUERY_MAX || fread(query, 1, qlen, f) != qlen)
            qlen = 0;
    }
    if (f)
        fclose(f);
    if (qlen == 0) {
        fprintf(stderr, "dns_flood: %s: no query in dnsperf's binary format\n", argv[5]);
        return 1;
    }

    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    int rcvbuf = 4 << 20;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf) != 0 ||
        bind(fd, (struct sockaddr *)&src, sizeof src) != 0 || connect(fd, (struct sockaddr *)&dst, sizeof dst) != 0) {
        perror("dns_flood: socket");
        return 1;
    }

    static uint8_t out[BATCH_MAX][QUERY_MAX];
    static struct iovec oiov[BATCH_MAX];
    static struct mmsghdr omsgs[BATCH_MAX];
    double cpu0 = cpu_seconds();
    long long start = now_ns(), end = start + (long long)(seconds * 1e9), next = start;
    unsigned long sent = 0;
    for (;;) {
        long long t = now_ns();
        if (t >= next && t < end && sent < total) {
            unsigned long due = (unsigned long)((double)(t - start) * rate / 1e9) + 1;
            if (due > total)
                due = total;
            while (sent < due) {
                int n = 0;
                for (; n < BATCH_MAX && sent + (unsigned long)n < due; n++) {
                    unsigned id = (unsigned)((sent + (unsigned long)n) % IDS);
                    memcpy(out[n], query, qlen);
                    out[n][0] = (uint8_t)(id >> 8);
                    out[n][1] = (uint8_t)id;
                    oiov[n] = (struct iovec){.iov_base = out[n], .iov_len = qlen};
                    omsgs[n] = (struct mmsghdr){.msg_hdr = {.msg_iov = &oiov[n], .msg_iovlen = 1}};
                }
                int m = sendmmsg(fd, omsgs, (unsigned)n, 0);
                if (m <= 0) {
                    if (m < 0 && errno != EAGAIN && errno != ENOBUFS && errno != ECONNREFUSED && errno != EINTR) {
                        perror("dns_flood: sendmmsg");
                        return 1;
                    }
                    break;          /* the queue is full: the next tick sends them */
                }
                for (int i = 0; i < m; i++)
                    outstanding[(sent + (unsigned long)i) % IDS] = 1;
                sent += (unsigned long)m;
            }
            while (next <= t)
                next += TICK_NS;
        }
        drain(fd);
        unsigned long answered = whole + truncated + other;
        if (t >= end + 1000000000LL || (sent >= total && answered >= sent))
            break;
        long long wake = t < end && sent < total ? next : end + 1000000000LL;
        if (wake - t > 50000000LL)
            wake = t + 50000000LL;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        /* Wake for the next batch; answers wait in the socket until then. */
        if (t < end && sent < total)
            poll(NULL, 0, (int)((wake - t + 999999) / 1000000));
        else
            poll(&p, 1, (int)((wake - t + 999999) / 1000000));
    }
    double elapsed = (double)((now_ns() < end ? now_ns() : end) - start) / 1e9;
    unsigned long answered = whole + truncated + other;
    printf("flood: from %s: sent %lu in %.1f s (%.0f/s); answered %lu, truncated %lu, other %lu, unanswered %lu; "
           "flooder CPU %.2f s\n",
           argv[1], sent, elapsed, sent / (elapsed > 0 ? elapsed : 1), whole, truncated, other, sent - answered,
           cpu_seconds() - cpu0);
    close(fd);
    return 0;
}
