/*
 * Grant tables, version 1: we write entries into the table Xen shares with
 * us to let one other domain (the netback's) read or write one of our pages.
 * The bookkeeping (which refs are free, how an entry is filled and ended)
 * is plain memory work, so the hosted tests run it on an ordinary array;
 * only gnttab_map_frames() talks to Xen.
 */
#ifndef UNIHOST_XEN_GNTTAB_H
#define UNIHOST_XEN_GNTTAB_H

#include <stdbool.h>
#include <stdint.h>

#include "xen/xen_abi.h"

#define GNTTAB_MAX_ENTRIES 2048     /* 4 frames of v1 entries */

struct gnttab {
    grant_entry_v1_t *entries;
    uint32_t count;
    uint32_t free_head;             /* first free ref; count when none */
    uint32_t next_free[GNTTAB_MAX_ENTRIES];
    /* The frame number of a page of ours: its physical address / 4 KiB on
     * Xen (identity-mapped), something the simulation resolves in tests. */
    uint32_t (*frame_of)(const void *page);
};

/* Takes `entries` (count <= GNTTAB_MAX_ENTRIES) as the table; refs below
 * GNTTAB_NR_RESERVED_ENTRIES stay for the toolstack. */
void gnttab_init(struct gnttab *g, grant_entry_v1_t *entries, uint32_t count,
                 uint32_t (*frame_of)(const void *page));

/* Lets `domid` access `page`; the ref, or -1 when the table is full. */
int32_t gnttab_grant(struct gnttab *g, domid_t domid, const void *page, bool readonly);

/* Revokes a grant; false (and the ref stays granted) while the other side
 * still has the page mapped or is copying -- call again later. */
bool gnttab_end(struct gnttab *g, grant_ref_t ref);

/* On Xen: maps the table's frames over `frames` pages of ours with
 * XENMEM_add_to_physmap and gives the table to gnttab_init(). */
int gnttab_map_frames(struct gnttab *g, void *pages, unsigned frames);

#endif
