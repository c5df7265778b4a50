/*
 * TSIG (src/dns/dns_tsig.c) against independent implementations:
 *
 *   - ldns 1.8.3 (ldns_pkt_tsig_sign/_verify and their _next forms for
 *     zone transfers) signs what we verify and verifies what we sign;
 *   - a reference built here from RFC 8945 4.3 alone: the digest input
 *     assembled from ldns's parse of the TSIG RR, HMAC'd by OpenSSL. ldns
 *     1.8.3 cannot do hmac-sha384 (its table spells the name
 *     "hmac-shac384."), so for that algorithm the reference stands in for
 *     ldns on both sides; for the other two both are checked.
 *
 * Then the RFC's error cases (BADKEY, BADSIG, BADTIME after the MAC, MAC
 * truncation, FORMERR for a misplaced or malformed TSIG), both sides of a
 * signed NOTIFY, a real zone transfer from the fixture blob signed message
 * by message, and every prefix and single-bit change of signed messages.
 */
#include <ldns/ldns.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sanitizer/lsan_interface.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blob_file.h"
#include "check.h"
#include "dns/dns_engine.h"
#include "dns/dns_transfer.h"
#include "dns/dns_tsig.h"
#include "wire/dns_wire.h"

#define KEY_NAME "key.example.test."    /* shares a suffix with the zones: ldns compresses it */
#define FUDGE 300

static uint64_t now;

/* ---- keys ------------------------------------------------------------------------- */

struct test_key {
    struct dns_tsig_key k;
    const char *alg_text;           /* as ldns names it */
    const EVP_MD *(*md)(void);
    bool ldns_has;                  /* can ldns sign and verify with it? */
    uint8_t name[DNS_NAME_MAX];
    uint8_t secret[64];
    char b64[128];
};

static struct test_key keys[3];     /* one per algorithm, all named KEY_NAME */
static struct dns_tsig_key keyring[4];  /* a decoy first, then the three */

/* A dotted name in wire form (no escapes needed here). */
static size_t wire_name(const char *dotted, uint8_t *out)
{
    size_t n = 0;
    const char *p = dotted;
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t l = dot ? (size_t)(dot - p) : strlen(p);
        out[n++] = (uint8_t)l;
        memcpy(out + n, p, l);
        n += l;
        p += l + (dot ? 1 : 0);
    }
    out[n++] = 0;
    return n;
}

static void make_keys(void)
{
    static const struct {
        enum dns_tsig_algorithm alg;
        const char *text;
        const EVP_MD *(*md)(void);
    } table[3] = {
        {DNS_TSIG_HMAC_SHA256, "hmac-sha256.", EVP_sha256},
        {DNS_TSIG_HMAC_SHA384, "hmac-sha384.", EVP_sha384},
        {DNS_TSIG_HMAC_SHA512, "hmac-sha512.", EVP_sha512},
    };
    for (int i = 0; i < 3; i++) {
        struct test_key *t = &keys[i];
        t->alg_text = table[i].text;
        t->md = table[i].md;
        size_t len = dns_tsig_digest_len(table[i].alg);
        for (size_t j = 0; j < len; j++)
            t->secret[j] = (uint8_t)(j * 31 + i * 101 + 7);
        EVP_EncodeBlock((unsigned char *)t->b64, t->secret, (int)len);
        t->k.name = t->name;
        t->k.name_len = wire_name(KEY_NAME, t->name);
        t->k.alg = table[i].alg;
        t->k.secret = t->secret;
        t->k.secret_len = len;
        /* Does ldns know the algorithm? Sign something and see. (When it
         * does not, ldns_pkt_tsig_sign_next() leaks its rdfs' data: not
         * ours to report.) */
        ldns_pkt *p = NULL;
        ldns_pkt_query_new_frm_str(&p, "example.test.", LDNS_RR_TYPE_SOA, LDNS_RR_CLASS_IN, 0);
        __lsan_disable();
        t->ldns_has = ldns_pkt_tsig_sign(p, KEY_NAME, t->b64, FUDGE, t->alg_text, NULL) == LDNS_STATUS_OK;
        __lsan_enable();
        ldns_pkt_free(p);
    }
    static uint8_t decoy_name[DNS_NAME_MAX];
    static const uint8_t decoy_secret[32] = {1, 2, 3};
    keyring[0] = (struct dns_tsig_key){decoy_name, wire_name("decoy.example.", decoy_name), DNS_TSIG_HMAC_SHA256,
                                       decoy_secret, sizeof decoy_secret};
    for (int i = 0; i < 3; i++)
        keyring[1 + i] = keys[i].k;
}

/* ---- the reference: RFC 8945 4.3 and OpenSSL's HMAC ------------------------------------ */

/*
 * The MAC of msg[0..len) (the message as it was before its TSIG, ARCOUNT
 * not counting it) under the TSIG RR `tsig`'s fields: `prior` (a MAC rdf,
 * with its size) first if not NULL, then the message, then all TSIG
 * variables, or the timers only.
 */
static unsigned ref_mac(const struct test_key *k, const ldns_rdf *prior, const uint8_t *msg, size_t len,
                        const ldns_rr *tsig, bool timers_only, uint8_t *out)
{
    ldns_buffer *b = ldns_buffer_new(65536 + 1024);
    if (prior)
        ldns_rdf2buffer_wire(b, prior);
    ldns_buffer_write(b, msg, len);
    if (!timers_only) {
        ldns_rdf *owner = ldns_rdf_clone(ldns_rr_owner(tsig));
        ldns_rdf *alg = ldns_rdf_clone(ldns_rr_rdf(tsig, 0));
        ldns_dname2canonical(owner);
        ldns_dname2canonical(alg);
        ldns_rdf2buffer_wire(b, owner);
        ldns_buffer_write_u16(b, LDNS_RR_CLASS_ANY);
        ldns_buffer_write_u32(b, 0);
        ldns_rdf2buffer_wire(b, alg);
        ldns_rdf_deep_free(owner);
        ldns_rdf_deep_free(alg);
    }
    ldns_rdf2buffer_wire(b, ldns_rr_rdf(tsig, 1));      /* Time Signed */
    ldns_rdf2buffer_wire(b, ldns_rr_rdf(tsig, 2));      /* Fudge */
    if (!timers_only) {
        ldns_rdf2buffer_wire(b, ldns_rr_rdf(tsig, 5));  /* Error */
        ldns_rdf2buffer_wire(b, ldns_rr_rdf(tsig, 6));  /* Other Len and Other Data */
    }
    unsigned out_len = 0;
    HMAC(k->md(), k->secret, (int)k->k.secret_len, ldns_buffer_begin(b), ldns_buffer_position(b), out, &out_len);
    ldns_buffer_free(b);
    return out_len;
}

/*
 * Signs pkt as a peer would, with the reference: the TSIG RR built field by
 * field, its MAC truncated to mac_len. For what ldns cannot do: the
 * algorithm it lacks, truncated MACs, chosen times.
 */
