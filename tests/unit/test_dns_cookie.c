/*
 * DNS Cookies, server side (src/dns/dns_cookie.c): the four worked
 * examples of RFC 9018 Appendix A byte for byte, then what they leave
 * out: the rollover (the staging secret checks but never makes), a moved
 * client, every option length, the time window's edges with the 32-bit
 * time wrapping, a server cookie of another version, every one-bit
 * forgery, and when the client's own cookie is sent back.
 *
 * The Appendix A hashes were also checked with an independent SipHash,
 * OpenSSL 3's (`openssl mac -macopt hexkey:SECRET -macopt size:8 SIPHASH`
 * over client cookie | version | reserved | time | address): they agree.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "crypto/siphash.h"
#include "dns/dns_cookie.h"
#include "wire/dns_wire.h"

static struct dns_peer peer(const char *text)
{
    struct dns_peer p;
    memset(&p, 0, sizeof p);
    if (inet_pton(AF_INET, text, p.addr) == 1)
        p.family = 4;
    else if (inet_pton(AF_INET6, text, p.addr) == 1)
        p.family = 6;
    return p;
}

/* Hex into out; returns the number of bytes. */
static size_t unhex(const char *hex, uint8_t *out)
{
    size_t n = strlen(hex) / 2;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
    return n;
}

static struct dns_cookie_secrets secrets(const char *active, const char *staging)
{
    struct dns_cookie_secrets s;
    memset(&s, 0, sizeof s);
    unhex(active, s.active);
    if (staging) {
        unhex(staging, s.staging);
        s.has_staging = true;
    }
    return s;
}

/*
 * dns_cookie_answer() on the option given in hex, from an exact-size heap
 * copy (so ASan sees any read past it): true if the status is `want` and
 * the option sent back is `reply` (hex; NULL: nothing written).
 */
static bool answers(const struct dns_cookie_secrets *s, const char *opt_hex, const struct dns_peer *client,
                    uint32_t now, enum dns_cookie_status want, const char *reply)
{
    uint8_t opt[64], out[DNS_COOKIE_ANSWER_LEN], expected[DNS_COOKIE_ANSWER_LEN];
    size_t len = unhex(opt_hex, opt);
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        abort();
    memcpy(copy, opt, len);
    memset(out, 0xa5, sizeof out);
    enum dns_cookie_status got = dns_cookie_answer(s, copy, len, client, now, out);
    bool same_verdict = dns_cookie_check(s, copy, len, client, now) == got;
    free(copy);
    if (got != want || !same_verdict)
        return false;
    if (!reply) {
        for (size_t i = 0; i < sizeof out; i++)
            if (out[i] != 0xa5)
                return false;
        return true;
    }
    return unhex(reply, expected) == sizeof expected && memcmp(out, expected, sizeof out) == 0;
}

