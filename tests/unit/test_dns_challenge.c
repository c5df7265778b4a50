/*
 * The runtime `_acme-challenge` TXT records (dns_challenge.h): the table's
 * rules and bounds, and the DNS engine's answers with them laid over the
 * fixture zones (tests/fixtures/zones), decoded with ldns.
 */
#include <ldns/ldns.h>
#include <stdint.h>
#include <string.h>

#include "blob_file.h"
#include "check.h"
#include "dns/dns_challenge.h"
#include "dns/dns_engine.h"
#include "wire/dns_wire.h"

#include "dns_client.h"

static struct dns_challenges table;

static ldns_pkt *ask_with(const struct query *q, enum dns_transport t, const struct dns_challenges *challenges)
{
    struct dns_engine_env env = {.challenges = challenges};
    if (dns_engine_handle(&blob, &env, q->b, q->len, t, NULL, NULL, out, sizeof out, &out_len) != DNS_ACTION_ANSWER)
        return NULL;
    ldns_pkt *p = NULL;
    return ldns_wire2pkt(&p, out, out_len) == LDNS_STATUS_OK ? p : NULL;
}

static ldns_pkt *ask_overlay(const char *name, uint16_t type)
{
    struct query q;
    q_simple(&q, name, type, false);
    return ask_with(&q, DNS_OVER_UDP, &table);
}

static enum dns_challenge_result add(const char *name, const char *value)
{
    return dns_challenges_add(&table, name, (const uint8_t *)value, strlen(value));
}

static enum dns_challenge_result del(const char *name, const char *value)
{
    return dns_challenges_remove(&table, name, (const uint8_t *)value, strlen(value));
}

/* The TXT text ldns prints for a one-string record of `value`. */
static bool has_txt(ldns_pkt *p, const char *owner, const char *value)
{
    char quoted[300];
    snprintf(quoted, sizeof quoted, "\"%s\"", value);
    return has_rr(ldns_pkt_answer(p), owner, LDNS_RR_TYPE_TXT, quoted);
}

static enum dns_challenge_fit fit_of(const char *text)
{
    uint8_t wire[DNS_NAME_MAX];
    size_t len = dns_challenge_name(text, wire);
    return len ? dns_engine_challenge_fit(&blob, wire, len) : (enum dns_challenge_fit)-1;
}

#define VALUE_A "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0"
#define VALUE_B "fL1f0oB9XRJ8Ys5i9FbQ6VqWrUz2nT4hGkCjD7mE3sA"

static void test_table_rules(void)
{
    dns_challenges_init(&table);
    CHECK("table: a challenge name is taken", add("_acme-challenge.www.example.test", VALUE_A) == DNS_CHALLENGE_OK);
    CHECK("table: a final dot is allowed", add("_acme-challenge.www.example.test.", VALUE_B) == DNS_CHALLENGE_OK);
    CHECK("table: the same record twice is kept once",
          add("_acme-challenge.WWW.example.test", VALUE_A) == DNS_CHALLENGE_OK && table.count == 2);
    CHECK("table: a name without the challenge label is refused",
          add("www.example.test", VALUE_A) == DNS_CHALLENGE_BAD_NAME);
    CHECK("table: the challenge label alone is refused", add("_acme-challenge", VALUE_A) == DNS_CHALLENGE_BAD_NAME);
    CHECK("table: an empty label is refused", add("_acme-challenge..test", VALUE_A) == DNS_CHALLENGE_BAD_NAME);
    CHECK("table: a space in a name is refused", add("_acme-challenge.a b.test", VALUE_A) == DNS_CHALLENGE_BAD_NAME);
    char long_label[100];
    snprintf(long_label, sizeof long_label, "_acme-challenge.%064d.test", 0);
    CHECK("table: a label over 63 bytes is refused", add(long_label, VALUE_A) == DNS_CHALLENGE_BAD_NAME);
    char long_name[300] = "_acme-challenge";
    while (strlen(long_name) < 260)
        strcat(long_name, ".abcdefghi");
    CHECK("table: a name over 255 bytes of wire is refused", add(long_name, VALUE_A) == DNS_CHALLENGE_BAD_NAME);
    CHECK("table: an empty value is refused", add("_acme-challenge.www.example.test", "") == DNS_CHALLENGE_BAD_VALUE);
    char big[257];
    memset(big, 'x', 256);
    big[256] = 0;
    CHECK("table: a value over 255 bytes is refused",
          add("_acme-challenge.www.example.test", big) == DNS_CHALLENGE_BAD_VALUE);
    big[255] = 0;
    CHECK("table: a value of 255 bytes is taken", add("_acme-challenge.www.example.test", big) == DNS_CHALLENGE_OK);
    CHECK("table: removal of a record that is there", del("_acme-challenge.www.example.test", big) == DNS_CHALLENGE_OK);
    CHECK("table: removal again finds nothing",
          del("_acme-challenge.www.example.test", big) == DNS_CHALLENGE_NOT_FOUND && table.count == 2);
    CHECK("table: removal by another case of the name",
          del("_ACME-CHALLENGE.www.Example.Test", VALUE_B) == DNS_CHALLENGE_OK && table.count == 1);

    dns_challenges_init(&table);
    bool all = true;
    for (int i = 0; i < DNS_CHALLENGE_CAPACITY; i++) {
        char value[24];
        snprintf(value, sizeof value, "value-%d", i);
        all &= add("_acme-challenge.example.test", value) == DNS_CHALLENGE_OK;
    }
    CHECK("table: DNS_CHALLENGE_CAPACITY records fit", all && table.count == DNS_CHALLENGE_CAPACITY);
    CHECK("table: one more is refused", add("_acme-challenge.example.test", "one-more") == DNS_CHALLENGE_FULL &&
          table.count == DNS_CHALLENGE_CAPACITY);
    CHECK("table: ... and a record already there is still fine",
          add("_acme-challenge.example.test", "value-3") == DNS_CHALLENGE_OK);
    CHECK("table: a removal makes room", del("_acme-challenge.example.test", "value-0") == DNS_CHALLENGE_OK &&
          add("_acme-challenge.example.test", "one-more") == DNS_CHALLENGE_OK);
    dns_challenges_clear(&table);
    CHECK("table: clear empties it", table.count == 0);
    CHECK("table: every result has a text", strcmp(dns_challenge_result_text(DNS_CHALLENGE_FULL), "?") != 0);
}

