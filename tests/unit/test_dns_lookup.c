/*
 * Unit tests of the resolver lookup (src/dns/dns_lookup.c). The query is
 * read back by ldns; the answers are built by ldns (which compresses
 * names as resolvers do) from records in presentation form: addresses,
 * CNAME chains, NXDOMAIN, NODATA, SERVFAIL, truncation, answers to
 * another query, a CNAME loop, and malformed bytes.
 */
#include <stdio.h>
#include <string.h>

#include <ldns/ldns.h>

#include "check.h"
#include "dns/dns_lookup.h"
#include "wire/dns_wire.h"

static struct dns_lookup lookup;
static uint8_t query[DNS_LOOKUP_QUERY_MAX];
static size_t query_len;

/* An answer to `question` (NAME TYPE) with `id`, flags as given, the
 * records of `answers` (one per line), written by ldns. */
static size_t answer(uint8_t *out, size_t cap, uint16_t id, const char *qname, ldns_rr_type qtype, ldns_pkt_rcode rcode,
                     bool tc, const char *answers)
{
    ldns_pkt *p = ldns_pkt_query_new(ldns_dname_new_frm_str(qname), qtype, LDNS_RR_CLASS_IN, LDNS_RD);
    ldns_pkt_set_id(p, id);
    ldns_pkt_set_qr(p, true);
    ldns_pkt_set_ra(p, true);
    ldns_pkt_set_tc(p, tc);
    ldns_pkt_set_rcode(p, rcode);
    char lines[2048];
    snprintf(lines, sizeof lines, "%s", answers ? answers : "");
    for (char *line = strtok(lines, "\n"); line; line = strtok(NULL, "\n")) {
        ldns_rr *rr = NULL;
        if (ldns_rr_new_frm_str(&rr, line, 0, NULL, NULL) != LDNS_STATUS_OK) {
            printf("not ok - ldns reads %s\n", line);
            continue;
        }
        ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr);
    }
    uint8_t *wire = NULL;
    size_t len = 0;
    if (ldns_pkt2wire(&wire, p, &len) != LDNS_STATUS_OK || len > cap)
        len = 0;
    else
        memcpy(out, wire, len);
    free(wire);
    ldns_pkt_free(p);
    return len;
}

static int read_answer(const uint8_t *msg, size_t len, uint8_t addrs[][16], size_t max, uint32_t *ttl, char *why)
{
    return dns_lookup_answer(&lookup, msg, len, addrs, max, ttl, why, 96);
}

