/*
 * The counters the services keep for the metrics page (docs/metrics.md):
 * plain integers in one struct, bumped where things happen. unihost runs
 * one thread, so no locks and no atomics: a count costs an add.
 *
 * Every label a client can influence maps onto a fixed set (a status class,
 * a query type among the known ones or "other", an RCODE below 16 or
 * "other"), so no client can grow the page. What is read from elsewhere at
 * scrape time (connection pools, lwIP's pools, the rate limiter, the
 * content) is not copied here.
 */
#ifndef UNIHOST_METRICS_H
#define UNIHOST_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Query types counted by name; then "none" (a message without a
 * question, e.g. asking only for a cookie) and "other" (any other type). */
#define METRICS_QTYPES 21
/* RCODEs 0..15 (the header's four bits) by number. */
#define METRICS_RCODES 16
/* TLS handshake failures by reason; see metrics_tls_reason(). */
enum metrics_tls_reason {
    METRICS_TLS_VERSION,        /* the client offered no TLS 1.2 */
    METRICS_TLS_CIPHER,         /* no cipher suite or curve in common */
    METRICS_TLS_ALPN,           /* ALPN offered without http/1.1 */
    METRICS_TLS_CLIENT_ALERT,   /* the client gave up (e.g. it does not trust our certificate) */
    METRICS_TLS_MALFORMED,      /* bytes that are not TLS, or a handshake broken on the way */
    METRICS_TLS_OTHER,
    METRICS_TLS_REASONS
};

enum metrics_transport { METRICS_UDP, METRICS_TCP, METRICS_TRANSPORTS };

/* Content pushed to --manage (manage_service.c), by outcome. */
enum metrics_push_outcome { METRICS_PUSH_ACCEPTED, METRICS_PUSH_REFUSED, METRICS_PUSH_ABANDONED, METRICS_PUSH_OUTCOMES };

struct metrics {
    /* HTTP: responses by [https][status class 1xx..5xx, index 0..4], and
     * the bytes the transport took for them. */
    uint64_t http_responses[2][5];
    uint64_t http_bytes[2];
    /* TLS handshakes. */
    uint64_t tls_new, tls_resumed;
    uint64_t tls_failed[METRICS_TLS_REASONS];
    /* Pushes to the management listener. */
    uint64_t manage_pushes[METRICS_PUSH_OUTCOMES];
    /* DNS answers sent, by transport, RCODE and query type. */
    uint64_t dns_rcode[METRICS_TRANSPORTS][METRICS_RCODES];
    uint64_t dns_qtype[METRICS_TRANSPORTS][METRICS_QTYPES];
};

extern struct metrics metrics;

/* An HTTP response was sent (or cut short) with this status. */
void metrics_http_response(bool https, int status, uint64_t bytes);

/* A DNS answer went out: `query` is the message answered, `answer` its
 * answer's first bytes (at least the header). */
void metrics_dns_answer(enum metrics_transport transport, const uint8_t *query, size_t query_len,
                        const uint8_t *answer, size_t answer_len);

/* The label of the i-th counted query type ("A", ..., "other"). */
const char *metrics_qtype_name(size_t i);
/* The index of a query type. */
size_t metrics_qtype_index(uint16_t qtype);

/* The reason a BearSSL error code (br_ssl_engine_last_error) is counted
 * under, and its label. */
enum metrics_tls_reason metrics_tls_reason(int bearssl_error);
const char *metrics_tls_reason_name(enum metrics_tls_reason r);

#endif
