/*
 * The DNS engine's server-wide options (dns.conf, struct blob_dns_server)
 * over the fixture zones: NSID (RFC 5001) only to those who ask, the
 * CHAOS questions about the server (RFC 4892; NSD's hide-version), and
 * the EDNS option list of the OPT record. The fixture blob is copied with
 * the option values appended, and its server record replaced in memory,
 * so each case sets exactly what it tests.
 */
#include <ldns/ldns.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blob_file.h"
#include "check.h"
#include "dns/dns_engine.h"
#include "wire/dns_wire.h"

#include "dns_client.h"

static struct blob_dns_server server;
/* The fixture blob, opened in a buffer with room after it for the option
 * values (the engine reads them through references into the blob). */
#define SPARE 4096
static uint8_t *copy;
static size_t copy_size, copy_used;

static struct blob_ref text_ref(const char *text)
{
    size_t len = strlen(text);
    if (copy_used + len > copy_size + SPARE)
        abort();
    memcpy(copy + copy_used, text, len);
    struct blob_ref r = {(uint32_t)copy_used, (uint32_t)len};
    copy_used += len;
    return r;
}

static void set_server(const char *nsid, const char *version)
{
    memset(&server, 0, sizeof server);
    server.rrl_ipv4_prefix = 24;
    server.rrl_ipv6_prefix = 56;
    if (nsid)
        server.nsid = text_ref(nsid);
    if (version) {
        server.version = text_ref(version);
        server.flags |= BLOB_DNS_SHOW_VERSION;
    }
    blob.dns_server = &server;
}

/* A query with an OPT record holding one option (code, data). */
static void q_with_option(struct query *q, const char *name, uint16_t type, uint16_t qclass, uint16_t code,
                          const uint8_t *data, uint16_t len)
{
    q_begin(q, 0x4242, 0, 1, 1);
    q_name(q, name);
    q_u16(q, type);
    q_u16(q, qclass);
    q_opt(q, 1232, 0, false);
    dns_put16(q->b + q->len - 2, (uint16_t)(4 + len));     /* the OPT's RDLENGTH */
    q_u16(q, code);
    q_u16(q, len);
    if (len)
        memcpy(q->b + q->len, data, len);
    q->len += len;
}

/* The data of option `code` in the answer's OPT, or NULL. */
static const uint8_t *answer_option(uint16_t code, uint16_t *len)
{
    ldns_pkt *p = NULL;
    if (ldns_wire2pkt(&p, out, out_len) != LDNS_STATUS_OK)
        return NULL;
    ldns_pkt_free(p);
    /* The OPT is the last record: find it from the end by its fixed shape. */
    for (size_t at = out_len; at-- > 12;) {
        if (out[at] != 0 || at + 11 > out_len || dns_get16(out + at + 1) != DNS_TYPE_OPT ||
            at + 11 + dns_get16(out + at + 9) != out_len)
            continue;
        size_t o = at + 11;
        while (o + 4 <= out_len) {
            uint16_t c = dns_get16(out + o), l = dns_get16(out + o + 2);
            if (c == code) {
                *len = l;
                return out + o + 4;
            }
            o += 4u + l;
        }
        return NULL;
    }
    return NULL;
}

