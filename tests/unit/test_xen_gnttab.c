/* Grant table v1 bookkeeping (src/xen/gnttab.c) on an ordinary array. */
#include <string.h>

#include "check.h"
#include "xen/gnttab.h"

static uint8_t pages[4][XEN_PAGE_SIZE];

static uint32_t frame_of(const void *page)
{
    return 100 + (uint32_t)(((const uint8_t *)page - pages[0]) / XEN_PAGE_SIZE);
}

static grant_entry_v1_t entries[64];
static struct gnttab g;

int main(void)
{
    gnttab_init(&g, entries, 64, frame_of);
    int32_t a = gnttab_grant(&g, 7, pages[1], true);
    CHECK("grant: a ref outside the reserved ones", a >= GNTTAB_NR_RESERVED_ENTRIES && a < 64);
    CHECK("grant: entry says frame, domid, read-only permit",
          entries[a].frame == 101 && entries[a].domid == 7 &&
              entries[a].flags == (GTF_permit_access | GTF_readonly));
    int32_t b = gnttab_grant(&g, 7, pages[2], false);
    CHECK("grant: writable entry", b != a && entries[b].flags == GTF_permit_access && entries[b].frame == 102);

    entries[b].flags |= GTF_reading;    /* the other side is copying */
    CHECK("end: refused while the peer is using the page", !gnttab_end(&g, (grant_ref_t)b) &&
                                                             (entries[b].flags & GTF_permit_access));
    entries[b].flags &= (uint16_t)~GTF_reading;
    CHECK("end: done once the peer let go", gnttab_end(&g, (grant_ref_t)b) && entries[b].flags == 0);
    CHECK("end: a reserved ref is refused", !gnttab_end(&g, 0));
    CHECK("end: a ref past the table is refused", !gnttab_end(&g, 64));

    int granted = 2;    /* a, then b's ref reused below */
    int32_t c = gnttab_grant(&g, 7, pages[3], false);
    CHECK("grant: a freed ref is reused", c == b);
    while (gnttab_grant(&g, 7, pages[0], true) >= 0)
        granted++;
    CHECK("grant: the table fills at count - reserved refs", granted == 64 - GNTTAB_NR_RESERVED_ENTRIES);
    CHECK("grant: a full table says so", gnttab_grant(&g, 7, pages[0], true) == -1);
    CHECK("end then grant again on a full table", gnttab_end(&g, (grant_ref_t)a) &&
                                                     gnttab_grant(&g, 9, pages[0], false) == a);
    return CHECK_DONE();
}
