/* One RAM region: a bump allocator for start-up pages (netfront's ring and
 * buffer pages), then runs of pages for blobs: see memory.h. lwIP's heap
 * and pools are static arrays in .bss, sized in lwipopts.h. */
#include "xen/memory.h"

#include <string.h>

#include "xen/page_runs.h"
#include "xen/xen_abi.h"

extern char __image_end[];

static uintptr_t next_free, region_end;
/* What the bump allocator had left when the first run was asked for. */
static struct page_runs runs;
static bool runs_started;

static void start_runs(void)
{
    if (runs_started)
        return;
    runs_started = true;
    page_runs_init(&runs, next_free, (uint32_t)((region_end - next_free) / XEN_PAGE_SIZE));
    next_free = region_end;         /* the bump allocator has nothing left */
}

static uintptr_t max_end(uintptr_t a, uint64_t start, uint64_t len)
{
    return start + len > a ? (uintptr_t)(start + len) : a;
}

size_t memory_init(const struct hvm_start_info *si)
{
    if (si->version < 1 || si->memmap_entries == 0)
        return 0;
    const struct hvm_memmap_table_entry *map = (const void *)(uintptr_t)si->memmap_paddr;
    /* The builder puts the start info, the memory map and the command line
     * in RAM right after the image: hand out pages only above all of them
     * (the command line was copied, but the map is read below). */
    uintptr_t image_end = max_end((uintptr_t)__image_end, (uintptr_t)si, sizeof *si);
    image_end = max_end(image_end, si->memmap_paddr, si->memmap_entries * sizeof *map);
    if (si->cmdline_paddr)
        image_end = max_end(image_end, si->cmdline_paddr,
                            strlen((const char *)(uintptr_t)si->cmdline_paddr) + 1);
    image_end = (image_end + XEN_PAGE_SIZE - 1) & ~(uintptr_t)(XEN_PAGE_SIZE - 1);
    uint64_t limit = (uint64_t)4 << 30;
    for (uint32_t i = 0; i < si->memmap_entries; i++) {
        if (map[i].type != XEN_HVM_MEMMAP_TYPE_RAM)
            continue;
        uint64_t start = map[i].addr, end = map[i].addr + map[i].size;
        if (end > limit)
            end = limit;
        if (start < image_end)
            start = image_end;
        start = (start + XEN_PAGE_SIZE - 1) & ~(uint64_t)(XEN_PAGE_SIZE - 1);
        end &= ~(uint64_t)(XEN_PAGE_SIZE - 1);
        if (end > start && end - start > region_end - next_free) {
            next_free = (uintptr_t)start;
            region_end = (uintptr_t)end;
        }
    }
    return region_end - next_free;
}

void *memory_alloc_page(void)
{
    void *page;
    if (runs_started) {
        page = page_runs_alloc(&runs, 1);       /* a page after start-up is a run that stays */
    } else if (region_end - next_free >= XEN_PAGE_SIZE) {
        page = (void *)next_free;
        next_free += XEN_PAGE_SIZE;
    } else {
        page = NULL;
    }
    if (page)
        memset(page, 0, XEN_PAGE_SIZE);
    return page;
}

void *memory_alloc_run(size_t bytes)
{
    start_runs();
    size_t pages = (bytes + XEN_PAGE_SIZE - 1) / XEN_PAGE_SIZE;
    if (pages == 0 || pages > UINT32_MAX)
        return NULL;
    return page_runs_alloc(&runs, (uint32_t)pages);
}

int memory_free_run(void *memory)
{
    return runs_started ? page_runs_free(&runs, memory) : -1;
}

size_t memory_free_bytes(void)
{
    if (runs_started)
        return (size_t)page_runs_free_pages(&runs) * XEN_PAGE_SIZE;
    return region_end - next_free;
}
