/*
 * Hypercalls through Xen's hypercall page. The page is filled in by Xen
 * when we write its address to the MSR that CPUID's Xen leaves name; each
 * 32-byte slot holds the right instruction for this CPU (vmcall on Intel,
 * vmmcall on AMD -- QEMU TCG emulates an AMD CPU), so we never hard-code one.
 */
#ifndef UNIHOST_XEN_HYPERCALL_H
#define UNIHOST_XEN_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>

/* The CPUID instruction: leaf in, EAX/EBX/ECX/EDX out (subleaf 0). */
void xen_cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d);

/* Finds Xen's CPUID leaves and installs the hypercall page. False when not
 * running on Xen (then no hypercall may be made). */
bool xen_hypercall_init(void);

/* Xen's version (major << 16 | minor), valid after xen_hypercall_init(). */
uint32_t xen_version(void);

long xen_hypercall(unsigned op, unsigned long a1, unsigned long a2, unsigned long a3,
                   unsigned long a4, unsigned long a5);

/* The calls the guest uses, with Xen's argument conventions. */
long xen_sched_op(int cmd, void *arg);
long xen_event_channel_op(int cmd, void *arg);
long xen_grant_table_op(int cmd, void *arg, unsigned count);
long xen_memory_op(int cmd, void *arg);
long xen_hvm_op(int cmd, void *arg);
long xen_vcpu_op(int cmd, unsigned vcpu, void *arg);

/* HVMOP_get_param for our own domain; 0 and the value, or a negative Xen
 * error. */
int xen_hvm_get_param(uint32_t index, uint64_t *value);

#endif
