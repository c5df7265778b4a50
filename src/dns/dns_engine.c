/*
 * The authoritative DNS engine: see dns_engine.h. Answers per RFC 1034 4.3.2
 * over the zones in the blob, read through dns_db.h: exact matches, CNAME,
 * referrals at zone cuts, NODATA and NXDOMAIN with the SOA (RFC 2308),
 * REFUSED outside our zones; zone transfers start here too.
 * For DO queries into zones signed offline, the RRSIGs and denial proofs
 * of RFC 4035 3.1 and RFC 5155 7.2 (dns_dnssec.c).
 */
#include "dns/dns_engine.h"

#include <string.h>

#include "dns/dns_db.h"
#include "dns/dns_dnssec.h"
#include "wire/dns_name.h"
#include "dns/dns_query.h"
#include "dns/dns_response.h"
#include "wire/dns_wire.h"

#define ADDITIONAL_NAMES_MAX 16
#define CNAME_CHAIN_MAX 8   /* links followed before giving up (loops included) */

struct lookup {
    const struct blob *b;
    const struct blob_dns_zone *zone;
    uint8_t key[DNS_NAME_MAX];      /* the query name's key */
    size_t key_len;
    /* Names whose addresses are already in the additional section. */
    const struct blob_dns_node *additional[ADDITIONAL_NAMES_MAX];
    unsigned additional_count;
    /* RRsets in the answer section: not repeated in the additional one. */
    const struct blob_dns_rrset *answered[CNAME_CHAIN_MAX];
    unsigned answered_count;
    bool no_authority;      /* class ANY: the IN data, nothing about the zone */
    bool dnssec_ok;         /* DO: signatures and denial proofs (RFC 4035 3.1) */
    bool over_udp;          /* the answer can be sent to a forged address */
    struct dnssec_proof proof;
    /* Wildcard answers along a CNAME chain: their proofs go in the
     * authority section once the answer section is complete. */
    struct {
        const struct blob_dns_zone *zone;
        const uint8_t *name;
        size_t name_len;
        unsigned ce_labels;
    } synthesised[CNAME_CHAIN_MAX];
    unsigned synthesised_count;
    /* What the rate limiter counts a positive answer under: the query
     * name, or the wildcard that made the answer (so that random names
     * below a wildcard share one bucket, as in NSD). */
    const uint8_t *rrl_name;
    size_t rrl_name_len;
    const struct blob_dns_zone *first_zone;     /* the zone of the query name */
};

/* What the answer needs does not fit: TC (RFC 1035 4.1.1, RFC 4035
 * 3.1.1), the rcode kept. */
static void truncated(struct dns_response *r)
{
    dns_put16(r->buf + 2, (uint16_t)(dns_get16(r->buf + 2) | DNS_FLAG_TC));
}

/* Denial proofs for DO queries, in the zones that carry them. */
static bool proving(struct lookup *l)
{
    if (!l->dnssec_ok || l->no_authority || !dns_db_zone_signed(l->zone))
        return false;
    dnssec_proof_zone(&l->proof, l->zone);
    return true;
}

/* An RRset and, for DO queries, its RRSIGs from the same node (owned, as
 * the RRset, by the query name for a wildcard answer). */
static bool add_signed(struct dns_response *r, const struct lookup *l, enum dns_section section,
                       const uint8_t *owner, size_t owner_len, const struct blob_dns_node *n,
                       const struct blob_dns_rrset *set, uint32_t ttl)
{
    struct dns_response_mark mark = dns_response_mark(r);
    if (!dns_response_add_rrset(r, section, owner, owner_len, l->b, set, ttl))
        return false;
    if (!l->dnssec_ok || set->type == DNS_TYPE_RRSIG ||
        dnssec_add_signatures(r, section, owner, owner_len, l->b, n, set->type, ttl))
        return true;
    dns_response_rewind(r, mark);       /* never an RRset without its signatures */
    return false;
}

/* Negative answers carry the SOA with the TTL of RFC 2308 section 5:
 * the smaller of the SOA's own TTL and its MINIMUM field. */
static bool add_negative_soa(struct dns_response *r, const struct lookup *l)
{
    if (l->no_authority)
        return true;
    const struct blob *b = l->b;
    const struct blob_dns_rrset *soa = dns_db_soa(b, l->zone);
    struct blob_ref rd = dns_db_rdata(b, soa, 0);
    uint32_t minimum = rd.len >= 4 ? dns_get32(blob_bytes(b, rd) + rd.len - 4) : 0;
    uint32_t ttl = soa->ttl < minimum ? soa->ttl : minimum;
    return add_signed(r, l, DNS_SECTION_AUTHORITY, blob_bytes(b, l->zone->apex), l->zone->apex.len,
                      dns_db_apex(b, l->zone), soa, ttl);
}

/* Notes a name of the current zone whose addresses belong in the
 * additional section; they are written last (sections are written in
 * order), each name once. */
static void add_addresses(struct lookup *l, const struct blob_dns_node *n)
{
    if (!n)
        return;
    for (unsigned i = 0; i < l->additional_count; i++)
        if (l->additional[i] == n)
            return;
    if (l->additional_count < ADDITIONAL_NAMES_MAX)
        l->additional[l->additional_count++] = n;
}