static void ref_sign(ldns_pkt *pkt, const struct test_key *k, const char *key_name, uint64_t time_signed,
                     const ldns_rdf *prior, size_t mac_len)
{
    uint8_t *wire;
    size_t len;
    if (ldns_pkt2wire(&wire, pkt, &len) != LDNS_STATUS_OK)
        abort();
    uint8_t t48[6], dummy = 0;
    for (int i = 0; i < 6; i++)
        t48[i] = (uint8_t)(time_signed >> (40 - 8 * i));
    ldns_rr *rr = ldns_rr_new();
    ldns_rr_set_owner(rr, ldns_dname_new_frm_str(key_name));
    ldns_rr_set_type(rr, LDNS_RR_TYPE_TSIG);
    ldns_rr_set_class(rr, LDNS_RR_CLASS_ANY);
    ldns_rr_set_ttl(rr, 0);
    ldns_rr_push_rdf(rr, ldns_dname_new_frm_str(k->alg_text));
    ldns_rr_push_rdf(rr, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_TSIGTIME, 6, t48));
    ldns_rr_push_rdf(rr, ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, FUDGE));
    ldns_rr_push_rdf(rr, ldns_native2rdf_int16_data(0, &dummy));    /* the MAC, below */
    ldns_rr_push_rdf(rr, ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, ldns_pkt_id(pkt)));
    ldns_rr_push_rdf(rr, ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, 0));
    ldns_rr_push_rdf(rr, ldns_native2rdf_int16_data(0, &dummy));
    uint8_t mac[EVP_MAX_MD_SIZE];
    ref_mac(k, prior, wire, len, rr, false, mac);
    free(wire);
    ldns_rdf_deep_free(ldns_rr_set_rdf(rr, ldns_native2rdf_int16_data(mac_len, mac), 3));
    ldns_pkt_set_tsig(pkt, rr);
}

/* The reference's verdict on signed[0..slen), which is unsigned[0..ulen)
 * with a TSIG added: the prefix must be the message as it was (but for
 * ARCOUNT), and the MAC the reference's, truncated to its size. */
static bool ref_verifies(const struct test_key *k, const uint8_t *unsigned_msg, size_t ulen, const uint8_t *signed_msg,
                         size_t slen, const ldns_rdf *prior, bool timers_only)
{
    ldns_pkt *p = NULL;
    if (slen <= ulen || ldns_wire2pkt(&p, signed_msg, slen) != LDNS_STATUS_OK)
        return false;
    bool ok = false;
    ldns_rr *tsig = ldns_pkt_tsig(p);
    if (tsig && ldns_rr_rd_count(tsig) == 7 && memcmp(signed_msg, unsigned_msg, 10) == 0 &&
        dns_get16(signed_msg + 10) == dns_get16(unsigned_msg + 10) + 1 &&
        memcmp(signed_msg + 12, unsigned_msg + 12, ulen - 12) == 0) {
        uint8_t mac[EVP_MAX_MD_SIZE];
        unsigned n = ref_mac(k, prior, unsigned_msg, ulen, tsig, timers_only, mac);
        const ldns_rdf *got = ldns_rr_rdf(tsig, 3);
        size_t got_len = ldns_rdf_size(got) - 2;
        ok = got_len > 0 && got_len <= n && memcmp(ldns_rdf_data(got) + 2, mac, got_len) == 0;
    }
    ldns_pkt_free(p);
    return ok;
}

/* ldns's verdict (false where it lacks the algorithm: callers ask only
 * when k->ldns_has). */
static bool ldns_verifies(const struct test_key *k, const char *key_name, const uint8_t *msg, size_t len,
                          const ldns_rdf *prior, bool timers_only)
{
    ldns_pkt *p = NULL;
    if (!k->ldns_has || ldns_wire2pkt(&p, msg, len) != LDNS_STATUS_OK)
        return false;
    bool ok = ldns_pkt_tsig_verify_next(p, msg, len, key_name, k->b64, prior, timers_only ? 1 : 0);
    ldns_pkt_free(p);
    return ok;
}

/* ---- messages ------------------------------------------------------------------------ */

/* A message in a heap buffer of its exact size plus `room` (so ASan sees
 * any write past what the signer was given). */
struct msg {
    uint8_t *b;
    size_t len, size;
};

static struct msg to_msg(ldns_pkt *p, size_t room)
{
    uint8_t *w;
    size_t n;
    if (ldns_pkt2wire(&w, p, &n) != LDNS_STATUS_OK)
        abort();
    struct msg m = {malloc(n + room), n, n + room};
    memcpy(m.b, w, n);
    free(w);
    return m;
}

static ldns_pkt *make_query(const char *qname, ldns_rr_type type, uint16_t id)
{
    ldns_pkt *p = NULL;
    if (ldns_pkt_query_new_frm_str(&p, qname, type, LDNS_RR_CLASS_IN, 0) != LDNS_STATUS_OK)
        abort();
    ldns_pkt_set_id(p, id);
    return p;
}

/* The peer signs a query: ldns if it can, else the reference. The
 * request's MAC rdf goes to *mac if mac is not NULL. */
static struct msg peer_query(const struct test_key *k, const char *key_name, const char *qname, ldns_rr_type type,
                             ldns_rdf **mac)
{
    ldns_pkt *p = make_query(qname, type, 0x4242);
    if (k->ldns_has) {
        if (ldns_pkt_tsig_sign(p, key_name, k->b64, FUDGE, k->alg_text, NULL) != LDNS_STATUS_OK)
            abort();
    } else {
        ref_sign(p, k, key_name, now, NULL, k->k.secret_len);
    }
    if (mac)
        *mac = ldns_rdf_clone(ldns_rr_rdf(ldns_pkt_tsig(p), 3));
    struct msg m = to_msg(p, 0);
    ldns_pkt_free(p);
    return m;
}

/* An answer to a query for qname: QR and AA, one A record, no TSIG, with
 * room for one. */
static struct msg answer_for(const char *qname, uint16_t id, bool notify)
{
    ldns_pkt *p = make_query(qname, notify ? LDNS_RR_TYPE_SOA : LDNS_RR_TYPE_A, id);
    ldns_pkt_set_qr(p, true);
    ldns_pkt_set_aa(p, true);
    if (notify) {
        ldns_pkt_set_opcode(p, LDNS_PACKET_NOTIFY);
    } else {
        ldns_rr *a = NULL;
        ldns_rr_new_frm_str(&a, "example.test. 300 IN A 192.0.2.1", 0, NULL, NULL);
        ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, a);
    }
    struct msg m = to_msg(p, DNS_TSIG_RR_MAX);
    ldns_pkt_free(p);
    return m;
}

/* Our NOTIFY for example.test., unsigned, with room for a TSIG. */
static struct msg our_notify(uint16_t id)
{
    ldns_pkt *p = make_query("example.test.", LDNS_RR_TYPE_SOA, id);
    ldns_pkt_set_opcode(p, LDNS_PACKET_NOTIFY);
    ldns_pkt_set_aa(p, true);
    struct msg m = to_msg(p, DNS_TSIG_RR_MAX);
    ldns_pkt_free(p);
    return m;
}

static struct msg copy_msg(const struct msg *m)
{
    struct msg c = {malloc(m->size), m->len, m->size};
    memcpy(c.b, m->b, m->size);
    return c;
}

