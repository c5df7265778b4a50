/* The guest's page tables (boot.S maps the first 4 GiB with 2 MiB pages,
 * all writable): changing the mapping of single 4 KiB pages, for the
 * stack's guard page and for mapping what must not change read-only. */
#ifndef UNIHOST_XEN_PAGE_TABLES_H
#define UNIHOST_XEN_PAGE_TABLES_H

#include <stdbool.h>
#include <stdint.h>

#define PAGE_PRESENT 0x001u
#define PAGE_WRITABLE 0x002u

/* Maps the 4 KiB pages in [start, end) (page-aligned) to themselves with
 * FLAGS (0: unmapped), first splitting the 2 MiB pages they lie in. False
 * when the tables for splitting ran out (nothing is changed then). Takes
 * effect at xen_page_tables_reload(). */
bool xen_pages_map(uintptr_t start, uintptr_t end, uint64_t flags);

/* Drops the CPU's cached translations, so that the changes hold. */
void xen_page_tables_reload(void);

/* Where the descriptor tables go (the IDT, the GDT and the TSS): a
 * page-aligned part of .bss of their own (unihost.ld), mapped read-only
 * with the rest. */
#define XEN_DESCRIPTOR_TABLE __attribute__((section(".bss.descriptors")))

/* Maps read-only what must not change once the guest runs: its code and
 * read-only data, the descriptor tables, and the page tables themselves;
 * then has the CPU enforce read-only pages in its own mode too (CR0.WP).
 * A stray write there is then a page fault that names its address, not a
 * silent change that ends in a triple fault. The last change to the
 * tables: none can be made after it. False if the tables ran out. */
bool xen_page_tables_protect(void);

#endif
