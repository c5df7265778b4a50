/*
 * DNSSEC serving over the signed fixture zones (signed at build time from
 * tests/fixtures/dnssec: nsec.test with NSEC, nsec3.test with NSEC3,
 * optout.test and optskip.test with NSEC3 opt-out). Each behaviour is checked by what the
 * answer holds and, where ldns has a validator for it, by validating:
 * every signature against the zone's DNSKEYs, every denial of existence
 * with ldns_dnssec_verify_denial(_nsec3).
 */
#include <ldns/ldns.h>
#include <stdint.h>
#include <string.h>

#include "blob_file.h"
#include "check.h"
#include "dns_client.h"
#include "dns/dns_dnssec.h"

/* ldns 1.8's NSEC3 denial check leaks the names it hashes (inside
 * ldns_dnssec_verify_denial_nsec3_match); not this code's leak. Full
 * stacks on malloc, so the suppression sees that frame. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "fast_unwind_on_malloc=0";
}

const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:ldns_dnssec_verify_denial_nsec3_match\n";
}

/* A query with EDNS and DO set, payload as given. */
static ldns_pkt *ask_do(const char *name, uint16_t type, uint16_t payload, enum dns_transport t)
{
    struct query q;
    q_begin(&q, 0x4242, DNS_FLAG_RD, 1, 1);
    q_name(&q, name);
    q_u16(&q, type);
    q_u16(&q, DNS_CLASS_IN);
    q_opt(&q, payload, 0, true);
    return ask(&q, t);
}

static ldns_pkt *ask_edns(const char *name, uint16_t type)
{
    struct query q;
    q_simple(&q, name, type, true);
    return ask(&q, DNS_OVER_UDP);
}

static size_t count_type(ldns_rr_list *list, ldns_rr_type type)
{
    size_t n = 0;
    for (size_t i = 0; list && i < ldns_rr_list_rr_count(list); i++)
        n += ldns_rr_get_type(ldns_rr_list_rr(list, i)) == type;
    return n;
}

static size_t dnssec_records(ldns_pkt *p)
{
    size_t n = 0;
    ldns_rr_list *sections[] = {ldns_pkt_answer(p), ldns_pkt_authority(p), ldns_pkt_additional(p)};
    for (int s = 0; s < 3; s++)
        n += count_type(sections[s], LDNS_RR_TYPE_RRSIG) + count_type(sections[s], LDNS_RR_TYPE_NSEC) +
             count_type(sections[s], LDNS_RR_TYPE_NSEC3);
    return n;
}

/* The zones' DNSKEY RRsets, asked of the engine. */
static ldns_rr_list *keys;

static void load_keys(const char *zone)
{
    ldns_pkt *p = ask_do(zone, LDNS_RR_TYPE_DNSKEY, 4096, DNS_OVER_TCP);
    for (size_t i = 0; p && i < ldns_rr_list_rr_count(ldns_pkt_answer(p)); i++) {
        ldns_rr *rr = ldns_rr_list_rr(ldns_pkt_answer(p), i);
        if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_DNSKEY)
            ldns_rr_list_push_rr(keys, ldns_rr_clone(rr));
    }
    ldns_pkt_free(p);
}

/*
 * Validates every RRset of a section (but RRSIGs) against the RRSIGs of
 * the same owner and type in that section with the zones' keys. Returns
 * the number of RRsets that validate; *sets gets how many there are.
 */
