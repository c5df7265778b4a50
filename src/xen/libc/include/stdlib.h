/* The Xen guest's own libc subset: number parsing and abort. No malloc:
 * the guest allocates pages at start-up (src/xen/memory.h). */
#ifndef UNIHOST_XEN_LIBC_STDLIB_H
#define UNIHOST_XEN_LIBC_STDLIB_H

#include <stddef.h>

unsigned long strtoul(const char *restrict s, char **restrict end, int base);
_Noreturn void abort(void);

#endif