/* Writes the noted addresses: optional data, so what does not fit is left
 * out without TC; for DO queries with their RRSIGs (glue has none), an
 * address whose signatures do not fit left out with them (RFC 4035
 * 3.1.1). */
static void write_additional(struct dns_response *r, const struct lookup *l)
{
    static const uint16_t types[] = {DNS_TYPE_A, DNS_TYPE_AAAA};
    for (unsigned i = 0; i < l->additional_count; i++) {
        const struct blob_dns_node *n = l->additional[i];
        for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
            const struct blob_dns_rrset *s = dns_db_rrset(l->b, n, types[t]);
            for (unsigned k = 0; s && k < l->answered_count; k++)
                if (l->answered[k] == s)
                    s = NULL;
            if (!s)
                continue;
            struct dns_response_mark mark = dns_response_mark(r);
            if (!add_signed(r, l, DNS_SECTION_ADDITIONAL, blob_bytes(l->b, n->name), n->name.len, n, s,
                            UINT32_MAX))
                dns_response_rewind(r, mark);
        }
    }
}

/* A referral (RFC 1034 4.3.2 step 3b): not authoritative, the cut's NS set
 * in authority, glue addresses in additional. For DO queries into a signed
 * zone the DS RRset and its RRSIGs beside the NS set, or the proof that
 * the cut has none (RFC 4035 3.1.4). */
static void refer(struct dns_response *r, struct lookup *l, const struct blob_dns_node *cut)
{
    const struct blob *b = l->b;
    const struct blob_dns_rrset *ns = dns_db_rrset(b, cut, DNS_TYPE_NS);
    if (!dns_response_add_rrset(r, DNS_SECTION_AUTHORITY, blob_bytes(b, cut->name), cut->name.len,
                                b, ns, UINT32_MAX)) {
        truncated(r);
        return;
    }
    if (proving(l)) {
        const struct blob_dns_rrset *ds = dns_db_rrset(b, cut, DNS_TYPE_DS);
        if (ds ? !add_signed(r, l, DNS_SECTION_AUTHORITY, blob_bytes(b, cut->name), cut->name.len, cut, ds,
                             UINT32_MAX)
               : !dnssec_prove_unsigned_referral(&l->proof, cut)) {
            truncated(r);
            return;
        }
    }
    for (uint32_t i = 0; i < ns->rdata_count; i++)
        add_addresses(l, dns_db_target(b, ns, i));
}

/* Number of labels in a key. */
static unsigned key_label_count(const uint8_t *key, size_t key_len)
{
    unsigned labels = 0;
    for (size_t at = 0; at < key_len; at += 1u + key[at])
        labels++;
    return labels;
}

/* Length of the key's first `labels` labels (root side first). */
static size_t key_prefix(const uint8_t *key, size_t key_len, unsigned labels)
{
    size_t at = 0;
    while (labels-- > 0 && at < key_len)
        at += 1u + key[at];
    return at;
}

/* A hashed NSEC3 owner is not a name of the zone's namespace: queries for
 * it and below it are answered as for a name that does not exist (RFC
 * 5155 7.2.8, and NSD). */
static bool only_nsec3(const struct blob *b, const struct blob_dns_node *n)
{
    if (n->rrset_count == 0)
        return false;
    for (uint32_t i = 0; i < n->rrset_count; i++) {
        const struct blob_dns_rrset *s = dns_db_rrset_at(b, n, i);
        if (s->type != DNS_TYPE_NSEC3 && s->type != DNS_TYPE_RRSIG)
            return false;
    }
    return true;
}

enum outcome {
    FOUND,          /* the name exists (node) */
    SYNTHESISED,    /* a wildcard matches it (node is the wildcard, RFC 4592) */
    REFERRAL,       /* it lies at or below a zone cut (node is the cut) */
    NO_SUCH_NAME,   /* NXDOMAIN */
};

/*
 * Looks a name up in l->zone (RFC 1034 4.3.2 step 3, RFC 4592 section 3.3):
 * walk down from the apex one label at a time; the first zone cut refers,
 * the first missing label ends the walk at the closest encloser, whose
 * "*" child, if any, is the source of synthesis.
 */
static enum outcome look_up(const struct lookup *l, const uint8_t *key, size_t key_len, uint16_t qtype,
                            const struct blob_dns_node **node, unsigned *ce_labels)
{
    unsigned apex_labels = key_label_count(blob_bytes(l->b, l->zone->apex_key), l->zone->apex_key.len);
    unsigned labels = key_label_count(key, key_len);
    const struct blob_dns_node *n = dns_db_apex(l->b, l->zone);
    for (unsigned depth = apex_labels + 1; depth <= labels; depth++) {
        size_t len = key_prefix(key, key_len, depth);
        const struct blob_dns_node *next = dns_db_node(l->b, l->zone, key, len);
        if (!next || only_nsec3(l->b, next)) {
            uint8_t wild[DNS_NAME_MAX + 2];
            size_t encloser = key_prefix(key, key_len, depth - 1);
            memcpy(wild, key, encloser);
            wild[encloser] = 1;
            wild[encloser + 1] = '*';
            *node = dns_db_node(l->b, l->zone, wild, encloser + 2);
            *ce_labels = depth - 1;
            return *node ? SYNTHESISED : NO_SUCH_NAME;
        }
        n = next;
        /* DS lives on the parent side of a cut (RFC 4035 3.1.4.1). */
        if ((n->flags & BLOB_DNS_NODE_DELEGATION) && !(depth == labels && qtype == DNS_TYPE_DS)) {
            *node = n;
            return REFERRAL;
        }
    }
    *node = n;
    return FOUND;
}

