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
    free(copy);
    free(data);
    return CHECK_DONE();
}