/* RFC 9018 Appendix A, A.1 to A.4. */
static void rfc9018_appendix_a(void)
{
    struct dns_cookie_secrets s = secrets("e5e973e5a6b2a43f48e7dc849e37bfcf", NULL);
    struct dns_peer client1 = peer("198.51.100.100");
    struct dns_peer client2 = peer("203.0.113.203");

    CHECK("A.1: a client cookie alone gets a new server cookie",
          answers(&s, "2464c4abcf10c957", &client1, 1559731985, DNS_COOKIE_CLIENT_ONLY,
                  "2464c4abcf10c957010000005cf79f111f8130c3eee29480"));
    CHECK("A.2: 40 minutes later the cookie is valid and renewed",
          answers(&s, "2464c4abcf10c957010000005cf79f111f8130c3eee29480", &client1, 1559734385,
                  DNS_COOKIE_VALID, "2464c4abcf10c957010000005cf7a871d4a564a1442aca77"));
    /* A.3's request carries a cookie made at 09:46:25 and is answered at
     * 11:38:20, past the hour RFC 9018 section 4.3 allows: invalid here,
     * and answered with the example's fresh cookie either way. */
    CHECK("A.3: another client's cookie, past its hour, gets the example's fresh one",
          answers(&s, "fc93fc62807ddb8601abcdef5cf78f71a314227b6679ebf5", &client2, 1559734700,
                  DNS_COOKIE_INVALID, "fc93fc62807ddb86010000005cf7a9acf73a7810aca2381e"));
    /* Within its hour the same cookie is ours: the reserved bytes are
     * hashed as received. It is still replaced, since we make cookies with
     * reserved bytes zero; the fresh cookie's hash (time 1559728045) is
     * OpenSSL's, not the RFC's. */
    CHECK("A.3: within its hour, valid with the reserved bytes set, and replaced",
          answers(&s, "fc93fc62807ddb8601abcdef5cf78f71a314227b6679ebf5", &client2, 1559727985 + 60,
                  DNS_COOKIE_VALID, "fc93fc62807ddb86010000005cf78fadfb138d6372b6af70"));

    struct dns_cookie_secrets rolled =
        secrets("445536bcd2513298075a5d379663c962", "dd3bdf9344b678b185a6f5cb60fca715");
    struct dns_peer client6 = peer("2001:db8:220:1:59de:d0f4:8769:82b8");
    CHECK("A.4: IPv6, made by the old secret (now staging): valid, renewed with the new one",
          answers(&rolled, "22681ab97d52c298010000005cf7c57926556bd0934c72f8", &client6, 1559741961,
                  DNS_COOKIE_VALID, "22681ab97d52c298010000005cf7c609a6bb79d16625507a"));
}

/* Our answer to a client cookie alone at `now`: a fresh cookie. */
static void fresh(const struct dns_cookie_secrets *s, const struct dns_peer *client, uint32_t now,
                  uint8_t out[DNS_COOKIE_ANSWER_LEN])
{
    static const uint8_t client_cookie[DNS_COOKIE_CLIENT_LEN] = {1, 2, 3, 4, 5, 6, 7, 8};
    (void)dns_cookie_answer(s, client_cookie, sizeof client_cookie, client, now, out);
}

static enum dns_cookie_status check(const struct dns_cookie_secrets *s, const uint8_t *opt, size_t len,
                                    const struct dns_peer *client, uint32_t now)
{
    return dns_cookie_check(s, opt, len, client, now);
}

static void rollover(void)
{
    struct dns_cookie_secrets old_only = secrets("000102030405060708090a0b0c0d0e0f", NULL);
    struct dns_cookie_secrets stage1 = secrets("000102030405060708090a0b0c0d0e0f", "f0e0d0c0b0a090807060504030201000");
    struct dns_cookie_secrets stage2 = secrets("f0e0d0c0b0a090807060504030201000", "000102030405060708090a0b0c0d0e0f");
    struct dns_cookie_secrets new_only = secrets("f0e0d0c0b0a090807060504030201000", NULL);
    struct dns_peer c = peer("192.0.2.7");
    uint32_t t = 1700000000;
    uint8_t by_old[DNS_COOKIE_ANSWER_LEN], by_stage1[DNS_COOKIE_ANSWER_LEN], by_new[DNS_COOKIE_ANSWER_LEN];
    fresh(&old_only, &c, t, by_old);
    fresh(&stage1, &c, t, by_stage1);
    fresh(&new_only, &c, t, by_new);

    CHECK("rollover: the staging secret never makes cookies", memcmp(by_old, by_stage1, sizeof by_old) == 0);
    CHECK("rollover: different secrets make different cookies", memcmp(by_old, by_new, sizeof by_old) != 0);
    CHECK("rollover: stage 1 accepts cookies of the new (staging) secret",
          check(&stage1, by_new, sizeof by_new, &c, t + 10) == DNS_COOKIE_VALID);
    CHECK("rollover: stage 2 accepts cookies of the old (now staging) secret",
          check(&stage2, by_old, sizeof by_old, &c, t + 10) == DNS_COOKIE_VALID);
    CHECK("rollover: without the staging secret, the old secret's cookie is invalid",
          check(&new_only, by_old, sizeof by_old, &c, t + 10) == DNS_COOKIE_INVALID);
    CHECK("rollover: a secret not yet installed does not check",
          check(&old_only, by_new, sizeof by_new, &c, t + 10) == DNS_COOKIE_INVALID);

    /* A valid cookie of the staging secret is answered with a fresh one of
     * the active secret, even when young; the active secret's own young
     * cookie is sent back as it came. */
    uint8_t out[DNS_COOKIE_ANSWER_LEN];
    CHECK("rollover: a staging-secret cookie is replaced by the active secret's",
          dns_cookie_answer(&stage2, by_old, sizeof by_old, &c, t + 10, out) == DNS_COOKIE_VALID &&
              check(&new_only, out, sizeof out, &c, t + 10) == DNS_COOKIE_VALID &&
              check(&old_only, out, sizeof out, &c, t + 10) == DNS_COOKIE_INVALID &&
              dns_get32(out + 12) == t + 10);
    CHECK("rollover: the active secret's young cookie is sent back unchanged",
          dns_cookie_answer(&stage2, by_new, sizeof by_new, &c, t + 10, out) == DNS_COOKIE_VALID &&
              memcmp(out, by_new, sizeof out) == 0);
}

