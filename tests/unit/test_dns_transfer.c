/*
 * Zone transfers (dns_transfer.h) over the fixture zones and their ACL
 * (tests/fixtures/zones/transfers.conf): who may transfer what, and that
 * the messages, decoded with ldns, carry exactly the zone: SOA first and
 * last, every record once, several messages for bulk.test.
 */
#include <arpa/inet.h>
#include <ldns/ldns.h>
#include <stdint.h>
#include <string.h>

#include "blob_file.h"
#include "check.h"
#include "dns_client.h"
#include "dns/dns_engine.h"
#include "dns/dns_transfer.h"

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

/* Over UDP a transfer is one answer, an IXFR's current SOA: kept here. */
static uint8_t udp_answer[DNS_UDP_MAX_PLAIN];
static size_t udp_answer_len;

/* Asks the engine's entry point; true if it starts a transfer (TCP) or
 * answers with the zone's SOA alone, authoritatively (UDP). */
static bool begin(struct dns_transfer *t, const char *zone, uint16_t qtype, enum dns_transport transport,
                  const char *client, bool edns)
{
    struct query q;
    q_simple(&q, zone, qtype, edns);
    struct dns_peer p = peer(client);
    enum dns_action action =
        dns_engine_handle(&blob, NULL, q.b, q.len, transport, &p, t, udp_answer, sizeof udp_answer, &udp_answer_len);
    if (transport == DNS_OVER_TCP)
        return action == DNS_ACTION_TRANSFER;
    ldns_pkt *pkt = NULL;
    if (action != DNS_ACTION_ANSWER || ldns_wire2pkt(&pkt, udp_answer, udp_answer_len) != LDNS_STATUS_OK)
        return false;
    bool soa_alone = ldns_pkt_aa(pkt) && ldns_pkt_get_rcode(pkt) == 0 && ldns_pkt_ancount(pkt) == 1 &&
                     ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_answer(pkt), 0)) == LDNS_RR_TYPE_SOA;
    ldns_pkt_free(pkt);
    return soa_alone;
}

/* Number of records the zone holds in the blob (the SOA once). */
static size_t zone_records(const char *zone)
{
    uint8_t wire[DNS_NAME_MAX], key[DNS_NAME_MAX];
    struct query q;
    q_begin(&q, 0, 0, 0, 0);
    q_name(&q, zone);
    memcpy(wire, q.b + 12, q.len - 12);
    size_t key_len = dns_name_to_key(wire, q.len - 12, key);
    for (uint32_t i = 0; i < blob.zone_count; i++) {
        const struct blob_dns_zone *z = &blob.zones[i];
        if (z->apex_key.len != key_len || memcmp(blob_bytes(&blob, z->apex_key), key, key_len) != 0)
            continue;
        size_t n = 0;
        for (uint32_t k = 0; k < z->node_count; k++) {
            const struct blob_dns_node *node = &blob.nodes[z->node_first + k];
            for (uint32_t r = 0; r < node->rrset_count; r++)
                n += blob.rrsets[node->rrset_first + r].rdata_count;
        }
        return n;
    }
    return 0;
}

struct transfer_result {
    size_t messages, records, largest;
    bool all_parse, all_aa_noerror, ids_match, questions, soa_first, soa_last, soa_only_at_ends, opt_each;
    ldns_rr_list *rrs;
};

static void result_begin(struct transfer_result *res)
{
    memset(res, 0, sizeof *res);
    res->all_parse = res->all_aa_noerror = res->ids_match = res->questions = res->opt_each = true;
    res->rrs = ldns_rr_list_new();
}

/* Decodes one message of a transfer into res. */
static void result_take(struct transfer_result *res, const uint8_t *msg, size_t n)
{
    res->messages++;
    if (n > res->largest)
        res->largest = n;
    ldns_pkt *pkt = NULL;
    if (ldns_wire2pkt(&pkt, msg, n) != LDNS_STATUS_OK) {
        res->all_parse = false;
        return;
    }
    res->all_aa_noerror &= ldns_pkt_aa(pkt) && ldns_pkt_qr(pkt) && ldns_pkt_get_rcode(pkt) == 0;
    res->ids_match &= ldns_pkt_id(pkt) == 0x1234;
    res->questions &= ldns_pkt_qdcount(pkt) == 1;
    res->opt_each &= ldns_pkt_edns(pkt);
    ldns_rr_list *answer = ldns_pkt_answer(pkt);
    for (size_t i = 0; i < ldns_rr_list_rr_count(answer); i++)
        ldns_rr_list_push_rr(res->rrs, ldns_rr_clone(ldns_rr_list_rr(answer, i)));
    ldns_pkt_free(pkt);
}

