/* DNS Cookies, server side: see dns_cookie.h. */
#include "dns/dns_cookie.h"

#include <string.h>

#include "crypto/secret_bytes.h"
#include "crypto/siphash.h"
#include "wire/dns_wire.h"

/* RFC 7873 section 4: a server cookie is 8 to 32 bytes, after the client's 8. */
#define OPTION_MIN_WITH_SERVER (DNS_COOKIE_CLIENT_LEN + 8)
#define OPTION_MAX (DNS_COOKIE_CLIENT_LEN + 32)

/* The parts of an RFC 9018 server cookie, as offsets into it. */
#define SERVER_VERSION 0
#define SERVER_RESERVED 1
#define SERVER_TIME 4
#define SERVER_HASH 8
#define HASH_LEN 8
#define COOKIE_VERSION 1

/* RFC 9018 section 4.3: valid from an hour old to five minutes ahead (for
 * the skew between the clocks of an anycast set); renewed after half an hour. */
#define MAX_AGE 3600
#define MAX_AHEAD 300
#define RENEW_AGE 1800

/* The hash input's largest size: client cookie, the server cookie's first
 * 8 bytes, an IPv6 address. */
#define HASH_INPUT_MAX (DNS_COOKIE_CLIENT_LEN + SERVER_HASH + 16)

enum maker { MADE_BY_NONE, MADE_BY_ACTIVE, MADE_BY_STAGING };

static size_t address_len(const struct dns_peer *client)
{
    /* The family is 4 or 6; anything else is hashed as 16 bytes rather than
     * read as a shorter address that others could share. */
    return client->family == 4 ? 4 : 16;
}

/*
 * The hash of RFC 9018 section 4.4 over the client cookie, the server
 * cookie's version, reserved and time bytes (`head`, 8 bytes, as received
 * when checking), and the client's address, into hash[0..8).
 */
static void cookie_hash(const uint8_t key[DNS_COOKIE_SECRET_LEN], const uint8_t *client_cookie,
                        const uint8_t *head, const struct dns_peer *client, uint8_t hash[HASH_LEN])
{
    uint8_t input[HASH_INPUT_MAX];
    size_t addr_len = address_len(client);
    memcpy(input, client_cookie, DNS_COOKIE_CLIENT_LEN);
    memcpy(input + DNS_COOKIE_CLIENT_LEN, head, SERVER_HASH);
    memcpy(input + DNS_COOKIE_CLIENT_LEN + SERVER_HASH, client->addr, addr_len);
    siphash24_bytes(key, input, DNS_COOKIE_CLIENT_LEN + SERVER_HASH + addr_len, hash);
}

/* Seconds from `made` to `now` by serial-number arithmetic (RFC 1982):
 * negative when `made` is ahead of `now`. Distances of 2^31 and more are
 * undefined there; they fall far outside every window here whichever sign
 * they get. */
static int64_t cookie_age(uint32_t made, uint32_t now)
{
    uint32_t forward = now - made;  /* modulo 2^32 */
    return forward < 0x80000000u ? (int64_t)forward : (int64_t)forward - INT64_C(0x100000000);
}

/* Was the server cookie in opt[8..24) made by one of our secrets? */
static enum maker cookie_maker(const struct dns_cookie_secrets *s, const uint8_t *opt,
                               const struct dns_peer *client)
{
    const uint8_t *server = opt + DNS_COOKIE_CLIENT_LEN;
    uint8_t expected[HASH_LEN];
    cookie_hash(s->active, opt, server, client, expected);
    enum maker maker = MADE_BY_NONE;
    /* Trying the staging secret only when the active one fails tells a
     * timing observer which secret made a valid cookie, which is no secret;
     * the comparisons themselves tell nothing of the expected hash. */
    if (secret_equal(expected, server + SERVER_HASH, HASH_LEN)) {
        maker = MADE_BY_ACTIVE;
    } else if (s->has_staging) {
        cookie_hash(s->staging, opt, server, client, expected);
        if (secret_equal(expected, server + SERVER_HASH, HASH_LEN))
            maker = MADE_BY_STAGING;
    }
    /* The hash that a forged cookie should have carried. */
    secret_wipe(expected, sizeof expected);
    return maker;
}

/* The verdict on opt[0..opt_len), and which secret made its server cookie. */
static enum dns_cookie_status classify(const struct dns_cookie_secrets *s, const uint8_t *opt, size_t opt_len,
                                       const struct dns_peer *client, uint32_t now, enum maker *maker)
{
    *maker = MADE_BY_NONE;
    if (opt_len == DNS_COOKIE_CLIENT_LEN)
        return DNS_COOKIE_CLIENT_ONLY;
    if (opt_len < OPTION_MIN_WITH_SERVER || opt_len > OPTION_MAX)
        return DNS_COOKIE_MALFORMED;
    /* Well formed, but a server cookie of another length or version is
     * another server's making (RFC 9018 section 4.1). */
    const uint8_t *server = opt + DNS_COOKIE_CLIENT_LEN;
    if (opt_len != DNS_COOKIE_ANSWER_LEN || server[SERVER_VERSION] != COOKIE_VERSION)
        return DNS_COOKIE_INVALID;
    /* The time is public: checking it first spares the hash for stale
     * cookies replayed in bulk. */
    int64_t age = cookie_age(dns_get32(server + SERVER_TIME), now);
    if (age > MAX_AGE || age < -MAX_AHEAD)
        return DNS_COOKIE_INVALID;
    *maker = cookie_maker(s, opt, client);
    return *maker == MADE_BY_NONE ? DNS_COOKIE_INVALID : DNS_COOKIE_VALID;
}

enum dns_cookie_status dns_cookie_check(const struct dns_cookie_secrets *s, const uint8_t *opt, size_t opt_len,
                                        const struct dns_peer *client, uint32_t now)
{
    enum maker maker;
    return classify(s, opt, opt_len, client, now, &maker);
}

/* May the client keep the server cookie it sent? Only one of ours as we
 * would make it now: the active secret's, reserved bytes zero, not yet due
 * for renewal. */
static bool keep_client_cookie(const uint8_t *opt, uint32_t now, enum maker maker)
{
    const uint8_t *server = opt + DNS_COOKIE_CLIENT_LEN;
    static const uint8_t zero_reserved[3];
    return maker == MADE_BY_ACTIVE && memcmp(server + SERVER_RESERVED, zero_reserved, 3) == 0 &&
           cookie_age(dns_get32(server + SERVER_TIME), now) < RENEW_AGE;
}

enum dns_cookie_status dns_cookie_answer(const struct dns_cookie_secrets *s, const uint8_t *opt, size_t opt_len,
                                         const struct dns_peer *client, uint32_t now,
                                         uint8_t out[DNS_COOKIE_ANSWER_LEN])
{
    enum maker maker;
    enum dns_cookie_status status = classify(s, opt, opt_len, client, now, &maker);
    if (status == DNS_COOKIE_MALFORMED)
        return status;
    if (status == DNS_COOKIE_VALID && keep_client_cookie(opt, now, maker)) {
        memcpy(out, opt, DNS_COOKIE_ANSWER_LEN);
        return status;
    }
    /* A fresh server cookie: version 1, reserved zero, the time now. */
    uint8_t *server = out + DNS_COOKIE_CLIENT_LEN;
    memcpy(out, opt, DNS_COOKIE_CLIENT_LEN);
    server[SERVER_VERSION] = COOKIE_VERSION;
    memset(server + SERVER_RESERVED, 0, 3);
    dns_put32(server + SERVER_TIME, now);
    cookie_hash(s->active, out, server, client, server + SERVER_HASH);
    return status;
}
