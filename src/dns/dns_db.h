/*
 * The read API over the zones of a content blob, in the manner of NSD's
 * namedb: crunch builds the database once, and the query path reads it
 * through these few calls from top to bottom -- a zone for a name, a node
 * in a zone, an RRset at a node, and the NSEC or NSEC3 record that covers
 * a name. The engine (dns_engine.c), the DNSSEC proofs (dns_dnssec.c) and
 * zone transfers (dns_transfer.c) all read the blob through it, and
 * nothing else in dns/ walks the blob's DNS tables.
 *
 * Names are looked up by their reversed-label keys (wire/dns_name.h):
 * within a zone, nodes are in canonical order, so one binary search finds
 * a name or the place it would be. blob_open() checked every index and
 * offset these calls follow, so they check nothing again.
 */
#ifndef UNIHOST_DNS_DB_H
#define UNIHOST_DNS_DB_H

#include <stdbool.h>
#include <string.h>
#include <stddef.h>
#include <stdint.h>

#include "content/blob.h"
#include "wire/dns_wire.h"

/* ---- zones ---------------------------------------------------------------- */

/* The zone whose apex is the longest ancestor-or-self of the name with
 * this key (the zone that answers for it), or NULL. */
const struct blob_dns_zone *dns_db_zone_for(const struct blob *b, const uint8_t *key, size_t key_len);

/* The zone whose apex is exactly this name, or NULL. */
const struct blob_dns_zone *dns_db_zone_at(const struct blob *b, const uint8_t *key, size_t key_len);

static inline const struct blob_dns_node *dns_db_apex(const struct blob *b, const struct blob_dns_zone *z)
{
    return &b->nodes[z->node_first];
}

static inline const struct blob_dns_rrset *dns_db_soa(const struct blob *b, const struct blob_dns_zone *z)
{
    return &b->rrsets[z->soa_rrset];
}

/* The i-th entry of the zone's transfer ACL (i < z->acl_count). */
static inline const struct blob_dns_acl *dns_db_acl(const struct blob *b, const struct blob_dns_zone *z, uint32_t i)
{
    return &b->acls[z->acl_first + i];
}

/* ---- server-wide options ----------------------------------------------------- */

/* The DNS options (dns.conf), the defaults if the blob has none. */
static inline const struct blob_dns_server *dns_db_server(const struct blob *b)
{
    return b->dns_server;
}

/* The i-th NOTIFY target of the zone (i < z->notify_count). */
static inline const struct blob_dns_notify *dns_db_notify(const struct blob *b, const struct blob_dns_zone *z,
                                                          uint32_t i)
{
    return &b->notifies[z->notify_first + i];
}

/* Is `addr` (of `family`: 4 or 6, network byte order) inside the prefix? */
static inline bool dns_db_prefix_contains(const struct blob_dns_acl *prefix, uint8_t family, const uint8_t *addr)
{
    if (prefix->family != family)
        return false;
    unsigned whole = prefix->prefix_len / 8u, rest = prefix->prefix_len % 8u;
    if (memcmp(prefix->addr, addr, whole) != 0)
        return false;
    uint8_t mask = (uint8_t)(0xff00u >> rest);
    return rest == 0 || ((prefix->addr[whole] ^ addr[whole]) & mask) == 0;
}

/* Does the zone carry denial-of-existence records (NSEC or NSEC3)? */
static inline bool dns_db_zone_signed(const struct blob_dns_zone *z)
{
    return (z->flags & (BLOB_DNS_ZONE_NSEC | BLOB_DNS_ZONE_NSEC3)) != 0;
}

/* ---- nodes ---------------------------------------------------------------- */

/* The i-th node of zone z (i < z->node_count; 0 is the apex), in
 * canonical order. */
static inline const struct blob_dns_node *dns_db_zone_node(const struct blob *b, const struct blob_dns_zone *z,
                                                           uint32_t i)
{
    return &b->nodes[z->node_first + i];
}

/* The node of the name with this key in zone z, or NULL. */
const struct blob_dns_node *dns_db_node(const struct blob *b, const struct blob_dns_zone *z,
                                        const uint8_t *key, size_t key_len);

/* The last node of zone z before the key in canonical order (the apex when
 * none is): where an absent name would sit. */
const struct blob_dns_node *dns_db_node_before(const struct blob *b, const struct blob_dns_zone *z,
                                               const uint8_t *key, size_t key_len);

static inline const uint8_t *dns_db_node_name(const struct blob *b, const struct blob_dns_node *n)
{
    return blob_bytes(b, n->name);
}

/* ---- RRsets --------------------------------------------------------------- */

/* The i-th RRset at node n (i < n->rrset_count), in order of type. */
static inline const struct blob_dns_rrset *dns_db_rrset_at(const struct blob *b, const struct blob_dns_node *n,
                                                           uint32_t i)
{
    return &b->rrsets[n->rrset_first + i];
}

/* The RRset of this type at node n (RRSIG: the first one), or NULL. */
static inline const struct blob_dns_rrset *dns_db_rrset(const struct blob *b, const struct blob_dns_node *n,
                                                        uint16_t type)
{
    const struct blob_dns_rrset *s = &b->rrsets[n->rrset_first];
    for (uint32_t i = 0; i < n->rrset_count; i++)
        if (s[i].type == type)
            return &s[i];
    return NULL;
}

/* The i-th RDATA of an RRset. */
static inline struct blob_ref dns_db_rdata(const struct blob *b, const struct blob_dns_rrset *set, uint32_t i)
{
    return b->rdatas[set->rdata_first + i];
}

/* The node, in the RRset's own zone, of the name the i-th record of an NS,
 * MX or SRV RRset points at (whose addresses go in the additional
 * section), or NULL: found by crunch, checked by blob_open(). */
static inline const struct blob_dns_node *dns_db_target(const struct blob *b, const struct blob_dns_rrset *set,
                                                        uint32_t i)
{
    uint32_t node = b->targets[set->rdata_first + i];
    return node == BLOB_DNS_NO_TARGET ? NULL : &b->nodes[node];
}

/* The type an RRSIG RRset covers (one covered type per RRset). */
static inline uint16_t dns_db_rrsig_covers(const struct blob *b, const struct blob_dns_rrset *sig)
{
    return dns_get16(blob_bytes(b, dns_db_rdata(b, sig, 0)));
}

/* The RRSIG RRset at node n covering `type`, or NULL. */
const struct blob_dns_rrset *dns_db_signatures(const struct blob *b, const struct blob_dns_node *n,
                                               uint16_t type);

/* ---- denial of existence -------------------------------------------------- */

/* NSEC zones: the node whose NSEC covers the names just after node n, or
 * NULL (unsigned zone). */
static inline const struct blob_dns_node *dns_db_nsec_after(const struct blob *b, const struct blob_dns_node *n)
{
    return n->nsec_node == UINT32_MAX ? NULL : &b->nodes[n->nsec_node];
}

/* NSEC zones: the node whose NSEC covers a name absent from zone z, or
 * NULL. */
const struct blob_dns_node *dns_db_nsec_cover(const struct blob *b, const struct blob_dns_zone *z,
                                              const uint8_t *key, size_t key_len);

/*
 * NSEC3 zones: the owner of the NSEC3 whose hashed name is `hash` (32
 * base32hex digits, lower case; *exact set), or else the one covering it
 * (the last before it in hash order, wrapping round). NULL for a zone
 * without NSEC3 records.
 */
const struct blob_dns_node *dns_db_nsec3_cover(const struct blob *b, const struct blob_dns_zone *z,
                                               const char hash[32], bool *exact);

#endif