static void result_end(struct transfer_result *res)
{
    size_t count = ldns_rr_list_rr_count(res->rrs);
    res->records = count;
    res->soa_first = count > 0 && ldns_rr_get_type(ldns_rr_list_rr(res->rrs, 0)) == LDNS_RR_TYPE_SOA;
    res->soa_last = count > 1 && ldns_rr_get_type(ldns_rr_list_rr(res->rrs, count - 1)) == LDNS_RR_TYPE_SOA;
    res->soa_only_at_ends = true;
    for (size_t i = 1; i + 1 < count; i++)
        if (ldns_rr_get_type(ldns_rr_list_rr(res->rrs, i)) == LDNS_RR_TYPE_SOA)
            res->soa_only_at_ends = false;
}

/* Runs a whole transfer, decoding every message. */
static void run(struct dns_transfer *t, size_t room, struct transfer_result *res)
{
    result_begin(res);
    size_t n;
    while ((n = dns_transfer_next(t, out, room)) > 0 && res->messages < 1000)
        result_take(res, out, n);
    result_end(res);
}

/* Are all records of the list distinct (no record sent twice)? */
static bool all_distinct(ldns_rr_list *rrs, size_t from, size_t to)
{
    ldns_rr_list *copy = ldns_rr_list_new();
    for (size_t i = from; i < to; i++)
        ldns_rr_list_push_rr(copy, ldns_rr_clone(ldns_rr_list_rr(rrs, i)));
    ldns_rr_list_sort(copy);
    bool distinct = true;
    for (size_t i = 1; i < ldns_rr_list_rr_count(copy); i++)
        if (ldns_rr_compare(ldns_rr_list_rr(copy, i - 1), ldns_rr_list_rr(copy, i)) == 0)
            distinct = false;
    ldns_rr_list_deep_free(copy);
    return distinct;
}

