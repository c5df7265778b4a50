/* Xen's shared info page (event channel bits, pvclock, wall clock), mapped
 * over a page of our .bss with XENMEM_add_to_physmap. */
#ifndef UNIHOST_XEN_SHARED_INFO_H
#define UNIHOST_XEN_SHARED_INFO_H

#include "xen/xen_abi.h"

extern struct shared_info *xen_shared_info;

/* 0, or a negative Xen error. */
int xen_shared_info_map(void);

#endif
