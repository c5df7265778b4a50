/* TSIG, RFC 8945: see dns_tsig.h. */
#include "dns/dns_tsig.h"

#include <string.h>

#include <bearssl.h>

#include "wire/dns_name.h"
#include "wire/dns_wire.h"

/* What a state may be used for next. */
enum phase {
    PHASE_NONE = 0,         /* nothing to sign or verify with it */
    PHASE_ANSWER,           /* a request was verified or refused: sign the answer */
    PHASE_AWAIT_REPLY,      /* we signed a request: verify its reply */
};

/* RDATA after the algorithm name: Time Signed (6), Fudge, MAC Size, then
 * the MAC; after it Original ID, Error and Other Len. */
#define TSIG_FIXED_BEFORE_MAC 10
#define TSIG_FIXED_AFTER_MAC 6
#define TSIG_TIME_MASK 0xffffffffffffull    /* Time Signed is 48 bits */

/* ---- algorithms ------------------------------------------------------------- */

/* Wire names (each literal's NUL is the root label), in enum order. */
static const uint8_t name_sha256[] = "\013hmac-sha256";
static const uint8_t name_sha384[] = "\013hmac-sha384";
static const uint8_t name_sha512[] = "\013hmac-sha512";

static const struct {
    const uint8_t *name;
    size_t name_len;
    size_t digest_len;
    const br_hash_class *hash;
} algorithms[] = {
    [DNS_TSIG_HMAC_SHA256] = {name_sha256, sizeof name_sha256, 32, &br_sha256_vtable},
    [DNS_TSIG_HMAC_SHA384] = {name_sha384, sizeof name_sha384, 48, &br_sha384_vtable},
    [DNS_TSIG_HMAC_SHA512] = {name_sha512, sizeof name_sha512, 64, &br_sha512_vtable},
};

static bool algorithm_known(enum dns_tsig_algorithm alg)
{
    return alg > DNS_TSIG_ALG_NONE && alg <= DNS_TSIG_HMAC_SHA512;
}

enum dns_tsig_algorithm dns_tsig_algorithm_from_name(const uint8_t *name, size_t len)
{
    for (int a = DNS_TSIG_HMAC_SHA256; a <= DNS_TSIG_HMAC_SHA512; a++)
        if (dns_name_equal(name, len, algorithms[a].name, algorithms[a].name_len))
            return (enum dns_tsig_algorithm)a;
    return DNS_TSIG_ALG_NONE;
}

const uint8_t *dns_tsig_algorithm_name(enum dns_tsig_algorithm alg, size_t *len)
{
    if (!algorithm_known(alg))
        return NULL;
    *len = algorithms[alg].name_len;
    return algorithms[alg].name;
}

size_t dns_tsig_digest_len(enum dns_tsig_algorithm alg)
{
    return algorithm_known(alg) ? algorithms[alg].digest_len : 0;
}

/* The shortest MAC accepted, RFC 8945 5.2.2.1: the larger of 10 bytes and
 * half the digest (shorter ones are FORMERR, and never sent). */
static size_t mac_floor(size_t digest_len)
{
    return digest_len / 2 > 10 ? digest_len / 2 : 10;
}

/* ---- secrets ------------------------------------------------------------------ */

/* A wipe the compiler must do: stores through a volatile pointer cannot be
 * elided as dead, as a memset() before the end of a lifetime may be. */
static void wipe(void *p, size_t n)
{
    volatile uint8_t *v = p;
    while (n--)
        *v++ = 0;
}

/*
 * BearSSL's own stack frames outlive its calls: br_hmac_key_init() pads
 * the key in a local buffer, and each compression keeps the block's words
 * in its message schedule. Their frames lay just below the caller's, so a
 * frame as deep, zeroed, overwrites them. Best effort (it relies on the
 * frames being no deeper, about 1.5 KiB at most for SHA-512), and called
 * right after the HMAC from the same function, never inlined into it.
 */
#define STACK_SCRUB_BYTES 4096
static __attribute__((noinline)) void scrub_stack_below(void)
{
    volatile uint64_t area[STACK_SCRUB_BYTES / 8];     /* word stores: a few hundred ns */
    for (size_t i = 0; i < sizeof area / sizeof area[0]; i++)
        area[i] = 0;
}

