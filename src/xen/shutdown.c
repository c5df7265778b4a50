/* Leaving the guest: see shutdown.h. */
#include "xen/shutdown.h"

#include <string.h>

#include "core/log.h"
#include "xen/console.h"
#include "xen/hypercall.h"
#include "xen/platform_xen.h"
#include "xen/xen_abi.h"
#include <xen/sched.h>

static void outw(uint16_t port, uint16_t value)
{
    __asm__ volatile("outw %0, %1" ::"a"(value), "Nd"(port));
}

static void outl(uint16_t port, uint32_t value)
{
    __asm__ volatile("outl %0, %1" ::"a"(value), "Nd"(port));
}

_Noreturn void xen_emulator_poweroff(void)
{
    outw(0x604, 0x2000);    /* SLP_TYPa = 0 (S5 on QEMU), SLP_EN */
    outw(0xb004, 0x2000);
    outl(0xf4, 0);          /* isa-debug-exit: QEMU exits with status 1 */
    for (;;)
        __asm__ volatile("cli; hlt");
}

_Noreturn void xen_shutdown_with_reason(enum xen_exit_kind kind, const char *reason)
{
    /* The lines the log batches (log.h) before the reason: they say what
     * the guest was doing when it stopped. Once only: a halt while
     * flushing goes straight on. */
    static bool flushing;
    if (!flushing) {
        flushing = true;
        log_flush();
    }
    static const char prefix[] = "unihost: halting: ";
    xen_console_write(prefix, sizeof prefix - 1);
    xen_console_write(reason, strlen(reason));
    xen_console_write("\n", 1);
    if (!xen_on_xen())
        xen_emulator_poweroff();
    if (xen_console_has_ring()) {   /* also in Xen's own log, for when the ring is not read */
        xen_debug_port_write(prefix, sizeof prefix - 1);
        xen_debug_port_write(reason, strlen(reason));
        xen_debug_port_write("\n", 1);
    }
    xen_console_flush();
    struct sched_shutdown s = {.reason = kind == XEN_EXIT_CRASH ? SHUTDOWN_crash : SHUTDOWN_poweroff};
    for (;;)
        xen_sched_op(SCHEDOP_shutdown, &s);
}