static size_t validate_section(ldns_rr_list *list, size_t *sets)
{
    size_t good = 0;
    *sets = 0;
    for (size_t i = 0; list && i < ldns_rr_list_rr_count(list); i++) {
        ldns_rr *rr = ldns_rr_list_rr(list, i);
        ldns_rr_type type = ldns_rr_get_type(rr);
        if (type == LDNS_RR_TYPE_RRSIG || type == LDNS_RR_TYPE_OPT)
            continue;
        /* once per RRset: at its first record */
        bool first = true;
        for (size_t k = 0; k < i && first; k++)
            first = !(ldns_rr_get_type(ldns_rr_list_rr(list, k)) == type &&
                      ldns_dname_compare(ldns_rr_owner(ldns_rr_list_rr(list, k)), ldns_rr_owner(rr)) == 0);
        if (!first)
            continue;
        ldns_rr_list *set = ldns_rr_list_new(), *sigs = ldns_rr_list_new();
        for (size_t k = 0; k < ldns_rr_list_rr_count(list); k++) {
            ldns_rr *x = ldns_rr_list_rr(list, k);
            if (ldns_dname_compare(ldns_rr_owner(x), ldns_rr_owner(rr)) != 0)
                continue;
            if (ldns_rr_get_type(x) == type)
                ldns_rr_list_push_rr(set, x);
            else if (ldns_rr_get_type(x) == LDNS_RR_TYPE_RRSIG &&
                     ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(x)) == type)
                ldns_rr_list_push_rr(sigs, x);
        }
        ldns_rr_list *good_keys = ldns_rr_list_new();
        (*sets)++;
        good += ldns_rr_list_rr_count(sigs) > 0 && ldns_verify(set, sigs, keys, good_keys) == LDNS_STATUS_OK;
        ldns_rr_list_free(good_keys);
        ldns_rr_list_free(set);
        ldns_rr_list_free(sigs);
    }
    return good;
}

/* Do all answer and authority RRsets validate? */
static bool all_signed(ldns_pkt *p)
{
    size_t sets_a, sets_n;
    size_t good = validate_section(ldns_pkt_answer(p), &sets_a) + validate_section(ldns_pkt_authority(p), &sets_n);
    return sets_a + sets_n > 0 && good == sets_a + sets_n;
}

/* The denial records of the authority section, as ldns's validator wants
 * them: does it accept them as proof for (name, type)? */
static bool denial_valid(ldns_pkt *p, const char *name, ldns_rr_type type, bool nsec3)
{
    ldns_rr_list *nsecs = ldns_rr_list_new(), *sigs = ldns_rr_list_new();
    ldns_rr_list *auth = ldns_pkt_authority(p);
    for (size_t i = 0; i < ldns_rr_list_rr_count(auth); i++) {
        ldns_rr *rr = ldns_rr_list_rr(auth, i);
        if (ldns_rr_get_type(rr) == (nsec3 ? LDNS_RR_TYPE_NSEC3 : LDNS_RR_TYPE_NSEC))
            ldns_rr_list_push_rr(nsecs, rr);
        else if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG)
            ldns_rr_list_push_rr(sigs, rr);
    }
    ldns_rr *question = ldns_rr_new();
    ldns_rr_set_owner(question, ldns_dname_new_frm_str(name));
    ldns_rr_set_type(question, type);
    ldns_status s = nsec3 ? ldns_dnssec_verify_denial_nsec3(question, nsecs, sigs, ldns_pkt_get_rcode(p), type,
                                                           ldns_pkt_ancount(p) == 0)
                          : ldns_dnssec_verify_denial(question, nsecs, sigs);
    ldns_rr_free(question);
    ldns_rr_list_free(nsecs);
    ldns_rr_list_free(sigs);
    return s == LDNS_STATUS_OK;
}

static bool has_opt_do(void)
{
    /* the OPT record is last: its TTL's DO bit sits 5 + 2 bytes from its end's start */
    return out_len >= 11 && out[out_len - 11] == 0 && dns_get16(out + out_len - 10) == DNS_TYPE_OPT &&
           (dns_get16(out + out_len - 4) & DNS_EDNS_DO);
}

/* ---- NSEC --------------------------------------------------------------------- */

static void test_positive(void)
{
    ldns_pkt *p = ask_do("www.nsec.test", LDNS_RR_TYPE_A, 4096, DNS_OVER_UDP);
    CHECK("positive: answered with AA", p && ldns_pkt_aa(p) && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR);
    if (!p)
        return;
    CHECK("positive: DO echoed", has_opt_do());
    CHECK("positive: A and its RRSIG", has_rr(ldns_pkt_answer(p), "www.nsec.test.", LDNS_RR_TYPE_A, NULL) &&
          has_rr(ldns_pkt_answer(p), "www.nsec.test.", LDNS_RR_TYPE_RRSIG, "A") &&
          ldns_pkt_ancount(p) == 2);
    CHECK("positive: the zone's NS with its RRSIG in authority",
          has_rr(ldns_pkt_authority(p), "nsec.test.", LDNS_RR_TYPE_NS, NULL) &&
          has_rr(ldns_pkt_authority(p), "nsec.test.", LDNS_RR_TYPE_RRSIG, "NS"));
    CHECK("positive: authoritative addresses signed in additional",
          has_rr(ldns_pkt_additional(p), "ns1.nsec.test.", LDNS_RR_TYPE_RRSIG, "A") &&
          has_rr(ldns_pkt_additional(p), "ns1.nsec.test.", LDNS_RR_TYPE_RRSIG, "AAAA"));
    size_t sets;
    CHECK("positive: every signature validates with the zone's DNSKEYs", all_signed(p) &&
          validate_section(ldns_pkt_additional(p), &sets) == sets);
    ldns_pkt_free(p);
}