/* Equality in time that depends only on n, so an attacker trying MACs
 * learns nothing from how long a wrong one takes to refuse. */
static bool equal_in_constant_time(const uint8_t *a, const uint8_t *b, size_t n)
{
    uint8_t diff = 0;
    for (size_t i = 0; i < n; i++)
        diff |= (uint8_t)(a[i] ^ b[i]);
    return diff == 0;
}

/* ---- walking the message --------------------------------------------------------- */

/* A TSIG RR as received (RFC 8945 4.2). */
struct tsig_rr {
    size_t start;                   /* offset of its owner name: the signed message ends here */
    uint8_t name[DNS_NAME_MAX];     /* owner, the key's name: uncompressed, lower case */
    size_t name_len;
    const uint8_t *alg;             /* in the message: never compressed (RFC 8945 4.2) */
    size_t alg_len;
    uint64_t time_signed;
    uint16_t fudge, mac_len, original_id, error, other_len;
    const uint8_t *mac, *other;
};

/* Parses the TSIG RR at off, which must end exactly at len; false if it is
 * malformed (bad names, class not ANY, RDATA fields not filling RDLENGTH). */
static bool parse_tsig(const uint8_t *msg, size_t len, size_t off, struct tsig_rr *t)
{
    t->start = off;
    size_t p = dns_name_read(msg, len, off, t->name, &t->name_len);
    if (p == 0 || len - p < 10)
        return false;
    if (dns_get16(msg + p) != DNS_TYPE_TSIG || dns_get16(msg + p + 2) != DNS_CLASS_ANY)
        return false;
    size_t rdlen = dns_get16(msg + p + 8);
    p += 10;
    if (len - p != rdlen)
        return false;
    t->alg = msg + p;
    t->alg_len = dns_name_wire_len(msg + p, len - p);
    if (t->alg_len == 0)
        return false;
    p += t->alg_len;
    if (len - p < TSIG_FIXED_BEFORE_MAC)
        return false;
    t->time_signed = ((uint64_t)dns_get16(msg + p) << 32) | dns_get32(msg + p + 2);
    t->fudge = dns_get16(msg + p + 6);
    t->mac_len = dns_get16(msg + p + 8);
    p += TSIG_FIXED_BEFORE_MAC;
    if (len - p < (size_t)t->mac_len + TSIG_FIXED_AFTER_MAC)
        return false;
    t->mac = msg + p;
    p += t->mac_len;
    t->original_id = dns_get16(msg + p);
    t->error = dns_get16(msg + p + 2);
    t->other_len = dns_get16(msg + p + 4);
    p += TSIG_FIXED_AFTER_MAC;
    if (len - p != t->other_len)
        return false;
    t->other = msg + p;
    return true;
}

size_t dns_tsig_find(const uint8_t *msg, size_t len)
{
    if (len < DNS_HEADER_SIZE)
        return 0;
    size_t off = DNS_HEADER_SIZE;
    for (uint16_t i = dns_get16(msg + 4); i > 0; i--) {
        off = dns_name_skip(msg, len, off);
        if (off == 0 || len - off < 4)
            return DNS_TSIG_MISPLACED;
        off += 4;
    }
    uint16_t arcount = dns_get16(msg + 10);
    size_t records = (size_t)dns_get16(msg + 6) + dns_get16(msg + 8) + arcount;
    size_t tsig = 0;
    for (size_t i = 0; i < records; i++) {
        size_t rr = off;
        off = dns_name_skip(msg, len, off);
        if (off == 0 || len - off < 10)
            return DNS_TSIG_MISPLACED;
        uint16_t type = dns_get16(msg + off);
        size_t rdlen = dns_get16(msg + off + 8);
        off += 10;
        if (len - off < rdlen)
            return DNS_TSIG_MISPLACED;
        off += rdlen;
        if (type == DNS_TYPE_TSIG) {
            if (i + 1 != records || arcount == 0)
                return DNS_TSIG_MISPLACED;      /* not the last additional record (RFC 8945 5.2) */
            tsig = rr;
        }
    }
    if (tsig == 0)
        return 0;
    struct tsig_rr t;
    return parse_tsig(msg, len, tsig, &t) ? tsig : DNS_TSIG_MISPLACED;
}

