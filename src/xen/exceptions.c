/* CPU exceptions: see exceptions.h; the stubs are in exception_stubs.S. */
#include "xen/exceptions.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "xen/console.h"
#include "xen/hypercall.h"
#include "xen/page_tables.h"
#include "xen/shutdown.h"
#include "xen/stack.h"
#include "xen/xen_abi.h"
#include <xen/sched.h>

struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type;               /* present, DPL 0, 64-bit interrupt gate */
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
} __attribute__((packed));

extern const uint64_t xen_exception_stubs[32];
static struct idt_gate idt[32] __attribute__((aligned(16))) XEN_DESCRIPTOR_TABLE;

void xen_exceptions_init(void)
{
    for (int i = 0; i < 32; i++) {
        uint64_t a = xen_exception_stubs[i];
        idt[i] = (struct idt_gate){
            .offset_low = (uint16_t)a,
            .selector = 0x08,   /* boot.S's 64-bit code segment */
            .type = 0x8e,
            .offset_mid = (uint16_t)(a >> 16),
            .offset_high = (uint32_t)(a >> 32),
        };
    }
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) descriptor = {sizeof idt - 1, (uint64_t)(uintptr_t)idt};
    __asm__ volatile("lidt %0" ::"m"(descriptor));
}

void xen_exceptions_use_stack(unsigned vector, unsigned ist)
{
    if (vector < 32)
        idt[vector].ist = (uint8_t)ist;
}

static const char *const names[32] = {
    [0] = "divide error",   [1] = "debug",          [2] = "NMI",
    [3] = "breakpoint",     [4] = "overflow",       [5] = "bound range",
    [6] = "invalid opcode", [7] = "no FPU",         [8] = "double fault",
    [10] = "invalid TSS",   [11] = "segment not present", [12] = "stack fault",
    [13] = "general protection", [14] = "page fault", [16] = "x87 error",
    [17] = "alignment check", [18] = "machine check", [19] = "SIMD error",
};

_Noreturn void xen_exception(uint64_t vector, uint64_t error, uint64_t rip);

_Noreturn void xen_exception(uint64_t vector, uint64_t error, uint64_t rip)
{
    /* A fault while reporting one: the report cannot be trusted to finish,
     * and a fault on a TSS stack would start again at its top, forever. */
    static volatile int reporting;
    if (reporting++) {
        static const char again[] = "unihost: another fault while reporting one; stopping\n";
        xen_debug_port_write(again, sizeof again - 1);
        struct sched_shutdown s = {.reason = SHUTDOWN_crash};
        for (;;)
            xen_sched_op(SCHEDOP_shutdown, &s);
    }
    uint64_t cr2;
    __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
    char reason[160];
    const char *name = vector < 32 && names[vector] ? names[vector] : "reserved";
    /* Running off the stack's end faults in the guard page: a page fault
     * whose own frame fits, or a double fault when pushing it faults too. */
    if ((vector == 14 || vector == 8) && xen_stack_in_guard(cr2))
        snprintf(reason, sizeof reason,
                 "stack overflow: a call went past the %zu KiB stack into its guard page "
                 "(address %#lx, rip %#lx)",
                 xen_stack_size() / 1024, (unsigned long)cr2, (unsigned long)rip);
    else if (vector == 14)
        snprintf(reason, sizeof reason, "CPU exception %lu (%s) at rip %#lx, address %#lx, error %#lx",
                 (unsigned long)vector, name, (unsigned long)rip, (unsigned long)cr2,
                 (unsigned long)error);
    else
        snprintf(reason, sizeof reason, "CPU exception %lu (%s) at rip %#lx, error %#lx",
                 (unsigned long)vector, name, (unsigned long)rip, (unsigned long)error);
    /* In Xen's log at once: the halt below first writes out the lines the
     * log still holds, which may fault again if the fault left memory bad. */
    static const char prefix[] = "unihost: fault: ";
    xen_debug_port_write(prefix, sizeof prefix - 1);
    xen_debug_port_write(reason, strlen(reason));
    xen_debug_port_write("\n", 1);
    xen_shutdown_with_reason(XEN_EXIT_CRASH, reason);
}
