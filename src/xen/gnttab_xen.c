/* The one grant-table call that needs Xen: mapping the table's frames. */
#include "xen/gnttab.h"

#include <xen/memory.h>

#include "xen/hypercall.h"

static uint32_t frame_of_identity(const void *page)
{
    return (uint32_t)((uintptr_t)page / XEN_PAGE_SIZE);
}

int gnttab_map_frames(struct gnttab *g, void *pages, unsigned frames)
{
    for (unsigned i = 0; i < frames; i++) {
        struct xen_add_to_physmap map = {
            .domid = DOMID_SELF,
            .space = XENMAPSPACE_grant_table,
            .idx = i,
            .gpfn = (uintptr_t)pages / XEN_PAGE_SIZE + i,
        };
        long rc = xen_memory_op(XENMEM_add_to_physmap, &map);
        if (rc < 0)
            return (int)rc;
    }
    gnttab_init(g, pages, frames * (XEN_PAGE_SIZE / sizeof(grant_entry_v1_t)), frame_of_identity);
    return 0;
}
