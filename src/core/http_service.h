/* HTTP on TCP port 80 and HTTPS on 443: moves bytes between lwIP, the TLS
 * server and the HTTP engine. */
#ifndef UNIHOST_HTTP_SERVICE_H
#define UNIHOST_HTTP_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "content/blob.h"
#include "http/tls_server.h"

struct http_service_options {
    const struct tls_credentials *tls;  /* NULL: plain HTTP only */
    bool https_redirect;                /* with tls: port 80 answers 301 to https:// */
    uint32_t hsts_max_age;              /* with tls: Strict-Transport-Security max-age; 0: none */
    uint32_t request_timeout_ms;        /* a request (and the TLS handshake) must arrive within it */
    uint32_t idle_timeout_ms;           /* a connection without progress is closed after it */
    bool access_log;                    /* a line per response (src/log/access_line.h) */
};

/* Listens on TCP port 80 (and 443 with TLS) on every address; returns 0 or
 * -1. `opt` is copied; what opt->tls points to must stay. */
int http_service_start(const struct http_service_options *opt);

/* New content (content.h) is current; requests begun before finish on the
 * blob they began with. */
void http_service_swap(const struct blob *now);

/* Whether a connection is still answering from b. */
bool http_service_uses(const struct blob *b);

/* Resets the connections still answering from b; returns how many. */
size_t http_service_reset_using(const struct blob *b);

#endif