static void test_no_do(void)
{
    static const char *names[] = {"www.nsec.test", "nx.nsec.test", "w1.wild.nsec.test", "www.insecure.nsec.test",
                                  "a.nx.nsec3.test", "www.nsec3.test"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        ldns_pkt *p = ask_edns(names[i], LDNS_RR_TYPE_A);
        CHECK("no DO: no RRSIG, NSEC or NSEC3 (EDNS without DO)", p && dnssec_records(p) == 0);
        ldns_pkt_free(p);
        p = ask_name(names[i], LDNS_RR_TYPE_A);
        CHECK("no DO: no RRSIG, NSEC or NSEC3 (no EDNS)", p && dnssec_records(p) == 0);
        ldns_pkt_free(p);
    }
    ldns_pkt *p = ask_name("www.nsec.test", LDNS_RR_TYPE_NSEC);
    CHECK("no DO: qtype NSEC answered as data", p && ldns_pkt_ancount(p) == 1 &&
          has_rr(ldns_pkt_answer(p), "www.nsec.test.", LDNS_RR_TYPE_NSEC, "nsec.test."));
    ldns_pkt_free(p);
    /* At an alias, NSEC and RRSIG live beside the CNAME (RFC 4035 2.5):
     * answered from the alias, the CNAME not followed. NSEC3 lives at
     * hashed names: at an alias the CNAME answers (a NODATA proof there
     * would carry the CNAME bit, RFC 6840 4.3). */
    p = ask_do("alias.nsec.test", LDNS_RR_TYPE_NSEC, 4096, DNS_OVER_UDP);
    CHECK("qtype NSEC at an alias: the alias's NSEC, the CNAME not followed",
          p && ldns_pkt_ancount(p) == 2 && has_rr(ldns_pkt_answer(p), "alias.nsec.test.", LDNS_RR_TYPE_NSEC, NULL) &&
          count_type(ldns_pkt_answer(p), LDNS_RR_TYPE_CNAME) == 0);
    ldns_pkt_free(p);
    p = ask_do("alias.nsec.test", LDNS_RR_TYPE_RRSIG, 4096, DNS_OVER_TCP);
    CHECK("qtype RRSIG at an alias: its signatures (CNAME's and NSEC's), the CNAME not followed",
          p && count_type(ldns_pkt_answer(p), LDNS_RR_TYPE_RRSIG) == 2 &&
          count_type(ldns_pkt_answer(p), LDNS_RR_TYPE_CNAME) == 0);
    ldns_pkt_free(p);
    p = ask_do("alias.nsec3.test", LDNS_RR_TYPE_NSEC3, 4096, DNS_OVER_UDP);
    CHECK("qtype NSEC3 at an alias: the CNAME answers, the chain followed",
          p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR &&
          has_rr(ldns_pkt_answer(p), "alias.nsec3.test.", LDNS_RR_TYPE_CNAME, "www.nsec3.test."));
    ldns_pkt_free(p);
    p = ask_do("www.nsec.test", LDNS_RR_TYPE_RRSIG, 4096, DNS_OVER_UDP);
    CHECK("qtype RRSIG over UDP: the signatures of the lowest covered type only (as Knot)",
          p && count_type(ldns_pkt_answer(p), LDNS_RR_TYPE_RRSIG) == 1 &&
          has_rr(ldns_pkt_answer(p), "www.nsec.test.", LDNS_RR_TYPE_RRSIG, "A"));
    ldns_pkt_free(p);
    p = ask_do("www.nsec.test", LDNS_RR_TYPE_RRSIG, 4096, DNS_OVER_TCP);
    CHECK("qtype RRSIG over TCP: every signature at the name, whatever it covers (as NSD)",
          p && count_type(ldns_pkt_answer(p), LDNS_RR_TYPE_RRSIG) == 3 &&
          has_rr(ldns_pkt_answer(p), "www.nsec.test.", LDNS_RR_TYPE_RRSIG, "A") &&
          has_rr(ldns_pkt_answer(p), "www.nsec.test.", LDNS_RR_TYPE_RRSIG, "TXT") &&
          has_rr(ldns_pkt_answer(p), "www.nsec.test.", LDNS_RR_TYPE_RRSIG, "NSEC"));
    ldns_pkt_free(p);
}