/* The RRset a node answers qtype with: the type itself, else its CNAME;
 * for ANY, one RRset (RFC 8482: never the whole node), the SOA at an apex
 * as NSD does, else the lowest type. */
static const struct blob_dns_rrset *pick_rrset(const struct blob *b, const struct blob_dns_node *n,
                                               uint16_t qtype)
{
    if (qtype == DNS_TYPE_ANY) {
        const struct blob_dns_rrset *soa = dns_db_rrset(b, n, DNS_TYPE_SOA);
        return soa ? soa : n->rrset_count > 0 ? dns_db_rrset_at(b, n, 0) : NULL;
    }
    /* NSEC3 records live at hashed names, not at the names they are
     * about: at any name a query for them is NODATA, as NSD has it; but
     * at an alias the CNAME answers, as for any type the name lacks: a
     * NODATA proof there would be the alias's own NSEC or NSEC3, whose
     * type bitmap holds CNAME, which validators must reject (RFC 6840
     * 4.3). */
    if (qtype == DNS_TYPE_NSEC3)
        return dns_db_rrset(b, n, DNS_TYPE_CNAME);
    const struct blob_dns_rrset *set = dns_db_rrset(b, n, qtype);
    /* RRSIG and NSEC live beside a CNAME, at the alias itself (RFC 2181
     * 10.1, RFC 4035 2.5): asked for, they are answered from it, or the
     * answer is NODATA; the CNAME is not followed. */
    if (set || qtype == DNS_TYPE_RRSIG || qtype == DNS_TYPE_NSEC)
        return set;
    return dns_db_rrset(b, n, DNS_TYPE_CNAME);
}

/* Notes the addresses of an NS, MX or SRV RRset's targets (a CNAME's
 * target is followed instead, never given addresses): the nodes crunch
 * found for them in the RRset's zone, which is the current one. */
static void add_target_addresses(struct lookup *l, const struct blob_dns_rrset *set)
{
    for (uint32_t i = 0; i < set->rdata_count; i++)
        add_addresses(l, dns_db_target(l->b, set, i));
}

/*
 * A positive answer also carries the zone's NS RRset in the authority
 * section and the name servers' addresses in the additional section, as
 * NSD does by default (RFC 1034 allows it; it tells resolvers who else
 * serves the zone). Optional data: left out when it does not fit, and not
 * repeated when the answer is that NS RRset itself.
 */
static void add_zone_ns(struct dns_response *r, struct lookup *l, const struct blob_dns_node *answered,
                        const struct blob_dns_rrset *set, uint16_t qtype)
{
    const struct blob_dns_node *apex = dns_db_apex(l->b, l->zone);
    if (l->no_authority)
        return;
    /* As NSD: not beside the apex NS answer itself, nor beside DS or
     * DNSKEY answers, large already (the caller also leaves it out of ANY
     * answers). */
    if ((answered == apex && set->type == DNS_TYPE_NS) || qtype == DNS_TYPE_DS || qtype == DNS_TYPE_DNSKEY)
        return;
    const struct blob_dns_rrset *ns = dns_db_rrset(l->b, apex, DNS_TYPE_NS);
    struct dns_response_mark mark = dns_response_mark(r);
    if (!ns)
        return;
    if (add_signed(r, l, DNS_SECTION_AUTHORITY, blob_bytes(l->b, apex->name), apex->name.len, apex, ns,
                   UINT32_MAX))
        add_target_addresses(l, ns);
    else
        dns_response_rewind(r, mark);
}

/* Writes the proofs noted for the wildcard answers of a chain. */
static bool prove_synthesised(struct lookup *l)
{
    const struct blob_dns_zone *zone = l->zone;
    bool fits = true;
    for (unsigned i = 0; fits && i < l->synthesised_count; i++) {
        l->zone = l->synthesised[i].zone;
        fits = !proving(l) || dnssec_prove_wildcard_answer(&l->proof, l->synthesised[i].name,
                                                           l->synthesised[i].name_len,
                                                           l->synthesised[i].ce_labels);
    }
    l->zone = zone;
    return fits;
}

/*
 * The answer section of an RRset found for qtype, and for DO queries its
 * own signatures. For qtype RRSIG (signatures are one RRset per covered
 * type here): over TCP every signature at the node, as NSD answers; over
 * UDP only those of one covered type, the lowest, as Knot answers since
 * 3.0: a query of type RRSIG is no resolver's (they get signatures beside
 * the RRsets they cover), and all the signatures at a signed apex are an
 * answer over 25 times the query's size, which a forged source address
 * would aim at a victim. A client that wants them all asks over TCP.
 */