/* The TSIG RR of a message as ldns reads it (NULL if none); *p to free. */
static ldns_rr *tsig_of(const uint8_t *msg, size_t len, ldns_pkt **p)
{
    *p = NULL;
    if (ldns_wire2pkt(p, msg, len) != LDNS_STATUS_OK)
        return NULL;
    return ldns_pkt_tsig(*p);
}

static uint16_t rdf16(const ldns_rr *rr, size_t i)
{
    return ldns_rdf2native_int16(ldns_rr_rdf(rr, i));
}

static uint64_t rdf48(const ldns_rr *rr, size_t i)
{
    const uint8_t *d = ldns_rdf_data(ldns_rr_rdf(rr, i));
    uint64_t v = 0;
    for (int j = 0; j < 6; j++)
        v = (v << 8) | d[j];
    return v;
}

/* The Time Signed of a message's TSIG. ldns signs at its own clock, which
 * may have ticked past `now` by then: time checks start from this. */
static uint64_t time_signed_of(const struct msg *m)
{
    ldns_pkt *p;
    ldns_rr *t = tsig_of(m->b, m->len, &p);
    uint64_t when = t ? rdf48(t, 1) : 0;
    ldns_pkt_free(p);
    return when;
}

/* ---- the checks ---------------------------------------------------------------------- */

static void test_algorithm_names(void)
{
    uint8_t w[DNS_NAME_MAX];
    size_t n = wire_name("HMAC-Sha384.", w);
    CHECK("names: hmac-sha384. in any case is SHA-384", dns_tsig_algorithm_from_name(w, n) == DNS_TSIG_HMAC_SHA384);
    n = wire_name("hmac-sha256.", w);
    CHECK("names: hmac-sha256.", dns_tsig_algorithm_from_name(w, n) == DNS_TSIG_HMAC_SHA256);
    n = wire_name("hmac-sha512.", w);
    CHECK("names: hmac-sha512.", dns_tsig_algorithm_from_name(w, n) == DNS_TSIG_HMAC_SHA512);
    n = wire_name("hmac-md5.sig-alg.reg.int.", w);
    CHECK("names: hmac-md5 is not implemented", dns_tsig_algorithm_from_name(w, n) == DNS_TSIG_ALG_NONE);
    n = wire_name("hmac-sha256.x.", w);
    CHECK("names: a longer name is not hmac-sha256.", dns_tsig_algorithm_from_name(w, n) == DNS_TSIG_ALG_NONE);
    bool round_trip = true;
    for (int a = DNS_TSIG_HMAC_SHA256; a <= DNS_TSIG_HMAC_SHA512; a++) {
        size_t len = 0;
        const uint8_t *name = dns_tsig_algorithm_name((enum dns_tsig_algorithm)a, &len);
        round_trip &= name && dns_tsig_algorithm_from_name(name, len) == (enum dns_tsig_algorithm)a;
    }
    CHECK("names: each algorithm's name maps back to it", round_trip);
    size_t len = 0;
    CHECK("names: none for no algorithm", dns_tsig_algorithm_name(DNS_TSIG_ALG_NONE, &len) == NULL &&
                                              dns_tsig_algorithm_name((enum dns_tsig_algorithm)9, &len) == NULL);
    CHECK("digest lengths: 32, 48, 64, and 0 for none",
          dns_tsig_digest_len(DNS_TSIG_HMAC_SHA256) == 32 && dns_tsig_digest_len(DNS_TSIG_HMAC_SHA384) == 48 &&
              dns_tsig_digest_len(DNS_TSIG_HMAC_SHA512) == 64 && dns_tsig_digest_len(DNS_TSIG_ALG_NONE) == 0);
}

/* A query the peer signed, verified; our answer, verified by the peer. */
static void test_request_and_answer(const struct test_key *k)
{
    char name[160];
    ldns_rdf *request_mac = NULL;
    struct msg q = peer_query(k, KEY_NAME, "example.test.", LDNS_RR_TYPE_SOA, &request_mac);
    struct dns_tsig_state s;

    size_t off = dns_tsig_find(q.b, q.len);
    snprintf(name, sizeof name, "%s: the peer's TSIG is found, its owner name compressed", k->alg_text);
    CHECK(name, off > 12 && off < q.len && q.b[off] == 3 && (q.b[off + 4] & 0xc0) == 0xc0);

    snprintf(name, sizeof name, "%s: a query signed by %s verifies, with the right key of four", k->alg_text,
             k->ldns_has ? "ldns" : "the reference");
    CHECK(name, dns_tsig_verify_request(&s, q.b, q.len, keyring, 4, now) == DNS_TSIG_OK && s.key &&
                    s.key->alg == k->k.alg && s.error == 0 && s.original_id == 0x4242 && s.fudge == FUDGE);

    snprintf(name, sizeof name, "%s: the state keeps the request MAC as received", k->alg_text);
    CHECK(name, s.mac_len == ldns_rdf_size(request_mac) - 2 &&
                    memcmp(s.mac, ldns_rdf_data(request_mac) + 2, s.mac_len) == 0);

    struct msg a = answer_for("example.test.", 0x4242, false);
    struct msg plain = copy_msg(&a);
    size_t n = dns_tsig_sign_response(&s, a.b, a.len, a.size, now);
    if (k->ldns_has) {
        snprintf(name, sizeof name, "%s: our signed answer verifies with ldns (request MAC covered)", k->alg_text);
        CHECK(name, n > a.len && ldns_verifies(k, KEY_NAME, a.b, n, request_mac, false));
    }
    snprintf(name, sizeof name, "%s: our signed answer verifies with the reference", k->alg_text);
    CHECK(name, ref_verifies(k, plain.b, plain.len, a.b, n, request_mac, false));
    snprintf(name, sizeof name, "%s: the answer's TSIG fits DNS_TSIG_RR_MAX", k->alg_text);
    CHECK(name, n - a.len <= DNS_TSIG_RR_MAX);

    ldns_pkt *p;
    ldns_rr *t = tsig_of(a.b, n, &p);
    snprintf(name, sizeof name, "%s: the answer's TSIG: our time, fudge 300, full MAC, ID, no error", k->alg_text);
    CHECK(name, t && rdf48(t, 1) == now && rdf16(t, 2) == DNS_TSIG_FUDGE &&
                    ldns_rdf_size(ldns_rr_rdf(t, 3)) == 2 + k->k.secret_len && rdf16(t, 4) == 0x4242 &&
                    rdf16(t, 5) == 0 && ldns_rdf_size(ldns_rr_rdf(t, 6)) == 2);
    ldns_pkt_free(p);

    free(a.b);
    free(plain.b);
    free(q.b);
    ldns_rdf_deep_free(request_mac);
}

