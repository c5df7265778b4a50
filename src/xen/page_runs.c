/* Runs of pages that are given back: see page_runs.h. */
#include "xen/page_runs.h"

#include <string.h>

void page_runs_init(struct page_runs *r, uintptr_t base, uint32_t pages)
{
    r->base = base;
    r->pages = pages;
    r->count = pages ? 1 : 0;
    r->runs[0] = (struct page_run){0, pages, false};
}

void *page_runs_alloc(struct page_runs *r, uint32_t pages)
{
    if (pages == 0)
        return NULL;
    for (uint32_t i = 0; i < r->count; i++) {
        struct page_run *run = &r->runs[i];
        if (run->taken || run->pages < pages)
            continue;
        if (run->pages > pages) {
            /* Split: the rest stays free right after; it needs an entry. */
            if (r->count == PAGE_RUNS_MAX)
                return NULL;
            memmove(&r->runs[i + 2], &r->runs[i + 1], (r->count - i - 1) * sizeof r->runs[0]);
            r->runs[i + 1] = (struct page_run){run->first + pages, run->pages - pages, false};
            r->count++;
            run->pages = pages;
        }
        run->taken = true;
        return (void *)(r->base + (uintptr_t)run->first * PAGE_RUNS_PAGE_SIZE);
    }
    return NULL;
}

/* Removes entry i + 1, merged into entry i. */
static void merge_next(struct page_runs *r, uint32_t i)
{
    r->runs[i].pages += r->runs[i + 1].pages;
    memmove(&r->runs[i + 1], &r->runs[i + 2], (r->count - i - 2) * sizeof r->runs[0]);
    r->count--;
}

int page_runs_free(struct page_runs *r, void *memory)
{
    uintptr_t at = (uintptr_t)memory;
    if (at < r->base || (at - r->base) % PAGE_RUNS_PAGE_SIZE != 0)
        return -1;
    uintptr_t first = (at - r->base) / PAGE_RUNS_PAGE_SIZE;
    for (uint32_t i = 0; i < r->count; i++) {
        if (r->runs[i].first != first)
            continue;
        if (!r->runs[i].taken)
            return -1;          /* freed twice */
        r->runs[i].taken = false;
        if (i + 1 < r->count && !r->runs[i + 1].taken)
            merge_next(r, i);
        if (i > 0 && !r->runs[i - 1].taken)
            merge_next(r, i - 1);
        return 0;
    }
    return -1;
}

uint32_t page_runs_free_pages(const struct page_runs *r)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < r->count; i++)
        if (!r->runs[i].taken)
            n += r->runs[i].pages;
    return n;
}

uint32_t page_runs_largest_free(const struct page_runs *r)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < r->count; i++)
        if (!r->runs[i].taken && r->runs[i].pages > n)
            n = r->runs[i].pages;
    return n;
}
