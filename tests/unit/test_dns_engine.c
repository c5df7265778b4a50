/*
 * The DNS engine over the fixture zones (tests/fixtures/zones): queries are
 * built byte by byte (so malformed ones can be too), answers decoded with
 * ldns and checked section by section.
 */
#include <ldns/ldns.h>
#include <stdint.h>
#include <string.h>

#include "blob_file.h"
#include "check.h"
#include "dns/dns_engine.h"
#include "wire/dns_wire.h"

#include "dns_client.h"

/* ---- the cases ----------------------------------------------------------- */

static void test_exact_match(void)
{
    ldns_pkt *p = ask_name("www.example.test", DNS_TYPE_A);
    CHECK("exact: answered", p != NULL);
    if (!p)
        return;
    CHECK("exact: NOERROR", ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR);
    CHECK("exact: AA set", ldns_pkt_aa(p));
    CHECK("exact: QR set", ldns_pkt_qr(p));
    CHECK("exact: RD copied", ldns_pkt_rd(p));
    CHECK("exact: RA clear", !ldns_pkt_ra(p));
    CHECK("exact: ID echoed", ldns_pkt_id(p) == 0x1234);
    CHECK("exact: one A record", ldns_pkt_ancount(p) == 1 &&
          has_rr(ldns_pkt_answer(p), "www.example.test.", LDNS_RR_TYPE_A, "192.0.2.13"));
    CHECK("exact: TTL from the zone", ttl_of_first(ldns_pkt_answer(p)) == 3600);
    CHECK("exact: the zone's NS in authority, as NSD", ldns_pkt_nscount(p) == 2 &&
          has_rr(ldns_pkt_authority(p), "example.test.", LDNS_RR_TYPE_NS, "ns1.example.test."));
    CHECK("exact: the in-zone name server's addresses in additional",
          has_rr(ldns_pkt_additional(p), "ns1.example.test.", LDNS_RR_TYPE_A, "192.0.2.11") &&
          has_rr(ldns_pkt_additional(p), "ns1.example.test.", LDNS_RR_TYPE_AAAA, "2001:db8::11"));
    ldns_pkt_free(p);

    p = ask_name("www.example.test", DNS_TYPE_AAAA);
    CHECK("exact: AAAA", p && has_rr(ldns_pkt_answer(p), "www.example.test.", LDNS_RR_TYPE_AAAA, "2001:db8::13"));
    ldns_pkt_free(p);
}

static void test_case_preserved(void)
{
    struct query q;
    q_simple(&q, "WwW.ExAmPlE.TeSt", DNS_TYPE_A, false);
    ldns_pkt *p = ask(&q, DNS_OVER_UDP);
    CHECK("0x20: answered", p && ldns_pkt_ancount(p) == 1);
    /* The question is echoed byte for byte ... */
    CHECK("0x20: question echoed exactly", out_len > q.len - 0 && memcmp(out + 12, q.b + 12, q.len - 12) == 0);
    /* ... and the answer's owner points at it, so the client sees its case. */
    size_t answer_at = q.len;
    CHECK("0x20: answer owner compressed to the question", out[answer_at] == 0xc0 && out[answer_at + 1] == 12);
    ldns_pkt_free(p);
}

static void test_nodata(void)
{
    ldns_pkt *p = ask_name("www.example.test", DNS_TYPE_TXT);
    CHECK("nodata: NOERROR", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR);
    CHECK("nodata: AA", p && ldns_pkt_aa(p));
    CHECK("nodata: empty answer", p && ldns_pkt_ancount(p) == 0);
    CHECK("nodata: SOA in authority", p && ldns_pkt_nscount(p) == 1 &&
          has_rr(ldns_pkt_authority(p), "example.test.", LDNS_RR_TYPE_SOA, NULL));
    CHECK("nodata: SOA TTL is min(TTL, MINIMUM) (RFC 2308)", p && ttl_of_first(ldns_pkt_authority(p)) == 300);
    ldns_pkt_free(p);
}