/* Our NOTIFY, verified by the peer; the peer's reply, verified by us. */
static void test_notify(const struct test_key *k)
{
    char name[160];
    struct dns_tsig_state s;
    struct msg m = our_notify(0x7001);
    struct msg plain = copy_msg(&m);
    size_t n = dns_tsig_sign_request(&s, &k->k, m.b, m.len, m.size, now);
    if (k->ldns_has) {
        snprintf(name, sizeof name, "%s: our signed NOTIFY verifies with ldns", k->alg_text);
        CHECK(name, n > m.len && ldns_verifies(k, KEY_NAME, m.b, n, NULL, false));
    }
    snprintf(name, sizeof name, "%s: our signed NOTIFY verifies with the reference", k->alg_text);
    CHECK(name, ref_verifies(k, plain.b, plain.len, m.b, n, NULL, false));

    /* The peer's reply covers the MAC of our NOTIFY. */
    ldns_pkt *rp;
    ldns_rr *rt = tsig_of(m.b, n, &rp);
    ldns_rdf *our_mac = rt ? ldns_rdf_clone(ldns_rr_rdf(rt, 3)) : NULL;
    ldns_pkt_free(rp);
    ldns_pkt *reply = make_query("example.test.", LDNS_RR_TYPE_SOA, 0x7001);
    ldns_pkt_set_opcode(reply, LDNS_PACKET_NOTIFY);
    ldns_pkt_set_qr(reply, true);
    ldns_pkt_set_aa(reply, true);
    if (k->ldns_has)
        ldns_pkt_tsig_sign(reply, KEY_NAME, k->b64, FUDGE, k->alg_text, our_mac);
    else
        ref_sign(reply, k, KEY_NAME, now, our_mac, k->k.secret_len);
    struct msg r = to_msg(reply, 0);
    ldns_pkt_free(reply);
    snprintf(name, sizeof name, "%s: the peer's reply to our NOTIFY verifies", k->alg_text);
    CHECK(name, dns_tsig_verify_response(&s, r.b, r.len, now) == DNS_TSIG_OK && s.error == 0);

    struct msg bad = copy_msg(&r);
    bad.b[3] ^= 0x01;       /* a flag bit (RA no; RCODE's low bit) */
    snprintf(name, sizeof name, "%s: a reply changed in one bit is BADSIG", k->alg_text);
    CHECK(name, dns_tsig_verify_response(&s, bad.b, bad.len, now) == DNS_TSIG_NOTAUTH && s.error == DNS_TSIG_BADSIG);
    snprintf(name, sizeof name, "%s: the reply is BADTIME 301 s later", k->alg_text);
    CHECK(name, dns_tsig_verify_response(&s, r.b, r.len, time_signed_of(&r) + 301) == DNS_TSIG_NOTAUTH &&
                    s.error == DNS_TSIG_BADTIME);
    snprintf(name, sizeof name, "%s: a reply without its TSIG is unsigned", k->alg_text);
    size_t off = dns_tsig_find(r.b, r.len);
    dns_put16(bad.b + 10, 0);
    memcpy(bad.b, r.b, 10);
    CHECK(name, off > 0 && dns_tsig_verify_response(&s, bad.b, off, now) == DNS_TSIG_UNSIGNED);

    /* A reply to some other request (another MAC) does not verify. */
    struct dns_tsig_state other;
    struct msg m2 = our_notify(0x7001);
    dns_tsig_sign_request(&other, &k->k, m2.b, m2.len, m2.size, now + 1);
    snprintf(name, sizeof name, "%s: a reply covering another request's MAC is BADSIG", k->alg_text);
    CHECK(name, dns_tsig_verify_response(&other, r.b, r.len, now) == DNS_TSIG_NOTAUTH &&
                    other.error == DNS_TSIG_BADSIG);

    free(m.b);
    free(m2.b);
    free(plain.b);
    free(r.b);
    free(bad.b);
    ldns_rdf_deep_free(our_mac);
}

/*
 * A zone transfer from the engine (bulk.test, several messages), signed
 * by the engine itself with the request's key, each message in turn; the
 * peer verifies message by message: the first over the request MAC and
 * every TSIG field, each later one over the previous MAC and the timers
 * only (RFC 8945 5.3.1).
 */
static void test_transfer(const struct test_key *k, const struct blob *b)
{
    char name[160];
    ldns_rdf *prior = NULL;
    struct msg q = peer_query(k, KEY_NAME, "bulk.test.", LDNS_RR_TYPE_AXFR, &prior);
    struct dns_peer peer = {.family = 4, .addr = {192, 0, 2, 54}};
    struct dns_engine_env env = {.unix_time = now, .tsig_keys = keyring, .tsig_key_count = 4};
    struct dns_transfer t;
    static uint8_t small[512];
    size_t small_len;
    bool started = dns_engine_handle(b, &env, q.b, q.len, DNS_OVER_TCP, &peer, &t, small, sizeof small, &small_len) ==
                   DNS_ACTION_TRANSFER;
    snprintf(name, sizeof name, "%s: a signed AXFR of bulk.test starts a signed transfer", k->alg_text);
    CHECK(name, started && t.signed_request);

    static uint8_t buf[DNS_TRANSFER_MESSAGE_MAX + DNS_TSIG_RR_MAX];
    static uint8_t plain[DNS_TRANSFER_MESSAGE_MAX + DNS_TSIG_RR_MAX];
    size_t messages = 0;
    bool ldns_ok = true, ref_ok = true, full_digest_refused = true, signed_all = true;
    size_t sn;
    while (started && (sn = dns_transfer_next(&t, buf, sizeof buf)) > 0 && messages < 100) {
        /* The message as it was before the engine signed it. */
        size_t at = dns_tsig_find(buf, sn);
        signed_all &= at > 0 && at != DNS_TSIG_MISPLACED;
        size_t n = at > 0 && at != DNS_TSIG_MISPLACED ? at : sn;
        memcpy(plain, buf, n);
        dns_put16(plain + 10, (uint16_t)(dns_get16(plain + 10) - (n < sn)));
        bool later = messages > 0;
        ldns_ok &= !k->ldns_has || ldns_verifies(k, KEY_NAME, buf, sn, prior, later);
        ref_ok &= ref_verifies(k, plain, n, buf, sn, prior, later);
        /* A later message is not signed like a first one. */
        if (later && k->ldns_has)
            full_digest_refused &= !ldns_verifies(k, KEY_NAME, buf, sn, prior, false);
        ldns_pkt *p;
        ldns_rr *tsig = tsig_of(buf, sn, &p);
        ldns_rdf_deep_free(prior);
        prior = tsig ? ldns_rdf_clone(ldns_rr_rdf(tsig, 3)) : NULL;
        ldns_pkt_free(p);
        messages++;
    }
    snprintf(name, sizeof name, "%s: bulk.test takes at least three messages, each signed", k->alg_text);
    CHECK(name, messages >= 3 && signed_all && t.tsig.messages_signed == messages && dns_transfer_done(&t));
    snprintf(name, sizeof name, "%s: every transfer message verifies with the reference, in turn", k->alg_text);
    CHECK(name, ref_ok);
    if (k->ldns_has) {
        snprintf(name, sizeof name,
                 "%s: every transfer message verifies with ldns, in turn (timers only after the first)", k->alg_text);
        CHECK(name, ldns_ok);
        snprintf(name, sizeof name, "%s: later messages do not verify as first messages", k->alg_text);
        CHECK(name, full_digest_refused);
    }
    ldns_rdf_deep_free(prior);
    free(q.b);
}

