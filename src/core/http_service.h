/* HTTP on TCP port 80 and HTTPS on 443: moves bytes between lwIP, the TLS
 * server and the HTTP engine. */
#ifndef UNIHOST_HTTP_SERVICE_H
#define UNIHOST_HTTP_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "content/blob.h"
#include "http/http_challenge.h"
#include "http/tls_server.h"

struct http_service_options {
    const struct tls_credentials *tls;  /* NULL: plain HTTP only */
    bool https_redirect;                /* with tls: port 80 answers 301 to https:// */
    uint32_t hsts_max_age;              /* with tls: Strict-Transport-Security max-age; 0: none */
    uint32_t request_timeout_ms;        /* a request (and the TLS handshake) must arrive within it */
    uint32_t idle_timeout_ms;           /* a connection without progress is closed after it */
    bool access_log;                    /* a line per response (src/log/access_line.h) */
    const struct http_challenges *challenges;   /* ACME HTTP-01 tokens answered on port 80 (NULL: none) */
};

/* Listens on TCP port 80 (and 443 with TLS) on every address; returns 0 or
 * -1. `opt` is copied; what opt->tls points to must stay. */
int http_service_start(const struct http_service_options *opt);

/* HTTPS serves `creds` to connections from now on (those open keep the
 * certificate they began with), listening on 443 if it did not yet; with
 * https_redirect, port 80 now redirects, and HSTS is sent. Returns -1
 * (nothing changed) while connections begun two certificates ago are still
 * open: try again later. `creds` must stay until the next swap after this
 * one. */
int http_service_use_credentials(const struct tls_credentials *creds);

/* Whether an open connection's TLS state uses `creds`. */
bool http_service_holds(const struct tls_credentials *creds);

/* New content (content.h) is current; requests begun before finish on the
 * blob they began with. */
void http_service_swap(const struct blob *now);

/* Whether a connection is still answering from b. */
bool http_service_uses(const struct blob *b);

/* Resets the connections still answering from b; returns how many. */
size_t http_service_reset_using(const struct blob *b);

#endif