/* ---- the digest (RFC 8945 4.3) ---------------------------------------------------- */

/* The TSIG fields a MAC covers besides the message. */
struct tsig_variables {
    const uint8_t *name, *alg;      /* lower case, uncompressed */
    size_t name_len, alg_len;
    uint64_t time_signed;
    uint16_t fudge, error, other_len;
    const uint8_t *other;
};

static void hmac_u16(br_hmac_context *hc, uint16_t v)
{
    uint8_t b[2];
    dns_put16(b, v);
    br_hmac_update(hc, b, sizeof b);
}

static void put48(uint8_t *p, uint64_t v)
{
    dns_put16(p, (uint16_t)(v >> 32));
    dns_put32(p + 2, (uint32_t)v);
}

/*
 * The MAC of one message into out (the digest's full length, returned):
 * `prior`, if not NULL, is the request MAC an answer covers, or the
 * previous message's MAC after the first (both with their 2-byte size);
 * then the message msg[0..msg_len) as it was before its TSIG was added,
 * with id and arcount in its header; then the TSIG variables, all of them
 * or only the timers (Time Signed and Fudge) for a transfer's later
 * messages (RFC 8945 5.3.1).
 */
static size_t compute_mac(const struct dns_tsig_key *key, const uint8_t *prior, size_t prior_len, const uint8_t *msg,
                          size_t msg_len, uint16_t id, uint16_t arcount, const struct tsig_variables *v,
                          bool timers_only, uint8_t out[DNS_TSIG_MAC_MAX])
{
    br_hmac_key_context kc;
    br_hmac_context hc;
    br_hmac_key_init(&kc, algorithms[key->alg].hash, key->secret, key->secret_len);
    br_hmac_init(&hc, &kc, 0);
    wipe(&kc, sizeof kc);

    if (prior) {
        hmac_u16(&hc, (uint16_t)prior_len);
        br_hmac_update(&hc, prior, prior_len);
    }
    hmac_u16(&hc, id);
    br_hmac_update(&hc, msg + 2, 8);                    /* flags and the first three counts */
    hmac_u16(&hc, arcount);
    br_hmac_update(&hc, msg + DNS_HEADER_SIZE, msg_len - DNS_HEADER_SIZE);

    uint8_t timers[8];
    put48(timers, v->time_signed);
    dns_put16(timers + 6, v->fudge);
    if (timers_only) {
        br_hmac_update(&hc, timers, sizeof timers);
    } else {
        static const uint8_t class_any_ttl_zero[6] = {0, DNS_CLASS_ANY, 0, 0, 0, 0};
        br_hmac_update(&hc, v->name, v->name_len);
        br_hmac_update(&hc, class_any_ttl_zero, sizeof class_any_ttl_zero);
        br_hmac_update(&hc, v->alg, v->alg_len);
        br_hmac_update(&hc, timers, sizeof timers);
        hmac_u16(&hc, v->error);
        hmac_u16(&hc, v->other_len);
        br_hmac_update(&hc, v->other, v->other_len);
    }
    size_t n = br_hmac_out(&hc, out);
    wipe(&hc, sizeof hc);
    scrub_stack_below();
    return n;
}

/*
 * Appends the TSIG RR for v with the given MAC to msg[0..len) and counts it
 * in ARCOUNT; returns the new length, 0 (msg untouched) if it does not fit
 * in room or ARCOUNT is full. Names are written uncompressed.
 */