static void test_nsid(void)
{
    set_server("ns1.unihost", NULL);
    struct query q;
    q_with_option(&q, "www.example.test", DNS_TYPE_A, DNS_CLASS_IN, DNS_OPTION_NSID, NULL, 0);
    ldns_pkt *p = ask(&q, DNS_OVER_UDP);
    uint16_t len = 0;
    const uint8_t *nsid = answer_option(DNS_OPTION_NSID, &len);
    CHECK("nsid: asked, the configured NSID comes back", p && ldns_pkt_ancount(p) == 1 && nsid && len == 11 &&
          memcmp(nsid, "ns1.unihost", 11) == 0);
    ldns_pkt_free(p);

    q_simple(&q, "www.example.test", DNS_TYPE_A, true);
    p = ask(&q, DNS_OVER_UDP);
    CHECK("nsid: not asked, not sent (RFC 5001 3)", p && !answer_option(DNS_OPTION_NSID, &len));
    ldns_pkt_free(p);

    set_server(NULL, NULL);
    q_with_option(&q, "www.example.test", DNS_TYPE_A, DNS_CLASS_IN, DNS_OPTION_NSID, NULL, 0);
    p = ask(&q, DNS_OVER_UDP);
    CHECK("nsid: none configured, none sent", p && ldns_pkt_ancount(p) == 1 && !answer_option(DNS_OPTION_NSID, &len));
    ldns_pkt_free(p);

    /* An option list that overruns its OPT is a malformed query. */
    q_with_option(&q, "www.example.test", DNS_TYPE_A, DNS_CLASS_IN, DNS_OPTION_NSID, NULL, 0);
    dns_put16(q.b + q.len - 2, 1);
    p = ask(&q, DNS_OVER_UDP);
    CHECK("options: an option longer than the OPT's data is FORMERR", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_FORMERR);
    ldns_pkt_free(p);
}

static ldns_pkt *ask_chaos(const char *name, uint16_t type)
{
    struct query q;
    q_begin(&q, 7, 0, 1, 0);
    q_name(&q, name);
    q_u16(&q, type);
    q_u16(&q, DNS_CLASS_CH);
    return ask(&q, DNS_OVER_UDP);
}

static bool chaos_txt(ldns_pkt *p, const char *owner, const char *text)
{
    if (!p || ldns_pkt_get_rcode(p) != LDNS_RCODE_NOERROR || !ldns_pkt_aa(p) || ldns_pkt_ancount(p) != 1)
        return false;
    ldns_rr *rr = ldns_rr_list_rr(ldns_pkt_answer(p), 0);
    char *got = ldns_rdf2str(ldns_rr_rdf(rr, 0));
    char want[300];
    snprintf(want, sizeof want, "\"%s\"", text);
    char *own = ldns_rdf2str(ldns_rr_owner(rr));
    bool ok = ldns_rr_get_class(rr) == LDNS_RR_CLASS_CH && ldns_rr_get_type(rr) == LDNS_RR_TYPE_TXT && got &&
              strcmp(got, want) == 0 && own && strcasecmp(own, owner) == 0;
    free(got);
    free(own);
    return ok;
}

static void test_chaos(void)
{
    set_server("ns1.unihost", NULL);
    ldns_pkt *p = ask_chaos("id.server", DNS_TYPE_TXT);
    CHECK("chaos: id.server. TXT is the NSID", chaos_txt(p, "id.server.", "ns1.unihost"));
    ldns_pkt_free(p);
    p = ask_chaos("HOSTNAME.bind", DNS_TYPE_TXT);
    CHECK("chaos: hostname.bind. too, any case, owner as asked", chaos_txt(p, "hostname.bind.", "ns1.unihost"));
    ldns_pkt_free(p);
    p = ask_chaos("version.bind", DNS_TYPE_TXT);
    CHECK("chaos: version.bind. refused by default (hide-version)",
          p && ldns_pkt_get_rcode(p) == LDNS_RCODE_REFUSED && ldns_pkt_ancount(p) == 0);
    ldns_pkt_free(p);
    p = ask_chaos("version.server", DNS_TYPE_TXT);
    CHECK("chaos: version.server. refused by default", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_REFUSED);
    ldns_pkt_free(p);
    p = ask_chaos("authors.bind", DNS_TYPE_TXT);
    CHECK("chaos: other CHAOS names refused", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_REFUSED);
    ldns_pkt_free(p);

    set_server(NULL, "unihost 4");
    p = ask_chaos("version.bind", DNS_TYPE_TXT);
    CHECK("chaos: version.bind. answered when shown", chaos_txt(p, "version.bind.", "unihost 4"));
    ldns_pkt_free(p);
    p = ask_chaos("version.server", DNS_TYPE_ANY);
    CHECK("chaos: version.server. ANY too", chaos_txt(p, "version.server.", "unihost 4"));
    ldns_pkt_free(p);
    p = ask_chaos("version.server", DNS_TYPE_A);
    CHECK("chaos: another type at a known name: NODATA",
          p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR && ldns_pkt_ancount(p) == 0);
    ldns_pkt_free(p);
    p = ask_chaos("id.server", DNS_TYPE_TXT);
    CHECK("chaos: id.server. refused without an NSID", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_REFUSED);
    ldns_pkt_free(p);
    p = ask_chaos("version.example.test", DNS_TYPE_TXT);
    CHECK("chaos: our zones are class IN only", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_REFUSED);
    ldns_pkt_free(p);
}

