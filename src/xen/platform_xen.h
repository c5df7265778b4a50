/* The Xen platform's state shared by its entry code and platform_xen.c. */
#ifndef UNIHOST_XEN_PLATFORM_XEN_H
#define UNIHOST_XEN_PLATFORM_XEN_H

#include <stdbool.h>

/* True once the Xen CPUID leaves were found and the hypercall page is in. */
bool xen_on_xen(void);

/* Brings up xenstore and netfront on "device/vif/0"; 0, or -1 with the
 * reason in err. Needs the console, shared info and memory. */
int xen_platform_start(char *err, unsigned long err_size);

/* Where plat_random() draws from: "RDSEED", "RDRAND" or "timing jitter
 * only" (see entropy.h). */
const char *xen_random_source(void);

#endif
