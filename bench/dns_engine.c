/*
 * In-process DNS engine throughput: queries/s on one core with no network,
 * over the queries the blob can answer (every RRset of every zone, plus as
 * many NXDOMAIN names), or over the queries of QUERIES, a file in dnsperf's
 * binary input format (each message after its 2-byte length), such as the
 * mix bench/dns_mix.py writes for bench/dns.sh.
 * Usage: build/bench/dns_engine [BLOB] [SECONDS] [QUERIES]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "content/blob.h"
#include "dns/dns_engine.h"
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

int main(int argc, char **argv)
{
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
    double start = now(), elapsed;
    do {
        for (size_t i = 0; i < count; i++)
            bytes += dns_engine_answer(&b, queries[i].b, queries[i].len, DNS_OVER_UDP, out, sizeof out);
        done += count;
        elapsed = now() - start;
    } while (elapsed < seconds);
    printf("dns engine: %zu queries (%zu distinct) in %.2f s: %.0f queries/s on one core, "
           "%.0f ns/query, %.0f bytes/answer\n",
           done, count, elapsed, done / elapsed, elapsed * 1e9 / done, (double)bytes / done);
    free(queries);
    free(data);
    return 0;
}
