/*
 * Response-rate limiting: the keyed bucket table and its token buckets
 * (see dns_rrl.h for the semantics and why the table is safe as it is).
 */
#include "dns/dns_rrl.h"

#include <string.h>

#include "crypto/siphash.h"
#include "wire/dns_name.h"

/*
 * Credit is counted in thousandths of a response. With a millisecond
 * clock that makes the refill exactly `rate` units a millisecond
 * (rate responses/s * 1000 units/response / 1000 ms/s): no division, no
 * rounding, no floating point.
 */
#define CREDIT_PER_RESPONSE 1000u
#define MS_PER_SECOND 1000u

_Static_assert((DNS_RRL_ENTRIES & (DNS_RRL_ENTRIES - 1)) == 0, "the index is a mask of the hash");
_Static_assert(sizeof(struct dns_rrl_entry) == 24, "dns_rrl.h states the table's size from this");
_Static_assert((uint64_t)DNS_RRL_RATE_MAX * CREDIT_PER_RESPONSE <= UINT32_MAX, "a full bucket fits in credit");

static unsigned address_bits(uint8_t family)
{
    return family == 4 ? 32 : 128;
}

/* Do the first `bits` bits of a and b agree? */
static bool prefix_equal(const uint8_t *a, const uint8_t *b, unsigned bits)
{
    unsigned whole = bits / 8, rest = bits % 8;
    if (memcmp(a, b, whole) != 0)
        return false;
    if (rest == 0)
        return true;
    uint8_t mask = (uint8_t)(0xffu << (8 - rest));
    return ((a[whole] ^ b[whole]) & mask) == 0;
}

static bool is_exempt(const struct dns_rrl_config *cfg, const struct dns_peer *client)
{
    for (size_t i = 0; i < cfg->exempt_count; i++) {
        const struct blob_dns_acl *acl = &cfg->exempt[i];
        if (acl->family != client->family)
            continue;
        unsigned bits = acl->prefix_len;
        if (bits > address_bits(acl->family))
            bits = address_bits(acl->family);
        if (prefix_equal(acl->addr, client->addr, bits))
            return true;
    }
    return false;
}

/* The client's address cut to the configured prefix, the rest zero. */
static void client_prefix(const struct dns_rrl_config *cfg, const struct dns_peer *client, uint8_t out[16])
{
    unsigned bits = client->family == 4 ? cfg->ipv4_prefix : cfg->ipv6_prefix;
    memset(out, 0, 16);
    memcpy(out, client->addr, bits / 8);
    if (bits % 8 != 0)
        out[bits / 8] = (uint8_t)(client->addr[bits / 8] & (0xffu << (8 - bits % 8)));
}

/*
 * The keyed hash of a bucket's identity: family, prefix, kind, qtype,
 * name, in fixed-size fields but the name, which comes last so the
 * encoding is unambiguous. What does not define the kind's bucket (the
 * qtype but for positives, the name for errors) is left out, so callers
 * may pass it anyway.
 */
static uint64_t identity_hash(const struct dns_rrl *r, const struct dns_peer *client, enum dns_rrl_kind kind,
                              const uint8_t *what, size_t what_len, uint16_t qtype)
{
    uint8_t buf[1 + 16 + 1 + 2 + DNS_NAME_MAX];
    size_t n = 0;
    buf[n++] = client->family;
    client_prefix(&r->config, client, buf + n);
    n += 16;
    buf[n++] = (uint8_t)kind;
    if (kind != DNS_RRL_POSITIVE)
        qtype = 0;
    buf[n++] = (uint8_t)(qtype >> 8);
    buf[n++] = (uint8_t)qtype;
    if (kind != DNS_RRL_ERROR && what != NULL) {
        if (what_len > DNS_NAME_MAX)
            what_len = DNS_NAME_MAX;
        /* Every byte lower-cased, not label by label (dns_name_lower): length
         * bytes are at most 63, below 'A', so a valid name comes out the same,
         * and a malformed one still hashes all and only its own bytes. */
        for (size_t i = 0; i < what_len; i++) {
            uint8_t c = what[i];
            buf[n++] = (uint8_t)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
        }
    }
    return siphash24(r->key, buf, n);
}