static void test_without_records(void)
{
    dns_challenges_init(&table);
    struct query q;
    q_simple(&q, "_acme-challenge.www.example.test", DNS_TYPE_TXT, false);
    ldns_pkt *p = ask_with(&q, DNS_OVER_UDP, NULL);
    CHECK("none: no table: NXDOMAIN as the zone says", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN);
    size_t len_without = out_len;
    uint8_t without[512];
    memcpy(without, out, len_without < sizeof without ? len_without : sizeof without);
    ldns_pkt_free(p);
    add("_acme-challenge.other.example.test", VALUE_A);
    p = ask_with(&q, DNS_OVER_UDP, &table);
    CHECK("none: records at another name change nothing, byte for byte",
          p && out_len == len_without && memcmp(out, without, len_without) == 0);
    ldns_pkt_free(p);
    dns_challenges_clear(&table);
}

static void test_answers(void)
{
    dns_challenges_init(&table);
    add("_acme-challenge.www.example.test", VALUE_A);
    ldns_pkt *p = ask_overlay("_acme-challenge.www.example.test", DNS_TYPE_TXT);
    CHECK("txt: NOERROR, AA", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR && ldns_pkt_aa(p));
    CHECK("txt: the one record", p && ldns_pkt_ancount(p) == 1 &&
          has_txt(p, "_acme-challenge.www.example.test.", VALUE_A));
    CHECK("txt: TTL DNS_CHALLENGE_TTL", p && ttl_of_first(ldns_pkt_answer(p)) == DNS_CHALLENGE_TTL);
    CHECK("txt: the zone's NS in authority, as for the zone's own answers", p && ldns_pkt_nscount(p) == 2 &&
          has_rr(ldns_pkt_authority(p), "example.test.", LDNS_RR_TYPE_NS, "ns1.example.test."));
    CHECK("txt: the name servers' addresses in additional",
          p && has_rr(ldns_pkt_additional(p), "ns1.example.test.", LDNS_RR_TYPE_A, "192.0.2.11"));
    ldns_pkt_free(p);

    p = ask_overlay("_acme-challenge.www.example.test", DNS_TYPE_A);
    CHECK("other type: NODATA, AA", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR && ldns_pkt_aa(p) &&
          ldns_pkt_ancount(p) == 0);
    CHECK("other type: the zone's SOA, RFC 2308's TTL", p && ldns_pkt_nscount(p) == 1 &&
          has_rr(ldns_pkt_authority(p), "example.test.", LDNS_RR_TYPE_SOA, NULL) &&
          ttl_of_first(ldns_pkt_authority(p)) == 300);
    ldns_pkt_free(p);

    p = ask_overlay("_acme-challenge.www.example.test", DNS_TYPE_ANY);
    CHECK("ANY: the TXT records", p && ldns_pkt_ancount(p) == 1 &&
          has_txt(p, "_acme-challenge.www.example.test.", VALUE_A));
    ldns_pkt_free(p);

    p = ask_overlay("x._acme-challenge.www.example.test", DNS_TYPE_TXT);
    CHECK("below the name: NXDOMAIN as before", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN);
    ldns_pkt_free(p);

    /* A wildcard and its apex: two values at one name, both answered. */
    add("_acme-challenge.example.test", VALUE_A);
    add("_acme-challenge.example.test", VALUE_B);
    p = ask_overlay("_acme-challenge.example.test", DNS_TYPE_TXT);
    CHECK("two values: both in one answer", p && ldns_pkt_ancount(p) == 2 &&
          has_txt(p, "_acme-challenge.example.test.", VALUE_A) && has_txt(p, "_acme-challenge.example.test.", VALUE_B));
    ldns_pkt_free(p);

    /* The name in any case; the answer's owner points at the question,
     * so the client sees its own case (as for the zone's answers). */
    struct query q;
    q_simple(&q, "_ACME-challenge.WWW.example.TEST", DNS_TYPE_TXT, false);
    p = ask_with(&q, DNS_OVER_UDP, &table);
    CHECK("case: answered whatever the case", p && ldns_pkt_ancount(p) == 1 &&
          has_txt(p, "_acme-challenge.www.example.test.", VALUE_A));
    CHECK("case: the owner compressed to the question", out[q.len] == 0xc0 && out[q.len + 1] == 12);
    ldns_pkt_free(p);

    q_simple(&q, "_acme-challenge.www.example.test", DNS_TYPE_TXT, true);
    p = ask_with(&q, DNS_OVER_UDP, &table);
    CHECK("edns: answered with OPT", p && ldns_pkt_edns(p) && ldns_pkt_ancount(p) == 1);
    ldns_pkt_free(p);

    /* Below a wildcard CNAME (*.cwild): the name exists once it has
     * records, so the wildcard no longer answers for it (RFC 4592). */
    p = ask_overlay("_acme-challenge.cwild.example.test", DNS_TYPE_TXT);
    CHECK("wildcard: without records the wildcard's CNAME answers", p && ldns_pkt_ancount(p) >= 1 &&
          has_rr(ldns_pkt_answer(p), "_acme-challenge.cwild.example.test.", LDNS_RR_TYPE_CNAME, "www.example.test."));
    ldns_pkt_free(p);
    add("_acme-challenge.cwild.example.test", VALUE_B);
    p = ask_overlay("_acme-challenge.cwild.example.test", DNS_TYPE_TXT);
    CHECK("wildcard: with records, the TXT records alone", p && ldns_pkt_ancount(p) == 1 &&
          has_txt(p, "_acme-challenge.cwild.example.test.", VALUE_B));
    ldns_pkt_free(p);
    p = ask_overlay("_acme-challenge.cwild.example.test", DNS_TYPE_A);
    CHECK("wildcard: with records, another type is NODATA, not the wildcard's CNAME",
          p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR && ldns_pkt_ancount(p) == 0 && ldns_pkt_nscount(p) == 1);
    ldns_pkt_free(p);

    CHECK("removal: ok", del("_acme-challenge.www.example.test", VALUE_A) == DNS_CHALLENGE_OK);
    p = ask_overlay("_acme-challenge.www.example.test", DNS_TYPE_TXT);
    CHECK("removal: the name is gone again (NXDOMAIN)", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN &&
          ldns_pkt_ancount(p) == 0);
    ldns_pkt_free(p);
    del("_acme-challenge.example.test", VALUE_A);
    p = ask_overlay("_acme-challenge.example.test", DNS_TYPE_TXT);
    CHECK("removal: one of two values goes, the other stays", p && ldns_pkt_ancount(p) == 1 &&
          has_txt(p, "_acme-challenge.example.test.", VALUE_B));
    ldns_pkt_free(p);
    dns_challenges_clear(&table);
}

