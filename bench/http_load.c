/*
 * A keep-alive HTTP/1.1 load client for bench/http.sh's large-file rows,
 * cheap on purpose: bodies are dropped in the kernel (recv with
 * MSG_TRUNC, which TCP honours without copying), so on a two-core machine
 * the client's own copying does not cap what the servers can show. wrk
 * copies every body into user space; at 1 MB per response that costs the
 * client twice what either server spends, and both cores saturate.
 *
 * Each connection asks for PATH, reads the head (status 200 and a
 * Content-Length required), drops the body, and asks again, for SECONDS.
 * Prints: requests, requests per second, p99 latency in ms, errors.
 *
 * Usage: http_load ADDR PORT PATH SECONDS CONNECTIONS
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "load_common.h"

#define CONNS_MAX 256
#define HEAD_MAX 4096
#define LATENCIES_MAX (1u << 22)

struct conn {
    int fd;
    char head[HEAD_MAX];
    size_t head_len;
    long long body_left;        /* -1: reading the head */
    double started;
};

static char request[512];
static size_t request_len;
static float *latencies;
static size_t latency_count;
static unsigned long long errors;

static int open_conn(const struct sockaddr_in *to)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (const struct sockaddr *)to, sizeof *to) != 0)
        return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

/* Sends the request (small: the socket buffer always takes it whole). */
static int ask(struct conn *c)
{
    c->head_len = 0;
    c->body_left = -1;
    c->started = load_now();
    return send(c->fd, request, request_len, MSG_NOSIGNAL) == (ssize_t)request_len ? 0 : -1;
}

/* The head is complete in c->head: checks it and returns the bytes of
 * body that came with it, or -1. */
static long long parse_head(struct conn *c, size_t end)
{
    if (c->head_len < 12 || memcmp(c->head, "HTTP/1.1 200", 12) != 0)
        return -1;
    c->head[end - 1] = '\0';
    const char *cl = strcasestr(c->head, "\r\ncontent-length:");
    if (!cl)
        return -1;
    c->body_left = strtoll(cl + 17, NULL, 10);
    return (long long)(c->head_len - end);
}

/* Reads what is there; returns 0, or -1 when the connection failed. */
static int on_readable(struct conn *c, unsigned long long *done)
{
    for (;;) {
        ssize_t n;
        if (c->body_left < 0) {
            n = recv(c->fd, c->head + c->head_len, sizeof c->head - 1 - c->head_len, 0);
            if (n > 0) {
                c->head_len += (size_t)n;
                c->head[c->head_len] = '\0';
                char *end = strstr(c->head, "\r\n\r\n");
                if (!end) {
                    if (c->head_len >= sizeof c->head - 1)
                        return -1;
                    continue;
                }
                long long extra = parse_head(c, (size_t)(end - c->head) + 4);
                if (extra < 0)
                    return -1;
                c->body_left -= extra;
            }
        } else {
            static char sink[1];
            size_t want = c->body_left > (1 << 30) ? (1u << 30) : (size_t)c->body_left;
            n = want ? recv(c->fd, sink, want, MSG_TRUNC) : 0;
            if (n > 0)
                c->body_left -= n;
        }
        if (c->body_left == 0) {
            (*done)++;
            if (latency_count < LATENCIES_MAX)
                latencies[latency_count++] = (float)((load_now() - c->started) * 1e3);
            if (ask(c) != 0)
                return -1;
            continue;
        }
        if (n == 0 && c->body_left != 0)
            return -1;          /* closed mid-response */
        if (n < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
    }
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: http_load ADDR PORT PATH SECONDS CONNECTIONS\n");
        return 2;
    }
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2]))};
    double seconds = atof(argv[4]);
    int count = atoi(argv[5]);
    if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1 || count < 1 || count > CONNS_MAX || seconds <= 0) {
        fprintf(stderr, "http_load: bad arguments\n");
        return 2;
    }
    request_len = (size_t)snprintf(request, sizeof request, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", argv[3], argv[1]);
    latencies = malloc(LATENCIES_MAX * sizeof *latencies);
    struct conn *conns = calloc((size_t)count, sizeof *conns);
    int ep = epoll_create1(0);
    if (!latencies || !conns || ep < 0)
        return 1;
    for (int i = 0; i < count; i++) {
        conns[i].fd = open_conn(&to);
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &conns[i]};
        if (conns[i].fd < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev) != 0 || ask(&conns[i]) != 0) {
            perror("http_load: connect");
            return 1;
        }
    }
    unsigned long long done = 0;
    double start = load_now(), end = start + seconds;
    struct epoll_event events[CONNS_MAX];
    while (load_now() < end) {
        int n = epoll_wait(ep, events, CONNS_MAX, 100);
        for (int i = 0; i < n; i++) {
            struct conn *c = events[i].data.ptr;
            if (on_readable(c, &done) == 0)
                continue;
            errors++;           /* start that connection over */
            epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
            close(c->fd);
            c->fd = open_conn(&to);
            struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
            if (c->fd < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) != 0 || ask(c) != 0) {
                perror("http_load: reconnect");
                return 1;
            }
        }
    }
    double elapsed = load_now() - start;
    double p50, p99;
    load_percentiles(latencies, latency_count, &p50, &p99);
    printf("requests %llu req/s %.0f p99_ms %.2f errors %llu\n", done, (double)done / elapsed, p99, errors);
    return 0;
}