static void addresses(void)
{
    struct dns_cookie_secrets s = secrets("00112233445566778899aabbccddeeff", NULL);
    uint32_t t = 1700000000;
    uint8_t c4[DNS_COOKIE_ANSWER_LEN], c6[DNS_COOKIE_ANSWER_LEN];
    struct dns_peer v4 = peer("192.0.2.1"), v6 = peer("2001:db8::1");
    fresh(&s, &v4, t, c4);
    fresh(&s, &v6, t, c6);

    CHECK("address: valid from the address it was made for (IPv4)", check(&s, c4, 24, &v4, t) == DNS_COOKIE_VALID);
    CHECK("address: valid from the address it was made for (IPv6)", check(&s, c6, 24, &v6, t) == DNS_COOKIE_VALID);
    struct dns_peer other4 = peer("192.0.2.2"), other6 = peer("2001:db8::2");
    CHECK("address: another IPv4 address, invalid", check(&s, c4, 24, &other4, t) == DNS_COOKIE_INVALID);
    CHECK("address: another IPv6 address (last bit), invalid", check(&s, c6, 24, &other6, t) == DNS_COOKIE_INVALID);
    struct dns_peer first_bit = v6;
    first_bit.addr[0] ^= 0x80;
    CHECK("address: another IPv6 address (first bit), invalid",
          check(&s, c6, 24, &first_bit, t) == DNS_COOKIE_INVALID);
    struct dns_peer as_v6 = v4;
    as_v6.family = 6;
    CHECK("address: the same bytes as IPv6, invalid", check(&s, c4, 24, &as_v6, t) == DNS_COOKIE_INVALID);
    struct dns_peer v4_noise = v4;
    memset(v4_noise.addr + 4, 0x5a, 12);
    CHECK("address: an IPv4 peer's bytes past the fourth are not read",
          check(&s, c4, 24, &v4_noise, t) == DNS_COOKIE_VALID);
}

/* Every option length 0..64 from an exact-size heap copy of a valid
 * cookie's first bytes (zeros past 24): RFC 7873 section 5.2.2 allows 8
 * and 16..40; of those we can validate only 24. */