/* ---- cookies (RFC 7873, RFC 9018) and their part in rate limiting ------------ */

static struct dns_cookie_secrets secrets = {.active = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}};
static struct dns_engine_env env = {.now_ms = 1000, .unix_time = 1764900000u, .cookies = &secrets};
static const struct dns_peer client = {.family = 4, .addr = {198, 51, 100, 7}};

static enum dns_action handle(const struct query *q)
{
    return dns_engine_handle(&blob, &env, q->b, q->len, DNS_OVER_UDP, &client, NULL, out, sizeof out, &out_len);
}

static unsigned full_rcode(void)
{
    uint16_t len;
    (void)len;
    unsigned low = dns_get16(out + 2) & 0xfu;
    ldns_pkt *p = NULL;
    unsigned high = 0;
    if (ldns_wire2pkt(&p, out, out_len) == LDNS_STATUS_OK) {
        high = ldns_pkt_edns_extended_rcode(p);
        ldns_pkt_free(p);
    }
    return high << 4 | low;
}

static void test_cookies(void)
{
    static const uint8_t client_cookie[8] = {0x24, 0x64, 0xc4, 0xab, 0xcf, 0x10, 0xc9, 0x57};
    struct query q;
    uint16_t len = 0;
    set_server(NULL, NULL);
    server.flags |= BLOB_DNS_ANSWER_COOKIE;

    q_with_option(&q, "www.example.test", DNS_TYPE_A, DNS_CLASS_IN, DNS_OPTION_COOKIE, client_cookie, 8);
    const uint8_t *c = handle(&q) == DNS_ACTION_ANSWER ? answer_option(DNS_OPTION_COOKIE, &len) : NULL;
    uint8_t server_cookie[24];
    CHECK("cookie: a client cookie alone: answered, with it and a 16-byte server cookie (RFC 9018)",
          c && len == 24 && memcmp(c, client_cookie, 8) == 0 && c[8] == 1 && full_rcode() == DNS_RCODE_NOERROR &&
          dns_get16(out + 6) == 1);
    if (c)
        memcpy(server_cookie, c, 24);

    q_with_option(&q, "www.example.test", DNS_TYPE_A, DNS_CLASS_IN, DNS_OPTION_COOKIE, server_cookie, 24);
    env.unix_time += 60;
    c = handle(&q) == DNS_ACTION_ANSWER ? answer_option(DNS_OPTION_COOKIE, &len) : NULL;
    CHECK("cookie: our server cookie back a minute later: the same one again (RFC 9018 4.3)",
          c && len == 24 && memcmp(c, server_cookie, 24) == 0 && full_rcode() == DNS_RCODE_NOERROR);

    uint8_t forged[24];
    memcpy(forged, server_cookie, 24);
    forged[23] ^= 0x40;
    q_with_option(&q, "www.example.test", DNS_TYPE_A, DNS_CLASS_IN, DNS_OPTION_COOKIE, forged, 24);
    c = handle(&q) == DNS_ACTION_ANSWER ? answer_option(DNS_OPTION_COOKIE, &len) : NULL;
    CHECK("cookie: a forged server cookie: answered as a new client, a fresh cookie (RFC 7873 5.2.4)",
          c && len == 24 && memcmp(c + 8, forged + 8, 16) != 0 && memcmp(c, client_cookie, 8) == 0 &&
          full_rcode() == DNS_RCODE_NOERROR && dns_get16(out + 6) == 1);

    q_with_option(&q, "www.example.test", DNS_TYPE_A, DNS_CLASS_IN, DNS_OPTION_COOKIE, client_cookie, 5);
    CHECK("cookie: 5 bytes is FORMERR, with no cookie back (RFC 7873 5.2.2)",
          handle(&q) == DNS_ACTION_ANSWER && full_rcode() == DNS_RCODE_FORMERR &&
          !answer_option(DNS_OPTION_COOKIE, &len));

    /* The probe: QDCOUNT 0, a cookie (RFC 7873 5.4). */
    q_with_option(&q, "x", DNS_TYPE_A, DNS_CLASS_IN, DNS_OPTION_COOKIE, client_cookie, 8);
    struct query probe;
    q_begin(&probe, 0x4242, 0, 0, 1);
    size_t opt_at = 12 + 3 + 4;     /* after "\1x\0", type and class */
    memcpy(probe.b + 12, q.b + opt_at, q.len - opt_at);
    probe.len = 12 + (q.len - opt_at);
    c = handle(&probe) == DNS_ACTION_ANSWER ? answer_option(DNS_OPTION_COOKIE, &len) : NULL;
    CHECK("cookie: no question, only a cookie: NOERROR, no question, our cookie (RFC 7873 5.4)",
          c && len == 24 && full_rcode() == DNS_RCODE_NOERROR && dns_get16(out + 4) == 0 &&
          dns_get16(out + 6) == 0);
    /* The probe with a forged server cookie: BADCOOKIE (5.4). */
    q_with_option(&q, "x", DNS_TYPE_A, DNS_CLASS_IN, DNS_OPTION_COOKIE, forged, 24);
    struct query probe_forged;
    q_begin(&probe_forged, 0x4243, 0, 0, 1);
    memcpy(probe_forged.b + 12, q.b + opt_at, q.len - opt_at);
    probe_forged.len = 12 + (q.len - opt_at);
    c = handle(&probe_forged) == DNS_ACTION_ANSWER ? answer_option(DNS_OPTION_COOKIE, &len) : NULL;
    CHECK("cookie: the probe with a forged server cookie: BADCOOKIE and a fresh cookie (RFC 7873 5.4)",
          c && len == 24 && memcmp(c + 8, forged + 8, 16) != 0 && full_rcode() == DNS_RCODE_BADCOOKIE);
    env.cookies = NULL;
    CHECK("cookie: the same probe to a server without cookies: FORMERR",
          handle(&probe) == DNS_ACTION_ANSWER && full_rcode() == DNS_RCODE_FORMERR);
    env.cookies = &secrets;
    server.flags &= (uint16_t)~BLOB_DNS_ANSWER_COOKIE;
    c = handle(&probe) == DNS_ACTION_ANSWER ? answer_option(DNS_OPTION_COOKIE, &len) : NULL;
    CHECK("cookie: answer-cookie: no: FORMERR to the probe, and no cookie", !c && full_rcode() == DNS_RCODE_FORMERR);
    server.flags |= BLOB_DNS_ANSWER_COOKIE;

    /* Rate limiting at one answer a second, every limited answer slipped. */
    static struct dns_rrl rrl;
    struct dns_rrl_config cfg = {.rate = 1, .slip = 1, .ipv4_prefix = 24, .ipv6_prefix = 56};
    static const uint8_t rrl_key[16] = {42};
    dns_rrl_init(&rrl, &cfg, rrl_key);
    env.rrl = &rrl;
    unsigned full = 0, tc = 0, badcookie = 0, other = 0;
    q_simple(&q, "www.example.test", DNS_TYPE_A, true);
    for (int i = 0; i < 5; i++) {
        if (handle(&q) != DNS_ACTION_ANSWER)
            other++;
        else if (dns_get16(out + 2) & DNS_FLAG_TC)
            tc += dns_get16(out + 6) == 0 && full_rcode() == DNS_RCODE_NOERROR;
        else
            full += dns_get16(out + 6) == 1;
    }
    CHECK("rrl: no cookie: one answer, then empty truncated ones (slip 1)", full == 1 && tc == 4 && other == 0);

    full = tc = badcookie = other = 0;
    q_with_option(&q, "www.example.test", DNS_TYPE_A, DNS_CLASS_IN, DNS_OPTION_COOKIE, client_cookie, 8);
    for (int i = 0; i < 5; i++) {
        if (handle(&q) != DNS_ACTION_ANSWER)
            other++;
        else if (full_rcode() == DNS_RCODE_BADCOOKIE)
            badcookie += dns_get16(out + 6) == 0 && answer_option(DNS_OPTION_COOKIE, &len) && len == 24;
        else
            full += dns_get16(out + 6) == 1;
    }
    CHECK("rrl: a client cookie alone, limited: BADCOOKIE with a fresh cookie instead of TC (RFC 7873 5.2.3)",
          full == 0 && badcookie == 5 && other == 0);

    full = other = 0;
    q_with_option(&q, "www.example.test", DNS_TYPE_A, DNS_CLASS_IN, DNS_OPTION_COOKIE, server_cookie, 24);
    for (int i = 0; i < 50; i++) {
        if (handle(&q) == DNS_ACTION_ANSWER && full_rcode() == DNS_RCODE_NOERROR && dns_get16(out + 6) == 1 &&
            !(dns_get16(out + 2) & DNS_FLAG_TC))
            full++;
        else
            other++;
    }
    CHECK("rrl: a valid server cookie: never limited (50 answers in the same millisecond)", full == 50 && other == 0);
    env.rrl = NULL;
}

