/* DNS tables of the blob: see zone_emit.h. */
#include "zone_emit.h"

#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "wire/dns_name.h"
#include "wire/dns_wire.h"
#include "util.h"

/* State while walking one zone's names in canonical order. */
struct zone_walk {
    struct blob_writer *w;
    const struct zone *zone;
    const uint8_t *last_key;    /* key of the node emitted last */
    size_t last_key_len;
    const uint8_t *cut_key;     /* the zone cut we are inside, if any */
    size_t cut_key_len;
    int nsec_signed;            /* the zone proves denial with NSEC */
    uint32_t last_nsec;         /* the last node emitted with an NSEC RRset */
    /* The zone's nodes so far, in canonical order (for resolving targets). */
    struct emitted_node {
        const uint8_t *key;
        size_t key_len;
        uint32_t index;
    } *nodes;
    size_t node_count;
    /* RDATA whose target names are resolved once every node is known. */
    struct pending_target {
        uint32_t rdata;         /* index in BLOB_TABLE_DNS_RDATAS (and _TARGETS) */
        const uint8_t *name;    /* the target name, inside the RDATA */
        size_t name_len;
    } *targets;
    size_t target_count;
};

/* An NSEC3 owner node and the hash label that orders it. */
struct nsec3_owner {
    const uint8_t *label;       /* first label of the owner, length byte first */
    uint32_t node;
};

static int by_hash_label(const void *a, const void *b)
{
    const struct nsec3_owner *x = a, *y = b;
    size_t n = x->label[0] < y->label[0] ? x->label[0] : y->label[0];
    int c = memcmp(x->label + 1, y->label + 1, n);
    return c ? c : (int)x->label[0] - (int)y->label[0];
}

static int is_wildcard(const uint8_t *wire)
{
    return wire[0] == 1 && wire[1] == '*';
}

/* Leaves the current cut once names are no longer below it; flags a name inside it. */
static uint32_t below_cut_flag(struct zone_walk *walk, const uint8_t *key, size_t key_len)
{
    if (walk->cut_key && !zone_key_at_or_below(key, key_len, walk->cut_key, walk->cut_key_len))
        walk->cut_key = NULL;
    if (walk->cut_key && key_len > walk->cut_key_len)
        return BLOB_DNS_NODE_BELOW_CUT;
    return 0;
}

/*
 * NSEC-signed zones: a node's link is itself when it holds an NSEC, else
 * the nearest node before it that does (an empty non-terminal or glue is
 * covered by the NSEC of the name before it in canonical order).
 */
static uint32_t add_node(struct zone_walk *walk, const uint8_t *wire, size_t wire_len,
                         const uint8_t *key, size_t key_len, uint32_t flags,
                         uint32_t rrset_first, uint32_t rrset_count, int has_nsec)
{
    uint32_t index = blob_writer_count(walk->w, BLOB_TABLE_DNS_NODES);
    if (walk->nsec_signed && has_nsec)
        walk->last_nsec = index;
    struct blob_dns_node node;
    memset(&node, 0, sizeof node);
    node.name = blob_writer_bytes(walk->w, wire, wire_len);
    node.key = blob_writer_bytes(walk->w, key, key_len);
    node.rrset_first = rrset_first;
    node.rrset_count = rrset_count;
    node.flags = flags | (is_wildcard(wire) ? BLOB_DNS_NODE_WILDCARD : 0);
    node.nsec_node = walk->nsec_signed ? walk->last_nsec : UINT32_MAX;
    blob_writer_add(walk->w, BLOB_TABLE_DNS_NODES, &node);
    walk->nodes = xrealloc(walk->nodes, (walk->node_count + 1) * sizeof *walk->nodes);
    walk->nodes[walk->node_count++] = (struct emitted_node){key, key_len, index};
    walk->last_key = key;
    walk->last_key_len = key_len;
    return index;
}

/*
 * Emits the empty non-terminals above an owner name: its ancestors strictly
 * below the apex that are not yet emitted. In canonical order an ancestor
 * comes before all its descendants, which follow it contiguously; so an
 * ancestor was already emitted exactly when the previous node lies at or
 * below it.
 */