static size_t append_tsig(uint8_t *msg, size_t len, size_t room, const struct tsig_variables *v, const uint8_t *mac,
                          size_t mac_len, uint16_t original_id)
{
    size_t rdlen = v->alg_len + TSIG_FIXED_BEFORE_MAC + mac_len + TSIG_FIXED_AFTER_MAC + v->other_len;
    uint16_t arcount = dns_get16(msg + 10);
    if (arcount == UINT16_MAX || room < len || room - len < v->name_len + 10 + rdlen)
        return 0;
    uint8_t *p = msg + len;
    memcpy(p, v->name, v->name_len);
    p += v->name_len;
    dns_put16(p, DNS_TYPE_TSIG);
    dns_put16(p + 2, DNS_CLASS_ANY);
    dns_put32(p + 4, 0);
    dns_put16(p + 8, (uint16_t)rdlen);
    p += 10;
    memcpy(p, v->alg, v->alg_len);
    p += v->alg_len;
    put48(p, v->time_signed);
    dns_put16(p + 6, v->fudge);
    dns_put16(p + 8, (uint16_t)mac_len);
    p += TSIG_FIXED_BEFORE_MAC;
    if (mac_len)
        memcpy(p, mac, mac_len);
    p += mac_len;
    dns_put16(p, original_id);
    dns_put16(p + 2, v->error);
    dns_put16(p + 4, v->other_len);
    p += TSIG_FIXED_AFTER_MAC;
    if (v->other_len)
        memcpy(p, v->other, v->other_len);
    p += v->other_len;
    dns_put16(msg + 10, (uint16_t)(arcount + 1));
    return (size_t)(p - msg);
}

static bool time_within(uint64_t now, uint64_t time_signed, uint16_t fudge)
{
    uint64_t diff = now > time_signed ? now - time_signed : time_signed - now;
    return diff <= fudge;
}

/* Fills s's copies of the names a TSIG was received with. */
static void keep_names(struct dns_tsig_state *s, const struct tsig_rr *t)
{
    memcpy(s->key_name, t->name, t->name_len);
    s->key_name_len = (uint8_t)t->name_len;
    dns_name_lower(s->alg_name, t->alg, t->alg_len);
    s->alg_name_len = (uint8_t)t->alg_len;
}

/*
 * Checks the MAC of the message whose TSIG t is at its end: computes it
 * over `prior` (NULL for a request), the message with its Original ID and
 * without the TSIG in ARCOUNT, and t's variables, and compares its first
 * t->mac_len bytes (the MAC may be truncated; the caller checked its size).
 */
static bool mac_matches(const struct dns_tsig_key *key, const uint8_t *prior, size_t prior_len, const uint8_t *msg,
                        const struct tsig_rr *t, const struct dns_tsig_state *s)
{
    struct tsig_variables v = {
        .name = s->key_name, .name_len = s->key_name_len,
        .alg = s->alg_name, .alg_len = s->alg_name_len,
        .time_signed = t->time_signed, .fudge = t->fudge,
        .error = t->error, .other_len = t->other_len, .other = t->other,
    };
    uint8_t mac[DNS_TSIG_MAC_MAX];
    compute_mac(key, prior, prior_len, msg, t->start, t->original_id, (uint16_t)(dns_get16(msg + 10) - 1), &v, false,
                mac);
    bool ok = equal_in_constant_time(mac, t->mac, t->mac_len);
    wipe(mac, sizeof mac);
    return ok;
}

/* ---- server side ---------------------------------------------------------------- */

