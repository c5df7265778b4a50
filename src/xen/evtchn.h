/*
 * Event channels without interrupts: every port stays masked and the guest
 * blocks in SCHEDOP_poll on the ports it cares about, which wakes on a
 * pending bit whatever the mask (Xen checks pollers on every send). After a
 * wake, pending bits are cleared before the work they announce is done, so
 * no notification is lost.
 */
#ifndef UNIHOST_XEN_EVTCHN_H
#define UNIHOST_XEN_EVTCHN_H

#include <stdbool.h>
#include <stdint.h>

#include "xen/xen_abi.h"

/* A new port for `remote` to bind to; 0 and *port, or a negative error. */
int evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port);

void evtchn_notify(evtchn_port_t port);

/* Tests and clears the port's pending bit. */
bool evtchn_take_pending(evtchn_port_t port);

/* Blocks until one of `ports` is pending or Xen's system time reaches
 * `deadline_ns` (0: no deadline). */
void evtchn_poll(evtchn_port_t *ports, unsigned count, uint64_t deadline_ns);

#endif
