/*
 * pvclock: Xen publishes, per vCPU, a TSC stamp, the system time at that
 * stamp and a scale; system time now is stamp time + scaled TSC delta. The
 * version field is odd while Xen updates the record, so we re-read until we
 * see one even version on both sides of the read.
 */
#include "xen/time.h"

#include "xen/shared_info.h"

static uint64_t scale_delta(uint64_t delta, uint32_t mul, int8_t shift)
{
    if (shift < 0)
        delta >>= -shift;
    else
        delta <<= shift;
    return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

uint64_t xen_system_time_ns(void)
{
    static uint64_t last;
    volatile struct vcpu_time_info *t = &xen_shared_info->vcpu_info[0].time;
    uint32_t version;
    uint64_t now;
    do {
        version = t->version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        now = t->system_time + scale_delta(xen_rdtsc() - t->tsc_timestamp, t->tsc_to_system_mul,
                                           t->tsc_shift);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((version & 1) || version != t->version);
    /* A TSC read just before Xen's next update can land a few ns past what
     * the next record gives: never let the clock step back. */
    if (now < last)
        now = last;
    last = now;
    return now;
}

uint64_t xen_wallclock_ns(void)
{
    volatile struct shared_info *s = xen_shared_info;
    uint32_t version;
    uint64_t sec, nsec;
    do {
        version = s->wc_version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        sec = s->wc_sec | ((uint64_t)s->xen_wc_sec_hi << 32);
        nsec = s->wc_nsec;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((version & 1) || version != s->wc_version);
    return sec * 1000000000u + nsec + xen_system_time_ns();
}