static void test_nsec_nxdomain(void)
{
    ldns_pkt *p = ask_do("nx.nsec.test", LDNS_RR_TYPE_A, 1232, DNS_OVER_UDP);
    CHECK("NSEC NXDOMAIN: rcode", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN && !ldns_pkt_tc(p));
    if (!p)
        return;
    CHECK("NSEC NXDOMAIN: SOA and its RRSIG", has_rr(ldns_pkt_authority(p), "nsec.test.", LDNS_RR_TYPE_SOA, NULL) &&
          has_rr(ldns_pkt_authority(p), "nsec.test.", LDNS_RR_TYPE_RRSIG, "SOA"));
    CHECK("NSEC NXDOMAIN: the NSEC covering the name",
          has_rr(ldns_pkt_authority(p), "ns1.nsec.test.", LDNS_RR_TYPE_NSEC, "secure.nsec.test."));
    CHECK("NSEC NXDOMAIN: the NSEC denying the wildcard at the closest encloser",
          has_rr(ldns_pkt_authority(p), "nsec.test.", LDNS_RR_TYPE_NSEC, "alias.nsec.test."));
    CHECK("NSEC NXDOMAIN: two NSECs, each signed", count_type(ldns_pkt_authority(p), LDNS_RR_TYPE_NSEC) == 2 &&
          has_rr(ldns_pkt_authority(p), "ns1.nsec.test.", LDNS_RR_TYPE_RRSIG, "NSEC"));
    CHECK("NSEC NXDOMAIN: signatures validate", all_signed(p));
    CHECK("NSEC NXDOMAIN: ldns accepts the proof", denial_valid(p, "nx.nsec.test.", LDNS_RR_TYPE_A, false));
    ldns_pkt_free(p);
    /* "a" and "*" are both covered by the apex NSEC: it is sent once */
    p = ask_do("a.nsec.test", LDNS_RR_TYPE_A, 1232, DNS_OVER_UDP);
    CHECK("NSEC NXDOMAIN: one NSEC when it proves both", p && count_type(ldns_pkt_authority(p), LDNS_RR_TYPE_NSEC) == 1 &&
          count_type(ldns_pkt_authority(p), LDNS_RR_TYPE_RRSIG) == 2);
    ldns_pkt_free(p);
}

static void test_nsec_nodata(void)
{
    ldns_pkt *p = ask_do("www.nsec.test", LDNS_RR_TYPE_MX, 1232, DNS_OVER_UDP);
    CHECK("NSEC NODATA: NOERROR, no answer", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR && ldns_pkt_ancount(p) == 0);
    CHECK("NSEC NODATA: the NSEC at the name", p && count_type(ldns_pkt_authority(p), LDNS_RR_TYPE_NSEC) == 1 &&
          has_rr(ldns_pkt_authority(p), "www.nsec.test.", LDNS_RR_TYPE_NSEC, "nsec.test."));
    CHECK("NSEC NODATA: ldns accepts the proof", p && denial_valid(p, "www.nsec.test.", LDNS_RR_TYPE_MX, false));
    CHECK("NSEC NODATA: signatures validate", p && all_signed(p));
    ldns_pkt_free(p);
    p = ask_do("b.ent.nsec.test", LDNS_RR_TYPE_A, 1232, DNS_OVER_UDP);
    CHECK("NSEC ENT: NODATA, not NXDOMAIN", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR && ldns_pkt_ancount(p) == 0);
    CHECK("NSEC ENT: the NSEC covering the empty non-terminal",
          p && count_type(ldns_pkt_authority(p), LDNS_RR_TYPE_NSEC) == 1 &&
          has_rr(ldns_pkt_authority(p), "*.cwild.nsec.test.", LDNS_RR_TYPE_NSEC, "a.b.ent.nsec.test."));
    ldns_pkt_free(p);
}