int main(void)
{
    size_t size;
    void *data = load_fixture_blob(&blob, &size);
    struct dns_transfer t;
    struct transfer_result res;

    /* ---- who may transfer ---- */
    CHECK("acl: the configured secondary (IPv4) may transfer example.test",
          begin(&t, "example.test", DNS_TYPE_AXFR, DNS_OVER_TCP, "192.0.2.54", false));
    CHECK("acl: the configured secondary (IPv6) may transfer example.test",
          begin(&t, "example.test", DNS_TYPE_AXFR, DNS_OVER_TCP, "2001:db8::54", false));
    CHECK("acl: an address inside a configured prefix may (198.51.100.200 in /24)",
          begin(&t, "example.test", DNS_TYPE_AXFR, DNS_OVER_TCP, "198.51.100.200", false));
    CHECK("acl: an address outside every prefix may not (192.0.2.1)",
          !begin(&t, "example.test", DNS_TYPE_AXFR, DNS_OVER_TCP, "192.0.2.1", false));
    CHECK("acl: a neighbour of a single address may not (2001:db8::55)",
          !begin(&t, "example.test", DNS_TYPE_AXFR, DNS_OVER_TCP, "2001:db8::55", false));
    CHECK("acl: a single address is exact (198.51.100.7 yes, .8 no, for bulk.test)",
          begin(&t, "bulk.test", DNS_TYPE_AXFR, DNS_OVER_TCP, "198.51.100.7", false) &&
              !begin(&t, "bulk.test", DNS_TYPE_AXFR, DNS_OVER_TCP, "198.51.100.8", false));
    CHECK("acl: per zone (198.51.100.0/24 may transfer example.test, not nested.example.test)",
          !begin(&t, "nested.example.test", DNS_TYPE_AXFR, DNS_OVER_TCP, "198.51.100.200", false));
    CHECK("acl: families never mix (an IPv6 address starting with 192.0.2.54's bits is refused)",
          !begin(&t, "nested.example.test", DNS_TYPE_AXFR, DNS_OVER_TCP, "c000:236::", false));
    CHECK("axfr: never over UDP, even for an allowed client",
          !begin(&t, "example.test", DNS_TYPE_AXFR, DNS_OVER_UDP, "192.0.2.54", false));
    CHECK("axfr: only at a zone apex",
          !begin(&t, "www.example.test", DNS_TYPE_AXFR, DNS_OVER_TCP, "192.0.2.54", false));
    CHECK("axfr: not for names we do not serve",
          !begin(&t, "example.org", DNS_TYPE_AXFR, DNS_OVER_TCP, "192.0.2.54", false));

    /* What the engine says to those it does not allow: as NSD. */
    struct query q;
    q_simple(&q, "example.test", DNS_TYPE_AXFR, false);
    size_t n = dns_engine_answer(&blob, q.b, q.len, DNS_OVER_TCP, out, sizeof out);
    CHECK("axfr: a client outside the ACL gets REFUSED from the engine", n >= 12 && (out[3] & 0xf) == DNS_RCODE_REFUSED);

    /* ---- the transfer itself ---- */
    begin(&t, "example.test", DNS_TYPE_AXFR, DNS_OVER_TCP, "192.0.2.54", false);
    run(&t, sizeof out, &res);
    size_t expected = zone_records("example.test");
    CHECK("axfr example.test: every message decodes", res.all_parse);
    CHECK("axfr example.test: AA, QR, NOERROR, the query's ID and the question in each message",
          res.all_aa_noerror && res.ids_match && res.questions);
    CHECK("axfr example.test: SOA first and last, nowhere else", res.soa_first && res.soa_last && res.soa_only_at_ends);
    CHECK("axfr example.test: every record of the zone, each once (plus the closing SOA)",
          expected > 10 && res.records == expected + 1 && all_distinct(res.rrs, 0, res.records - 1));
    CHECK("axfr example.test: fits one message", res.messages == 1);
    CHECK("axfr: after the last message, nothing more", dns_transfer_done(&t) && dns_transfer_next(&t, out, sizeof out) == 0);
    ldns_rr_list_deep_free(res.rrs);

    begin(&t, "bulk.test", DNS_TYPE_AXFR, DNS_OVER_TCP, "192.0.2.54", true);
    run(&t, sizeof out, &res);
    expected = zone_records("bulk.test");
    CHECK("axfr bulk.test: several messages, none above DNS_TRANSFER_MESSAGE_MAX",
          res.messages >= 2 && res.largest <= DNS_TRANSFER_MESSAGE_MAX);
    CHECK("axfr bulk.test: the whole zone across them, SOA first and last",
          res.all_parse && res.soa_first && res.soa_last && res.soa_only_at_ends &&
              res.records == expected + 1 && expected > 300 && all_distinct(res.rrs, 0, res.records - 1));
    CHECK("axfr bulk.test: an EDNS query gets OPT in every message", res.opt_each);
    ldns_rr_list_deep_free(res.rrs);

    /* A transport with less room than one usual message still progresses
     * when it offers at least DNS_TRANSFER_MESSAGE_MAX. */
    begin(&t, "bulk.test", DNS_TYPE_AXFR, DNS_OVER_TCP, "192.0.2.54", false);
    run(&t, DNS_TRANSFER_MESSAGE_MAX, &res);
    CHECK("axfr bulk.test: with exactly one message of room each time, the same records",
          res.records == expected + 1 && res.soa_last);
    ldns_rr_list_deep_free(res.rrs);

    /* IXFR: the whole zone over TCP (RFC 1995 4), the SOA alone over UDP (2). */
    begin(&t, "nested.example.test", DNS_TYPE_IXFR, DNS_OVER_TCP, "2001:db8::54", false);
    run(&t, sizeof out, &res);
    CHECK("ixfr over TCP: the whole zone, as AXFR", res.soa_first && res.soa_last &&
          res.records == zone_records("nested.example.test") + 1);
    ldns_rr_list_deep_free(res.rrs);
    /* As clients send it: the client's SOA in the authority section. */
    struct query ixfr;
    q_begin(&ixfr, 0x1234, 0, 1, 0);
    dns_put16(ixfr.b + 8, 1);                   /* NSCOUNT */
    q_name(&ixfr, "nested.example.test");
    q_u16(&ixfr, DNS_TYPE_IXFR);
    q_u16(&ixfr, DNS_CLASS_IN);
    static const uint8_t soa_rr[] = {0xc0, 12, 0, 6, 0, 1, 0, 0, 0, 60, 0, 22,
                                     0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    memcpy(ixfr.b + ixfr.len, soa_rr, sizeof soa_rr);
    ixfr.len += sizeof soa_rr;
    struct dns_peer allowed = peer("192.0.2.54");
    size_t unused;
    CHECK("ixfr with the client's SOA in authority (RFC 1995 3): a transfer",
          dns_engine_handle(&blob, NULL, ixfr.b, ixfr.len, DNS_OVER_TCP, &allowed, &t, out, sizeof out, &unused) ==
              DNS_ACTION_TRANSFER);
    n = dns_engine_answer(&blob, ixfr.b, ixfr.len, DNS_OVER_TCP, out, sizeof out);
    CHECK("ixfr with the client's SOA, from a client outside the ACL: REFUSED, not FORMERR",
          n >= 12 && (out[3] & 0xf) == DNS_RCODE_REFUSED);
    dns_put16(ixfr.b + 8, 2);
    CHECK("ixfr with two authority records: not a transfer",
          dns_engine_handle(&blob, NULL, ixfr.b, ixfr.len, DNS_OVER_TCP, &allowed, &t, out, sizeof out, &unused) !=
              DNS_ACTION_TRANSFER);
    CHECK("ixfr over UDP: allowed", begin(&t, "nested.example.test", DNS_TYPE_IXFR, DNS_OVER_UDP, "192.0.2.54", false));
    result_begin(&res);
    result_take(&res, udp_answer, udp_answer_len);
    result_end(&res);
    CHECK("ixfr over UDP: one message with the current SOA only", res.messages == 1 && res.records == 1 && res.soa_first);
    ldns_rr_list_deep_free(res.rrs);

    free(data);
    return CHECK_DONE();
}