static void test_nxdomain(void)
{
    ldns_pkt *p = ask_name("nope.example.test", DNS_TYPE_A);
    CHECK("nxdomain: NXDOMAIN", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN);
    CHECK("nxdomain: AA", p && ldns_pkt_aa(p));
    CHECK("nxdomain: SOA in authority", p && ldns_pkt_nscount(p) == 1 &&
          has_rr(ldns_pkt_authority(p), "example.test.", LDNS_RR_TYPE_SOA, NULL));
    ldns_pkt_free(p);
    p = ask_name("deeper.nope.example.test", DNS_TYPE_A);
    CHECK("nxdomain: below a missing name too", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN);
    ldns_pkt_free(p);
}

static void test_empty_non_terminal(void)
{
    ldns_pkt *p = ask_name("b.ent.example.test", DNS_TYPE_A);
    CHECK("ENT: NOERROR, not NXDOMAIN", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR);
    CHECK("ENT: NODATA with SOA", p && ldns_pkt_ancount(p) == 0 && ldns_pkt_nscount(p) == 1);
    ldns_pkt_free(p);
    p = ask_name("ent.example.test", DNS_TYPE_A);
    CHECK("ENT: two levels up too", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR);
    ldns_pkt_free(p);
    p = ask_name("a.b.ent.example.test", DNS_TYPE_A);
    CHECK("ENT: the name below exists", p && ldns_pkt_ancount(p) == 1);
    ldns_pkt_free(p);
}

static void test_cname(void)
{
    ldns_pkt *p = ask_name("alias.example.test", DNS_TYPE_A);
    CHECK("cname: answer is the CNAME", p && ldns_pkt_ancount(p) >= 1 &&
          has_rr(ldns_pkt_answer(p), "alias.example.test.", LDNS_RR_TYPE_CNAME, "www.example.test."));
    ldns_pkt_free(p);
    p = ask_name("alias.example.test", DNS_TYPE_CNAME);
    CHECK("cname: asked for CNAME", p && ldns_pkt_ancount(p) == 1);
    ldns_pkt_free(p);
}

static void test_wildcards(void)
{
    ldns_pkt *p = ask_name("foo.wild.example.test", DNS_TYPE_A);
    CHECK("wildcard: synthesised A, owned by the query name", p && ldns_pkt_aa(p) &&
          ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR && ldns_pkt_ancount(p) == 1 &&
          has_rr(ldns_pkt_answer(p), "foo.wild.example.test.", LDNS_RR_TYPE_A, "192.0.2.20"));
    ldns_pkt_free(p);
    p = ask_name("a.b.c.wild.example.test", DNS_TYPE_TXT);
    CHECK("wildcard: several labels below the closest encloser", p && ldns_pkt_ancount(p) == 1 &&
          has_rr(ldns_pkt_answer(p), "a.b.c.wild.example.test.", LDNS_RR_TYPE_TXT, NULL));
    ldns_pkt_free(p);
    p = ask_name("foo.wild.example.test", DNS_TYPE_MX);
    CHECK("wildcard: NODATA when the wildcard lacks the type", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR &&
          ldns_pkt_ancount(p) == 0 && has_rr(ldns_pkt_authority(p), "example.test.", LDNS_RR_TYPE_SOA, NULL));
    ldns_pkt_free(p);
    p = ask_name("sub.wild.example.test", DNS_TYPE_TXT);
    CHECK("wildcard: no synthesis where the name exists", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR &&
          ldns_pkt_ancount(p) == 0);
    ldns_pkt_free(p);
    p = ask_name("y.wild.example.test", DNS_TYPE_A);
    CHECK("wildcard: no synthesis at an empty non-terminal", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR &&
          ldns_pkt_ancount(p) == 0);
    ldns_pkt_free(p);
    p = ask_name("z.y.wild.example.test", DNS_TYPE_A);
    CHECK("wildcard: below an ENT the closest encloser has no wildcard: NXDOMAIN",
          p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN);
    ldns_pkt_free(p);
    p = ask_name("a.*.wild.example.test", DNS_TYPE_A);
    CHECK("wildcard: a child of the wildcard answers for itself", p && ldns_pkt_ancount(p) == 1 &&
          has_rr(ldns_pkt_answer(p), "a.*.wild.example.test.", LDNS_RR_TYPE_A, "192.0.2.23"));
    ldns_pkt_free(p);
    p = ask_name("b.*.wild.example.test", DNS_TYPE_A);
    /* RFC 4592 2.2.1: "*.wild" exists, so it is the closest encloser, and
     * it has no "*" child of its own. */
    CHECK("wildcard: below the wildcard node itself, no synthesis: NXDOMAIN",
          p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN && ldns_pkt_ancount(p) == 0);
    ldns_pkt_free(p);
    p = ask_name("foo.cwild.example.test", DNS_TYPE_A);
    CHECK("wildcard: a wildcard CNAME is synthesised and followed", p && ldns_pkt_ancount(p) == 2 &&
          has_rr(ldns_pkt_answer(p), "foo.cwild.example.test.", LDNS_RR_TYPE_CNAME, "www.example.test.") &&
          has_rr(ldns_pkt_answer(p), "www.example.test.", LDNS_RR_TYPE_A, "192.0.2.13"));
    ldns_pkt_free(p);
}