static void test_truncation(void)
{
    dns_challenges_init(&table);
    for (int i = 0; i < DNS_CHALLENGE_CAPACITY; i++) {
        char value[201];
        memset(value, 'a' + i % 26, 200);
        value[200] = 0;
        value[0] = (char)('A' + i % 26);
        value[1] = (char)('0' + i / 26);
        add("_acme-challenge.www.example.test", value);
    }
    struct query q;
    q_simple(&q, "_acme-challenge.www.example.test", DNS_TYPE_TXT, false);
    ldns_pkt *p = ask_with(&q, DNS_OVER_UDP, &table);
    CHECK("tc: UDP within 512 bytes, TC, no partial RRset", p && out_len <= 512 && ldns_pkt_tc(p) &&
          ldns_pkt_ancount(p) == 0);
    ldns_pkt_free(p);
    q_simple(&q, "_acme-challenge.www.example.test", DNS_TYPE_TXT, true);
    p = ask_with(&q, DNS_OVER_UDP, &table);
    CHECK("tc: EDNS 1232 too small for 32 records: TC, within 1232", p && out_len <= 1232 && ldns_pkt_tc(p) &&
          ldns_pkt_ancount(p) == 0);
    ldns_pkt_free(p);
    p = ask_with(&q, DNS_OVER_TCP, &table);
    CHECK("tc: TCP carries them all", p && !ldns_pkt_tc(p) && ldns_pkt_ancount(p) == DNS_CHALLENGE_CAPACITY);
    ldns_pkt_free(p);
    dns_challenges_clear(&table);
}

