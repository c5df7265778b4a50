/* Grant table v1 bookkeeping: see gnttab.h. */
#include "xen/gnttab.h"

#include <string.h>

void gnttab_init(struct gnttab *g, grant_entry_v1_t *entries, uint32_t count,
                 uint32_t (*frame_of)(const void *page))
{
    if (count > GNTTAB_MAX_ENTRIES)
        count = GNTTAB_MAX_ENTRIES;
    g->entries = entries;
    g->count = count;
    g->frame_of = frame_of;
    g->free_head = count;
    for (uint32_t ref = count; ref-- > GNTTAB_NR_RESERVED_ENTRIES;) {
        g->next_free[ref] = g->free_head;
        g->free_head = ref;
    }
}

int32_t gnttab_grant(struct gnttab *g, domid_t domid, const void *page, bool readonly)
{
    uint32_t ref = g->free_head;
    if (ref >= g->count)
        return -1;
    g->free_head = g->next_free[ref];
    grant_entry_v1_t *e = &g->entries[ref];
    e->frame = g->frame_of(page);
    e->domid = domid;
    /* The other side trusts the entry once flags say so: frame and domid
     * must be visible first. */
    __atomic_store_n(&e->flags, (uint16_t)(GTF_permit_access | (readonly ? GTF_readonly : 0)),
                     __ATOMIC_RELEASE);
    return (int32_t)ref;
}

bool gnttab_end(struct gnttab *g, grant_ref_t ref)
{
    if (ref < GNTTAB_NR_RESERVED_ENTRIES || ref >= g->count)
        return false;
    grant_entry_v1_t *e = &g->entries[ref];
    uint16_t flags = __atomic_load_n(&e->flags, __ATOMIC_ACQUIRE);
    do {
        if (flags & (GTF_reading | GTF_writing))
            return false;
    } while (!__atomic_compare_exchange_n(&e->flags, &flags, 0, false, __ATOMIC_SEQ_CST,
                                          __ATOMIC_ACQUIRE));
    g->next_free[ref] = g->free_head;
    g->free_head = ref;
    return true;
}
