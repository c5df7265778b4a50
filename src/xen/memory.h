/* Memory: pages from the PVH memory map, handed out once at start-up. */
#ifndef UNIHOST_XEN_MEMORY_H
#define UNIHOST_XEN_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#include <xen/arch-x86/hvm/start_info.h>

/* Finds the largest RAM region above the image (and under 4 GiB, our
 * mapping) in the start info's memory map; its size in bytes, 0 if none. */
size_t memory_init(const struct hvm_start_info *si);

/* A zeroed 4 KiB page, or NULL when memory is exhausted. Never freed. */
void *memory_alloc_page(void);

/* Bytes still free. */
size_t memory_free_bytes(void);

#endif