/* ---- TSIG on ordinary answers (RFC 8945), checked with ldns ------------------- */

/* 32 bytes 0x00..0x1f, and its base64 for ldns. */
static uint8_t tsig_secret[32];
static const char tsig_secret_b64[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
static const uint8_t tsig_name[] = "\3xfr\4test";

/* A query for name/type signed by ldns with key `key` and `secret`; its
 * wire into q, its MAC returned (the caller frees it). */
static ldns_rdf *signed_query(struct query *q, const char *name, const char *key, const char *secret)
{
    ldns_pkt *p = NULL;
    ldns_pkt_query_new_frm_str(&p, name, LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0);
    ldns_pkt_set_id(p, 0x5151);
    if (ldns_pkt_tsig_sign(p, key, secret, 300, "hmac-sha256.", NULL) != LDNS_STATUS_OK)
        return NULL;
    uint8_t *wire = NULL;
    size_t len = 0;
    ldns_pkt2wire(&wire, p, &len);
    memcpy(q->b, wire, len);
    q->len = len;
    free(wire);
    ldns_rdf *mac = ldns_rdf_clone(ldns_rr_rdf(ldns_pkt_tsig(p), 3));
    ldns_pkt_free(p);
    return mac;
}

static void test_tsig_answers(void)
{
    for (unsigned i = 0; i < sizeof tsig_secret; i++)
        tsig_secret[i] = (uint8_t)i;
    struct dns_tsig_key key = {tsig_name, sizeof tsig_name, DNS_TSIG_HMAC_SHA256, tsig_secret, sizeof tsig_secret};
    struct dns_engine_env tenv = {.unix_time = (uint64_t)time(NULL), .tsig_keys = &key, .tsig_key_count = 1};
    set_server(NULL, NULL);
    struct query q;
    ldns_rdf *mac = signed_query(&q, "www.example.test.", "xfr.test.", tsig_secret_b64);
    enum dns_action a = dns_engine_handle(&blob, &tenv, q.b, q.len, DNS_OVER_UDP, &client, NULL, out, sizeof out,
                                          &out_len);
    ldns_pkt *p = NULL;
    bool parsed = a == DNS_ACTION_ANSWER && ldns_wire2pkt(&p, out, out_len) == LDNS_STATUS_OK;
    CHECK("tsig: a signed query is answered, signed, and ldns verifies the answer over the query's MAC",
          parsed && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR && ldns_pkt_ancount(p) == 1 && ldns_pkt_tsig(p) &&
          ldns_pkt_tsig_verify(p, out, out_len, "xfr.test.", tsig_secret_b64, mac));
    ldns_pkt_free(p);
    ldns_rdf_deep_free(mac);

    /* The same key name, another secret: BADSIG, unsigned (RFC 8945 5.2.2). */
    mac = signed_query(&q, "www.example.test.", "xfr.test.", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    a = dns_engine_handle(&blob, &tenv, q.b, q.len, DNS_OVER_UDP, &client, NULL, out, sizeof out, &out_len);
    p = NULL;
    parsed = a == DNS_ACTION_ANSWER && ldns_wire2pkt(&p, out, out_len) == LDNS_STATUS_OK;
    ldns_rr *t = parsed ? ldns_pkt_tsig(p) : NULL;
    CHECK("tsig: a wrong secret: NOTAUTH, no answer, a TSIG with error BADSIG and no MAC",
          t && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOTAUTH && ldns_pkt_ancount(p) == 0 &&
          ldns_rdf2native_int16(ldns_rr_rdf(t, 5)) == 16 && ldns_rdf_size(ldns_rr_rdf(t, 3)) == 2);
    ldns_pkt_free(p);
    ldns_rdf_deep_free(mac);

    mac = signed_query(&q, "www.example.test.", "other.test.", tsig_secret_b64);
    a = dns_engine_handle(&blob, &tenv, q.b, q.len, DNS_OVER_UDP, &client, NULL, out, sizeof out, &out_len);
    p = NULL;
    parsed = a == DNS_ACTION_ANSWER && ldns_wire2pkt(&p, out, out_len) == LDNS_STATUS_OK;
    t = parsed ? ldns_pkt_tsig(p) : NULL;
    CHECK("tsig: an unknown key: NOTAUTH with error BADKEY",
          t && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOTAUTH && ldns_rdf2native_int16(ldns_rr_rdf(t, 5)) == 17);
    ldns_pkt_free(p);
    ldns_rdf_deep_free(mac);

    mac = signed_query(&q, "www.example.test.", "xfr.test.", tsig_secret_b64);
    tenv.unix_time += 400;
    a = dns_engine_handle(&blob, &tenv, q.b, q.len, DNS_OVER_UDP, &client, NULL, out, sizeof out, &out_len);
    p = NULL;
    parsed = a == DNS_ACTION_ANSWER && ldns_wire2pkt(&p, out, out_len) == LDNS_STATUS_OK;
    t = parsed ? ldns_pkt_tsig(p) : NULL;
    CHECK("tsig: 400 s off the clock: NOTAUTH with error BADTIME, signed (RFC 8945 5.2.3)",
          t && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOTAUTH && ldns_rdf2native_int16(ldns_rr_rdf(t, 5)) == 18 &&
          ldns_rdf_size(ldns_rr_rdf(t, 3)) == 2 + 32);
    ldns_pkt_free(p);
    ldns_rdf_deep_free(mac);

    /* No keyring at all (a blob without keys): BADKEY, not an unsigned answer. */
    mac = signed_query(&q, "www.example.test.", "xfr.test.", tsig_secret_b64);
    a = dns_engine_handle(&blob, NULL, q.b, q.len, DNS_OVER_UDP, &client, NULL, out, sizeof out, &out_len);
    p = NULL;
    parsed = a == DNS_ACTION_ANSWER && ldns_wire2pkt(&p, out, out_len) == LDNS_STATUS_OK;
    t = parsed ? ldns_pkt_tsig(p) : NULL;
    CHECK("tsig: no keys configured: BADKEY", t && ldns_rdf2native_int16(ldns_rr_rdf(t, 5)) == 17 &&
                                                ldns_pkt_get_rcode(p) == LDNS_RCODE_NOTAUTH);
    ldns_pkt_free(p);
    ldns_rdf_deep_free(mac);
}

static void test_minimal_responses(void)
{
    set_server(NULL, NULL);
    ldns_pkt *p = ask_name("www.example.test", DNS_TYPE_A);
    CHECK("minimal: off by default, the zone's NS and their addresses beside an answer",
          p && ldns_pkt_ancount(p) == 1 && ldns_pkt_nscount(p) == 2 && ldns_pkt_arcount(p) > 0);
    ldns_pkt_free(p);
    server.flags |= BLOB_DNS_MINIMAL_RESPONSES;
    p = ask_name("www.example.test", DNS_TYPE_A);
    CHECK("minimal: the answer alone", p && ldns_pkt_ancount(p) == 1 && ldns_pkt_nscount(p) == 0 &&
                                           ldns_pkt_arcount(p) == 0);
    ldns_pkt_free(p);
    p = ask_name("example.test", DNS_TYPE_MX);
    CHECK("minimal: no addresses of MX targets either", p && ldns_pkt_ancount(p) >= 1 && ldns_pkt_arcount(p) == 0);
    ldns_pkt_free(p);
    p = ask_name("x.sub.example.test", DNS_TYPE_A);
    CHECK("minimal: a referral keeps its NS and glue", p && !ldns_pkt_aa(p) && ldns_pkt_nscount(p) >= 1 &&
                                                            ldns_pkt_arcount(p) >= 1);
    ldns_pkt_free(p);
    p = ask_name("nope.example.test", DNS_TYPE_A);
    CHECK("minimal: a denial keeps its SOA", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN &&
                                                  ldns_pkt_nscount(p) == 1);
    ldns_pkt_free(p);
    server.flags &= (uint16_t)~BLOB_DNS_MINIMAL_RESPONSES;
}

/* The covered types of the RRSIGs in the answer section. */
static unsigned covered_types(ldns_pkt *p, uint16_t *first)
{
    uint16_t seen[64];
    unsigned n = 0;
    for (size_t i = 0; p && i < ldns_rr_list_rr_count(ldns_pkt_answer(p)); i++) {
        ldns_rr *rr = ldns_rr_list_rr(ldns_pkt_answer(p), i);
        if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_RRSIG)
            return 0;
        uint16_t t = ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr));
        bool known = false;
        for (unsigned k = 0; k < n; k++)
            known |= seen[k] == t;
        if (!known && n < 64)
            seen[n++] = t;
    }
    *first = n ? seen[0] : 0;
    return n;
}