static void lengths(void)
{
    struct dns_cookie_secrets s = secrets("00112233445566778899aabbccddeeff", NULL);
    struct dns_peer c = peer("192.0.2.1");
    uint32_t t = 1700000000;
    uint8_t buf[64] = {0}, out[DNS_COOKIE_ANSWER_LEN];
    fresh(&s, &c, t, buf);

    unsigned right = 0, untouched = 0, written = 0, malformed = 0;
    for (size_t len = 0; len <= sizeof buf; len++) {
        enum dns_cookie_status want = len == 8                                 ? DNS_COOKIE_CLIENT_ONLY
                                      : len == 24                              ? DNS_COOKIE_VALID
                                      : len >= 16 && len <= 40                 ? DNS_COOKIE_INVALID
                                                                               : DNS_COOKIE_MALFORMED;
        uint8_t *copy = malloc(len ? len : 1);
        if (!copy)
            abort();
        memcpy(copy, buf, len);
        memset(out, 0xa5, sizeof out);
        enum dns_cookie_status got = dns_cookie_answer(&s, copy, len, &c, t, out);
        if (got == want && dns_cookie_check(&s, copy, len, &c, t) == want)
            right++;
        else
            printf("# length %zu: status %d, want %d\n", len, got, want);
        if (want == DNS_COOKIE_MALFORMED) {
            malformed++;
            bool clean = true;
            for (size_t i = 0; i < sizeof out; i++)
                clean = clean && out[i] == 0xa5;
            untouched += clean;
        } else {
            /* Every other answer echoes the client cookie with a valid server cookie. */
            written += memcmp(out, buf, DNS_COOKIE_CLIENT_LEN) == 0 &&
                       dns_cookie_check(&s, out, sizeof out, &c, t) == DNS_COOKIE_VALID;
        }
        free(copy);
    }
    CHECK("lengths: every length 0..64 gets its status (FORMERR below 8, 9..15, above 40)",
          right == sizeof buf + 1);
    CHECK("lengths: nothing written for a malformed option", untouched == malformed);
    CHECK("lengths: every well-formed option gets the client cookie and a valid server cookie",
          written == sizeof buf + 1 - malformed);
    CHECK("lengths: no option bytes at all", dns_cookie_answer(&s, NULL, 0, &c, t, out) == DNS_COOKIE_MALFORMED);
}

/* The server cookie made at `made`, checked at `made + delta` (mod 2^32). */
static enum dns_cookie_status at(uint32_t made, int64_t delta)
{
    struct dns_cookie_secrets s = secrets("00112233445566778899aabbccddeeff", NULL);
    struct dns_peer c = peer("198.51.100.9");
    uint8_t cookie[DNS_COOKIE_ANSWER_LEN];
    fresh(&s, &c, made, cookie);
    return check(&s, cookie, sizeof cookie, &c, (uint32_t)((int64_t)made + delta));
}

static void time_window(void)
{
    /* RFC 9018 section 4.3: an hour old to five minutes ahead, inclusive. */
    uint32_t made[] = {1700000000u, 0xffffffffu - 100, 100, 0, 0xffffffffu, 0x80000000u};
    bool edges = true, wraps = true;
    for (size_t i = 0; i < sizeof made / sizeof made[0]; i++) {
        uint32_t m = made[i];
        bool ok = at(m, 0) == DNS_COOKIE_VALID && at(m, 3600) == DNS_COOKIE_VALID &&
                  at(m, 3601) == DNS_COOKIE_INVALID && at(m, -300) == DNS_COOKIE_VALID &&
                  at(m, -301) == DNS_COOKIE_INVALID;
        if (!ok)
            printf("# window edges wrong for a cookie made at %u\n", m);
        edges = edges && ok;
        /* Half the 32-bit circle away either way is never within it. */
        wraps = wraps && at(m, 0x7fffffff) == DNS_COOKIE_INVALID && at(m, 0x80000000) == DNS_COOKIE_INVALID &&
                at(m, -0x7fffffff) == DNS_COOKIE_INVALID && at(m, 0xffffffff) == DNS_COOKIE_VALID;
    }
    CHECK("time: valid from 300 s ahead to 3600 s old, not a second more, across the 32-bit wrap", edges);
    CHECK("time: half the serial circle away is invalid; one second ahead modulo 2^32 is valid", wraps);
    CHECK("time: made just before the wrap, checked an hour after it",
          at(0xfffffff0u, 3600) == DNS_COOKIE_VALID && at(0xfffffff0u, 3601) == DNS_COOKIE_INVALID);
    CHECK("time: made just after the wrap, checked five minutes before",
          at(10, -300) == DNS_COOKIE_VALID && at(10, -301) == DNS_COOKIE_INVALID);
}

