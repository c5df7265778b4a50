/*
 * In-process DNS engine throughput: queries/s on one core with no network,
 * over the queries the blob can answer (every RRset of every zone, plus as
 * many NXDOMAIN names), or over the queries of QUERIES, a file in dnsperf's
 * binary input format (each message after its 2-byte length), such as the
 * mix bench/dns_mix.py writes for bench/dns.sh.
 *
 * --served answers as src/core/dns_service.c does over UDP, with the
 * options of the blob's dns.conf: its rate limiter (keyed at random) and
 * DNS cookies (its secret, or a random one), both clocks read for every
 * query, every query from one client, 192.0.2.1. Without it the engine
 * runs with neither (dns_engine_answer), whatever the blob says.
 * bench/dns_rrl.sh compares blobs with RRL and cookies off and on this way.
 *
 * Usage: build/bench/dns_engine [--served] [BLOB] [SECONDS] [QUERIES]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "content/blob.h"
#include "dns/dns_cookie.h"
#include "dns/dns_db.h"
#include "dns/dns_engine.h"
#include "dns/dns_rrl.h"
#include "wire/dns_wire.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct query {
    uint8_t b[300];
    size_t len;
};

/* A query with EDNS for wire name `name` (prefixed with `prefix` if given). */
static void make_query(struct query *q, const uint8_t *name, size_t name_len, uint16_t type,
                       const char *prefix)
{
    memset(q->b, 0, 12);
    dns_put16(q->b, 0x4242);
    dns_put16(q->b + 2, DNS_FLAG_RD);
    dns_put16(q->b + 4, 1);
    dns_put16(q->b + 10, 1);
    size_t at = 12;
    if (prefix) {
        q->b[at++] = (uint8_t)strlen(prefix);
        memcpy(q->b + at, prefix, strlen(prefix));
        at += strlen(prefix);
    }
    memcpy(q->b + at, name, name_len);
    at += name_len;
    dns_put16(q->b + at, type);
    dns_put16(q->b + at + 2, DNS_CLASS_IN);
    at += 4;
    static const uint8_t opt[] = {0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0};
    memcpy(q->b + at, opt, sizeof opt);
    q->len = at + sizeof opt;
}

/* The queries of a dnsperf -B file (a 2-byte length, then the message),
 * each given an ID; NULL with a message if it cannot be read. */
static struct query *read_queries(const char *path, size_t *count)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return NULL;
    }
    size_t room = 64, n = 0;
    struct query *qs = malloc(room * sizeof *qs);
    uint8_t len[2];
    while (qs && fread(len, 1, 2, f) == 2) {
        size_t l = (size_t)len[0] << 8 | len[1];
        if (n == room)
            qs = realloc(qs, (room *= 2) * sizeof *qs);
        if (!qs || l < 12 || l > sizeof qs[n].b || fread(qs[n].b, 1, l, f) != l) {
            fprintf(stderr, "%s: query %zu is not a DNS message of at most %zu bytes\n", path, n + 1,
                    sizeof qs[0].b);
            free(qs);
            fclose(f);
            return NULL;
        }
        qs[n].len = l;
        dns_put16(qs[n].b, (uint16_t)(0x4242 + n));
        n++;
    }
    fclose(f);
    if (qs && n == 0) {
        fprintf(stderr, "%s: no queries\n", path);
        free(qs);
        return NULL;
    }
    *count = n;
    return qs;
}

/* Random bytes for the keys, as the platform would give them. */
static void random_bytes(uint8_t *out, size_t n)
{
    FILE *f = fopen("/dev/urandom", "rb");
    if (!f || fread(out, 1, n, f) != n) {
        perror("/dev/urandom");
        exit(1);
    }
    fclose(f);
}

static struct dns_rrl rrl;
static struct dns_cookie_secrets cookie_secrets;

/* The engine's state as dns_service.c's rrl_start() and cookies_start()
 * set it from the blob's options; describes it in `what`. */
