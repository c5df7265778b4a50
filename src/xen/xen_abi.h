/*
 * Xen's public ABI, from Debian's libxen-dev headers (reached through
 * build/xen/include, which exposes only xen/). The build sets
 * __XEN_INTERFACE_VERSION__ explicitly so a newer header package cannot
 * silently change the structures we share with the hypervisor. The ring
 * macros in io/ring.h need the memory barriers defined here; x86 keeps
 * stores in order and loads in order, so compiler barriers suffice for
 * rmb/wmb and only the full barrier needs mfence.
 */
#ifndef UNIHOST_XEN_ABI_H
#define UNIHOST_XEN_ABI_H

#ifndef __XEN_INTERFACE_VERSION__
#error "the build must set __XEN_INTERFACE_VERSION__"
#endif

#include <stddef.h>
#include <stdint.h>

#define xen_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xen_rmb() __atomic_signal_fence(__ATOMIC_SEQ_CST)
#define xen_wmb() __atomic_signal_fence(__ATOMIC_SEQ_CST)

#include <xen/xen.h>
#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xen/io/netif.h>
#include <xen/io/ring.h>
#include <xen/io/xenbus.h>
#include <xen/io/xs_wire.h>

#define XEN_PAGE_SIZE 4096u

#endif