/* The client's cookie sent back while younger than half an hour (RFC 9018
 * section 4.3), a fresh one from then on and for cookies from the future
 * that are not ours to extend. */
static void renewal(void)
{
    struct dns_cookie_secrets s = secrets("00112233445566778899aabbccddeeff", NULL);
    struct dns_peer c = peer("198.51.100.9");
    uint32_t t = 1700000000;
    uint8_t cookie[DNS_COOKIE_ANSWER_LEN], out[DNS_COOKIE_ANSWER_LEN];
    fresh(&s, &c, t, cookie);

    CHECK("renewal: at 1799 s old the cookie is sent back as it came",
          dns_cookie_answer(&s, cookie, sizeof cookie, &c, t + 1799, out) == DNS_COOKIE_VALID &&
              memcmp(out, cookie, sizeof out) == 0);
    CHECK("renewal: at 1800 s old a fresh one, made now",
          dns_cookie_answer(&s, cookie, sizeof cookie, &c, t + 1800, out) == DNS_COOKIE_VALID &&
              memcmp(out, cookie, 8) == 0 && dns_get32(out + 12) == t + 1800 &&
              check(&s, out, sizeof out, &c, t + 1800) == DNS_COOKIE_VALID);
    CHECK("renewal: one made by a clock 5 minutes ahead is kept",
          dns_cookie_answer(&s, cookie, sizeof cookie, &c, t - 300, out) == DNS_COOKIE_VALID &&
              memcmp(out, cookie, sizeof out) == 0);
    CHECK("renewal: an invalid cookie gets a fresh valid one",
          dns_cookie_answer(&s, cookie, sizeof cookie, &c, t + 3601, out) == DNS_COOKIE_INVALID &&
              dns_get32(out + 12) == t + 3601 && check(&s, out, sizeof out, &c, t + 3601) == DNS_COOKIE_VALID);
}

/* Every one-bit change to a valid option, and a version-2 cookie whose
 * hash is right for its bytes. */
static void forgeries(void)
{
    struct dns_cookie_secrets s = secrets("00112233445566778899aabbccddeeff", "ffeeddccbbaa99887766554433221100");
    struct dns_peer c = peer("2001:db8::53");
    uint32_t t = 1700000000;
    uint8_t cookie[DNS_COOKIE_ANSWER_LEN];
    fresh(&s, &c, t, cookie);

    unsigned rejected = 0;
    for (unsigned bit = 0; bit < 8 * sizeof cookie; bit++) {
        uint8_t forged[DNS_COOKIE_ANSWER_LEN];
        memcpy(forged, cookie, sizeof forged);
        forged[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        rejected += check(&s, forged, sizeof forged, &c, t) == DNS_COOKIE_INVALID;
    }
    CHECK("forgery: each of the 192 one-bit changes is invalid", rejected == 8 * sizeof cookie);

    /* Version 2 with a hash that version-1 rules would accept. */
    uint8_t v2[DNS_COOKIE_ANSWER_LEN], input[8 + 8 + 16];
    memcpy(v2, cookie, sizeof v2);
    v2[8] = 2;
    memcpy(input, v2, 16);
    memcpy(input + 16, c.addr, 16);
    siphash24_bytes(s.active, input, sizeof input, v2 + 16);
    CHECK("forgery: a server cookie of another version is not ours, whatever its hash",
          check(&s, v2, sizeof v2, &c, t) == DNS_COOKIE_INVALID);
    /* The same construction with version 1 is valid: the test above fails for the version alone. */
    v2[8] = 1;
    memcpy(input, v2, 16);
    siphash24_bytes(s.active, input, sizeof input, v2 + 16);
    CHECK("forgery: (the same construction with version 1 is valid)",
          check(&s, v2, sizeof v2, &c, t) == DNS_COOKIE_VALID);
}

int main(void)
{
    rfc9018_appendix_a();
    rollover();
    addresses();
    lengths();
    time_window();
    renewal();
    forgeries();
    return CHECK_DONE();
}
