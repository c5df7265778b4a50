/* Time from Xen: the pvclock in vcpu_info[0] (Xen's system time, the clock
 * SCHEDOP_poll deadlines are written in) and the wall clock in shared_info. */
#ifndef UNIHOST_XEN_TIME_H
#define UNIHOST_XEN_TIME_H

#include <stdint.h>

/* Xen system time in ns (since the domain's boot, never backwards). */
uint64_t xen_system_time_ns(void);

/* Nanoseconds since 1970 as Xen knows it (set by dom0's clock). */
uint64_t xen_wallclock_ns(void);

#endif