/* The unsigned TSIG of a BADKEY or BADSIG answer, as ldns reads it. */
static bool unsigned_error_answer(struct dns_tsig_state *s, uint16_t error, const char *key_name,
                                  const char *alg_name)
{
    struct msg a = answer_for("example.test.", 0x4242, false);
    size_t n = dns_tsig_sign_response(s, a.b, a.len, a.size, now);
    ldns_pkt *p;
    ldns_rr *t = n ? tsig_of(a.b, n, &p) : NULL;
    bool ok = false;
    if (t) {
        ldns_rdf *owner = ldns_dname_new_frm_str(key_name), *alg = ldns_dname_new_frm_str(alg_name);
        ok = ldns_dname_compare(ldns_rr_owner(t), owner) == 0 && ldns_dname_compare(ldns_rr_rdf(t, 0), alg) == 0 &&
             ldns_rdf_size(ldns_rr_rdf(t, 3)) == 2 && rdf16(t, 5) == error && rdf16(t, 4) == 0x4242 &&
             ldns_rr_get_class(t) == LDNS_RR_CLASS_ANY;
        ldns_rdf_deep_free(owner);
        ldns_rdf_deep_free(alg);
        ldns_pkt_free(p);
    }
    /* One error answer, not a stream of them. */
    ok &= dns_tsig_sign_response(s, a.b, a.len, a.size, now) == 0;
    free(a.b);
    return ok;
}

static void test_errors(void)
{
    const struct test_key *k = &keys[0];       /* hmac-sha256: ldns has it */
    struct dns_tsig_state s;
    ldns_rdf *request_mac = NULL;

    /* BADKEY: an unknown name, an algorithm the name is not configured
     * with, an algorithm not implemented. */
    struct msg q = peer_query(k, "nobody.example.test.", "example.test.", LDNS_RR_TYPE_SOA, NULL);
    CHECK("BADKEY: an unknown key name",
          dns_tsig_verify_request(&s, q.b, q.len, keyring, 4, now) == DNS_TSIG_NOTAUTH && s.error == DNS_TSIG_BADKEY &&
              s.key == NULL);
    CHECK("BADKEY: the answer's TSIG is unsigned, echoes the key and algorithm names, error 17",
          unsigned_error_answer(&s, DNS_TSIG_BADKEY, "nobody.example.test.", "hmac-sha256."));
    free(q.b);

    q = peer_query(&keys[2], KEY_NAME, "example.test.", LDNS_RR_TYPE_SOA, NULL);
    CHECK("BADKEY: a known name with an algorithm it is not configured with",
          dns_tsig_verify_request(&s, q.b, q.len, keyring, 3, now) == DNS_TSIG_NOTAUTH &&
              s.error == DNS_TSIG_BADKEY);
    free(q.b);

    ldns_pkt *p = make_query("example.test.", LDNS_RR_TYPE_SOA, 0x4242);
    ldns_pkt_tsig_sign(p, KEY_NAME, k->b64, FUDGE, "hmac-md5.sig-alg.reg.int.", NULL);
    q = to_msg(p, 0);
    ldns_pkt_free(p);
    CHECK("BADKEY: hmac-md5 (not implemented)",
          dns_tsig_verify_request(&s, q.b, q.len, keyring, 4, now) == DNS_TSIG_NOTAUTH && s.error == DNS_TSIG_BADKEY);
    CHECK("BADKEY: the answer echoes the unknown algorithm's name",
          unsigned_error_answer(&s, DNS_TSIG_BADKEY, KEY_NAME, "hmac-md5.sig-alg.reg.int."));
    free(q.b);

    /* BADSIG: the right name and algorithm, another secret. */
    struct dns_tsig_key wrong = k->k;
    static const uint8_t other_secret[32] = {9, 9, 9};
    wrong.secret = other_secret;
    q = peer_query(k, KEY_NAME, "example.test.", LDNS_RR_TYPE_SOA, &request_mac);
    CHECK("BADSIG: a key with another secret",
          dns_tsig_verify_request(&s, q.b, q.len, &wrong, 1, now) == DNS_TSIG_NOTAUTH && s.error == DNS_TSIG_BADSIG);
    CHECK("BADSIG: the answer's TSIG is unsigned, error 16",
          unsigned_error_answer(&s, DNS_TSIG_BADSIG, KEY_NAME, "hmac-sha256."));
    CHECK("BADSIG before BADTIME: a wrong MAC at a wrong time is BADSIG (RFC order)",
          dns_tsig_verify_request(&s, q.b, q.len, &wrong, 1, now + 10000) == DNS_TSIG_NOTAUTH &&
              s.error == DNS_TSIG_BADSIG);

    /* BADTIME, at the edges of the fudge. */
    uint64_t signed_at = time_signed_of(&q);
    CHECK("time: 300 s late is within the fudge",
          dns_tsig_verify_request(&s, q.b, q.len, keyring, 4, signed_at + 300) == DNS_TSIG_OK);
    CHECK("time: 300 s early is within the fudge",
          dns_tsig_verify_request(&s, q.b, q.len, keyring, 4, signed_at - 300) == DNS_TSIG_OK);
    CHECK("BADTIME: 301 s early",
          dns_tsig_verify_request(&s, q.b, q.len, keyring, 4, signed_at - 301) == DNS_TSIG_NOTAUTH &&
              s.error == DNS_TSIG_BADTIME);
    CHECK("BADTIME: 301 s late",
          dns_tsig_verify_request(&s, q.b, q.len, keyring, 4, signed_at + 301) == DNS_TSIG_NOTAUTH &&
              s.error == DNS_TSIG_BADTIME && s.key == &keyring[1]);
    struct msg a = answer_for("example.test.", 0x4242, false);
    size_t n = dns_tsig_sign_response(&s, a.b, a.len, a.size, signed_at + 301);
    CHECK("BADTIME: the answer is signed (ldns verifies it over the request MAC)",
          n > 0 && ldns_verifies(k, KEY_NAME, a.b, n, request_mac, false));
    ldns_rr *t = tsig_of(a.b, n, &p);
    const uint8_t *other = t ? ldns_rdf_data(ldns_rr_rdf(t, 6)) : NULL;
    uint64_t server_time = 0;
    for (int i = 0; other && i < 6; i++)
        server_time = (server_time << 8) | other[2 + i];
    CHECK("BADTIME: error 18, the client's time and fudge, our time as 6 bytes of Other Data",
          t && rdf16(t, 5) == DNS_TSIG_BADTIME && rdf48(t, 1) == signed_at && rdf16(t, 2) == FUDGE &&
              ldns_rdf_size(ldns_rr_rdf(t, 6)) == 8 && server_time == signed_at + 301);
    ldns_pkt_free(p);
    free(a.b);
    free(q.b);
    ldns_rdf_deep_free(request_mac);

    /* No TSIG: nothing to do, nothing to sign. */
    p = make_query("example.test.", LDNS_RR_TYPE_SOA, 0x4242);
    q = to_msg(p, 0);
    ldns_pkt_free(p);
    a = answer_for("example.test.", 0x4242, false);
    CHECK("unsigned: a query without TSIG", dns_tsig_find(q.b, q.len) == 0 &&
                                                dns_tsig_verify_request(&s, q.b, q.len, keyring, 4, now) ==
                                                    DNS_TSIG_UNSIGNED);
    CHECK("unsigned: no TSIG is added to its answer", dns_tsig_sign_response(&s, a.b, a.len, a.size, now) == 0);
    free(q.b);
    free(a.b);
}

