/* CPU exceptions: without an IDT a fault is a silent triple fault; with
 * this one it is a line on the console and a crashed domain. */
#ifndef UNIHOST_XEN_EXCEPTIONS_H
#define UNIHOST_XEN_EXCEPTIONS_H

/* Installs the IDT for vectors 0-31. Interrupts stay off: the guest takes
 * none (it waits with SCHEDOP_poll). */
void xen_exceptions_init(void);

/* Has the CPU switch to the TSS's stack `ist` (1-7) for `vector`: the
 * faults a stack overflow causes cannot run on the stack that overflowed. */
void xen_exceptions_use_stack(unsigned vector, unsigned ist);

#endif
