/* The shared info page: see shared_info.h. */
#include "xen/shared_info.h"

#include <xen/memory.h>

#include "xen/hypercall.h"

static uint8_t shared_info_page[XEN_PAGE_SIZE] __attribute__((aligned(XEN_PAGE_SIZE)));
struct shared_info *xen_shared_info;

int xen_shared_info_map(void)
{
    struct xen_add_to_physmap map = {
        .domid = DOMID_SELF,
        .space = XENMAPSPACE_shared_info,
        .idx = 0,
        .gpfn = (uintptr_t)shared_info_page / XEN_PAGE_SIZE,
    };
    long rc = xen_memory_op(XENMEM_add_to_physmap, &map);
    if (rc < 0)
        return (int)rc;
    xen_shared_info = (struct shared_info *)shared_info_page;
    /* Mask every port: we never take upcalls, we poll (see evtchn.c). */
    for (size_t i = 0; i < sizeof xen_shared_info->evtchn_mask / sizeof xen_shared_info->evtchn_mask[0]; i++)
        xen_shared_info->evtchn_mask[i] = ~(xen_ulong_t)0;
    return 0;
}
