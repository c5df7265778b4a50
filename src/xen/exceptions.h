/* CPU exceptions: without an IDT a fault is a silent triple fault; with
 * this one it is a line on the console and a crashed domain. */
#ifndef UNIHOST_XEN_EXCEPTIONS_H
#define UNIHOST_XEN_EXCEPTIONS_H

/* Installs the IDT for vectors 0-31. Interrupts stay off: the guest takes
 * none (it waits with SCHEDOP_poll). */
void xen_exceptions_init(void);

#endif