/* MAC truncation, RFC 8945 5.2.2.1. */
static void test_truncation(void)
{
    struct dns_tsig_state s;
    static const struct {
        int key;
        size_t mac_len;
        enum dns_tsig_result want;
        const char *what;
    } cases[] = {
        {0, 16, DNS_TSIG_OK, "hmac-sha256 truncated to 16 bytes (half) verifies"},
        {0, 31, DNS_TSIG_OK, "hmac-sha256 truncated to 31 bytes verifies"},
        {0, 15, DNS_TSIG_FORMERR, "hmac-sha256 truncated to 15 bytes is FORMERR"},
        {0, 10, DNS_TSIG_FORMERR, "hmac-sha256 truncated to 10 bytes is FORMERR (half the hash is more)"},
        {0, 0, DNS_TSIG_FORMERR, "a request with an empty MAC is FORMERR"},
        {1, 24, DNS_TSIG_OK, "hmac-sha384 truncated to 24 bytes verifies"},
        {1, 23, DNS_TSIG_FORMERR, "hmac-sha384 truncated to 23 bytes is FORMERR"},
        {2, 32, DNS_TSIG_OK, "hmac-sha512 truncated to 32 bytes verifies"},
        {2, 31, DNS_TSIG_FORMERR, "hmac-sha512 truncated to 31 bytes is FORMERR"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct test_key *k = &keys[cases[i].key];
        ldns_pkt *p = make_query("example.test.", LDNS_RR_TYPE_SOA, 0x4242);
        ref_sign(p, k, KEY_NAME, now, NULL, cases[i].mac_len);
        ldns_rdf *request_mac = ldns_rdf_clone(ldns_rr_rdf(ldns_pkt_tsig(p), 3));
        struct msg q = to_msg(p, 0);
        ldns_pkt_free(p);
        char name[160];
        snprintf(name, sizeof name, "truncation: %s", cases[i].what);
        CHECK(name, dns_tsig_verify_request(&s, q.b, q.len, keyring, 4, now) == cases[i].want);
        if (cases[i].want == DNS_TSIG_OK) {
            /* The answer covers the request MAC as it came, truncated. */
            struct msg a = answer_for("example.test.", 0x4242, false);
            struct msg plain = copy_msg(&a);
            size_t n = dns_tsig_sign_response(&s, a.b, a.len, a.size, now);
            snprintf(name, sizeof name, "truncation: %s; the answer covers the truncated request MAC",
                     cases[i].what);
            CHECK(name, n > 0 && ref_verifies(k, plain.b, plain.len, a.b, n, request_mac, false) &&
                            (!k->ldns_has || ldns_verifies(k, KEY_NAME, a.b, n, request_mac, false)));
            /* And a truncated MAC must still be right. */
            q.b[q.len - 6 - 1] ^= 0x80;     /* the last byte of the MAC (Original ID, Error, Other Len follow) */
            snprintf(name, sizeof name, "truncation: %s; changed, it is BADSIG", cases[i].what);
            CHECK(name, dns_tsig_verify_request(&s, q.b, q.len, keyring, 4, now) == DNS_TSIG_NOTAUTH &&
                            s.error == DNS_TSIG_BADSIG);
            free(a.b);
            free(plain.b);
        }
        ldns_rdf_deep_free(request_mac);
        free(q.b);
    }

    /* A MAC longer than the hash: a hand-made 33-byte "hmac-sha256" MAC. */
    ldns_pkt *p = make_query("example.test.", LDNS_RR_TYPE_SOA, 0x4242);
    ref_sign(p, &keys[1], KEY_NAME, now, NULL, 33);      /* SHA-384's MAC, 33 bytes of it... */
    ldns_rdf_deep_free(ldns_rr_set_rdf(ldns_pkt_tsig(p), ldns_dname_new_frm_str("hmac-sha256."), 0));
    struct msg q = to_msg(p, 0);
    ldns_pkt_free(p);
    CHECK("truncation: a MAC longer than the hash is FORMERR",
          dns_tsig_verify_request(&s, q.b, q.len, keyring, 4, now) == DNS_TSIG_FORMERR);
    free(q.b);
}

/* A message in b[0..len) that must be FORMERR: found misplaced, refused
 * as such, and nothing to sign for it. */
static void formerr_case(const char *what, const uint8_t *b, size_t len)
{
    struct dns_tsig_state s;
    uint8_t *exact = malloc(len);       /* its exact size, for ASan */
    memcpy(exact, b, len);
    uint8_t answer[512] = {0};
    char name[160];
    snprintf(name, sizeof name, "FORMERR: %s", what);
    CHECK(name, dns_tsig_find(exact, len) == DNS_TSIG_MISPLACED &&
                    dns_tsig_verify_request(&s, exact, len, keyring, 4, now) == DNS_TSIG_FORMERR &&
                    dns_tsig_sign_response(&s, answer, 12, sizeof answer, now) == 0);
    free(exact);
}

/* A TSIG anywhere but last in the additional section, or malformed. */
static void test_formerr(void)
{
    struct msg q = peer_query(&keys[0], KEY_NAME, "example.test.", LDNS_RR_TYPE_SOA, NULL);
    size_t off = dns_tsig_find(q.b, q.len);
    size_t rr_len = q.len - off;
    uint8_t *b = malloc(q.len * 2 + 64);

    /* An OPT record after the TSIG. */
    static const uint8_t opt[11] = {0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0};
    memcpy(b, q.b, q.len);
    memcpy(b + q.len, opt, sizeof opt);
    dns_put16(b + 10, 2);
    formerr_case("an OPT record after the TSIG", b, q.len + sizeof opt);

    /* Two TSIGs (the copy's owner pointer still points at the question). */
    memcpy(b, q.b, q.len);
    memcpy(b + q.len, q.b + off, rr_len);
    dns_put16(b + 10, 2);
    formerr_case("two TSIG records", b, q.len + rr_len);

    /* The TSIG counted in the answer section, or as the authority's last. */
    memcpy(b, q.b, q.len);
    dns_put16(b + 6, 1);
    dns_put16(b + 10, 0);
    formerr_case("a TSIG in the answer section", b, q.len);
    dns_put16(b + 6, 0);
    dns_put16(b + 8, 1);
    formerr_case("a TSIG last, but in the authority section", b, q.len);

    /* Malformed: class, trailing bytes, RDLENGTH, Other Len. */
    size_t type_at = off + 6;   /* owner: \003key and a pointer */
    memcpy(b, q.b, q.len);
    dns_put16(b + type_at + 2, 1);
    formerr_case("a TSIG of class IN", b, q.len);
    memcpy(b, q.b, q.len);
    b[q.len] = 0;
    formerr_case("a byte after the TSIG", b, q.len + 1);
    memcpy(b, q.b, q.len);
    dns_put16(b + type_at + 8, (uint16_t)(dns_get16(b + type_at + 8) - 1));
    formerr_case("RDLENGTH one short", b, q.len);
    memcpy(b, q.b, q.len);
    dns_put16(b + q.len - 2, 1);
    formerr_case("Other Len past the end", b, q.len);
    memcpy(b, q.b, q.len);
    dns_put16(b + 10, 2);
    formerr_case("ARCOUNT counting a record that is not there", b, q.len);

    /* Names: the algorithm compressed (it MUST NOT be), the owner a
     * pointer to itself, the owner a pointer forwards. */
    memcpy(b, q.b, off);
    size_t n = off;
    memcpy(b + n, q.b + off, 6);                    /* \003key, pointer */
    n += 6;
    memcpy(b + n, q.b + type_at, 8);                /* type, class, TTL */
    size_t rdlen_at = n + 8;
    n += 10;
    size_t alg_len = q.b[type_at + 10] + 2u;        /* "hmac-sha256." uncompressed */
    b[n++] = 0xc0;                                  /* the algorithm as a pointer (to the question's */
    b[n++] = 12;                                    /* name: what it points at does not matter) */
    memcpy(b + n, q.b + type_at + 10 + alg_len, q.len - (type_at + 10 + alg_len));
    n += q.len - (type_at + 10 + alg_len);
    dns_put16(b + rdlen_at, (uint16_t)(n - rdlen_at - 2));
    formerr_case("a compressed algorithm name", b, n);

    memcpy(b, q.b, q.len);
    b[off] = 0xc0;
    b[off + 1] = (uint8_t)off;
    memmove(b + off + 2, q.b + off + 6, rr_len - 6);
    formerr_case("an owner name pointing at itself", b, q.len - 4);
    memcpy(b, q.b, q.len);
    b[off + 5] = (uint8_t)(off + 10);
    formerr_case("an owner name pointing forwards", b, q.len);

    /* A question of type TSIG is a question, not a TSIG. */
    ldns_pkt *p = make_query("example.test.", LDNS_RR_TYPE_TSIG, 1);
    struct msg plain = to_msg(p, 0);
    ldns_pkt_free(p);
    CHECK("find: a question for type TSIG is no TSIG", dns_tsig_find(plain.b, plain.len) == 0);
    CHECK("find: a message shorter than a header has none", dns_tsig_find(plain.b, 11) == 0);
    free(plain.b);

    free(b);
    free(q.b);
}

/* Key names compare regardless of case (RFC 8945 4.3.3: the canonical,
 * lower-case form is what is signed). */
static void test_key_name_case(void)
{
    struct dns_tsig_state s;
    ldns_rdf *request_mac = NULL;
    struct msg q = peer_query(&keys[0], "KEY.Example.TEST.", "example.test.", LDNS_RR_TYPE_SOA, &request_mac);
    CHECK("case: a request signed as KEY.Example.TEST. verifies with key.example.test.",
          dns_tsig_verify_request(&s, q.b, q.len, keyring, 4, now) == DNS_TSIG_OK && s.key == &keyring[1]);
    struct msg a = answer_for("example.test.", 0x4242, false);
    size_t n = dns_tsig_sign_response(&s, a.b, a.len, a.size, now);
    CHECK("case: ldns verifies the answer under KEY.Example.TEST.",
          n > 0 && ldns_verifies(&keys[0], "KEY.Example.TEST.", a.b, n, request_mac, false));
    free(a.b);
    free(q.b);
    ldns_rdf_deep_free(request_mac);

    /* A key configured in upper case all the same. */
    uint8_t upper[DNS_NAME_MAX];
    struct dns_tsig_key k = keys[1].k;
    k.name = upper;
    k.name_len = wire_name("Key.EXAMPLE.test.", upper);
    q = peer_query(&keys[1], KEY_NAME, "example.test.", LDNS_RR_TYPE_SOA, NULL);
    CHECK("case: a key configured in upper case matches",
          dns_tsig_verify_request(&s, q.b, q.len, &k, 1, now) == DNS_TSIG_OK);
    free(q.b);
    struct msg m = our_notify(9);
    struct msg plain = copy_msg(&m);
    n = dns_tsig_sign_request(&s, &k, m.b, m.len, m.size, now);
    CHECK("case: a request signed with it verifies (canonical name signed)",
          n > 0 && ref_verifies(&keys[1], plain.b, plain.len, m.b, n, NULL, false));
    free(m.b);
    free(plain.b);
}

/* Both ends ours: a NOTIFY signed, verified, answered, the answer
 * verified; then the server's error answers as the client sees them. */
static void test_round_trip(void)
{
    struct dns_tsig_state client, server;
    const struct dns_tsig_key *k = &keys[2].k;
    struct msg m = our_notify(0x5150);
    size_t n = dns_tsig_sign_request(&client, k, m.b, m.len, m.size, now);
    CHECK("round trip: our NOTIFY verifies on our server side",
          n > 0 && dns_tsig_verify_request(&server, m.b, n, keyring, 4, now) == DNS_TSIG_OK);
    struct msg r = answer_for("example.test.", 0x5150, true);
    size_t rn = dns_tsig_sign_response(&server, r.b, r.len, r.size, now);
    CHECK("round trip: and its answer on our client side",
          rn > 0 && dns_tsig_verify_response(&client, r.b, rn, now) == DNS_TSIG_OK);
    CHECK("round trip: the reply verifies again (a duplicate of a retried NOTIFY)",
          dns_tsig_verify_response(&client, r.b, rn, now + 1) == DNS_TSIG_OK);
    free(r.b);

    /* The server does not know the key: an unsigned BADKEY answer. */
    dns_tsig_verify_request(&server, m.b, n, keyring, 2, now);
    r = answer_for("example.test.", 0x5150, true);
    rn = dns_tsig_sign_response(&server, r.b, r.len, r.size, now);
    CHECK("round trip: an unsigned BADKEY answer fails, the peer's error kept for the log",
          rn > 0 && dns_tsig_verify_response(&client, r.b, rn, now) == DNS_TSIG_NOTAUTH &&
              client.error == DNS_TSIG_BADSIG && client.peer_error == DNS_TSIG_BADKEY);
    free(r.b);

    /* The server's clock is off: a signed BADTIME answer. */
    CHECK("round trip: the server 1000 s ahead finds BADTIME",
          dns_tsig_verify_request(&server, m.b, n, keyring, 4, now + 1000) == DNS_TSIG_NOTAUTH &&
              server.error == DNS_TSIG_BADTIME);
    r = answer_for("example.test.", 0x5150, true);
    rn = dns_tsig_sign_response(&server, r.b, r.len, r.size, now + 1000);
    CHECK("round trip: its BADTIME answer verifies but fails, error BADTIME from the peer",
          rn > 0 && dns_tsig_verify_response(&client, r.b, rn, now) == DNS_TSIG_NOTAUTH && client.error == 0 &&
              client.peer_error == DNS_TSIG_BADTIME);
    free(r.b);

    /* A good answer signed at a time our clock disagrees with. */
    dns_tsig_verify_request(&server, m.b, n, keyring, 4, now + 200);
    r = answer_for("example.test.", 0x5150, true);
    rn = dns_tsig_sign_response(&server, r.b, r.len, r.size, now + 400);
    CHECK("round trip: an answer signed 400 s ahead of us is BADTIME",
          rn > 0 && dns_tsig_verify_response(&client, r.b, rn, now) == DNS_TSIG_NOTAUTH &&
              client.error == DNS_TSIG_BADTIME);
    free(r.b);

    /* An answer under another key. */
    dns_tsig_verify_request(&server, m.b, n, keyring, 4, now);
    server.key = &keys[1].k;        /* as if the server had picked another key */
    r = answer_for("example.test.", 0x5150, true);
    rn = dns_tsig_sign_response(&server, r.b, r.len, r.size, now);
    CHECK("round trip: an answer with a MAC made with another secret is BADSIG",
          rn > 0 && dns_tsig_verify_response(&client, r.b, rn, now) == DNS_TSIG_NOTAUTH &&
              client.error == DNS_TSIG_BADSIG);
    free(r.b);
    struct dns_tsig_state fresh;
    memset(&fresh, 0, sizeof fresh);
    CHECK("round trip: a state that signed nothing verifies nothing",
          dns_tsig_verify_response(&fresh, m.b, n, now) == DNS_TSIG_NOTAUTH);
    free(m.b);
}

/* Room: too little leaves the message as it was; exactly enough works. */
static void test_room(void)
{
    struct dns_tsig_state s, probe;
    struct msg q = peer_query(&keys[2], KEY_NAME, "example.test.", LDNS_RR_TYPE_SOA, NULL);
    dns_tsig_verify_request(&s, q.b, q.len, keyring, 4, now);
    struct msg a = answer_for("example.test.", 0x4242, false);
    struct msg plain = copy_msg(&a);
    probe = s;
    size_t need = dns_tsig_sign_response(&probe, a.b, a.len, a.size, now);
    bool untouched = true;
    for (size_t room = a.len; room < need; room++) {
        memcpy(a.b, plain.b, plain.size);
        probe = s;
        untouched &= dns_tsig_sign_response(&probe, a.b, a.len, room, now) == 0 &&
                     memcmp(a.b, plain.b, plain.size) == 0 && probe.messages_signed == 0;
    }
    CHECK("room: with any less than needed, 0 and the message untouched", untouched);
    memcpy(a.b, plain.b, plain.size);
    probe = s;
    CHECK("room: exactly enough signs", dns_tsig_sign_response(&probe, a.b, a.len, need, now) == need);

    struct dns_tsig_state c;
    memcpy(a.b, plain.b, plain.size);
    CHECK("room: a request too is not signed without room", dns_tsig_sign_request(&c, &keys[0].k, a.b, a.len,
                                                                                  a.len + 10, now) == 0 &&
                                                                memcmp(a.b, plain.b, plain.size) == 0);
    struct dns_tsig_key nameless = keys[0].k;
    nameless.name_len = 0;
    CHECK("keys: a key without a name signs nothing",
          dns_tsig_sign_request(&c, &nameless, a.b, a.len, a.size, now) == 0);
    free(a.b);
    free(plain.b);
    free(q.b);
}

/* Every prefix of signed messages is read within bounds (ASan watches the
 * exact-size copies) and never verifies; every one-bit change is refused
 * but in the ID (Original ID is what is signed), the TSIG's TTL (not
 * signed) and the case of the TSIG's names (signed in lower case). */
static void test_prefixes_and_bits(void)
{
    struct dns_tsig_state s;
    struct msg q = peer_query(&keys[0], KEY_NAME, "example.test.", LDNS_RR_TYPE_SOA, NULL);
    bool never_ok = true;
    for (size_t len = 0; len < q.len; len++) {
        uint8_t *exact = malloc(len ? len : 1);
        memcpy(exact, q.b, len);
        never_ok &= dns_tsig_verify_request(&s, exact, len, keyring, 4, now) != DNS_TSIG_OK;
        (void)dns_tsig_find(exact, len);
        free(exact);
    }
    CHECK("prefixes: no proper prefix of a signed request verifies", never_ok);

    size_t off = dns_tsig_find(q.b, q.len);
    size_t ttl_at = off + 6 + 4;            /* owner: \003key and a pointer; type, class */
    size_t alg_at = off + 6 + 10, alg_end = alg_at + q.b[alg_at] + 2u;
    bool refused = true, harmless_pass = true;
    for (size_t i = 0; i < q.len; i++) {
        for (int bit = 0; bit < 8; bit++) {
            uint8_t *exact = malloc(q.len);
            memcpy(exact, q.b, q.len);
            exact[i] ^= (uint8_t)(1u << bit);
            enum dns_tsig_result r = dns_tsig_verify_request(&s, exact, q.len, keyring, 4, now);
            bool in_names = (i > off && i < off + 4) || (i > alg_at && i < alg_end);
            bool letter = (q.b[i] | 0x20) >= 'a' && (q.b[i] | 0x20) <= 'z';
            if (i < 2 || (i >= ttl_at && i < ttl_at + 4) || (in_names && letter && bit == 5))
                harmless_pass &= r == DNS_TSIG_OK;
            else
                refused &= r != DNS_TSIG_OK;
            free(exact);
        }
    }
    CHECK("bits: every one-bit change of a signed request is refused (but those below)", refused);
    CHECK("bits: the ID (Original ID is signed), the TTL and the case of the key and algorithm names may change",
          harmless_pass);

    /* The same for a signed reply on the client side. */
    struct dns_tsig_state client, server;
    struct msg m = our_notify(0x1111);
    size_t n = dns_tsig_sign_request(&client, &keys[1].k, m.b, m.len, m.size, now);
    dns_tsig_verify_request(&server, m.b, n, keyring, 4, now);
    struct msg r = answer_for("example.test.", 0x1111, true);
    size_t rn = dns_tsig_sign_response(&server, r.b, r.len, r.size, now);
    never_ok = rn > 0;
    for (size_t len = 0; len < rn; len++) {
        uint8_t *exact = malloc(len ? len : 1);
        memcpy(exact, r.b, len);
        never_ok &= dns_tsig_verify_response(&client, exact, len, now) != DNS_TSIG_OK;
        free(exact);
    }
    CHECK("prefixes: no proper prefix of a signed reply verifies", never_ok);
    free(m.b);
    free(r.b);
    free(q.b);
}

int main(void)
{
    now = (uint64_t)time(NULL);
    make_keys();
    if (!keys[1].ldns_has)
        printf("# ldns %s cannot sign with hmac-sha384 (its table says \"hmac-shac384.\"): the OpenSSL "
               "reference checks that algorithm alone\n",
               LDNS_VERSION);
    CHECK("ldns signs with hmac-sha256 and hmac-sha512", keys[0].ldns_has && keys[2].ldns_has);

    size_t size;
    struct blob blob;
    void *data = load_fixture_blob(&blob, &size);

    test_algorithm_names();
    for (int i = 0; i < 3; i++) {
        test_request_and_answer(&keys[i]);
        test_notify(&keys[i]);
        test_transfer(&keys[i], &blob);
    }
    test_errors();
    test_truncation();
    test_formerr();
    test_key_name_case();
    test_round_trip();
    test_room();
    test_prefixes_and_bits();

    free(data);
    return CHECK_DONE();
}