static void test_nsec_wildcard(void)
{
    ldns_pkt *p = ask_do("w1.wild.nsec.test", LDNS_RR_TYPE_A, 1232, DNS_OVER_UDP);
    CHECK("NSEC wildcard: the synthesised A and the wildcard's RRSIG, owned by the query name",
          p && has_rr(ldns_pkt_answer(p), "w1.wild.nsec.test.", LDNS_RR_TYPE_A, "192.0.2.35") &&
          has_rr(ldns_pkt_answer(p), "w1.wild.nsec.test.", LDNS_RR_TYPE_RRSIG, "A"));
    CHECK("NSEC wildcard: the NSEC covering the query name",
          p && count_type(ldns_pkt_authority(p), LDNS_RR_TYPE_NSEC) == 1 &&
          has_rr(ldns_pkt_authority(p), "sub.wild.nsec.test.", LDNS_RR_TYPE_NSEC, "www.nsec.test."));
    CHECK("NSEC wildcard: the expanded answer validates", p && all_signed(p));
    ldns_pkt_free(p);
    p = ask_do("w1.wild.nsec.test", LDNS_RR_TYPE_MX, 1232, DNS_OVER_UDP);
    CHECK("NSEC wildcard NODATA: no answer", p && ldns_pkt_ancount(p) == 0 && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR);
    CHECK("NSEC wildcard NODATA: the NSEC covering the name and the wildcard's own",
          p && count_type(ldns_pkt_authority(p), LDNS_RR_TYPE_NSEC) == 2 &&
          has_rr(ldns_pkt_authority(p), "sub.wild.nsec.test.", LDNS_RR_TYPE_NSEC, NULL) &&
          has_rr(ldns_pkt_authority(p), "*.wild.nsec.test.", LDNS_RR_TYPE_NSEC, NULL));
    ldns_pkt_free(p);
    p = ask_do("x.cwild.nsec.test", LDNS_RR_TYPE_A, 1232, DNS_OVER_UDP);
    CHECK("NSEC wildcard CNAME: CNAME and target signed, the wildcard proof in authority",
          p && has_rr(ldns_pkt_answer(p), "x.cwild.nsec.test.", LDNS_RR_TYPE_RRSIG, "CNAME") &&
          has_rr(ldns_pkt_answer(p), "www.nsec.test.", LDNS_RR_TYPE_RRSIG, "A") &&
          has_rr(ldns_pkt_authority(p), "*.cwild.nsec.test.", LDNS_RR_TYPE_NSEC, NULL) && all_signed(p));
    ldns_pkt_free(p);
}

