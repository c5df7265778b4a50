/* The read API over the blob's zones: see dns_db.h. */
#include "dns/dns_db.h"

#include <string.h>

#include "wire/dns_name.h"

/* A blob serves a handful of zones: a scan is as fast as any index, and
 * the zones need no order. */
const struct blob_dns_zone *dns_db_zone_for(const struct blob *b, const uint8_t *key, size_t key_len)
{
    const struct blob_dns_zone *best = NULL;
    for (uint32_t i = 0; i < b->zone_count; i++) {
        const struct blob_dns_zone *z = &b->zones[i];
        if (z->apex_key.len <= key_len && (!best || z->apex_key.len > best->apex_key.len) &&
            memcmp(blob_bytes(b, z->apex_key), key, z->apex_key.len) == 0)
            best = z;
    }
    /* Keys hold each label's length byte, so a byte prefix that is a whole
     * key is a whole number of labels: an ancestor, never "exa" of
     * "example". */
    return best;
}

const struct blob_dns_zone *dns_db_zone_at(const struct blob *b, const uint8_t *key, size_t key_len)
{
    const struct blob_dns_zone *z = dns_db_zone_for(b, key, key_len);
    return z && z->apex_key.len == key_len ? z : NULL;
}

/* Is the key's name in zone z's namespace (the apex or below it)? */
static bool under_apex(const struct blob *b, const struct blob_dns_zone *z, const uint8_t *key, size_t key_len)
{
    return key_len >= z->apex_key.len && memcmp(blob_bytes(b, z->apex_key), key, z->apex_key.len) == 0;
}

/* Index in zone z of the first node not before the key (node_count if
 * none), for a key under the zone's apex. Every node's key starts with the
 * apex's, so the comparisons start after it: half the work on a query's
 * path, where most names are a label or two below the apex. */
static uint32_t lower_bound(const struct blob *b, const struct blob_dns_zone *z, const uint8_t *key,
                            size_t key_len)
{
    const struct blob_dns_node *nodes = &b->nodes[z->node_first];
    size_t skip = z->apex_key.len;
    uint32_t lo = 0, hi = z->node_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (dns_key_compare(blob_bytes(b, nodes[mid].key) + skip, nodes[mid].key.len - skip, key + skip,
                            key_len - skip) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const struct blob_dns_node *dns_db_node(const struct blob *b, const struct blob_dns_zone *z,
                                        const uint8_t *key, size_t key_len)
{
    if (!under_apex(b, z, key, key_len))
        return NULL;
    uint32_t at = lower_bound(b, z, key, key_len);
    if (at == z->node_count)
        return NULL;
    const struct blob_dns_node *n = &b->nodes[z->node_first + at];
    return n->key.len == key_len && memcmp(blob_bytes(b, n->key), key, key_len) == 0 ? n : NULL;
}

const struct blob_dns_node *dns_db_node_before(const struct blob *b, const struct blob_dns_zone *z,
                                               const uint8_t *key, size_t key_len)
{
    if (!under_apex(b, z, key, key_len))
        return dns_db_apex(b, z);
    uint32_t at = lower_bound(b, z, key, key_len);
    return &b->nodes[z->node_first + (at > 0 ? at - 1 : 0)];
}

const struct blob_dns_rrset *dns_db_signatures(const struct blob *b, const struct blob_dns_node *n,
                                               uint16_t type)
{
    /* RRSIG RRsets sit together, in order of covered type. */
    const struct blob_dns_rrset *s = &b->rrsets[n->rrset_first];
    for (uint32_t i = 0; i < n->rrset_count && s[i].type <= DNS_TYPE_RRSIG; i++)
        if (s[i].type == DNS_TYPE_RRSIG && dns_db_rrsig_covers(b, &s[i]) == type)
            return &s[i];
    return NULL;
}

const struct blob_dns_node *dns_db_nsec_cover(const struct blob *b, const struct blob_dns_zone *z,
                                              const uint8_t *key, size_t key_len)
{
    return dns_db_nsec_after(b, dns_db_node_before(b, z, key, key_len));
}

/* Orders a 32-digit hash against the first label of an NSEC3 owner. */
static int hash_compare(const struct blob *b, const struct blob_dns_node *n, const char hash[32])
{
    const uint8_t *label = blob_bytes(b, n->name);
    size_t len = label[0] < n->name.len ? label[0] : n->name.len - 1;
    int c = memcmp(label + 1, hash, len < 32 ? len : 32);
    return c ? c : (len > 32) - (len < 32);
}

const struct blob_dns_node *dns_db_nsec3_cover(const struct blob *b, const struct blob_dns_zone *z,
                                               const char hash[32], bool *exact)
{
    const uint32_t *index = b->nsec3 + z->nsec3_first;
    uint32_t lo = 0, hi = z->nsec3_count;
    *exact = false;
    if (z->nsec3_count == 0)
        return NULL;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = hash_compare(b, &b->nodes[index[mid]], hash);
        if (c == 0) {
            *exact = true;
            return &b->nodes[index[mid]];
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return &b->nodes[index[lo > 0 ? lo - 1 : z->nsec3_count - 1]];
}