enum dns_tsig_result dns_tsig_verify_request(struct dns_tsig_state *s, const uint8_t *msg, size_t len,
                                             const struct dns_tsig_key *keys, size_t key_count, uint64_t now)
{
    memset(s, 0, sizeof *s);
    size_t off = dns_tsig_find(msg, len);
    if (off == 0)
        return DNS_TSIG_UNSIGNED;
    struct tsig_rr t;
    if (off == DNS_TSIG_MISPLACED || !parse_tsig(msg, len, off, &t))
        return DNS_TSIG_FORMERR;
    keep_names(s, &t);
    s->original_id = t.original_id;
    s->fudge = t.fudge;
    s->time_signed = t.time_signed;
    s->peer_error = t.error;

    /* 1. The key: its name and algorithm must both be ours (5.2.1). */
    enum dns_tsig_algorithm alg = dns_tsig_algorithm_from_name(t.alg, t.alg_len);
    const struct dns_tsig_key *key = NULL;
    for (size_t i = 0; i < key_count && !key; i++)
        if (alg != DNS_TSIG_ALG_NONE && keys[i].alg == alg &&
            dns_name_equal(keys[i].name, keys[i].name_len, t.name, t.name_len))
            key = &keys[i];
    s->phase = PHASE_ANSWER;
    if (!key) {
        s->error = DNS_TSIG_BADKEY;
        return DNS_TSIG_NOTAUTH;
    }

    /* 2. The MAC: a size the RFC allows (5.2.2.1), then its value (5.2.2).
     * A truncated request MAC is kept as it came: the answer covers that. */
    size_t digest_len = algorithms[alg].digest_len;
    if (t.mac_len > digest_len || t.mac_len < mac_floor(digest_len)) {
        s->phase = PHASE_NONE;
        return DNS_TSIG_FORMERR;
    }
    s->key = key;
    if (!mac_matches(key, NULL, 0, msg, &t, s)) {
        s->error = DNS_TSIG_BADSIG;
        return DNS_TSIG_NOTAUTH;
    }
    memcpy(s->mac, t.mac, t.mac_len);
    s->mac_len = t.mac_len;

    /* 3. The time, only now that the MAC vouches for it (5.2.3). */
    if (!time_within(now, t.time_signed, t.fudge)) {
        s->error = DNS_TSIG_BADTIME;
        return DNS_TSIG_NOTAUTH;
    }
    return DNS_TSIG_OK;
}

size_t dns_tsig_sign_response(struct dns_tsig_state *s, uint8_t *msg, size_t len, size_t room, uint64_t now)
{
    if (s->phase != PHASE_ANSWER || len < DNS_HEADER_SIZE || (s->error && s->messages_signed > 0))
        return 0;
    uint8_t server_time[6];
    put48(server_time, now);
    struct tsig_variables v = {
        .name = s->key_name, .name_len = s->key_name_len,
        .alg = s->alg_name, .alg_len = s->alg_name_len,
        .time_signed = now & TSIG_TIME_MASK, .fudge = DNS_TSIG_FUDGE, .error = s->error,
    };
    uint16_t id = dns_get16(msg);

    /* A key or MAC we could not vouch for: an unsigned TSIG, signing with a
     * key the client may not hold would prove nothing (5.3.2). */
    if (s->error == DNS_TSIG_BADKEY || s->error == DNS_TSIG_BADSIG) {
        size_t n = append_tsig(msg, len, room, &v, NULL, 0, id);
        if (n)
            s->messages_signed++;
        return n;
    }
    /* BADTIME is signed, with the client's own time and fudge so that its
     * check of our answer passes, and ours for it to see the skew (5.2.3). */
    if (s->error == DNS_TSIG_BADTIME) {
        v.time_signed = s->time_signed;
        v.fudge = s->fudge;
        v.other = server_time;
        v.other_len = sizeof server_time;
    }
    bool later = s->messages_signed > 0;
    uint8_t mac[DNS_TSIG_MAC_MAX];
    size_t mac_len = compute_mac(s->key, s->mac, s->mac_len, msg, len, id, dns_get16(msg + 10), &v, later, mac);
    size_t n = append_tsig(msg, len, room, &v, mac, mac_len, id);
    if (n) {
        /* The next message of the answer covers this one's MAC, in full. */
        memcpy(s->mac, mac, mac_len);
        s->mac_len = (uint16_t)mac_len;
        s->messages_signed++;
    }
    wipe(mac, sizeof mac);
    return n;
}

size_t dns_tsig_rr_size(const struct dns_tsig_state *s)
{
    bool unsigned_error = s->error == DNS_TSIG_BADKEY || s->error == DNS_TSIG_BADSIG;
    size_t mac = unsigned_error || !s->key ? 0 : dns_tsig_digest_len(s->key->alg);
    size_t other = s->error == DNS_TSIG_BADTIME ? 6 : 0;
    /* owner, TYPE CLASS TTL RDLENGTH, algorithm, Time Signed, Fudge, MAC
     * Size, MAC, Original ID, Error, Other Len, Other Data */
    return s->key_name_len + 10u + s->alg_name_len + 6u + 2u + 2u + mac + 2u + 2u + 2u + other;
}