static void test_cname_chains(void)
{
    ldns_pkt *p = ask_name("chain1.example.test", DNS_TYPE_A);
    CHECK("chain: followed to the data", p && ldns_pkt_aa(p) && ldns_pkt_ancount(p) == 3 &&
          has_rr(ldns_pkt_answer(p), "chain1.example.test.", LDNS_RR_TYPE_CNAME, "chain2.example.test.") &&
          has_rr(ldns_pkt_answer(p), "chain2.example.test.", LDNS_RR_TYPE_CNAME, "www.example.test.") &&
          has_rr(ldns_pkt_answer(p), "www.example.test.", LDNS_RR_TYPE_A, "192.0.2.13"));
    ldns_pkt_free(p);
    p = ask_name("loop1.example.test", DNS_TYPE_A);
    CHECK("chain: a loop ends, each link once", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR &&
          ldns_pkt_ancount(p) == 2);
    ldns_pkt_free(p);
    p = ask_name("dangling.example.test", DNS_TYPE_A);
    CHECK("chain: a target that does not exist is NXDOMAIN (RFC 6604), CNAME kept",
          p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN && ldns_pkt_ancount(p) == 1 &&
          has_rr(ldns_pkt_authority(p), "example.test.", LDNS_RR_TYPE_SOA, NULL));
    ldns_pkt_free(p);
    p = ask_name("outside.example.test", DNS_TYPE_A);
    CHECK("chain: a target outside our zones ends the chain", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR &&
          ldns_pkt_ancount(p) == 1 && ldns_pkt_nscount(p) == 0);
    ldns_pkt_free(p);
    p = ask_name("tonested.example.test", DNS_TYPE_A);
    CHECK("chain: into another zone we serve", p && ldns_pkt_aa(p) && ldns_pkt_ancount(p) == 2 &&
          has_rr(ldns_pkt_answer(p), "host.nested.example.test.", LDNS_RR_TYPE_A, "198.51.100.1"));
    ldns_pkt_free(p);
    p = ask_name("chain1.example.test", DNS_TYPE_TXT);
    CHECK("chain: NODATA at the end carries the SOA", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR &&
          ldns_pkt_ancount(p) == 2 && ldns_pkt_nscount(p) == 1);
    ldns_pkt_free(p);
}

static void test_referral(void)
{
    ldns_pkt *p = ask_name("x.sub.example.test", DNS_TYPE_A);
    CHECK("referral: NOERROR", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR);
    CHECK("referral: not authoritative", p && !ldns_pkt_aa(p));
    CHECK("referral: empty answer", p && ldns_pkt_ancount(p) == 0);
    CHECK("referral: NS set in authority", p && ldns_pkt_nscount(p) == 2 &&
          has_rr(ldns_pkt_authority(p), "sub.example.test.", LDNS_RR_TYPE_NS, "ns.sub.example.test."));
    CHECK("referral: glue A", p && has_rr(ldns_pkt_additional(p), "ns.sub.example.test.", LDNS_RR_TYPE_A, "192.0.2.15"));
    CHECK("referral: glue AAAA", p && has_rr(ldns_pkt_additional(p), "ns.sub.example.test.", LDNS_RR_TYPE_AAAA, "2001:db8::15"));
    ldns_pkt_free(p);

    p = ask_name("sub.example.test", DNS_TYPE_NS);
    CHECK("referral: at the cut itself", p && !ldns_pkt_aa(p) && ldns_pkt_nscount(p) == 2);
    ldns_pkt_free(p);
    p = ask_name("ns.sub.example.test", DNS_TYPE_A);
    CHECK("referral: glue names are referred, not answered", p && !ldns_pkt_aa(p) && ldns_pkt_ancount(p) == 0);
    ldns_pkt_free(p);
    p = ask_name("sub.example.test", DNS_TYPE_DS);
    CHECK("referral: DS answered from the parent side", p && ldns_pkt_aa(p) && ldns_pkt_ancount(p) == 1);
    ldns_pkt_free(p);
    p = ask_name("away.example.test", DNS_TYPE_A);
    CHECK("referral: without glue still refers", p && !ldns_pkt_aa(p) && ldns_pkt_nscount(p) == 1 &&
          ldns_pkt_arcount(p) == 0);
    ldns_pkt_free(p);
}

