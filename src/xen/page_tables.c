/* Single 4 KiB pages in boot.S's identity map: see page_tables.h. */
#include "xen/page_tables.h"

extern char boot_pml4[], boot_pd_end[], boot_pd[];
extern char __image_start[], __readonly_end[], __descriptors_start[], __descriptors_end[];

#define PAGE_SIZE 4096u
#define LARGE_PAGE_SIZE (2u << 20)
#define PAGE_LARGE 0x080u     /* a directory entry that maps 2 MiB itself */
#define CR0_WP (1u << 16)
/* Enough for an image of 14 MiB spread over 8 large pages; the guard page
 * lies inside the image. */
#define SPLIT_TABLES 8

static uint64_t split_tables[SPLIT_TABLES][512] __attribute__((aligned(PAGE_SIZE)));
static unsigned split_used;

/* boot_pd's four directories are contiguous: entry n maps n * 2 MiB. */
static uint64_t *directory_entry(uintptr_t address)
{
    return (uint64_t *)(void *)boot_pd + address / LARGE_PAGE_SIZE;
}

/* The 4 KiB table for the large page holding ADDRESS, made on first use
 * with the same 1:1 writable mapping. */
static uint64_t *table_for(uintptr_t address)
{
    uint64_t *entry = directory_entry(address);
    if (!(*entry & PAGE_LARGE))     /* split already: it points to a table */
        return (uint64_t *)(uintptr_t)(*entry & ~(uint64_t)(PAGE_SIZE - 1));
    if (split_used == SPLIT_TABLES)
        return 0;
    uint64_t *table = split_tables[split_used++];
    uintptr_t region = address & ~(uintptr_t)(LARGE_PAGE_SIZE - 1);
    for (unsigned i = 0; i < 512; i++)
        table[i] = (region + (uintptr_t)i * PAGE_SIZE) | PAGE_PRESENT | PAGE_WRITABLE;
    *entry = (uintptr_t)table | PAGE_PRESENT | PAGE_WRITABLE;
    return table;
}

bool xen_pages_map(uintptr_t start, uintptr_t end, uint64_t flags)
{
    /* Split first, so that running out changes nothing. */
    unsigned needed = 0;
    for (uintptr_t region = start & ~(uintptr_t)(LARGE_PAGE_SIZE - 1); region < end; region += LARGE_PAGE_SIZE)
        needed += (*directory_entry(region) & PAGE_LARGE) != 0;
    if (needed > SPLIT_TABLES - split_used)
        return false;
    for (uintptr_t page = start; page < end; page += PAGE_SIZE) {
        uint64_t *table = table_for(page);
        table[(page / PAGE_SIZE) % 512] = flags ? page | flags : 0;
    }
    return true;
}

void xen_page_tables_reload(void)
{
    uint64_t cr3;
    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    __asm__ volatile("mov %0, %%cr3" ::"r"(cr3) : "memory");
}

bool xen_page_tables_protect(void)
{
    uintptr_t desc_start = (uintptr_t)__descriptors_start, desc_end = (uintptr_t)__descriptors_end;
    uintptr_t split_start = (uintptr_t)split_tables, split_end = split_start + sizeof split_tables;
    /* Until CR0.WP is set below, the CPU's own writes pass read-only
     * pages: the tables (the split ones among what is made read-only) can
     * be written in any order here. */
    if (!xen_pages_map((uintptr_t)__image_start, (uintptr_t)__readonly_end, PAGE_PRESENT) ||
        !xen_pages_map(desc_start, desc_end, PAGE_PRESENT) ||
        !xen_pages_map((uintptr_t)boot_pml4, (uintptr_t)boot_pd_end, PAGE_PRESENT) ||
        !xen_pages_map(split_start, split_end, PAGE_PRESENT))
        return false;
    uint64_t cr0;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("mov %0, %%cr0" ::"r"(cr0 | CR0_WP) : "memory");
    xen_page_tables_reload();
    return true;
}