static bool add_answer(struct dns_response *r, struct lookup *l, const struct dns_query *q, const uint8_t *name,
                       size_t name_len, const struct blob_dns_node *n, const struct blob_dns_rrset *set)
{
    if (set->type == DNS_TYPE_RRSIG && q->qtype == DNS_TYPE_RRSIG && !l->over_udp)
        return dnssec_add_all_signatures(r, DNS_SECTION_ANSWER, name, name_len, l->b, n);
    if (set->type == DNS_TYPE_RRSIG && q->qtype == DNS_TYPE_RRSIG)
        return dns_response_add_rrset(r, DNS_SECTION_ANSWER, name, name_len, l->b, set, UINT32_MAX);
    return add_signed(r, l, DNS_SECTION_ANSWER, name, name_len, n, set, UINT32_MAX);
}

/*
 * Answers inside the zone found for the query name, following CNAMEs
 * through every zone in the blob (RFC 1034 4.3.2 step 3a, RFC 6604 for the
 * rcode of a chain): the chain ends at the wanted data, at a name that does
 * not exist, at data we do not serve, or after CNAME_CHAIN_MAX links.
 * The answer section is written link by link; the authority section
 * (negative SOA, denial proofs, the zone's NS) once the chain has ended.
 */
static void answer_in_zone(struct dns_response *r, struct lookup *l, const struct dns_query *q)
{
    const uint8_t *name = q->qname;
    size_t name_len = q->qname_len;
    const struct blob_dns_node *visited[CNAME_CHAIN_MAX];
    enum { ENDED, NEGATIVE, POSITIVE } end = ENDED;
    const struct blob_dns_node *n = NULL;
    const struct blob_dns_rrset *set = NULL;
    enum outcome outcome = FOUND;
    unsigned ce_labels = 0;
    for (unsigned link = 0;; link++) {
        outcome = look_up(l, l->key, l->key_len, q->qtype, &n, &ce_labels);
        if (outcome == REFERRAL) {
            if (link == 0)
                refer(r, l, n);     /* not ours to answer: no AA */
            break;                  /* a chain into a delegation ends here */
        }
        if (link == 0) {
            dns_response_set(r, DNS_RCODE_NOERROR, DNS_FLAG_AA);
            if (outcome == SYNTHESISED) {
                l->rrl_name = blob_bytes(l->b, n->name);
                l->rrl_name_len = n->name.len;
            }
        }
        bool loop = false;
        for (unsigned i = 0; outcome != NO_SUCH_NAME && i < link; i++)
            loop |= visited[i] == n;
        if (loop)
            break;                  /* a CNAME loop: what we have is the answer */
        if (outcome == NO_SUCH_NAME) {
            dns_response_set(r, DNS_RCODE_NXDOMAIN, 0);
            end = NEGATIVE;
            break;
        }
        set = pick_rrset(l->b, n, q->qtype);
        if (!set) {             /* NODATA, at an empty non-terminal too */
            end = NEGATIVE;
            break;
        }
        /* A synthesised answer is owned by the name asked for, not "*". */
        if (!add_answer(r, l, q, name, name_len, n, set)) {
            truncated(r);
            return;
        }
        l->answered[l->answered_count++] = set;
        if (outcome == SYNTHESISED) {
            l->synthesised[l->synthesised_count].zone = l->zone;
            l->synthesised[l->synthesised_count].name = name;
            l->synthesised[l->synthesised_count].name_len = name_len;
            l->synthesised[l->synthesised_count++].ce_labels = ce_labels;
        }
        if (set->type != DNS_TYPE_CNAME || q->qtype == DNS_TYPE_CNAME || q->qtype == DNS_TYPE_ANY) {
            end = POSITIVE;
            break;
        }
        /* Follow the CNAME, if its target is in one of our zones. */
        visited[link] = n;
        if (link + 1 == CNAME_CHAIN_MAX)
            break;
        struct blob_ref target = dns_db_rdata(l->b, set, 0);
        name = blob_bytes(l->b, target);
        name_len = target.len;
        l->key_len = dns_name_to_key(name, name_len, l->key);
        const struct blob_dns_zone *next_zone = dns_db_zone_for(l->b, l->key, l->key_len);
        if (!next_zone)
            break;                  /* the chain leaves the data we serve */
        l->zone = next_zone;
    }

    bool fits = true;
    if (end == NEGATIVE) {
        fits = add_negative_soa(r, l);
        if (fits && proving(l)) {
            if (outcome == NO_SUCH_NAME)
                fits = dnssec_prove_no_name(&l->proof, name, name_len, ce_labels);
            else if (outcome == SYNTHESISED)
                fits = dnssec_prove_wildcard_no_type(&l->proof, name, name_len, ce_labels, n);
            else
                fits = dnssec_prove_no_type(&l->proof, n);
        }
    }
    fits = fits && prove_synthesised(l);
    if (!fits) {
        truncated(r);
        return;
    }
    /* Optional data beside a positive answer; dns.conf's
     * minimal-responses leaves it out (it is what makes a small query's
     * answer large, and resolvers do not need it). */
    if (end == POSITIVE && !(dns_db_server(l->b)->flags & BLOB_DNS_MINIMAL_RESPONSES)) {
        add_target_addresses(l, set);
        if (q->qtype != DNS_TYPE_ANY)
            add_zone_ns(r, l, n, set, q->qtype);
    }
}