/* Brings the bucket's credit up to now_ms. */
static void refill(struct dns_rrl_entry *e, uint32_t rate, uint64_t now_ms)
{
    uint32_t full = rate * CREDIT_PER_RESPONSE;
    if (now_ms < e->stamp_ms) {
        /* The clock went back: count from the new time, crediting nothing
         * now. If it comes forward again over the same stretch, that stretch
         * is credited twice, which is at most one full bucket. */
        e->stamp_ms = now_ms;
        return;
    }
    uint64_t elapsed = now_ms - e->stamp_ms;
    e->stamp_ms = now_ms;
    if (elapsed >= MS_PER_SECOND) {
        /* A second fills any bucket; also keeps elapsed * rate from
         * overflowing after a long idle time or a jump forward. */
        e->credit = full;
        return;
    }
    uint64_t credit = e->credit + elapsed * rate;
    e->credit = credit > full ? full : (uint32_t)credit;
}

static struct dns_rrl_config clamped(const struct dns_rrl_config *cfg)
{
    struct dns_rrl_config c = *cfg;
    if (c.rate > DNS_RRL_RATE_MAX)
        c.rate = DNS_RRL_RATE_MAX;
    if (c.ipv4_prefix > 32)
        c.ipv4_prefix = 32;
    if (c.ipv6_prefix > 128)
        c.ipv6_prefix = 128;
    return c;
}

void dns_rrl_init(struct dns_rrl *r, const struct dns_rrl_config *cfg, const uint8_t key[16])
{
    memset(r, 0, sizeof *r);
    r->config = clamped(cfg);
    memcpy(r->key, key, sizeof r->key);
}

void dns_rrl_reconfigure(struct dns_rrl *r, const struct dns_rrl_config *cfg)
{
    struct dns_rrl_config c = clamped(cfg);
    if (c.rate != r->config.rate || c.ipv4_prefix != r->config.ipv4_prefix ||
        c.ipv6_prefix != r->config.ipv6_prefix)
        memset(r->entries, 0, sizeof r->entries);
    r->config = c;
}

enum dns_rrl_verdict dns_rrl_account(struct dns_rrl *r, const struct dns_peer *client, enum dns_rrl_kind kind,
                                     const uint8_t *what, size_t what_len, uint16_t qtype, uint64_t now_ms)
{
    r->counters.checked++;
    uint32_t rate = r->config.rate;
    if (rate == 0 || is_exempt(&r->config, client))
        return DNS_RRL_SEND;

    uint64_t hash = identity_hash(r, client, kind, what, what_len, qtype);
    struct dns_rrl_entry *e = &r->entries[(hash >> 32) & (DNS_RRL_ENTRIES - 1)];
    uint64_t identity = hash | 1;   /* never 0, the mark of an unused entry */
    if (e->identity != identity) {
        /* Unused, or another identity's: take it over with a full bucket. */
        e->identity = identity;
        e->stamp_ms = now_ms;
        e->credit = rate * CREDIT_PER_RESPONSE;
        e->until_slip = 0;
    } else {
        refill(e, rate, now_ms);
    }

    if (e->credit >= CREDIT_PER_RESPONSE) {
        e->credit -= CREDIT_PER_RESPONSE;
        return DNS_RRL_SEND;
    }
    r->counters.limited++;
    /* A counter, not a random draw, so the ratio is exact per bucket; the
     * first limited response slips, so a real client caught in a flood
     * learns at once to retry over TCP. */
    if (r->config.slip != 0 && e->until_slip == 0) {
        e->until_slip = r->config.slip - 1;
        r->counters.slipped++;
        return DNS_RRL_SLIP;
    }
    if (e->until_slip != 0)
        e->until_slip--;
    r->counters.dropped++;
    return DNS_RRL_DROP;
}
