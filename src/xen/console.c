/* The console: see console.h. */
#include "xen/console.h"

#include <stdarg.h>
#include <stdio.h>

#include "xen/evtchn.h"
#include "xen/hypercall.h"
#include "xen/time.h"
#include "xen/xen_abi.h"
#include <xen/hvm/params.h>
#include <xen/io/console.h>

static struct xencons_interface *ring;
static evtchn_port_t ring_port;

void xen_debug_port_write(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        __asm__ volatile("outb %0, $0xe9" ::"a"(buf[i]));
}

bool xen_console_init(void)
{
    uint64_t pfn, port;
    if (xen_hvm_get_param(HVM_PARAM_CONSOLE_PFN, &pfn) != 0 || pfn == 0 ||
        xen_hvm_get_param(HVM_PARAM_CONSOLE_EVTCHN, &port) != 0)
        return false;
    ring = (struct xencons_interface *)(uintptr_t)(pfn * XEN_PAGE_SIZE);
    ring_port = (evtchn_port_t)port;
    return true;
}

bool xen_console_has_ring(void)
{
    return ring != NULL;
}

void xen_console_flush(void)
{
    /* Give xenconsoled a moment to drain before we vanish: bounded, as the
     * daemon may be gone. */
    for (int tries = 0; ring && tries < 100; tries++) {
        if (__atomic_load_n(&ring->out_cons, __ATOMIC_ACQUIRE) == ring->out_prod)
            return;
        evtchn_notify(ring_port);
        evtchn_poll(&ring_port, 1, xen_system_time_ns() + 10000000u);
        evtchn_take_pending(ring_port);
    }
}

void xen_console_write(const char *buf, size_t len)
{
    if (!ring) {
        xen_debug_port_write(buf, len);
        return;
    }
    int stalls = 0;
    while (len > 0) {
        XENCONS_RING_IDX cons = __atomic_load_n(&ring->out_cons, __ATOMIC_ACQUIRE);
        XENCONS_RING_IDX prod = ring->out_prod;
        if (prod - cons >= sizeof ring->out) {
            /* Full: wait for xenconsoled, but drop the rest rather than
             * hang if it does not drain (the contract: never fails). */
            if (++stalls > 50)
                return;
            evtchn_notify(ring_port);
            evtchn_poll(&ring_port, 1, xen_system_time_ns() + 10000000u);
            evtchn_take_pending(ring_port);
            continue;
        }
        ring->out[MASK_XENCONS_IDX(prod, ring->out)] = *buf++;
        len--;
        __atomic_store_n(&ring->out_prod, prod + 1, __ATOMIC_RELEASE);
    }
    evtchn_notify(ring_port);
}

size_t xen_console_try_write(const char *buf, size_t len)
{
    if (!ring) {
        xen_debug_port_write(buf, len);     /* never waits */
        return len;
    }
    XENCONS_RING_IDX cons = __atomic_load_n(&ring->out_cons, __ATOMIC_ACQUIRE);
    XENCONS_RING_IDX prod = ring->out_prod;
    size_t room = sizeof ring->out - (size_t)(prod - cons);
    size_t n = len < room ? len : room;
    for (size_t i = 0; i < n; i++)
        ring->out[MASK_XENCONS_IDX(prod + (XENCONS_RING_IDX)i, ring->out)] = buf[i];
    __atomic_store_n(&ring->out_prod, prod + (XENCONS_RING_IDX)n, __ATOMIC_RELEASE);
    if (n > 0)
        evtchn_notify(ring_port);
    return n;
}

void xen_console_printf(const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t len = (size_t)n < sizeof line - 1 ? (size_t)n : sizeof line - 2;
    line[len++] = '\n';
    xen_console_write(line, len);
}