static void test_refused_and_zones(void)
{
    ldns_pkt *p = ask_name("example.com", DNS_TYPE_A);
    CHECK("refused: outside our zones", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_REFUSED && !ldns_pkt_aa(p));
    CHECK("refused: question echoed", p && ldns_pkt_qdcount(p) == 1);
    ldns_pkt_free(p);
    p = ask_name("test", DNS_TYPE_SOA);
    CHECK("refused: parent of a zone", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_REFUSED);
    ldns_pkt_free(p);

    struct query q;
    q_begin(&q, 7, 0, 1, 0);
    q_name(&q, "www.example.test");
    q_u16(&q, DNS_TYPE_A);
    q_u16(&q, 3);   /* CHAOS */
    p = ask(&q, DNS_OVER_UDP);
    CHECK("refused: class CH for a served zone", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_REFUSED);
    ldns_pkt_free(p);

    p = ask_name("host.nested.example.test", DNS_TYPE_A);
    CHECK("zones: the longest apex wins", p && has_rr(ldns_pkt_answer(p), "host.nested.example.test.",
                                                      LDNS_RR_TYPE_A, "198.51.100.1"));
    ldns_pkt_free(p);
    p = ask_name("nope.nested.example.test", DNS_TYPE_A);
    CHECK("zones: NXDOMAIN carries the nested zone's SOA", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN &&
          has_rr(ldns_pkt_authority(p), "nested.example.test.", LDNS_RR_TYPE_SOA, NULL) &&
          ttl_of_first(ldns_pkt_authority(p)) == 60);
    ldns_pkt_free(p);

    struct query x;
    q_simple(&x, "example.test", DNS_TYPE_AXFR, false);
    ldns_pkt_free(ask(&x, DNS_OVER_UDP));
    CHECK("transfer: AXFR over UDP is NOTIMP", rcode_of() == DNS_RCODE_NOTIMP);
    p = ask(&x, DNS_OVER_TCP);
    CHECK("transfer: AXFR at the apex over TCP is REFUSED (nobody is allowed)",
          p && ldns_pkt_get_rcode(p) == LDNS_RCODE_REFUSED);
    ldns_pkt_free(p);
    q_simple(&x, "www.example.test", DNS_TYPE_AXFR, false);
    ldns_pkt_free(ask(&x, DNS_OVER_TCP));
    CHECK("transfer: AXFR below an apex is NOTAUTH", rcode_of() == DNS_RCODE_NOTAUTH);
    q_simple(&x, "example.com", DNS_TYPE_IXFR, false);
    ldns_pkt_free(ask(&x, DNS_OVER_UDP));
    CHECK("transfer: IXFR outside our zones is NOTAUTH", rcode_of() == DNS_RCODE_NOTAUTH);

    q_simple(&x, "example.com", DNS_TYPE_A, true);
    p = ask(&x, DNS_OVER_UDP);
    CHECK("ede: REFUSED outside our zones says Not Authoritative (20)", p && ldns_pkt_edns(p) &&
          out_len >= 6 && dns_get16(out + out_len - 6) == 15 && dns_get16(out + out_len - 2) == 20);
    ldns_pkt_free(p);

    p = ask_name("nested.example.test", DNS_TYPE_DS);
    CHECK("ds: at a child apex, answered from the parent zone we also serve",
          p && ldns_pkt_aa(p) && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR && ldns_pkt_ancount(p) == 0 &&
          has_rr(ldns_pkt_authority(p), "example.test.", LDNS_RR_TYPE_SOA, NULL) &&
          ttl_of_first(ldns_pkt_authority(p)) == 300);
    ldns_pkt_free(p);
    p = ask_name("example.test", DNS_TYPE_DS);
    CHECK("ds: at an apex whose parent we do not serve, from the zone itself",
          p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR && ldns_pkt_ancount(p) == 0);
    ldns_pkt_free(p);

    q_begin(&x, 7, 0, 1, 0);
    q_name(&x, "www.example.test");
    q_u16(&x, DNS_TYPE_A);
    q_u16(&x, DNS_CLASS_ANY);
    p = ask(&x, DNS_OVER_UDP);
    CHECK("class ANY: the IN data, not authoritative, no authority section", p &&
          ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR && !ldns_pkt_aa(p) && ldns_pkt_ancount(p) == 1 &&
          ldns_pkt_nscount(p) == 0);
    ldns_pkt_free(p);
}