static void test_nsec_referrals(void)
{
    ldns_pkt *p = ask_do("www.secure.nsec.test", LDNS_RR_TYPE_A, 1232, DNS_OVER_UDP);
    CHECK("referral to a signed child: not authoritative", p && !ldns_pkt_aa(p) && ldns_pkt_ancount(p) == 0);
    CHECK("referral to a signed child: NS, DS and the DS's RRSIG",
          p && has_rr(ldns_pkt_authority(p), "secure.nsec.test.", LDNS_RR_TYPE_NS, NULL) &&
          has_rr(ldns_pkt_authority(p), "secure.nsec.test.", LDNS_RR_TYPE_DS, NULL) &&
          has_rr(ldns_pkt_authority(p), "secure.nsec.test.", LDNS_RR_TYPE_RRSIG, "DS") &&
          count_type(ldns_pkt_authority(p), LDNS_RR_TYPE_NSEC) == 0);
    CHECK("referral to a signed child: glue unsigned", p && count_type(ldns_pkt_additional(p), LDNS_RR_TYPE_RRSIG) == 0 &&
          has_rr(ldns_pkt_additional(p), "ns.secure.nsec.test.", LDNS_RR_TYPE_A, NULL));
    ldns_pkt_free(p);
    p = ask_do("www.insecure.nsec.test", LDNS_RR_TYPE_A, 1232, DNS_OVER_UDP);
    CHECK("referral to an unsigned child: the NSEC at the cut proves no DS",
          p && count_type(ldns_pkt_authority(p), LDNS_RR_TYPE_DS) == 0 &&
          has_rr(ldns_pkt_authority(p), "insecure.nsec.test.", LDNS_RR_TYPE_NSEC, NULL) &&
          has_rr(ldns_pkt_authority(p), "insecure.nsec.test.", LDNS_RR_TYPE_RRSIG, "NSEC"));
    CHECK("referral to an unsigned child: ldns accepts the no-DS proof",
          p && denial_valid(p, "insecure.nsec.test.", LDNS_RR_TYPE_DS, false));
    ldns_pkt_free(p);
    p = ask_do("secure.nsec.test", LDNS_RR_TYPE_DS, 1232, DNS_OVER_UDP);
    CHECK("DS at a cut: answered with its RRSIG, authoritatively, no NS",
          p && ldns_pkt_aa(p) && has_rr(ldns_pkt_answer(p), "secure.nsec.test.", LDNS_RR_TYPE_RRSIG, "DS") &&
          ldns_pkt_nscount(p) == 0 && all_signed(p));
    ldns_pkt_free(p);
    p = ask_do("insecure.nsec.test", LDNS_RR_TYPE_DS, 1232, DNS_OVER_UDP);
    CHECK("no DS at a cut: NODATA with the cut's NSEC", p && ldns_pkt_aa(p) && ldns_pkt_ancount(p) == 0 &&
          has_rr(ldns_pkt_authority(p), "insecure.nsec.test.", LDNS_RR_TYPE_NSEC, NULL) &&
          denial_valid(p, "insecure.nsec.test.", LDNS_RR_TYPE_DS, false));
    ldns_pkt_free(p);
    p = ask_do("nsec.test", LDNS_RR_TYPE_DNSKEY, 4096, DNS_OVER_UDP);
    CHECK("DNSKEY: both keys and their RRSIG, no NS beside them (as NSD)",
          p && count_type(ldns_pkt_answer(p), LDNS_RR_TYPE_DNSKEY) == 2 &&
          has_rr(ldns_pkt_answer(p), "nsec.test.", LDNS_RR_TYPE_RRSIG, "DNSKEY") && ldns_pkt_nscount(p) == 0 &&
          all_signed(p));
    ldns_pkt_free(p);
}

static void test_truncation(void)
{
    ldns_pkt *p = ask_do("big.nsec.test", LDNS_RR_TYPE_TXT, 512, DNS_OVER_UDP);
    CHECK("TC: a signed answer that does not fit 512 bytes is truncated", p && ldns_pkt_tc(p) && out_len <= 512);
    CHECK("TC: never an RRset without its signatures", p && count_type(ldns_pkt_answer(p), LDNS_RR_TYPE_TXT) == 0 &&
          count_type(ldns_pkt_answer(p), LDNS_RR_TYPE_RRSIG) == 0);
    ldns_pkt_free(p);
    p = ask_do("big.nsec.test", LDNS_RR_TYPE_TXT, 4096, DNS_OVER_TCP);
    CHECK("TC: over TCP the whole signed answer", p && !ldns_pkt_tc(p) &&
          count_type(ldns_pkt_answer(p), LDNS_RR_TYPE_TXT) == 5 && all_signed(p));
    ldns_pkt_free(p);
    p = ask_do("nx.nsec3.test", LDNS_RR_TYPE_A, 512, DNS_OVER_UDP);
    CHECK("TC: an NXDOMAIN whose proof does not fit keeps its rcode", p && ldns_pkt_tc(p) &&
          ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN);
    ldns_pkt_free(p);
}

/* ---- NSEC3 -------------------------------------------------------------------- */

