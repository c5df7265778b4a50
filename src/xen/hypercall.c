/* Hypercalls: see hypercall.h. */
#include "xen/hypercall.h"

#include "xen/xen_abi.h"
#include <xen/hvm/hvm_op.h>

/* Xen writes one 32-byte stub per hypercall number into this page. */
static uint8_t hypercall_page[XEN_PAGE_SIZE] __attribute__((aligned(XEN_PAGE_SIZE)));
static uint32_t version;

void xen_cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

static void wrmsr(uint32_t msr, uint64_t value)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)));
}

bool xen_hypercall_init(void)
{
    /* Xen's leaves start at 0x40000000 or, when it also offers Viridian
     * (Hyper-V) leaves there, at a later multiple of 0x100. */
    for (uint32_t base = 0x40000000; base < 0x40010000; base += 0x100) {
        uint32_t a, b, c, d;
        xen_cpuid(base, &a, &b, &c, &d);
        if (b != 0x566e6558 || c != 0x65584d4d || d != 0x4d4d566e)   /* "XenVMMXenVMM" */
            continue;
        if (a < base + 2)
            return false;
        xen_cpuid(base + 1, &a, &b, &c, &d);
        version = a;
        xen_cpuid(base + 2, &a, &b, &c, &d);    /* a: pages, b: the MSR */
        if (a < 1)
            return false;
        wrmsr(b, (uint64_t)(uintptr_t)hypercall_page);
        return true;
    }
    return false;
}

uint32_t xen_version(void)
{
    return version;
}

long xen_hypercall(unsigned op, unsigned long a1, unsigned long a2, unsigned long a3,
                   unsigned long a4, unsigned long a5)
{
    register unsigned long r10 __asm__("r10") = a4;
    register unsigned long r8 __asm__("r8") = a5;
    long ret;
    /* Xen may clobber the argument registers (debug builds poison them). */
    __asm__ volatile("call *%[stub]"
                     : "=&a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     : [stub] "r"(hypercall_page + op * 32)
                     : "memory", "rcx", "r11");
    return ret;
}

long xen_sched_op(int cmd, void *arg)
{
    return xen_hypercall(__HYPERVISOR_sched_op, (unsigned long)cmd, (unsigned long)arg, 0, 0, 0);
}

long xen_event_channel_op(int cmd, void *arg)
{
    return xen_hypercall(__HYPERVISOR_event_channel_op, (unsigned long)cmd, (unsigned long)arg, 0,
                         0, 0);
}

long xen_grant_table_op(int cmd, void *arg, unsigned count)
{
    return xen_hypercall(__HYPERVISOR_grant_table_op, (unsigned long)cmd, (unsigned long)arg,
                         count, 0, 0);
}

long xen_memory_op(int cmd, void *arg)
{
    return xen_hypercall(__HYPERVISOR_memory_op, (unsigned long)cmd, (unsigned long)arg, 0, 0, 0);
}

long xen_hvm_op(int cmd, void *arg)
{
    return xen_hypercall(__HYPERVISOR_hvm_op, (unsigned long)cmd, (unsigned long)arg, 0, 0, 0);
}

long xen_vcpu_op(int cmd, unsigned vcpu, void *arg)
{
    return xen_hypercall(__HYPERVISOR_vcpu_op, (unsigned long)cmd, vcpu, (unsigned long)arg, 0, 0);
}

int xen_hvm_get_param(uint32_t index, uint64_t *value)
{
    struct xen_hvm_param p = {.domid = DOMID_SELF, .index = index};
    long rc = xen_hvm_op(HVMOP_get_param, &p);
    if (rc < 0)
        return (int)rc;
    *value = p.value;
    return 0;
}