static void served_env(const struct blob *b, struct dns_engine_env *env, char *what, size_t room)
{
    const struct blob_dns_server *s = dns_db_server(b);
    struct dns_rrl_config cfg = {
        .rate = s->rrl_rate,
        .slip = s->rrl_slip,
        .ipv4_prefix = s->rrl_ipv4_prefix,
        .ipv6_prefix = s->rrl_ipv6_prefix,
        .exempt = b->rrl_exempt,
        .exempt_count = b->rrl_exempt_count,
    };
    uint8_t key[16];
    random_bytes(key, sizeof key);
    dns_rrl_init(&rrl, &cfg, key);
    env->rrl = s->rrl_rate ? &rrl : NULL;
    env->cookies = NULL;
    if (s->flags & BLOB_DNS_ANSWER_COOKIE) {
        if (s->flags & BLOB_DNS_COOKIE_SECRET)
            memcpy(cookie_secrets.active, s->cookie_secret, sizeof cookie_secrets.active);
        else
            random_bytes(cookie_secrets.active, sizeof cookie_secrets.active);
        cookie_secrets.has_staging = (s->flags & BLOB_DNS_COOKIE_STAGING) != 0;
        if (cookie_secrets.has_staging)
            memcpy(cookie_secrets.staging, s->cookie_staging, sizeof cookie_secrets.staging);
        env->cookies = &cookie_secrets;
    }
    char rate[16] = "off";
    if (s->rrl_rate)
        snprintf(rate, sizeof rate, "%u/s", (unsigned)s->rrl_rate);
    snprintf(what, room, "as served (RRL %s, cookies %s): ", rate, env->cookies ? "on" : "off");
}

int main(int argc, char **argv)
{
    bool served = argc > 1 && strcmp(argv[1], "--served") == 0;
    if (served) {
        argv++;
        argc--;
    }
    const char *path = argc > 1 ? argv[1] : "build/content.blob";
    double seconds = argc > 2 ? atof(argv[2]) : 2.0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *data = aligned_alloc(8, ((size_t)size + 7) / 8 * 8);
    if (fread(data, 1, (size_t)size, f) != (size_t)size)
        return 1;
    fclose(f);
    struct blob b;
    const char *err;
    if (blob_open(&b, data, (size_t)size, &err) != 0) {
        fprintf(stderr, "%s: %s\n", path, err);
        return 1;
    }
    size_t count = 0;
    struct query *queries;
    if (argc > 3) {
        queries = read_queries(argv[3], &count);
        if (!queries)
            return 1;
    } else {
        queries = calloc(2 * b.rrset_count + b.node_count + 1, sizeof *queries);
        for (uint32_t i = 0; i < b.node_count; i++) {
            const struct blob_dns_node *n = &b.nodes[i];
            for (uint32_t k = 0; k < n->rrset_count; k++)
                make_query(&queries[count++], blob_bytes(&b, n->name), n->name.len,
                           b.rrsets[n->rrset_first + k].type, NULL);
            make_query(&queries[count++], blob_bytes(&b, n->name), n->name.len, DNS_TYPE_A, "nope");
        }
    }
    static uint8_t out[65535];
    size_t done = 0, bytes = 0;
    struct dns_engine_env env = {0};
    struct dns_peer peer = {.family = 4, .addr = {192, 0, 2, 1}};
    char what[80] = "";
    if (served)
        served_env(&b, &env, what, sizeof what);
    double start = now(), elapsed;
    do {
        if (served) {
            for (size_t i = 0; i < count; i++) {
                /* dns_service.c's env_tick(): both clocks, every query */
                struct timespec mono, wall;
                clock_gettime(CLOCK_MONOTONIC, &mono);
                clock_gettime(CLOCK_REALTIME, &wall);
                env.now_ms = (uint64_t)mono.tv_sec * 1000u + (uint64_t)mono.tv_nsec / 1000000u;
                env.unix_time = (uint64_t)wall.tv_sec;
                size_t n = 0;
                if (dns_engine_handle(&b, &env, queries[i].b, queries[i].len, DNS_OVER_UDP, &peer, NULL, out,
                                      sizeof out, &n) == DNS_ACTION_ANSWER)
                    bytes += n;
            }
        } else {
            for (size_t i = 0; i < count; i++)
                bytes += dns_engine_answer(&b, queries[i].b, queries[i].len, DNS_OVER_UDP, out, sizeof out);
        }
        done += count;
        elapsed = now() - start;
    } while (elapsed < seconds);
    printf("dns engine: %s%zu queries (%zu distinct) in %.2f s: %.0f queries/s on one core, "
           "%.0f ns/query, %.0f bytes/answer\n",
           what, done, count, elapsed, done / elapsed, elapsed * 1e9 / done, (double)bytes / done);
    free(queries);
    free(data);
    return 0;
}
