/* Time from Xen: the pvclock in vcpu_info[0] (Xen's system time, the clock
 * SCHEDOP_poll deadlines are written in) and the wall clock in shared_info. */
#ifndef UNIHOST_XEN_TIME_H
#define UNIHOST_XEN_TIME_H

#include <stdint.h>

/* The CPU's time-stamp counter (what pvclock scales; also the jitter source
 * of entropy.c). */
static inline uint64_t xen_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

/* Xen system time in ns (since the domain's boot, never backwards). */
uint64_t xen_system_time_ns(void);

/* Nanoseconds since 1970 as Xen knows it (set by dom0's clock). */
uint64_t xen_wallclock_ns(void);

#endif
