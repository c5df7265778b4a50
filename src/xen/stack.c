/* The guest's stack: see stack.h. boot.S reserves the guard page and the
 * stack; the 2 MiB page that holds them is mapped again here with 4 KiB
 * pages, the guard one left out. */
#include "xen/stack.h"

#include "xen/console.h"
#include "xen/exceptions.h"

extern char boot_pd[], boot_stack_guard[], boot_stack[], boot_stack_top[];

#define PAGE_SIZE 4096u
#define LARGE_PAGE_SIZE (2u << 20)
#define PTE_PRESENT_RW 0x003u
/* A word that no pointer or counter is likely to hold, so that the first
 * word from the bottom that differs marks the deepest use. */
#define STACK_PAINT 0x5a17c0de5a17c0deull
/* The fault handler formats one line; 16 KiB is several times its need. */
#define FAULT_STACK_SIZE (16u * 1024)
#define IST_DOUBLE_FAULT 1
#define IST_PAGE_FAULT 2
#define VECTOR_DOUBLE_FAULT 8
#define VECTOR_PAGE_FAULT 14
#define GDT_TSS_SELECTOR 0x18

struct tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

static uint64_t guard_region_table[512] __attribute__((aligned(PAGE_SIZE)));
static unsigned char double_fault_stack[FAULT_STACK_SIZE] __attribute__((aligned(16)));
static unsigned char page_fault_stack[FAULT_STACK_SIZE] __attribute__((aligned(16)));
static struct tss64 tss;
/* boot.S's code (0x08) and data (0x10) descriptors, then the TSS's two words. */
static uint64_t gdt[5] __attribute__((aligned(16)));
static unsigned reported_eighths;
static uint64_t next_check_ns;

static void unmap_guard_page(void)
{
    uintptr_t guard = (uintptr_t)boot_stack_guard;
    uintptr_t region = guard & ~(uintptr_t)(LARGE_PAGE_SIZE - 1);
    for (unsigned i = 0; i < 512; i++) {
        uintptr_t page = region + (uintptr_t)i * PAGE_SIZE;
        guard_region_table[i] = page == guard ? 0 : page | PTE_PRESENT_RW;
    }
    /* boot_pd's four directories are contiguous: entry n maps n * 2 MiB. */
    uint64_t *directory = (uint64_t *)(void *)boot_pd;
    directory[region / LARGE_PAGE_SIZE] = (uintptr_t)guard_region_table | PTE_PRESENT_RW;
    uint64_t cr3;
    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    __asm__ volatile("mov %0, %%cr3" ::"r"(cr3) : "memory");
}

static void load_tss(void)
{
    tss.ist[IST_DOUBLE_FAULT - 1] = (uintptr_t)(double_fault_stack + sizeof double_fault_stack);
    tss.ist[IST_PAGE_FAULT - 1] = (uintptr_t)(page_fault_stack + sizeof page_fault_stack);
    tss.iomap_base = sizeof tss;            /* no I/O permission bitmap */
    uint64_t base = (uintptr_t)&tss, limit = sizeof tss - 1;
    gdt[0] = 0;
    gdt[1] = 0x00af9a000000ffffull;
    gdt[2] = 0x00cf92000000ffffull;
    gdt[3] = (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ull << 40 /* present, 64-bit TSS */ |
             (limit >> 16 & 0xf) << 48 | (base >> 24 & 0xff) << 56;
    gdt[4] = base >> 32;
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) descriptor = {sizeof gdt - 1, (uint64_t)(uintptr_t)gdt};
    __asm__ volatile("lgdt %0" ::"m"(descriptor) : "memory");
    __asm__ volatile("ltr %w0" ::"r"(GDT_TSS_SELECTOR) : "memory");
}

void xen_stack_init(void)
{
    unmap_guard_page();
    load_tss();
    xen_exceptions_use_stack(VECTOR_DOUBLE_FAULT, IST_DOUBLE_FAULT);
    xen_exceptions_use_stack(VECTOR_PAGE_FAULT, IST_PAGE_FAULT);
    /* Paint below this frame, less room for the words a call here pushes. */
    uintptr_t end = ((uintptr_t)__builtin_frame_address(0) - 512) & ~(uintptr_t)7;
    for (volatile uint64_t *word = (uint64_t *)(void *)boot_stack; (uintptr_t)word < end; word++)
        *word = STACK_PAINT;
}

size_t xen_stack_size(void)
{
    return (size_t)(boot_stack_top - boot_stack);
}

size_t xen_stack_deepest(void)
{
    const uint64_t *word = (const uint64_t *)(const void *)boot_stack;
    const uint64_t *top = (const uint64_t *)(const void *)boot_stack_top;
    while (word < top && *word == STACK_PAINT)
        word++;
    return (size_t)((uintptr_t)top - (uintptr_t)word);
}

bool xen_stack_in_guard(uint64_t address)
{
    return address >= (uintptr_t)boot_stack_guard && address < (uintptr_t)boot_stack;
}

void xen_stack_check(uint64_t now_ns)
{
    if (now_ns < next_check_ns)
        return;
    next_check_ns = now_ns + 1000000000ull;
    size_t size = xen_stack_size(), deepest = xen_stack_deepest();
    unsigned eighths = (unsigned)(deepest * 8 / size);
    if (eighths < 4 || eighths <= reported_eighths)
        return;
    reported_eighths = eighths;
    xen_console_printf("unihost: stack: the deepest call so far used %zu of the stack's %zu KiB",
                       (deepest + 1023) / 1024, size / 1024);
}