static void test_nsec3_hash(void)
{
    static const uint8_t salt[] = {0xaa, 0xbb, 0xcc, 0xdd};
    ldns_rdf *name = ldns_dname_new_frm_str("www.nsec3.test.");
    ldns_rdf *hashed = ldns_nsec3_hash_name(name, 1, 1, sizeof salt, salt);
    char *expected = ldns_rdf2str(hashed);
    char ours[33] = {0};
    dnssec_nsec3_hash(ldns_rdf_data(name), ldns_rdf_size(name), salt, sizeof salt, 1, ours);
    CHECK("NSEC3 hash: as ldns computes it", expected && strncmp(expected, ours, 32) == 0);
    free(expected);
    ldns_rdf_deep_free(hashed);
    ldns_rdf_deep_free(name);
}

static void test_nsec3(void)
{
    ldns_pkt *p = ask_do("a.nx.nsec3.test", LDNS_RR_TYPE_A, 1232, DNS_OVER_UDP);
    CHECK("NSEC3 NXDOMAIN: rcode", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN);
    CHECK("NSEC3 NXDOMAIN: closest encloser, next closer and wildcard proofs",
          p && count_type(ldns_pkt_authority(p), LDNS_RR_TYPE_NSEC3) >= 2 &&
          count_type(ldns_pkt_authority(p), LDNS_RR_TYPE_NSEC3) <= 3);
    CHECK("NSEC3 NXDOMAIN: ldns accepts the proof", p && denial_valid(p, "a.nx.nsec3.test.", LDNS_RR_TYPE_A, true));
    CHECK("NSEC3 NXDOMAIN: signatures validate", p && all_signed(p));
    ldns_pkt_free(p);
    p = ask_do("www.nsec3.test", LDNS_RR_TYPE_MX, 1232, DNS_OVER_UDP);
    CHECK("NSEC3 NODATA: one matching NSEC3", p && ldns_pkt_ancount(p) == 0 &&
          count_type(ldns_pkt_authority(p), LDNS_RR_TYPE_NSEC3) == 1 &&
          denial_valid(p, "www.nsec3.test.", LDNS_RR_TYPE_MX, true));
    ldns_pkt_free(p);
    p = ask_do("b.ent.nsec3.test", LDNS_RR_TYPE_A, 1232, DNS_OVER_UDP);
    CHECK("NSEC3 ENT: NODATA with the ENT's NSEC3", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR &&
          count_type(ldns_pkt_authority(p), LDNS_RR_TYPE_NSEC3) == 1 &&
          denial_valid(p, "b.ent.nsec3.test.", LDNS_RR_TYPE_A, true));
    ldns_pkt_free(p);
    p = ask_do("w1.wild.nsec3.test", LDNS_RR_TYPE_A, 1232, DNS_OVER_UDP);
    CHECK("NSEC3 wildcard: the NSEC3 covering the next closer name",
          p && ldns_pkt_ancount(p) == 2 && count_type(ldns_pkt_authority(p), LDNS_RR_TYPE_NSEC3) == 1 && all_signed(p));
    ldns_pkt_free(p);
    p = ask_do("w1.wild.nsec3.test", LDNS_RR_TYPE_MX, 1232, DNS_OVER_UDP);
    /* here the wildcard's NSEC3 also covers the next closer name: two */
    CHECK("NSEC3 wildcard NODATA: closest encloser, next closer, the wildcard's NSEC3",
          p && ldns_pkt_ancount(p) == 0 && count_type(ldns_pkt_authority(p), LDNS_RR_TYPE_NSEC3) == 2 &&
          has_rr(ldns_pkt_authority(p), "mq9rjj21p2ig9inuvrnsqrmubuk8u2f1.nsec3.test.", LDNS_RR_TYPE_NSEC3, NULL) &&
          denial_valid(p, "w1.wild.nsec3.test.", LDNS_RR_TYPE_MX, true));
    ldns_pkt_free(p);
    p = ask_do("www.insecure.nsec3.test", LDNS_RR_TYPE_A, 1232, DNS_OVER_UDP);
    CHECK("NSEC3 unsigned referral: the cut's NSEC3 proves no DS",
          p && !ldns_pkt_aa(p) && count_type(ldns_pkt_authority(p), LDNS_RR_TYPE_DS) == 0 &&
          count_type(ldns_pkt_authority(p), LDNS_RR_TYPE_NSEC3) == 1 &&
          denial_valid(p, "insecure.nsec3.test.", LDNS_RR_TYPE_DS, true));
    ldns_pkt_free(p);
    p = ask_do("www.secure.optout.test", LDNS_RR_TYPE_A, 1232, DNS_OVER_UDP);
    CHECK("opt-out zone: signed referral carries the DS", p && has_rr(ldns_pkt_authority(p), "secure.optout.test.",
                                                                     LDNS_RR_TYPE_RRSIG, "DS"));
    ldns_pkt_free(p);
    /* optskip.test: dnssec-signzone's opt-out leaves unsigned cuts out of
     * the chain, so their proofs name the closest provable encloser */
    p = ask_do("insecure.optskip.test", LDNS_RR_TYPE_DS, 1232, DNS_OVER_UDP);
    CHECK("opt-out DS NODATA: closest provable encloser proof (apex match, opt-out cover)",
          p && ldns_pkt_aa(p) && ldns_pkt_ancount(p) == 0 && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR &&
          count_type(ldns_pkt_authority(p), LDNS_RR_TYPE_NSEC3) == 2 &&
          denial_valid(p, "insecure.optskip.test.", LDNS_RR_TYPE_DS, true) && all_signed(p));
    ldns_pkt_free(p);
    p = ask_do("www.insecure.optskip.test", LDNS_RR_TYPE_A, 1232, DNS_OVER_UDP);
    CHECK("opt-out unsigned referral: NS and the closest provable encloser proof",
          p && !ldns_pkt_aa(p) && has_rr(ldns_pkt_authority(p), "insecure.optskip.test.", LDNS_RR_TYPE_NS, NULL) &&
          count_type(ldns_pkt_authority(p), LDNS_RR_TYPE_DS) == 0 &&
          count_type(ldns_pkt_authority(p), LDNS_RR_TYPE_NSEC3) == 2 &&
          denial_valid(p, "insecure.optskip.test.", LDNS_RR_TYPE_DS, true));
    ldns_pkt_free(p);
    p = ask_do("nx.optout.test", LDNS_RR_TYPE_A, 1232, DNS_OVER_UDP);
    CHECK("opt-out zone: NXDOMAIN proof accepted", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN &&
          denial_valid(p, "nx.optout.test.", LDNS_RR_TYPE_A, true) && all_signed(p));
    ldns_pkt_free(p);
    /* a hashed owner is not a name of the zone (RFC 5155 7.2.8) */
    ldns_rdf *apex = ldns_dname_new_frm_str("nsec3.test.");
    static const uint8_t salt[] = {0xaa, 0xbb, 0xcc, 0xdd};
    ldns_rdf *hashed = ldns_nsec3_hash_name(apex, 1, 1, sizeof salt, salt);
    char *label = ldns_rdf2str(hashed);
    char owner[128];
    snprintf(owner, sizeof owner, "%.32s.nsec3.test", label ? label : "");
    p = ask_do(owner, LDNS_RR_TYPE_A, 1232, DNS_OVER_UDP);
    CHECK("NSEC3 owner name: NXDOMAIN", p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN);
    ldns_pkt_free(p);
    p = ask_do("www.nsec3.test", LDNS_RR_TYPE_NSEC3, 1232, DNS_OVER_UDP);
    CHECK("qtype NSEC3: NODATA at a name, as NSD", p && ldns_pkt_ancount(p) == 0 &&
          ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR);
    ldns_pkt_free(p);
    free(label);
    ldns_rdf_deep_free(hashed);
    ldns_rdf_deep_free(apex);
}

int main(void)
{
    size_t size;
    void *data = load_fixture_blob(&blob, &size);
    keys = ldns_rr_list_new();
    load_keys("nsec.test");
    load_keys("nsec3.test");
    load_keys("optout.test");
    load_keys("optskip.test");
    CHECK("keys: the signed zones' DNSKEYs served", ldns_rr_list_rr_count(keys) == 8);
    test_positive();
    test_no_do();
    test_nsec_nxdomain();
    test_nsec_nodata();
    test_nsec_wildcard();
    test_nsec_referrals();
    test_truncation();
    test_nsec3_hash();
    test_nsec3();
    ldns_rr_list_deep_free(keys);
    free(data);
    return CHECK_DONE();
}