static void test_additional(void)
{
    ldns_pkt *p = ask_name("example.test", DNS_TYPE_MX);
    CHECK("additional: MX target address", p && ldns_pkt_ancount(p) == 1 &&
          has_rr(ldns_pkt_additional(p), "mail.example.test.", LDNS_RR_TYPE_A, "192.0.2.12"));
    ldns_pkt_free(p);
    p = ask_name("example.test", DNS_TYPE_NS);
    CHECK("additional: NS target addresses in zone only", p && ldns_pkt_ancount(p) == 2 &&
          has_rr(ldns_pkt_additional(p), "ns1.example.test.", LDNS_RR_TYPE_A, "192.0.2.11") &&
          has_rr(ldns_pkt_additional(p), "ns1.example.test.", LDNS_RR_TYPE_AAAA, "2001:db8::11") &&
          ldns_pkt_arcount(p) == 2);
    ldns_pkt_free(p);
}

static void test_any(void)
{
    ldns_pkt *p = ask_name("example.test", DNS_TYPE_ANY);
    CHECK("ANY: one RRset only (RFC 8482)", p && ldns_pkt_ancount(p) >= 1 &&
          ldns_pkt_ancount(p) < 6);
    bool one_type = true;
    for (size_t i = 1; p && i < ldns_pkt_ancount(p); i++)
        one_type &= ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_answer(p), i)) ==
                    ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_answer(p), 0));
    CHECK("ANY: all answers of one type", p && one_type);
    CHECK("ANY: the SOA at an apex (as NSD)", p && ldns_pkt_ancount(p) == 1 &&
          has_rr(ldns_pkt_answer(p), "example.test.", LDNS_RR_TYPE_SOA, NULL));
    ldns_pkt_free(p);
}

static void test_edns(void)
{
    struct query q;
    q_simple(&q, "www.example.test", DNS_TYPE_A, true);
    ldns_pkt *p = ask(&q, DNS_OVER_UDP);
    CHECK("edns: OPT in the answer", p && ldns_pkt_edns(p));
    CHECK("edns: our payload size 1232", p && ldns_pkt_edns_udp_size(p) == 1232);
    CHECK("edns: DO clear when not asked", p && !ldns_pkt_edns_do(p));
    ldns_pkt_free(p);

    q_begin(&q, 1, 0, 1, 1);
    q_name(&q, "www.example.test");
    q_u16(&q, DNS_TYPE_A);
    q_u16(&q, DNS_CLASS_IN);
    q_opt(&q, 4096, 0, true);
    p = ask(&q, DNS_OVER_UDP);
    CHECK("edns: DO echoed", p && ldns_pkt_edns_do(p));
    ldns_pkt_free(p);

    p = ask_name("www.example.test", DNS_TYPE_A);
    CHECK("edns: no OPT without EDNS in the query", p && !ldns_pkt_edns(p));
    ldns_pkt_free(p);

    q_begin(&q, 1, 0, 1, 1);
    q_name(&q, "www.example.test");
    q_u16(&q, DNS_TYPE_A);
    q_u16(&q, DNS_CLASS_IN);
    q_opt(&q, 1232, 1, false);
    p = ask(&q, DNS_OVER_UDP);
    CHECK("edns: version 1 gets BADVERS", p && ldns_pkt_edns(p) && ldns_pkt_edns_extended_rcode(p) == 1 &&
          ldns_pkt_ancount(p) == 0);
    ldns_pkt_free(p);

    q_begin(&q, 1, 0, 1, 2);
    q_name(&q, "www.example.test");
    q_u16(&q, DNS_TYPE_A);
    q_u16(&q, DNS_CLASS_IN);
    q_opt(&q, 1232, 0, false);
    q_opt(&q, 1232, 0, false);
    p = ask(&q, DNS_OVER_UDP);
    CHECK("edns: two OPT records are FORMERR", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_FORMERR);
    ldns_pkt_free(p);
}