/*
 * The runtime `_acme-challenge` TXT records (dns_challenge.h), where they
 * apply (dns_engine_handle() says where): returns false, writing nothing,
 * where they do not, and the zone answers as it always does. The records
 * are written as the zone's RRsets are (owner compressed to the question,
 * TC when they do not all fit, the zone's NS beside a positive answer).
 */
static bool answer_challenge(struct dns_response *r, struct lookup *l, const struct dns_query *q,
                             const struct dns_challenges *challenges)
{
    size_t at = 0;
    const struct dns_challenge *c = challenges ? dns_challenges_next(challenges, q->qname, q->qname_len, &at) : NULL;
    if (!c || dns_db_zone_signed(l->zone))
        return false;
    const struct blob_dns_node *n;
    unsigned ce_labels;
    enum outcome outcome = look_up(l, l->key, l->key_len, q->qtype, &n, &ce_labels);
    bool txt = q->qtype == DNS_TYPE_TXT || q->qtype == DNS_TYPE_ANY;
    if (outcome == REFERRAL || (!txt && outcome == FOUND))
        return false;
    dns_response_set(r, DNS_RCODE_NOERROR, DNS_FLAG_AA);
    if (!txt) {
        if (!add_negative_soa(r, l))
            truncated(r);
        return true;
    }
    struct dns_response_mark mark = dns_response_mark(r);
    for (; c; c = dns_challenges_next(challenges, q->qname, q->qname_len, &at)) {
        uint8_t rdata[1 + DNS_CHALLENGE_VALUE_MAX];     /* one character-string */
        rdata[0] = (uint8_t)c->value_len;
        memcpy(rdata + 1, c->value, c->value_len);
        if (!dns_response_add_record(r, DNS_SECTION_ANSWER, q->qname, q->qname_len, DNS_TYPE_TXT, DNS_CLASS_IN,
                                     DNS_CHALLENGE_TTL, rdata, 1 + c->value_len)) {
            dns_response_rewind(r, mark);       /* never part of an RRset */
            truncated(r);
            return true;
        }
    }
    /* No node answered (NULL): add_zone_ns() then never looks at the set. */
    if (!(dns_db_server(l->b)->flags & BLOB_DNS_MINIMAL_RESPONSES) && q->qtype != DNS_TYPE_ANY)
        add_zone_ns(r, l, NULL, NULL, q->qtype);
    return true;
}

enum dns_challenge_fit dns_engine_challenge_fit(const struct blob *b, const uint8_t *name, size_t name_len)
{
    struct lookup l;
    l.b = b;
    l.key_len = dns_name_to_key(name, name_len, l.key);
    l.zone = dns_db_zone_for(b, l.key, l.key_len);
    if (!l.zone)
        return DNS_CHALLENGE_NOT_OURS;
    const struct blob_dns_node *n;
    unsigned ce_labels;
    if (look_up(&l, l.key, l.key_len, DNS_TYPE_TXT, &n, &ce_labels) == REFERRAL)
        return DNS_CHALLENGE_DELEGATED;
    return dns_db_zone_signed(l.zone) ? DNS_CHALLENGE_SIGNED_ZONE : DNS_CHALLENGE_SERVED;
}

const char *dns_challenge_fit_text(enum dns_challenge_fit fit)
{
    switch (fit) {
    case DNS_CHALLENGE_SERVED: return "served";
    case DNS_CHALLENGE_NOT_OURS: return "the name is in none of our zones";
    case DNS_CHALLENGE_DELEGATED: return "the name is delegated to other servers";
    case DNS_CHALLENGE_SIGNED_ZONE:
        return "the zone is DNSSEC-signed offline and unihost cannot sign a runtime TXT record: "
               "use HTTP-01, or an unsigned _acme-challenge zone delegated without DS";
    }
    return "?";
}

/* The zone a DS query for a zone's own apex is answered from: the parent
 * side (RFC 4035 3.1.4.1), when we serve the parent too. */
static const struct blob_dns_zone *parent_zone(const struct blob *b, const struct lookup *l)
{
    unsigned labels = key_label_count(l->key, l->key_len);
    return labels > 0 ? dns_db_zone_for(b, l->key, key_prefix(l->key, l->key_len, labels - 1)) : NULL;
}

/* Is the question name `want` (lower-case wire)? */
static bool question_is(const struct dns_query *q, const char *want, size_t want_len)
{
    return q->qname_len == want_len && dns_name_equal(q->qname, q->qname_len, (const uint8_t *)want, want_len);
}

/*
 * Class CHAOS: the questions about the server itself that NSD and BIND
 * answer. id.server. and hostname.bind. (RFC 4892) give the NSID when one
 * is configured; version.bind. and version.server. the version string
 * only when dns.conf shows it (NSD's hide-version is the default here).
 * Everything else in CHAOS is refused: we serve no CHAOS data.
 */
