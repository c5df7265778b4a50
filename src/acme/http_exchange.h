/*
 * One HTTP/1.1 exchange with an ACME server, sans I/O: the request head
 * to send (the JWS body follows it as it is), and the response read from
 * the bytes as they arrive, by llhttp in response mode (the parser the
 * HTTP engine already uses for requests), into what acme_client.h wants:
 * the status, Replay-Nonce, Location, Retry-After and the body. Bounded:
 * each kept header has a fixed size, the body goes into the caller's
 * buffer, and anything larger fails the exchange rather than being cut.
 * One request per connection (Connection: close), as an ACME client
 * needs nothing more.
 */
#ifndef UNIHOST_ACME_HTTP_EXCHANGE_H
#define UNIHOST_ACME_HTTP_EXCHANGE_H

#include <stdbool.h>
#include <stddef.h>

#include <llhttp.h>

#include "acme/acme_client.h"

/* The parts of an https:// URL a connection needs. */
struct http_url {
    char host[256];
    unsigned port;
    const char *path;       /* into the URL: "/..." (or "/" when it has none) */
};

/* Splits "https://host[:port]/path" (port 443 by default). Returns false
 * for another scheme, userinfo, an IPv6 literal, an empty or too long
 * host, or a bad port. */
bool http_url_split(const char *url, struct http_url *out);

/* Writes the request head for `req` into out[0..cap), NUL-terminated.
 * Returns its length, or 0 if the URL does not split or it does not fit.
 * The body (req->body, req->body_len bytes) is sent right after it. */
size_t http_request_head(const struct acme_request *req, char *out, size_t cap);

struct http_exchange {
    llhttp_t parser;
    llhttp_settings_t settings;
    bool head_request;          /* a response to HEAD has no body, whatever it says */
    char *body;
    size_t body_cap, body_len;
    char nonce[ACME_NONCE_MAX], location[ACME_URL_MAX], retry_after[64];
    char field[32];             /* the header name being read, lower-cased */
    size_t field_len;
    char *value;                /* where the current header's value goes, or NULL */
    size_t value_cap, value_len;
    bool complete;
    const char *error;
};

/* Starts reading the response to `req` (its method matters for HEAD),
 * with the body going into body[0..body_cap). */
void http_exchange_init(struct http_exchange *x, const struct acme_request *req, char *body, size_t body_cap);

/* Feeds received bytes. Returns 1 once the response is complete (bytes
 * after it are ignored), 0 if more are needed, -1 on a malformed or
 * oversized response (x->error says why). */
int http_exchange_feed(struct http_exchange *x, const char *data, size_t len);

/* The server closed the connection: completes a response whose end is
 * the close. Returns 1 if the response is then complete, else -1. */
int http_exchange_eof(struct http_exchange *x);

/* The complete response, for acme_client_response(); its strings point
 * into x, which must outlive the call. */
void http_exchange_response(const struct http_exchange *x, struct acme_response *out);

#endif