static void test_rrsig_queries(void)
{
    set_server(NULL, NULL);
    struct query q;
    q_simple(&q, "nsec3.test", DNS_TYPE_RRSIG, true);
    ldns_pkt *udp = ask(&q, DNS_OVER_UDP);
    uint16_t first_udp = 0, first_tcp = 0;
    unsigned udp_types = covered_types(udp, &first_udp);
    ldns_pkt *tcp = ask(&q, DNS_OVER_TCP);
    unsigned tcp_types = covered_types(tcp, &first_tcp);
    CHECK("rrsig: over TCP every signature at the name, as NSD (several covered types)", tcp_types >= 4);
    CHECK("rrsig: over UDP only those of the lowest covered type, as Knot", udp_types == 1 && first_udp == first_tcp &&
          ldns_pkt_get_rcode(udp) == LDNS_RCODE_NOERROR && ldns_pkt_aa(udp) && !ldns_pkt_tc(udp));
    ldns_pkt_free(udp);
    ldns_pkt_free(tcp);
}

int main(void)
{
    size_t size;
    void *data = load_fixture_blob(&blob, &size);
    copy = aligned_alloc(8, (size + SPARE + 7) / 8 * 8);
    memcpy(copy, data, size);
    copy_size = copy_used = size;
    const char *err;
    if (blob_open(&blob, copy, size, &err) != 0) {
        printf("not ok - the fixture blob's copy opens: %s\n", err);
        return 1;
    }
    blob.size = size + SPARE;
    test_nsid();
    test_chaos();
    test_cookies();
    test_tsig_answers();
    test_minimal_responses();
    test_rrsig_queries();
    free(copy);
    free(data);
    return CHECK_DONE();
}