static unsigned answer_chaos(const struct blob *b, const struct dns_query *q, struct dns_response *r,
                             uint16_t *ede)
{
    const struct blob_dns_server *s = dns_db_server(b);
    struct blob_ref text = {0, 0};
    bool known = true;
    if (question_is(q, "\2id\6server", 11) || question_is(q, "\10hostname\4bind", 15))
        text = s->nsid;
    else if (question_is(q, "\7version\4bind", 14) || question_is(q, "\7version\6server", 16))
        text = (s->flags & BLOB_DNS_SHOW_VERSION) ? s->version : (struct blob_ref){0, 0};
    else
        known = false;
    if (!known || text.len == 0) {
        *ede = known ? 18 : 21;     /* Prohibited, or Not Supported (RFC 8914) */
        return DNS_RCODE_REFUSED;
    }
    dns_response_set(r, DNS_RCODE_NOERROR, DNS_FLAG_AA);
    if ((q->qtype == DNS_TYPE_TXT || q->qtype == DNS_TYPE_ANY) &&
        !dns_response_add_txt(r, DNS_CLASS_CH, blob_bytes(b, text), text.len))
        truncated(r);
    return DNS_RCODE_NOERROR;
}

/* What the rate limiter counts an answer under (dns_rrl.h). */
struct rrl_facts {
    enum dns_rrl_kind kind;
    const uint8_t *what;
    size_t what_len;
};

/* Answers a well-formed query; returns the rcode (sections written into r). */
static unsigned answer_query(const struct blob *b, const struct dns_query *q, enum dns_transport transport,
                             const struct dns_challenges *challenges, struct dns_response *r, uint16_t *ede,
                             struct rrl_facts *facts)
{
    /* Field by field: the arrays are read only below their counts, and
     * zeroing them would cost more than answering most queries. */
    struct lookup l;
    facts->kind = DNS_RRL_ERROR;
    if (q->qclass == DNS_CLASS_CH)
        return answer_chaos(b, q, r, ede);
    l.b = b;
    l.rrl_name = q->qname;
    l.rrl_name_len = q->qname_len;
    l.additional_count = l.answered_count = l.synthesised_count = 0;
    l.no_authority = q->qclass == DNS_CLASS_ANY;
    l.dnssec_ok = q->edns_do;
    l.over_udp = transport == DNS_OVER_UDP;
    dnssec_proof_begin(&l.proof, r, b);
    l.key_len = dns_name_to_key(q->qname, q->qname_len, l.key);
    l.zone = l.first_zone = dns_db_zone_for(b, l.key, l.key_len);

    /* Zone transfers (RFC 5936) that dns_engine_handle() did not start:
     * not over UDP; else refused, at a zone apex, to a client the ACL
     * does not allow. Rcodes as NSD gives them. */
    if (q->qtype == DNS_TYPE_AXFR && transport == DNS_OVER_UDP)
        return DNS_RCODE_NOTIMP;
    if (q->qtype == DNS_TYPE_AXFR || q->qtype == DNS_TYPE_IXFR)
        return l.zone && l.zone->apex_key.len == l.key_len ? DNS_RCODE_REFUSED : DNS_RCODE_NOTAUTH;
    if (!l.zone) {
        *ede = 20;              /* Not Authoritative (RFC 8914) */
        return DNS_RCODE_REFUSED;
    }
    if (q->qclass != DNS_CLASS_IN && q->qclass != DNS_CLASS_ANY) {
        *ede = 21;              /* Not Supported */
        return DNS_RCODE_REFUSED;
    }
    bool ds_at_apex = q->qtype == DNS_TYPE_DS && l.zone->apex_key.len == l.key_len;
    const struct blob_dns_zone *parent = ds_at_apex ? parent_zone(b, &l) : NULL;
    if (parent) {
        /* The child's apex exists for the parent too, even without records
         * there: NODATA, never NXDOMAIN. */
        l.zone = parent;
        const struct blob_dns_node *n = dns_db_node(b, l.zone, l.key, l.key_len);
        const struct blob_dns_rrset *ds = n ? dns_db_rrset(b, n, DNS_TYPE_DS) : NULL;
        dns_response_set(r, DNS_RCODE_NOERROR, DNS_FLAG_AA);
        if (ds ? !add_signed(r, &l, DNS_SECTION_ANSWER, q->qname, q->qname_len, n, ds, UINT32_MAX)
               : !add_negative_soa(r, &l) || (n && proving(&l) && !dnssec_prove_no_type(&l.proof, n)))
            truncated(r);
    } else {
        if (!answer_challenge(r, &l, q, challenges))
            answer_in_zone(r, &l, q);
        write_additional(r, &l);
    }
    if (q->qclass == DNS_CLASS_ANY)     /* data of class IN only: not the whole answer */
        dns_put16(r->buf + 2, (uint16_t)(dns_get16(r->buf + 2) & ~DNS_FLAG_AA));
    unsigned rcode = dns_get16(r->buf + 2) & 0xfu;
    /* NSD's kinds: answers by name and type; denials and referrals by
     * zone, so a flood of random names lands in one bucket. */
    const struct blob_dns_zone *zone = parent ? parent : l.first_zone;
    facts->what = blob_bytes(b, zone->apex);
    facts->what_len = zone->apex.len;
    if (rcode == DNS_RCODE_NXDOMAIN)
        facts->kind = DNS_RRL_NXDOMAIN;
    else if (rcode != DNS_RCODE_NOERROR)
        facts->kind = DNS_RRL_ERROR;
    else if (r->counts[DNS_SECTION_ANSWER] > 0) {
        facts->kind = DNS_RRL_POSITIVE;
        facts->what = l.rrl_name;
        facts->what_len = l.rrl_name_len;
    } else
        facts->kind = (dns_get16(r->buf + 2) & DNS_FLAG_AA) ? DNS_RRL_NODATA : DNS_RRL_REFERRAL;
    return rcode;
}

