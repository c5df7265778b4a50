/* ACME HTTP-01 tokens: see http_challenge.h. */
#include "http/http_challenge.h"

#include <string.h>
#include <strings.h>

/* The base64url alphabet (RFC 4648 5), without padding (RFC 8555 8.3). */
static bool base64url_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static bool all_base64url(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!base64url_char(s[i]))
            return false;
    return true;
}

static bool valid_token(const char *token, size_t len)
{
    return len >= HTTP_CHALLENGE_TOKEN_MIN && len <= HTTP_CHALLENGE_TOKEN_MAX && all_base64url(token, len);
}

/* The index of the token's entry, or t->count when it has none. */
static size_t index_of(const struct http_challenges *t, const char *token, size_t len)
{
    size_t i = 0;
    while (i < t->count && !(t->entries[i].token_len == len && memcmp(t->entries[i].token, token, len) == 0))
        i++;
    return i;
}

void http_challenges_init(struct http_challenges *t)
{
    t->count = 0;
}

enum http_challenge_result http_challenges_add(struct http_challenges *t, const char *token, size_t token_len,
                                               const char *value, size_t value_len)
{
    if (!valid_token(token, token_len))
        return HTTP_CHALLENGE_BAD_TOKEN;
    /* The key authorization (RFC 8555 8.1): the token, a dot, the
     * account key's thumbprint. */
    if (value_len != token_len + 1 + HTTP_CHALLENGE_THUMBPRINT_LEN || memcmp(value, token, token_len) != 0 ||
        value[token_len] != '.' || !all_base64url(value + token_len + 1, HTTP_CHALLENGE_THUMBPRINT_LEN))
        return HTTP_CHALLENGE_BAD_VALUE;
    size_t i = index_of(t, token, token_len);
    if (i == t->count) {
        if (t->count == HTTP_CHALLENGE_CAPACITY)
            return HTTP_CHALLENGE_FULL;
        t->count++;
        memcpy(t->entries[i].token, token, token_len);
        t->entries[i].token_len = token_len;
    }
    struct http_challenge *e = &t->entries[i];
    memcpy(e->value, value, value_len);
    e->value_len = value_len;
    return HTTP_CHALLENGE_OK;
}

enum http_challenge_result http_challenges_remove(struct http_challenges *t, const char *token, size_t token_len)
{
    size_t i = index_of(t, token, token_len);
    if (i == t->count)
        return HTTP_CHALLENGE_NOT_FOUND;
    t->entries[i] = t->entries[--t->count];     /* order does not matter */
    return HTTP_CHALLENGE_OK;
}

void http_challenges_clear(struct http_challenges *t)
{
    t->count = 0;
}

const struct http_challenge *http_challenges_for_target(const struct http_challenges *t, const char *target,
                                                        size_t len)
{
    static const char prefix[] = HTTP_CHALLENGE_PATH_PREFIX;
    const size_t prefix_len = sizeof prefix - 1;
    if (t->count == 0)
        return NULL;
    /* Absolute form (RFC 9112 3.2.2): the path after the authority. */
    size_t scheme = len >= 7 && strncasecmp(target, "http://", 7) == 0 ? 7 : 0;
    if (scheme) {
        size_t at = scheme;
        while (at < len && target[at] != '/')
            at++;
        target += at;
        len -= at;
    }
    const char *query = memchr(target, '?', len);
    if (query)
        len = (size_t)(query - target);
    if (len <= prefix_len || memcmp(target, prefix, prefix_len) != 0)
        return NULL;
    size_t i = index_of(t, target + prefix_len, len - prefix_len);
    return i < t->count ? &t->entries[i] : NULL;
}

const char *http_challenge_result_text(enum http_challenge_result r)
{
    switch (r) {
    case HTTP_CHALLENGE_OK: return "ok";
    case HTTP_CHALLENGE_FULL: return "the table of HTTP-01 tokens is full";
    case HTTP_CHALLENGE_BAD_TOKEN: return "an HTTP-01 token must be 22 to 127 base64url characters";
    case HTTP_CHALLENGE_BAD_VALUE: return "a key authorization must be the token, '.', and a 43-character thumbprint";
    case HTTP_CHALLENGE_NOT_FOUND: return "no such HTTP-01 token";
    }
    return "?";
}