static void test_where_they_apply(void)
{
    dns_challenges_init(&table);
    add("_acme-challenge.sub.example.test", VALUE_A);
    add("_acme-challenge.nsec.test", VALUE_A);
    add("_acme-challenge.example.invalid", VALUE_A);
    add("_acme-challenge.www.example.test", VALUE_A);

    ldns_pkt *p = ask_overlay("_acme-challenge.sub.example.test", DNS_TYPE_TXT);
    CHECK("delegated: the referral, not the record", p && !ldns_pkt_aa(p) && ldns_pkt_ancount(p) == 0 &&
          has_rr(ldns_pkt_authority(p), "sub.example.test.", LDNS_RR_TYPE_NS, NULL));
    ldns_pkt_free(p);
    CHECK("delegated: fit says so", fit_of("_acme-challenge.sub.example.test") == DNS_CHALLENGE_DELEGATED);

    struct query q;
    q_begin(&q, 0x1234, 0, 1, 1);
    q_name(&q, "_acme-challenge.nsec.test");
    q_u16(&q, DNS_TYPE_TXT);
    q_u16(&q, DNS_CLASS_IN);
    q_opt(&q, 1232, 0, true);
    ldns_pkt *before = ask_with(&q, DNS_OVER_UDP, NULL);
    size_t before_len = out_len;
    uint8_t before_bytes[1232];
    memcpy(before_bytes, out, before_len <= sizeof before_bytes ? before_len : sizeof before_bytes);
    p = ask_with(&q, DNS_OVER_UDP, &table);
    CHECK("signed zone: answered as the zone says (NXDOMAIN with its proof), never unsigned data",
          p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN && ldns_pkt_ancount(p) == 0 &&
          out_len == before_len && memcmp(out, before_bytes, before_len) == 0);
    CHECK("signed zone: the proof is there (the query had DO)",
          p && has_rr(ldns_pkt_authority(p), "_acme-challenge.nsec.test.", LDNS_RR_TYPE_NSEC, NULL) == false &&
          ldns_pkt_nscount(p) >= 4 && has_rr(ldns_pkt_authority(p), "nsec.test.", LDNS_RR_TYPE_RRSIG, NULL));
    ldns_pkt_free(p);
    ldns_pkt_free(before);
    CHECK("signed zone: fit says so", fit_of("_acme-challenge.nsec.test") == DNS_CHALLENGE_SIGNED_ZONE);

    p = ask_overlay("_acme-challenge.example.invalid", DNS_TYPE_TXT);
    CHECK("not ours: REFUSED", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_REFUSED);
    ldns_pkt_free(p);
    CHECK("not ours: fit says so", fit_of("_acme-challenge.example.invalid") == DNS_CHALLENGE_NOT_OURS);
    CHECK("served: fit says so", fit_of("_acme-challenge.www.example.test") == DNS_CHALLENGE_SERVED);
    CHECK("fit: the signed zone's text says what to do",
          strstr(dns_challenge_fit_text(DNS_CHALLENGE_SIGNED_ZONE), "HTTP-01") != NULL);
    dns_challenges_clear(&table);
}

int main(void)
{
    size_t size;
    void *data = load_fixture_blob(&blob, &size);
    test_table_rules();
    test_without_records();
    test_answers();
    test_truncation();
    test_where_they_apply();
    free(data);
    return CHECK_DONE();
}