size_t dns_engine_tsig_keys(const struct blob *b, struct dns_tsig_key *keys, size_t max)
{
    size_t n = b->tsig_key_count < max ? b->tsig_key_count : max;
    for (size_t i = 0; i < n; i++) {
        const struct blob_dns_tsig_key *k = &b->tsig_keys[i];
        keys[i].name = blob_bytes(b, k->name);
        keys[i].name_len = k->name.len;
        keys[i].secret = blob_bytes(b, k->secret);
        keys[i].secret_len = k->secret.len;
        _Static_assert((int)BLOB_DNS_TSIG_HMAC_SHA256 == (int)DNS_TSIG_HMAC_SHA256 &&
                           (int)BLOB_DNS_TSIG_HMAC_SHA384 == (int)DNS_TSIG_HMAC_SHA384 &&
                           (int)BLOB_DNS_TSIG_HMAC_SHA512 == (int)DNS_TSIG_HMAC_SHA512,
                       "the blob numbers algorithms as dns_tsig.h does");
        keys[i].alg = (enum dns_tsig_algorithm)k->algorithm;
    }
    return n;
}

/* Is q a transfer this client may have? Then its zone. */
static const struct blob_dns_zone *transfer_zone(const struct blob *b, const struct dns_query *q,
                                                 enum dns_transport transport, const struct dns_peer *peer,
                                                 uint16_t tsig_key)
{
    if (!peer || DNS_OPCODE(q->flags) != 0 || q->qclass != DNS_CLASS_IN ||
        !(q->qtype == DNS_TYPE_IXFR || (q->qtype == DNS_TYPE_AXFR && transport == DNS_OVER_TCP)))
        return NULL;
    uint8_t key[DNS_NAME_MAX];
    size_t key_len = dns_name_to_key(q->qname, q->qname_len, key);
    const struct blob_dns_zone *zone = dns_db_zone_at(b, key, key_len);
    return zone && dns_transfer_allowed(b, zone, peer, tsig_key) ? zone : NULL;
}

enum dns_action dns_engine_handle(const struct blob *b, const struct dns_engine_env *env, const uint8_t *msg, size_t len,
                                  enum dns_transport transport, const struct dns_peer *peer,
                                  struct dns_transfer *xfr, uint8_t *out, size_t out_size, size_t *out_len)
{
    struct dns_query q;
    enum dns_parse_result parsed = dns_query_parse(msg, len, &q);
    *out_len = 0;
    if (parsed == DNS_PARSE_DROP || out_size < DNS_UDP_MAX_PLAIN)
        return DNS_ACTION_NONE;

    /* TSIG first (RFC 8945 5.2): a request that fails it is answered
     * with the error and nothing else. */
    uint64_t now = env ? env->unix_time : 0;
    struct dns_tsig_state tsig;
    bool signed_request = false;
    uint16_t key = BLOB_DNS_NO_KEY;
    bool tsig_error = false;
    if (q.tsig_off && parsed != DNS_PARSE_FORMERR) {
        switch (dns_tsig_verify_request(&tsig, msg, len, env ? env->tsig_keys : NULL, env ? env->tsig_key_count : 0,
                                        now)) {
        case DNS_TSIG_OK:
            signed_request = true;
            key = (uint16_t)(tsig.key - env->tsig_keys);
            break;
        case DNS_TSIG_NOTAUTH:
            tsig_error = true;
            break;
        default:
            parsed = DNS_PARSE_FORMERR;     /* malformed: FORMERR, no TSIG (5.2) */
            break;
        }
    }

    const struct blob_dns_zone *zone =
        parsed == DNS_PARSE_OK && !tsig_error ? transfer_zone(b, &q, transport, peer, key) : NULL;
    if (zone && transport == DNS_OVER_UDP) {
        *out_len = dns_transfer_soa_answer(b, zone, msg, &q, signed_request ? &tsig : NULL, now, out, out_size);
        return *out_len ? DNS_ACTION_ANSWER : DNS_ACTION_NONE;
    }
    if (zone && xfr) {
        dns_transfer_start(xfr, b, zone, msg, &q, signed_request ? &tsig : NULL, now);
        return DNS_ACTION_TRANSFER;
    }

    size_t limit = DNS_TCP_MAX;
    if (transport == DNS_OVER_UDP) {
        limit = DNS_UDP_MAX_PLAIN;
        if (q.has_edns)
            limit = q.edns_payload < DNS_EDNS_PAYLOAD ? q.edns_payload : DNS_EDNS_PAYLOAD;
    }
    if (limit > out_size)
        limit = out_size;

