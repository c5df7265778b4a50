/*
 * Memory: pages from the PVH memory map. At start-up, single pages handed
 * out once and never freed (netfront's rings and buffers); from the first
 * blob that arrives while running (plat_blob_alloc), the rest of the region
 * is runs of pages that are given back (page_runs.h).
 */
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

/* `bytes` (rounded up to whole pages, not zeroed), page-aligned, or NULL
 * if no run of free pages is that long; given back with memory_free_run(). */
void *memory_alloc_run(size_t bytes);

/* Gives back memory_alloc_run()'s memory; -1 if `memory` is not one's start. */
int memory_free_run(void *memory);

/* Bytes still free. */
size_t memory_free_bytes(void);

#endif
