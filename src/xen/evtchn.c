/* Event channels: see evtchn.h. */
#include "xen/evtchn.h"

#include <xen/sched.h>

#include "xen/hypercall.h"
#include "xen/shared_info.h"

#define BITS_PER_WORD (8 * sizeof(xen_ulong_t))

int evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port)
{
    struct evtchn_alloc_unbound op = {.dom = DOMID_SELF, .remote_dom = remote};
    long rc = xen_event_channel_op(EVTCHNOP_alloc_unbound, &op);
    if (rc < 0)
        return (int)rc;
    *port = op.port;
    return 0;
}

void evtchn_notify(evtchn_port_t port)
{
    struct evtchn_send op = {.port = port};
    (void)xen_event_channel_op(EVTCHNOP_send, &op);
}

bool evtchn_take_pending(evtchn_port_t port)
{
    xen_ulong_t bit = (xen_ulong_t)1 << (port % BITS_PER_WORD);
    xen_ulong_t old = __atomic_fetch_and(&xen_shared_info->evtchn_pending[port / BITS_PER_WORD],
                                         ~bit, __ATOMIC_SEQ_CST);
    return (old & bit) != 0;
}

void evtchn_poll(evtchn_port_t *ports, unsigned count, uint64_t deadline_ns)
{
    struct sched_poll poll = {.nr_ports = count, .timeout = deadline_ns};
    set_xen_guest_handle(poll.ports, ports);
    (void)xen_sched_op(SCHEDOP_poll, &poll);
}