static void test_query(void)
{
    query_len = dns_lookup_query(&lookup, "ACME.Example.", DNS_TYPE_A, 0x1234, query);
    ldns_pkt *p = NULL;
    bool parsed = query_len > 0 && ldns_wire2pkt(&p, query, query_len) == LDNS_STATUS_OK;
    char *text = parsed ? ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(p), 0))) : NULL;
    CHECK("the query reads back: ID, RD, one question acme.example. A IN, EDNS with 1232 bytes",
          parsed && ldns_pkt_id(p) == 0x1234 && ldns_pkt_rd(p) && !ldns_pkt_qr(p) && ldns_pkt_qdcount(p) == 1 &&
              text && strcmp(text, "acme.example.") == 0 &&
              ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_question(p), 0)) == LDNS_RR_TYPE_A &&
              ldns_pkt_edns(p) && ldns_pkt_edns_udp_size(p) == 1232);
    free(text);
    ldns_pkt_free(p);
    struct dns_lookup other;
    uint8_t q[DNS_LOOKUP_QUERY_MAX];
    CHECK("a host that is not a name is refused: empty, a space, an empty label, a 64-byte label",
          dns_lookup_query(&other, "", DNS_TYPE_A, 1, q) == 0 && dns_lookup_query(&other, "a b.example", DNS_TYPE_A, 1, q) == 0 &&
              dns_lookup_query(&other, "a..example", DNS_TYPE_A, 1, q) == 0 &&
              dns_lookup_query(&other, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example", DNS_TYPE_A, 1, q) == 0);
    CHECK("only A and AAAA are looked up", dns_lookup_query(&other, "acme.example", DNS_TYPE_MX, 1, q) == 0);
}

static void test_answers(void)
{
    uint8_t msg[2048], addrs[4][16];
    uint32_t ttl;
    char why[96];
    size_t len = answer(msg, sizeof msg, 0x1234, "acme.example.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, false,
                        "acme.example. 300 IN A 192.0.2.10\nacme.example. 60 IN A 192.0.2.11");
    int n = read_answer(msg, len, addrs, 4, &ttl, why);
    CHECK("two A records: both addresses, the least TTL",
          n == 2 && memcmp(addrs[0], "\xc0\x00\x02\x0a", 4) == 0 && memcmp(addrs[1], "\xc0\x00\x02\x0b", 4) == 0 && ttl == 60);

    len = answer(msg, sizeof msg, 0x1234, "acme.example.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, false,
                 "acme.example. 300 IN CNAME ca.example.net.\nca.example.net. 200 IN CNAME edge.example.org.\n"
                 "other.example. 300 IN A 203.0.113.9\nedge.example.org. 100 IN A 198.51.100.7");
    n = read_answer(msg, len, addrs, 4, &ttl, why);
    CHECK("a CNAME chain is followed to the last name's address, and no other name's",
          n == 1 && memcmp(addrs[0], "\xc6\x33\x64\x07", 4) == 0 && ttl == 100);

    len = answer(msg, sizeof msg, 0x1234, "acme.example.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN, false, NULL);
    CHECK("NXDOMAIN: no address", read_answer(msg, len, addrs, 4, &ttl, why) == DNS_LOOKUP_NO_ADDRESS);
    len = answer(msg, sizeof msg, 0x1234, "acme.example.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, false,
                 "acme.example. 300 IN AAAA 2001:db8::1");
    CHECK("NODATA (an AAAA only): no address", read_answer(msg, len, addrs, 4, &ttl, why) == DNS_LOOKUP_NO_ADDRESS);
    len = answer(msg, sizeof msg, 0x1234, "acme.example.", LDNS_RR_TYPE_A, LDNS_RCODE_SERVFAIL, false, NULL);
    CHECK("SERVFAIL fails, and says so",
          read_answer(msg, len, addrs, 4, &ttl, why) == DNS_LOOKUP_FAILED && strstr(why, "SERVFAIL") != NULL);
    len = answer(msg, sizeof msg, 0x1234, "acme.example.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, true, NULL);
    CHECK("TC: the answer needs TCP", read_answer(msg, len, addrs, 4, &ttl, why) == DNS_LOOKUP_TRUNCATED);

    len = answer(msg, sizeof msg, 0x4321, "acme.example.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, false,
                 "acme.example. 300 IN A 192.0.2.66");
    CHECK("another ID: not ours, ignored", read_answer(msg, len, addrs, 4, &ttl, why) == DNS_LOOKUP_NOT_OURS);
    len = answer(msg, sizeof msg, 0x1234, "evil.example.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, false,
                 "evil.example. 300 IN A 192.0.2.66");
    CHECK("another question: not ours, ignored", read_answer(msg, len, addrs, 4, &ttl, why) == DNS_LOOKUP_NOT_OURS);
    len = answer(msg, sizeof msg, 0x1234, "acme.example.", LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR, false, NULL);
    CHECK("another type in the question: not ours, ignored",
          read_answer(msg, len, addrs, 4, &ttl, why) == DNS_LOOKUP_NOT_OURS);
    CHECK("our own query sent back (QR clear): not ours", read_answer(query, query_len, addrs, 4, &ttl, why) == DNS_LOOKUP_NOT_OURS);

    len = answer(msg, sizeof msg, 0x1234, "acme.example.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, false,
                 "acme.example. 300 IN CNAME b.example.\nb.example. 300 IN CNAME acme.example.");
    CHECK("a CNAME loop fails, and says so",
          read_answer(msg, len, addrs, 4, &ttl, why) == DNS_LOOKUP_FAILED && strstr(why, "CNAME chain") != NULL);

    len = answer(msg, sizeof msg, 0x1234, "acme.example.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, false,
                 "acme.example. 300 IN A 192.0.2.10");
    bool all_refused = true;
    for (size_t cut = DNS_HEADER_SIZE + 18; cut < len; cut++) {
        int r = read_answer(msg, cut, addrs, 4, &ttl, why);
        if (r > 0)
            all_refused = false;
    }
    CHECK("the answer cut anywhere inside its record gives no address", all_refused);
    msg[len - 6] = 0;
    msg[len - 5] = 200;     /* RDLENGTH past the end */
    CHECK("an RDLENGTH past the end fails", read_answer(msg, len, addrs, 4, &ttl, why) == DNS_LOOKUP_FAILED);

    struct dns_lookup v6;
    uint8_t q[DNS_LOOKUP_QUERY_MAX];
    dns_lookup_query(&v6, "acme.example", DNS_TYPE_AAAA, 7, q);
    len = answer(msg, sizeof msg, 7, "acme.example.", LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR, false,
                 "acme.example. 300 IN AAAA 2001:db8::53");
    n = dns_lookup_answer(&v6, msg, len, addrs, 4, &ttl, why, sizeof why);
    CHECK("AAAA: the 16-byte address", n == 1 && addrs[0][0] == 0x20 && addrs[0][1] == 0x01 && addrs[0][15] == 0x53);
}

int main(void)
{
    test_query();
    test_answers();
    return CHECK_DONE();
}
