/*
 * What the load clients of the benchmarks share (tls_load.c, tls12_load.c,
 * http_load.c): the clock they time requests with, the server's address
 * from the command line, and the percentiles of the latencies they keep.
 */
#ifndef UNIHOST_BENCH_LOAD_COMMON_H
#define UNIHOST_BENCH_LOAD_COMMON_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* Seconds on the monotonic clock. */
static inline double load_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ADDR (IPv4 or IPv6, literal) and PORT into *out and *len; 0, or -1 if
 * either is not one. */
static inline int load_server_address(const char *addr, int port, struct sockaddr_storage *out, socklen_t *len)
{
    memset(out, 0, sizeof *out);
    struct sockaddr_in *s4 = (struct sockaddr_in *)out;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)out;
    if (port <= 0 || port > 65535)
        return -1;
    if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)port);
        *len = sizeof *s4;
        return 0;
    }
    if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        *len = sizeof *s6;
        return 0;
    }
    return -1;
}

/* The command line's ADDR PORT SECONDS CLIENTS (args[0..3]), as the TLS
 * clients take them; on a bad one, says so as "NAME: ..." and returns -1. */
static inline int load_target(const char *name, char **args, struct sockaddr_storage *server, socklen_t *len,
                              double *seconds, int *clients)
{
    if (load_server_address(args[0], atoi(args[1]), server, len) != 0) {
        fprintf(stderr, "%s: %s port %s is not an IP address and port\n", name, args[0], args[1]);
        return -1;
    }
    *seconds = atof(args[2]);
    *clients = atoi(args[3]);
    if (*seconds <= 0 || *clients <= 0 || *clients > 64) {
        fprintf(stderr, "%s: bad SECONDS or CLIENTS (1 to 64)\n", name);
        return -1;
    }
    return 0;
}

/* A new TCP connection to the server, for one request: no Nagle, closed
 * with RST (linger 0: the client's ports stay out of TIME_WAIT, which
 * quick reconnects would otherwise exhaust), and a connection the server
 * lets hang fails after 5 s instead of stopping its thread for the rest of
 * the run. The socket, or -1. */
static inline int load_connect(const struct sockaddr_storage *server, socklen_t len)
{
    int fd = socket(server->ss_family, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct linger lg = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    struct timeval limit = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    if (connect(fd, (const struct sockaddr *)server, len) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static inline int load_by_value(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* Sorts the n latencies in v and gives their median and 99th percentile
 * (0 for none). */
static inline void load_percentiles(float *v, size_t n, double *p50, double *p99)
{
    qsort(v, n, sizeof *v, load_by_value);
    *p50 = n ? v[n / 2] : 0;
    *p99 = n ? v[(size_t)((double)n * 0.99)] : 0;
}

/* ---- closed-loop clients: threads, each one request after another ------ */

#define LOAD_SAMPLES_MAX 4000000    /* latencies kept per thread: far above what 60 s can reach */

struct load_thread {
    pthread_t thread;
    int (*one_request)(void *state);    /* 0: a good response */
    void *state;                        /* the client's own, per thread */
    double deadline;
    unsigned long requests, errors;
    float *latency_ms;
};

struct load_result {
    unsigned long requests, errors;
    double elapsed, p50_ms, p99_ms;
};

static inline void *load_thread_main(void *arg)
{
    struct load_thread *t = arg;
    while (load_now() < t->deadline) {
        double t0 = load_now();
        if (t->one_request(t->state) == 0) {
            if (t->requests < LOAD_SAMPLES_MAX)
                t->latency_ms[t->requests] = (float)((load_now() - t0) * 1e3);
            t->requests++;
        } else {
            t->errors++;
        }
    }
    return NULL;
}

/*
 * Runs `clients` threads for `seconds`, thread i calling
 * one_request(states + i * state_size) in a loop and timing each call;
 * fills *r. Returns 0, or -1 if the threads could not be started.
 */
static inline int load_run(int clients, double seconds, int (*one_request)(void *state), void *states,
                           size_t state_size, struct load_result *r)
{
    struct load_thread *t = calloc((size_t)clients, sizeof *t);
    if (!t)
        return -1;
    double start = load_now();
    for (int i = 0; i < clients; i++) {
        t[i].one_request = one_request;
        t[i].state = (char *)states + (size_t)i * state_size;
        t[i].deadline = start + seconds;
        t[i].latency_ms = malloc(LOAD_SAMPLES_MAX * sizeof(float));
        if (!t[i].latency_ms || pthread_create(&t[i].thread, NULL, load_thread_main, &t[i]) != 0)
            return -1;
    }
    memset(r, 0, sizeof *r);
    for (int i = 0; i < clients; i++) {
        pthread_join(t[i].thread, NULL);
        r->requests += t[i].requests;
        r->errors += t[i].errors;
    }
    r->elapsed = load_now() - start;
    float *all = malloc((r->requests ? r->requests : 1) * sizeof(float));
    if (!all)
        return -1;
    size_t samples = 0;
    for (int i = 0; i < clients; i++) {
        size_t n = t[i].requests < LOAD_SAMPLES_MAX ? t[i].requests : LOAD_SAMPLES_MAX;
        memcpy(all + samples, t[i].latency_ms, n * sizeof(float));
        samples += n;
        free(t[i].latency_ms);
    }
    load_percentiles(all, samples, &r->p50_ms, &r->p99_ms);
    free(all);
    free(t);
    return 0;
}

#endif