static void add_empty_non_terminals(struct zone_walk *walk, const struct zone_rr *owner)
{
    size_t label_offsets[DNS_NAME_MAX / 2 + 1];
    size_t labels = 0;
    for (size_t i = 0; owner->owner[i] != 0; i += 1u + owner->owner[i])
        label_offsets[labels++] = i;
    /* Ancestors from the one just below the apex down to the owner's parent. */
    for (size_t k = labels; k-- > 1;) {
        size_t wire_len = owner->owner_len - label_offsets[k];
        size_t key_len = wire_len - 1;      /* a key is its wire name without the root label */
        if (key_len <= walk->zone->apex_key_len)
            continue;
        if (walk->last_key &&
            zone_key_at_or_below(walk->last_key, walk->last_key_len, owner->key, key_len))
            continue;
        uint32_t flags = below_cut_flag(walk, owner->key, key_len);
        add_node(walk, owner->owner + label_offsets[k], wire_len, owner->key, key_len, flags,
                 blob_writer_count(walk->w, BLOB_TABLE_DNS_RRSETS), 0, 0);
    }
}

static int apex_has(const struct zone *z, uint16_t type)
{
    for (size_t i = 0; i < z->rr_count && z->rrs[i].key_len == z->apex_key_len; i++)
        if (z->rrs[i].type == type && memcmp(z->rrs[i].key, z->apex_key, z->apex_key_len) == 0)
            return 1;
    return 0;
}

/* Notes an RDATA's target name, if its type has one whose addresses go in
 * the additional section (NS, MX, SRV; a CNAME's target is followed
 * instead). Every RDATA gets a slot in the targets table. */
static void add_target_slot(struct zone_walk *walk, uint16_t type, uint32_t rdata, const uint8_t *rd,
                            size_t rd_len)
{
    uint32_t none = BLOB_DNS_NO_TARGET;
    blob_writer_add(walk->w, BLOB_TABLE_DNS_TARGETS, &none);
    int skip = dns_rdata_target_offset(type);
    if (skip < 0 || type == DNS_TYPE_CNAME || (size_t)skip >= rd_len)
        return;
    size_t name_len = dns_name_wire_len(rd + skip, rd_len - (size_t)skip);
    if (name_len == 0)
        return;
    walk->targets = xrealloc(walk->targets, (walk->target_count + 1) * sizeof *walk->targets);
    walk->targets[walk->target_count++] = (struct pending_target){rdata, rd + skip, name_len};
}

/* Points each noted RDATA at the node of its target in the zone, found as
 * the engine would find it: the same key, by binary search. */
static void resolve_targets(struct zone_walk *walk)
{
    for (size_t t = 0; t < walk->target_count; t++) {
        uint8_t key[DNS_NAME_MAX];
        size_t key_len = dns_name_to_key(walk->targets[t].name, walk->targets[t].name_len, key);
        size_t lo = 0, hi = walk->node_count;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            int c = dns_key_compare(walk->nodes[mid].key, walk->nodes[mid].key_len, key, key_len);
            if (c == 0) {
                *(uint32_t *)blob_writer_record(walk->w, BLOB_TABLE_DNS_TARGETS, walk->targets[t].rdata) =
                    walk->nodes[mid].index;
                break;
            }
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
    }
}

