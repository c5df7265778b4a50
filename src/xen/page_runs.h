/*
 * Runs of pages that are given back: the Xen guest's memory for content
 * blobs that arrive while it runs (plat_blob_alloc, a push to --manage).
 * Start-up pages come from memory.c's bump allocator and are never freed;
 * once the first blob needs memory, what the bump allocator has not handed
 * out becomes one region managed here.
 *
 * The bookkeeping is a small table of runs (free and taken) in address
 * order that covers the whole region, outside the pages themselves: a
 * page's bytes are never touched here, so nothing a blob's owner wrote can
 * corrupt the allocator, and a run given back is merged at once with free
 * neighbours (so freeing everything leaves one run again). First fit: blobs
 * are few and large, and at most PAGE_RUNS_MAX runs exist at once; an
 * allocation that would need more fails like one that finds no room.
 * Hosted code: unit-tested with ASan (tests/unit/test_xen_page_runs.c).
 */
#ifndef UNIHOST_XEN_PAGE_RUNS_H
#define UNIHOST_XEN_PAGE_RUNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_RUNS_PAGE_SIZE 4096u
#define PAGE_RUNS_MAX 64

struct page_run {
    uint32_t first;         /* page index from the region's start */
    uint32_t pages;
    bool taken;
};

struct page_runs {
    uintptr_t base;         /* page-aligned */
    uint32_t pages;
    uint32_t count;         /* entries in runs[], in address order, covering every page */
    struct page_run runs[PAGE_RUNS_MAX];
};

/* Manages `pages` pages from `base` (page-aligned), all free. */
void page_runs_init(struct page_runs *r, uintptr_t base, uint32_t pages);

/* The first run of `pages` free pages (at least one), or NULL. */
void *page_runs_alloc(struct page_runs *r, uint32_t pages);

/* Gives back a run page_runs_alloc() returned; -1 (and nothing changes)
 * if `memory` is not the start of a taken run. */
int page_runs_free(struct page_runs *r, void *memory);

/* Free pages in all, and in the largest run (the largest allocation that
 * can succeed now). */
uint32_t page_runs_free_pages(const struct page_runs *r);
uint32_t page_runs_largest_free(const struct page_runs *r);

#endif