/* ---- client side ---------------------------------------------------------------- */

size_t dns_tsig_sign_request(struct dns_tsig_state *s, const struct dns_tsig_key *key, uint8_t *msg, size_t len,
                             size_t room, uint64_t now)
{
    memset(s, 0, sizeof *s);
    if (len < DNS_HEADER_SIZE || !algorithm_known(key->alg) || key->name_len == 0 ||
        dns_name_wire_len(key->name, key->name_len) != key->name_len)
        return 0;
    s->key = key;
    dns_name_lower(s->key_name, key->name, key->name_len);
    s->key_name_len = (uint8_t)key->name_len;
    memcpy(s->alg_name, algorithms[key->alg].name, algorithms[key->alg].name_len);
    s->alg_name_len = (uint8_t)algorithms[key->alg].name_len;
    s->original_id = dns_get16(msg);
    s->fudge = DNS_TSIG_FUDGE;
    s->time_signed = now & TSIG_TIME_MASK;

    struct tsig_variables v = {
        .name = s->key_name, .name_len = s->key_name_len,
        .alg = s->alg_name, .alg_len = s->alg_name_len,
        .time_signed = s->time_signed, .fudge = s->fudge,
    };
    uint8_t mac[DNS_TSIG_MAC_MAX];
    size_t mac_len = compute_mac(key, NULL, 0, msg, len, s->original_id, dns_get16(msg + 10), &v, false, mac);
    size_t n = append_tsig(msg, len, room, &v, mac, mac_len, s->original_id);
    if (n) {
        memcpy(s->mac, mac, mac_len);
        s->mac_len = (uint16_t)mac_len;
        s->phase = PHASE_AWAIT_REPLY;
    }
    wipe(mac, sizeof mac);
    return n;
}

enum dns_tsig_result dns_tsig_verify_response(struct dns_tsig_state *s, const uint8_t *msg, size_t len,
                                              uint64_t now)
{
    s->error = DNS_TSIG_ERROR_NONE;
    s->peer_error = DNS_TSIG_ERROR_NONE;
    if (s->phase != PHASE_AWAIT_REPLY) {
        s->error = DNS_TSIG_BADKEY;     /* no request of ours to hold it against */
        return DNS_TSIG_NOTAUTH;
    }
    size_t off = dns_tsig_find(msg, len);
    if (off == 0)
        return DNS_TSIG_UNSIGNED;
    struct tsig_rr t;
    if (off == DNS_TSIG_MISPLACED || !parse_tsig(msg, len, off, &t))
        return DNS_TSIG_FORMERR;
    s->peer_error = t.error;

    const struct dns_tsig_key *key = s->key;
    if (dns_tsig_algorithm_from_name(t.alg, t.alg_len) != key->alg ||
        !dns_name_equal(t.name, t.name_len, s->key_name, s->key_name_len)) {
        s->error = DNS_TSIG_BADKEY;
        return DNS_TSIG_NOTAUTH;
    }
    /* An unsigned TSIG may only carry an error (5.3.2); it proves nothing. */
    size_t digest_len = algorithms[key->alg].digest_len;
    if (t.mac_len == 0 && t.error != DNS_TSIG_ERROR_NONE) {
        s->error = DNS_TSIG_BADSIG;
        return DNS_TSIG_NOTAUTH;
    }
    if (t.mac_len > digest_len || t.mac_len < mac_floor(digest_len))
        return DNS_TSIG_FORMERR;

    /* The digest has the names in lower case: that is ours, which the
     * reply's matched but for case. */
    if (!mac_matches(key, s->mac, s->mac_len, msg, &t, s)) {
        s->error = DNS_TSIG_BADSIG;
        return DNS_TSIG_NOTAUTH;
    }
    if (!time_within(now, t.time_signed, t.fudge)) {
        s->error = DNS_TSIG_BADTIME;
        return DNS_TSIG_NOTAUTH;
    }
    return t.error == DNS_TSIG_ERROR_NONE ? DNS_TSIG_OK : DNS_TSIG_NOTAUTH;
}