static unsigned emit_zone(struct blob_writer *w, const struct zone *z)
{
    struct zone_walk walk = {w, z, NULL, 0, NULL, 0, 0, UINT32_MAX, NULL, 0, NULL, 0};
    struct blob_dns_zone rec;
    memset(&rec, 0, sizeof rec);
    /* Signed as the apex says (zone_check_dnssec made the rest agree). */
    if (apex_has(z, LDNS_RR_TYPE_NSEC))
        rec.flags |= BLOB_DNS_ZONE_NSEC;
    else if (apex_has(z, LDNS_RR_TYPE_NSEC3PARAM))
        rec.flags |= BLOB_DNS_ZONE_NSEC3;
    walk.nsec_signed = (rec.flags & BLOB_DNS_ZONE_NSEC) != 0;
    struct nsec3_owner *nsec3 = NULL;
    size_t nsec3_count = 0;
    rec.apex = blob_writer_bytes(w, z->apex, z->apex_len);
    rec.apex_key = blob_writer_bytes(w, z->apex_key, z->apex_key_len);
    rec.node_first = blob_writer_count(w, BLOB_TABLE_DNS_NODES);

    for (size_t start = 0, end; start < z->rr_count; start = end) {
        const struct zone_rr *owner = &z->rrs[start];
        for (end = start + 1; end < z->rr_count && z->rrs[end].key_len == owner->key_len &&
                              memcmp(z->rrs[end].key, owner->key, owner->key_len) == 0; end++)
            ;
        add_empty_non_terminals(&walk, owner);
        int apex = owner->key_len == z->apex_key_len;
        uint32_t flags = below_cut_flag(&walk, owner->key, owner->key_len);
        uint32_t rrset_first = blob_writer_count(w, BLOB_TABLE_DNS_RRSETS);
        int has_nsec = 0, has_nsec3 = 0;
        for (size_t i = start, next; i < end; i = next) {
            struct blob_dns_rrset set;
            memset(&set, 0, sizeof set);
            set.type = z->rrs[i].type;
            set.rclass = LDNS_RR_CLASS_IN;
            set.ttl = z->rrs[i].ttl;
            set.rdata_first = blob_writer_count(w, BLOB_TABLE_DNS_RDATAS);
            has_nsec |= set.type == LDNS_RR_TYPE_NSEC;
            has_nsec3 |= set.type == LDNS_RR_TYPE_NSEC3;
            for (next = i; next < end && zone_same_rrset(&z->rrs[next], &z->rrs[i]); next++) {
                struct blob_ref rdata = blob_writer_bytes(w, z->rrs[next].rdata, z->rrs[next].rdata_len);
                uint32_t rdata_index = blob_writer_add(w, BLOB_TABLE_DNS_RDATAS, &rdata);
                add_target_slot(&walk, set.type, rdata_index, z->rrs[next].rdata, z->rrs[next].rdata_len);
                set.rdata_count++;
            }
            uint32_t index = blob_writer_add(w, BLOB_TABLE_DNS_RRSETS, &set);
            if (apex && set.type == LDNS_RR_TYPE_SOA)
                rec.soa_rrset = index;
            if (set.type == LDNS_RR_TYPE_NS && !apex && !(flags & BLOB_DNS_NODE_BELOW_CUT)) {
                flags |= BLOB_DNS_NODE_DELEGATION;
                walk.cut_key = owner->key;
                walk.cut_key_len = owner->key_len;
            }
        }
        if (apex)
            flags |= BLOB_DNS_NODE_APEX;
        uint32_t node = add_node(&walk, owner->owner, owner->owner_len, owner->key, owner->key_len, flags,
                                 rrset_first, blob_writer_count(w, BLOB_TABLE_DNS_RRSETS) - rrset_first,
                                 has_nsec);
        if (has_nsec3 && (rec.flags & BLOB_DNS_ZONE_NSEC3)) {
            nsec3 = xrealloc(nsec3, (nsec3_count + 1) * sizeof *nsec3);
            nsec3[nsec3_count++] = (struct nsec3_owner){owner->owner, node};
        }
    }
    rec.node_count = blob_writer_count(w, BLOB_TABLE_DNS_NODES) - rec.node_first;
    resolve_targets(&walk);
    free(walk.nodes);
    free(walk.targets);
    /* The NSEC3 owners by hash: base32hex keeps the hash order in ASCII
     * (digits before letters), so sorting the labels sorts the hashes. */
    if (nsec3_count > 1)
        qsort(nsec3, nsec3_count, sizeof *nsec3, by_hash_label);
    rec.nsec3_first = blob_writer_count(w, BLOB_TABLE_DNS_NSEC3);
    rec.nsec3_count = (uint32_t)nsec3_count;
    for (size_t i = 0; i < nsec3_count; i++)
        blob_writer_add(w, BLOB_TABLE_DNS_NSEC3, &nsec3[i].node);
    free(nsec3);
    rec.acl_first = blob_writer_count(w, BLOB_TABLE_DNS_TRANSFER_ACL);
    for (size_t i = 0; i < z->acl_count; i++) {
        struct blob_dns_acl acl;
        memset(&acl, 0, sizeof acl);
        acl.family = z->acl[i].family;
        acl.prefix_len = z->acl[i].prefix_len;
        acl.key = z->acl[i].key;
        memcpy(acl.addr, z->acl[i].addr, sizeof acl.addr);
        blob_writer_add(w, BLOB_TABLE_DNS_TRANSFER_ACL, &acl);
    }
    rec.acl_count = (uint32_t)z->acl_count;
    rec.notify_first = blob_writer_count(w, BLOB_TABLE_DNS_NOTIFY);
    for (size_t i = 0; i < z->notify_count; i++) {
        struct blob_dns_notify n;
        memset(&n, 0, sizeof n);
        n.family = z->notify[i].family;
        n.port = z->notify[i].port;
        n.key = z->notify[i].key;
        memcpy(n.addr, z->notify[i].addr, sizeof n.addr);
        blob_writer_add(w, BLOB_TABLE_DNS_NOTIFY, &n);
    }
    rec.notify_count = (uint32_t)z->notify_count;
    blob_writer_add(w, BLOB_TABLE_DNS_ZONES, &rec);
    return (unsigned)z->rr_count;
}

unsigned zone_emit(struct blob_writer *w, const struct zone_set *set)
{
    unsigned records = 0;
    for (size_t i = 0; i < set->count; i++)
        records += emit_zone(w, &set->items[i]);
    return records;
}
