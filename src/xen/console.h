/*
 * The guest's console. Before the PV console ring is up (and when not on
 * Xen at all), bytes go to the early debug port 0xE9, which Xen shows as
 * "(dN) ..." in its own log and QEMU shows with -debugcon. Once
 * xen_console_init() found the PVH console ring (HVM_PARAM_CONSOLE_PFN and
 * _EVTCHN), bytes go there, so `xl console` and xenconsoled's log see them.
 */
#ifndef UNIHOST_XEN_CONSOLE_H
#define UNIHOST_XEN_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

/* Switches the console to the PV ring; false (and still 0xE9) if Xen gave
 * none. Needs the hypercall page and event channels. */
bool xen_console_init(void);

/* Writes it all, waiting (boundedly) for xenconsoled to make room. */
void xen_console_write(const char *buf, size_t len);

/* Writes what the ring has room for now, without waiting; returns how
 * many bytes that was. */
size_t xen_console_try_write(const char *buf, size_t len);

/* Writes to port 0xE9 only: for the not-on-Xen report and fatal errors. */
void xen_debug_port_write(const char *buf, size_t len);

/* True once output goes to the PV ring. */
bool xen_console_has_ring(void);

/* Waits (briefly, bounded) for xenconsoled to take what is in the ring. */
void xen_console_flush(void);

/* printf-style line (a newline is added) to the console. */
void xen_console_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