static void test_truncation(void)
{
    struct query q;
    q_simple(&q, "big.example.test", DNS_TYPE_TXT, false);
    ldns_pkt *p = ask(&q, DNS_OVER_UDP);
    CHECK("tc: UDP without EDNS stays within 512 bytes", out_len <= 512);
    CHECK("tc: TC set when the RRset does not fit", p && ldns_pkt_tc(p) && ldns_pkt_ancount(p) == 0);
    ldns_pkt_free(p);
    p = ask(&q, DNS_OVER_TCP);
    CHECK("tc: TCP carries the whole RRset", p && !ldns_pkt_tc(p) && ldns_pkt_ancount(p) == 6);
    ldns_pkt_free(p);
    q_simple(&q, "big.example.test", DNS_TYPE_TXT, true);
    p = ask(&q, DNS_OVER_UDP);
    CHECK("tc: EDNS 1232 fits the RRset", p && !ldns_pkt_tc(p) && ldns_pkt_ancount(p) == 6 && out_len <= 1232);
    ldns_pkt_free(p);

    /* A client offering less than 512 still gets 512 (RFC 6891 6.2.5): an
     * answer of more than 100 bytes arrives whole. */
    q_begin(&q, 1, 0, 1, 1);
    q_name(&q, "example.test");
    q_u16(&q, DNS_TYPE_NS);
    q_u16(&q, DNS_CLASS_IN);
    q_opt(&q, 100, 0, false);
    p = ask(&q, DNS_OVER_UDP);
    CHECK("tc: EDNS size below 512 is read as 512", p && !ldns_pkt_tc(p) && out_len > 100 &&
          ldns_pkt_ancount(p) == 2 && ldns_pkt_arcount(p) == 2 && ldns_pkt_edns(p));
    ldns_pkt_free(p);
}