    struct dns_response r;
    dns_response_begin(&r, out, limit, msg, &q);
    bool edns = q.has_edns && parsed != DNS_PARSE_FORMERR;
    struct dns_edns_extra extra = {NULL, 0, NULL, 0};
    const struct blob_dns_server *server = dns_db_server(b);
    if (q.nsid && server->nsid.len > 0) {       /* RFC 5001: only to those who ask */
        extra.nsid = blob_bytes(b, server->nsid);
        extra.nsid_len = (uint16_t)server->nsid.len;
    }
    /* Cookies (RFC 7873): judged once the query parsed (a FORMERR's OPT
     * is not trusted); what the client sent decides its rate limiting. */
    uint8_t cookie[DNS_COOKIE_ANSWER_LEN];
    enum dns_cookie_status cookie_status = DNS_COOKIE_INVALID;
    bool cookie_sent = edns && q.cookie && env && env->cookies && peer &&
                       (server->flags & BLOB_DNS_ANSWER_COOKIE);
    if (cookie_sent) {
        cookie_status = dns_cookie_answer(env->cookies, q.cookie, q.cookie_len, peer, (uint32_t)env->unix_time,
                                          cookie);
        if (env->cookie_counts)
            env->cookie_counts[cookie_status]++;
        if (cookie_status == DNS_COOKIE_MALFORMED) {
            parsed = DNS_PARSE_FORMERR;     /* 5.2.2: and no cookie back */
            cookie_sent = false;
        } else {
            extra.cookie = cookie;
            extra.cookie_len = DNS_COOKIE_ANSWER_LEN;
        }
    }
    if (edns)
        dns_response_reserve(&r, DNS_OPT_SIZE + dns_edns_extra_size(&extra));     /* EDE only beside no records */
    size_t signature = signed_request || tsig_error ? dns_tsig_rr_size(&tsig) : 0;
    if (signature > r.limit - r.len) {
        *out_len = 0;
        return DNS_ACTION_NONE;     /* no room for the TSIG at all: a 512-byte client with a long key name */
    }
    dns_response_reserve(&r, signature);
    unsigned rcode = DNS_RCODE_NOERROR;
    uint16_t ede = DNS_EDE_NONE;
    struct rrl_facts facts = {DNS_RRL_ERROR, NULL, 0};

    if (tsig_error)
        parsed = DNS_PARSE_TSIG_ERROR;
    switch (parsed) {
    case DNS_PARSE_FORMERR:
        rcode = DNS_RCODE_FORMERR;
        break;
    case DNS_PARSE_NOTIMP:
        dns_response_drop_question(&r);
        rcode = DNS_RCODE_NOTIMP;
        break;
    case DNS_PARSE_BADVERS:
        rcode = DNS_RCODE_BADVERS;
        break;
    case DNS_PARSE_TSIG_ERROR:
        rcode = DNS_RCODE_NOTAUTH;          /* the TSIG's error says why (RFC 8945 5.2) */
        break;
    case DNS_PARSE_COOKIE_PROBE:
        /* RFC 7873 5.4: a cookie and no question asks only for our
         * cookie: NOERROR, or BADCOOKIE when it held a server cookie that
         * is not valid; a server not answering cookies says FORMERR. */
        rcode = !cookie_sent                         ? DNS_RCODE_FORMERR
                : cookie_status == DNS_COOKIE_INVALID ? DNS_RCODE_BADCOOKIE
                                                      : DNS_RCODE_NOERROR;
        break;
    default:
        rcode = answer_query(b, &q, transport, env ? env->challenges : NULL, &r, &ede, &facts);
        break;
    }
    dns_response_set(&r, rcode, 0);
    /* A valid server cookie proves the address (RFC 7873 5.2.5): its
     * answers cannot be reflected at a victim, so they are not limited. */
    if (transport == DNS_OVER_UDP && env && env->rrl && peer &&
        !(cookie_sent && cookie_status == DNS_COOKIE_VALID)) {
        switch (dns_rrl_account(env->rrl, peer, facts.kind, facts.what, facts.what_len, q.qtype, env->now_ms)) {
        case DNS_RRL_SEND:
            break;
        case DNS_RRL_DROP:
            return DNS_ACTION_NONE;
        case DNS_RRL_SLIP:
            /* Nothing worth reflecting: the header, the question, and TC
             * so that a real client asks again over TCP, which is never
             * limited; or, to a client that speaks cookies, BADCOOKIE and
             * a fresh server cookie (5.2.3), which exempts its retry. */
            dns_response_clear_sections(&r);
            ede = DNS_EDE_NONE;
            if (cookie_sent) {
                rcode = DNS_RCODE_BADCOOKIE;
                dns_response_set(&r, rcode, 0);
                dns_put16(r.buf + 2, (uint16_t)(dns_get16(r.buf + 2) & ~DNS_FLAG_AA));
            } else {
                truncated(&r);
            }
            break;
        }
    }
    if (edns)
        dns_response_add_opt(&r, rcode, q.edns_do, ede, &extra);
    *out_len = r.len;
    if (signed_request || tsig_error) {
        *out_len = dns_tsig_sign_response(&tsig, out, r.len, r.len + signature, now);
        if (*out_len == 0)
            return DNS_ACTION_NONE;     /* cannot happen: its room was kept */
    }
    return DNS_ACTION_ANSWER;
}

size_t dns_engine_answer(const struct blob *b, const uint8_t *msg, size_t len,
                         enum dns_transport transport, uint8_t *out, size_t out_size)
{
    size_t n;
    return dns_engine_handle(b, NULL, msg, len, transport, NULL, NULL, out, out_size, &n) == DNS_ACTION_ANSWER ? n
                                                                                                         : 0;
}
