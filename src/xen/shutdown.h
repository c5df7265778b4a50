/* Leaving the guest: SCHEDOP_shutdown on Xen, an emulator power-off
 * without it. */
#ifndef UNIHOST_XEN_SHUTDOWN_H
#define UNIHOST_XEN_SHUTDOWN_H

enum xen_exit_kind { XEN_EXIT_POWEROFF, XEN_EXIT_CRASH };

/* Prints the reason (as "unihost: halting: REASON") on the console and on
 * the debug port, then shuts the domain down (poweroff or crash, so xl's
 * on_poweroff/on_crash apply). */
_Noreturn void xen_shutdown_with_reason(enum xen_exit_kind kind, const char *reason);

/*
 * Without Xen (QEMU -kernel): ACPI soft-off through the PM1a control port
 * that SeaBIOS programs on QEMU's pc and q35 machines (0x604; 0xB004 on old
 * Bochs), then QEMU's isa-debug-exit device at port 0xF4 if it was given,
 * then halt with interrupts off forever.
 */
_Noreturn void xen_emulator_poweroff(void);

#endif