static void test_malformed(void)
{
    struct query q;
    q_simple(&q, "www.example.test", DNS_TYPE_A, false);
    CHECK("malformed: shorter than a header gets nothing",
          dns_engine_answer(&blob, q.b, 11, DNS_OVER_UDP, out, sizeof out) == 0);

    q_begin(&q, 9, DNS_FLAG_QR, 1, 0);
    q_name(&q, "www.example.test");
    q_u16(&q, DNS_TYPE_A);
    q_u16(&q, DNS_CLASS_IN);
    CHECK("malformed: a response (QR=1) gets nothing",
          dns_engine_answer(&blob, q.b, q.len, DNS_OVER_UDP, out, sizeof out) == 0);

    q_begin(&q, 9, 0, 0, 0);
    ldns_pkt *p = ask(&q, DNS_OVER_UDP);
    CHECK("malformed: QDCOUNT 0 is FORMERR", rcode_of() == DNS_RCODE_FORMERR);
    ldns_pkt_free(p);

    q_begin(&q, 9, 0, 2, 0);
    q_name(&q, "www.example.test");
    q_u16(&q, DNS_TYPE_A);
    q_u16(&q, DNS_CLASS_IN);
    q_name(&q, "example.test");
    q_u16(&q, DNS_TYPE_A);
    q_u16(&q, DNS_CLASS_IN);
    p = ask(&q, DNS_OVER_UDP);
    CHECK("malformed: QDCOUNT 2 is FORMERR", rcode_of() == DNS_RCODE_FORMERR);
    ldns_pkt_free(p);

    q_begin(&q, 9, 4u << 11, 1, 0);     /* NOTIFY */
    q_name(&q, "example.test");
    q_u16(&q, DNS_TYPE_SOA);
    q_u16(&q, DNS_CLASS_IN);
    p = ask(&q, DNS_OVER_UDP);
    CHECK("malformed: NOTIFY is NOTIMP", rcode_of() == DNS_RCODE_NOTIMP && ((out[2] >> 3) & 0xf) == 4);
    CHECK("malformed: NOTIMP carries no question (as NSD)", out_len == 12 && dns_get16(out + 4) == 0);
    ldns_pkt_free(p);

    q_simple(&q, "www.example.test", DNS_TYPE_A, false);
    q.b[q.len++] = 0xab;
    p = ask(&q, DNS_OVER_UDP);
    CHECK("malformed: trailing garbage is FORMERR", rcode_of() == DNS_RCODE_FORMERR);
    ldns_pkt_free(p);

    q_simple(&q, "www.example.test", DNS_TYPE_A, false);
    p = NULL;
    out_len = dns_engine_answer(&blob, q.b, 20, DNS_OVER_UDP, out, sizeof out);
    CHECK("malformed: a question cut short is FORMERR", out_len >= 12 && rcode_of() == DNS_RCODE_FORMERR);

    q_begin(&q, 9, 0, 1, 0);
    q.b[q.len++] = 0xc0;    /* a compression pointer in the question */
    q.b[q.len++] = 12;
    q_u16(&q, DNS_TYPE_A);
    q_u16(&q, DNS_CLASS_IN);
    out_len = dns_engine_answer(&blob, q.b, q.len, DNS_OVER_UDP, out, sizeof out);
    CHECK("malformed: a pointer loop in the question is FORMERR", out_len >= 12 && rcode_of() == DNS_RCODE_FORMERR);

    q_simple(&q, "www.example.test", DNS_TYPE_A, false);
    dns_put16(q.b + 6, 1);  /* claims an answer record it does not carry */
    out_len = dns_engine_answer(&blob, q.b, q.len, DNS_OVER_UDP, out, sizeof out);
    CHECK("malformed: ANCOUNT in a query is FORMERR", out_len >= 12 && rcode_of() == DNS_RCODE_FORMERR);
}

/* Random and mutated messages: never a crash, never an answer past the
 * limits (ASan/UBSan watch the reads). Deterministic, so failures repeat. */
static void test_random_input(void)
{
    uint64_t state = 0x9e3779b97f4a7c15ull;
    bool ok = true;
    struct query base;
    q_simple(&base, "a.b.ent.example.test", DNS_TYPE_A, true);
    for (int i = 0; i < 200000; i++) {
        uint8_t msg[600];
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        size_t len = (state >> 33) % sizeof msg;
        if (i % 2 == 0) {
            memcpy(msg, base.b, base.len);
            len = base.len;
            for (int k = 0; k < 3; k++) {
                state = state * 6364136223846793005ull + 1442695040888963407ull;
                msg[(state >> 33) % len] = (uint8_t)(state >> 20);
            }
        } else {
            for (size_t k = 0; k < len; k++) {
                state = state * 6364136223846793005ull + 1442695040888963407ull;
                msg[k] = (uint8_t)(state >> 40);
            }
        }
        size_t n = dns_engine_answer(&blob, msg, len, (i & 4) ? DNS_OVER_TCP : DNS_OVER_UDP, out, sizeof out);
        if (n > 0 && (n < 12 || (!(i & 4) && n > 1232)))
            ok = false;
    }
    CHECK("random input: 200000 messages, no crash, sizes within limits", ok);
}

int main(void)
{
    size_t size;
    void *data = load_fixture_blob(&blob, &size);
    test_exact_match();
    test_case_preserved();
    test_nodata();
    test_nxdomain();
    test_empty_non_terminal();
    test_cname();
    test_wildcards();
    test_cname_chains();
    test_referral();
    test_refused_and_zones();
    test_additional();
    test_any();
    test_edns();
    test_truncation();
    test_malformed();
    test_random_input();
    free(data);
    return CHECK_DONE();
}
