/* The guest's stack: see stack.h. boot.S reserves the guard page and the
 * stack; page_tables.c unmaps the guard page. */
#include "xen/stack.h"

#include "xen/console.h"
#include "xen/exceptions.h"
#include "xen/page_tables.h"

extern char boot_stack_guard[], boot_stack[], boot_stack_top[];

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

static unsigned char double_fault_stack[FAULT_STACK_SIZE] __attribute__((aligned(16)));
static unsigned char page_fault_stack[FAULT_STACK_SIZE] __attribute__((aligned(16)));
static struct tss64 tss XEN_DESCRIPTOR_TABLE;
/* boot.S's code (0x08) and data (0x10) descriptors, then the TSS's two
 * words; the accessed bits set, so that the CPU never writes them (the
 * table is read-only once page_tables.c protects it). */
static uint64_t gdt[5] __attribute__((aligned(16))) XEN_DESCRIPTOR_TABLE;
static unsigned reported_eighths;
static uint64_t next_check_ns;

static void load_tss(void)
{
    tss.ist[IST_DOUBLE_FAULT - 1] = (uintptr_t)(double_fault_stack + sizeof double_fault_stack);
    tss.ist[IST_PAGE_FAULT - 1] = (uintptr_t)(page_fault_stack + sizeof page_fault_stack);
    tss.iomap_base = sizeof tss;            /* no I/O permission bitmap */
    uint64_t base = (uintptr_t)&tss, limit = sizeof tss - 1;
    gdt[0] = 0;
    gdt[1] = 0x00af9b000000ffffull;
    gdt[2] = 0x00cf93000000ffffull;
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

bool xen_stack_init(void)
{
    bool guarded = xen_pages_map((uintptr_t)boot_stack_guard, (uintptr_t)boot_stack, 0);
    xen_page_tables_reload();
    load_tss();
    xen_exceptions_use_stack(VECTOR_DOUBLE_FAULT, IST_DOUBLE_FAULT);
    xen_exceptions_use_stack(VECTOR_PAGE_FAULT, IST_PAGE_FAULT);
    /* Paint below this frame, less room for the words a call here pushes. */
    uintptr_t end = ((uintptr_t)__builtin_frame_address(0) - 512) & ~(uintptr_t)7;
    for (volatile uint64_t *word = (uint64_t *)(void *)boot_stack; (uintptr_t)word < end; word++)
        *word = STACK_PAINT;
    return guarded;
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
