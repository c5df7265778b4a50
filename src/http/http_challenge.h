/*
 * ACME's HTTP-01 challenge (RFC 8555 8.3) on port 80: a small runtime
 * table of tokens, each with its key authorization, that plain HTTP
 * answers at /.well-known/acme-challenge/TOKEN while the CA validates.
 * The HTTP engine consults it (http_conn_set_challenges) when HTTP serves
 * the site, and so does the redirect to HTTPS (http_stream_set_challenges)
 * once HTTPS is on: the CA must start on port 80 over plain HTTP, so a
 * pending token is answered there, never redirected.
 *
 * Bounded: HTTP_CHALLENGE_CAPACITY tokens; a token is base64url of at
 * least 128 bits (8.3) and at most HTTP_CHALLENGE_TOKEN_MAX characters,
 * and its value is the key authorization, "TOKEN.THUMBPRINT" (8.1), the
 * thumbprint being base64url of a SHA-256 (RFC 7638). Anything else is
 * refused, so nothing but such bytes is ever served from here. Allocates
 * nothing, does no I/O.
 */
#ifndef UNIHOST_HTTP_CHALLENGE_H
#define UNIHOST_HTTP_CHALLENGE_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_CHALLENGE_CAPACITY 16
#define HTTP_CHALLENGE_TOKEN_MIN 22         /* base64url of 128 bits, unpadded */
#define HTTP_CHALLENGE_TOKEN_MAX 127        /* the ACME client keeps tokens up to this */
#define HTTP_CHALLENGE_THUMBPRINT_LEN 43    /* base64url of 32 bytes, unpadded */
#define HTTP_CHALLENGE_VALUE_MAX (HTTP_CHALLENGE_TOKEN_MAX + 1 + HTTP_CHALLENGE_THUMBPRINT_LEN)
#define HTTP_CHALLENGE_PATH_PREFIX "/.well-known/acme-challenge/"

struct http_challenge {
    char token[HTTP_CHALLENGE_TOKEN_MAX];
    size_t token_len;
    char value[HTTP_CHALLENGE_VALUE_MAX];   /* the key authorization */
    size_t value_len;
};

struct http_challenges {
    struct http_challenge entries[HTTP_CHALLENGE_CAPACITY];
    size_t count;                   /* entries[0 .. count) are in use */
};

enum http_challenge_result {
    HTTP_CHALLENGE_OK,
    HTTP_CHALLENGE_FULL,            /* HTTP_CHALLENGE_CAPACITY tokens already */
    HTTP_CHALLENGE_BAD_TOKEN,       /* not base64url, or shorter or longer than allowed */
    HTTP_CHALLENGE_BAD_VALUE,       /* not "TOKEN.THUMBPRINT" for this token */
    HTTP_CHALLENGE_NOT_FOUND,       /* removal of a token that is not there */
};

void http_challenges_init(struct http_challenges *t);

/* Adds a token and its key authorization; a token already there gets the
 * new value (the same token is the same challenge). */
enum http_challenge_result http_challenges_add(struct http_challenges *t, const char *token, size_t token_len,
                                               const char *value, size_t value_len);

enum http_challenge_result http_challenges_remove(struct http_challenges *t, const char *token, size_t token_len);

void http_challenges_clear(struct http_challenges *t);

/*
 * The entry a request-target asks for, or NULL: an origin-form target
 * (or an absolute-form one's path) that is HTTP_CHALLENGE_PATH_PREFIX and
 * a pending token, exactly (tokens are case-sensitive), a query ignored.
 * The target is taken as the client sent it: a token is base64url, which
 * needs no percent-encoding, so an encoded one is not a CA's request.
 */
const struct http_challenge *http_challenges_for_target(const struct http_challenges *t, const char *target,
                                                        size_t len);

const char *http_challenge_result_text(enum http_challenge_result r);

#endif
