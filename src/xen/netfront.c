/* netfront: see netfront.h. */
#include "xen/netfront.h"

#include "xen/rx_csum.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FRAME (XEN_PAGE_SIZE)

static void set_err(char *err, size_t size, const char *what, int rc)
{
    snprintf(err, size, "netfront: %s (%s)", what, xs_error_name(rc));
}

static int read_node(struct netfront *nf, const char *key, char *value, size_t size)
{
    char path[160];
    snprintf(path, sizeof path, "%s/%s", nf->node, key);
    return xs_read(nf->xs, 0, path, value, size);
}

static int parse_mac(const char *s, uint8_t mac[6])
{
    for (int i = 0; i < 6; i++) {
        char *end;
        unsigned long byte = strtoul(s, &end, 16);
        if (end != s + 2 || byte > 255 || (i < 5 ? *end != ':' : *end != '\0'))
            return -1;
        mac[i] = (uint8_t)byte;
        s = end + 1;
    }
    return 0;
}

static int backend_state(struct netfront *nf)
{
    unsigned long state;
    int rc = xs_read_uint(nf->xs, 0, nf->backend_state_path, &state);
    return rc < 0 ? rc : (int)state;
}

static int write_own_state(struct netfront *nf, uint32_t tx, enum xenbus_state state)
{
    char path[96], value[8];
    snprintf(path, sizeof path, "%s/state", nf->node);
    snprintf(value, sizeof value, "%d", (int)state);
    return xs_write(nf->xs, tx, path, value);
}

/* Waits until the backend's state satisfies want(state); its state, or a
 * negative error (timeout included). */
static int wait_backend(struct netfront *nf, bool (*want)(int state))
{
    for (;;) {
        int state = backend_state(nf);
        if (state >= 0 && want(state))
            return state;
        if (state < 0 && state != XS_ERR_NOENT)
            return state;
        /* Watch events only wake us; the state read above is the truth.
         * But an event may have come in while that read waited for its
         * reply -- the wait took the event channel's notification, so
         * blocking now would sleep through the change (seen: the backend
         * Connected, the guest asleep until its patience ran out). Any
         * event drained here means: read the state again first. */
        const char *path, *token;
        bool events = false;
        while (xs_next_watch_event(nf->xs, &path, &token))
            events = true;
        if (events)
            continue;
        if (!nf->port.wait(nf->port.ctx))
            return XS_ERR_TIMEOUT;
    }
}

static bool ready_for_rings(int state)
{
    return state == XenbusStateInitWait || state == XenbusStateConnected;
}

static bool connected_or_closing(int state)
{
    return state == XenbusStateConnected || state >= XenbusStateClosing;
}

/* Allocates the pages once; they survive reconnections. */
static int alloc_pages(struct netfront *nf)
{
    if (nf->tx_ring_page)
        return 0;
    nf->tx_ring_page = nf->port.alloc_page(nf->port.ctx);
    nf->rx_ring_page = nf->port.alloc_page(nf->port.ctx);
    if (!nf->tx_ring_page || !nf->rx_ring_page)
        return -1;
    for (unsigned i = 0; i < NETFRONT_TX_SLOTS; i++)
        if (!(nf->tx_pages[i] = nf->port.alloc_page(nf->port.ctx)))
            return -1;
    for (unsigned i = 0; i < NETFRONT_RX_SLOTS; i++)
        if (!(nf->rx_pages[i] = nf->port.alloc_page(nf->port.ctx)))
            return -1;
    return 0;
}

static void clear_refs(struct netfront *nf)
{
    nf->tx_ring_ref = nf->rx_ring_ref = -1;
    for (unsigned i = 0; i < NETFRONT_TX_SLOTS; i++)
        nf->tx_refs[i] = -1;
    for (unsigned i = 0; i < NETFRONT_RX_SLOTS; i++)
        nf->rx_refs[i] = -1;
}

/* Grants every page and sets up fresh rings; rx slots all get a buffer. */
static int share_rings(struct netfront *nf)
{
    struct gnttab *g = nf->port.gnttab;
    domid_t be = nf->backend_id;
    memset(nf->tx_ring_page, 0, XEN_PAGE_SIZE);
    memset(nf->rx_ring_page, 0, XEN_PAGE_SIZE);
    netif_tx_sring_t *txs = nf->tx_ring_page;
    netif_rx_sring_t *rxs = nf->rx_ring_page;
    SHARED_RING_INIT(txs);
    SHARED_RING_INIT(rxs);
    FRONT_RING_INIT(&nf->tx, txs, XEN_PAGE_SIZE);
    FRONT_RING_INIT(&nf->rx, rxs, XEN_PAGE_SIZE);
    if ((nf->tx_ring_ref = gnttab_grant(g, be, txs, false)) < 0 ||
        (nf->rx_ring_ref = gnttab_grant(g, be, rxs, false)) < 0)
        return -1;
    nf->tx_free_count = 0;
    for (unsigned i = NETFRONT_TX_SLOTS; i-- > 0;) {
        if ((nf->tx_refs[i] = gnttab_grant(g, be, nf->tx_pages[i], true)) < 0)
            return -1;
        nf->tx_free[nf->tx_free_count++] = (uint16_t)i;
    }
    for (unsigned i = 0; i < NETFRONT_RX_SLOTS; i++) {
        if ((nf->rx_refs[i] = gnttab_grant(g, be, nf->rx_pages[i], false)) < 0)
            return -1;
        netif_rx_request_t *req = RING_GET_REQUEST(&nf->rx, nf->rx.req_prod_pvt);
        req->id = (uint16_t)i;
        req->gref = (grant_ref_t)nf->rx_refs[i];
        nf->rx.req_prod_pvt++;
    }
    RING_PUSH_REQUESTS(&nf->rx);
    return 0;
}

/* Revokes what the backend no longer uses; grants it still holds stay
 * (their pages are never reused for anything else, so nothing leaks
 * into them but our own frames). */
static void revoke_rings(struct netfront *nf)
{
    struct gnttab *g = nf->port.gnttab;
    int32_t *all[] = {&nf->tx_ring_ref, &nf->rx_ring_ref};
    for (unsigned i = 0; i < 2; i++)
        if (*all[i] >= 0 && gnttab_end(g, (grant_ref_t)*all[i]))
            *all[i] = -1;
    for (unsigned i = 0; i < NETFRONT_TX_SLOTS; i++)
        if (nf->tx_refs[i] >= 0 && gnttab_end(g, (grant_ref_t)nf->tx_refs[i]))
            nf->tx_refs[i] = -1;
    for (unsigned i = 0; i < NETFRONT_RX_SLOTS; i++)
        if (nf->rx_refs[i] >= 0 && gnttab_end(g, (grant_ref_t)nf->rx_refs[i]))
            nf->rx_refs[i] = -1;
}

static int publish(struct netfront *nf, char *err, size_t err_size)
{
    for (int attempt = 0; attempt < 16; attempt++) {
        uint32_t tx;
        int rc = xs_transaction_start(nf->xs, &tx);
        if (rc < 0) {
            set_err(err, err_size, "cannot start a xenstore transaction", rc);
            return -1;
        }
        char path[128], value[16];
        const struct { const char *key; unsigned long value; } keys[] = {
            {"tx-ring-ref", (unsigned long)nf->tx_ring_ref},
            {"rx-ring-ref", (unsigned long)nf->rx_ring_ref},
            {"event-channel", nf->evtchn},
            {"request-rx-copy", 1},
            {"feature-rx-notify", 1},
            /* Without this, netback may pass on IPv4 frames from dom0's own
             * stack with the TCP/UDP checksum left blank (NETRXF_csum_blank;
             * for IPv6 that is off unless feature-ipv6-csum-offload is
             * written). Frames flagged so anyway are completed (rx_csum.h). */
            {"feature-no-csum-offload", 1},
        };
        for (size_t i = 0; rc == 0 && i < sizeof keys / sizeof keys[0]; i++) {
            snprintf(path, sizeof path, "%s/%s", nf->node, keys[i].key);
            snprintf(value, sizeof value, "%lu", keys[i].value);
            rc = xs_write(nf->xs, tx, path, value);
        }
        if (rc == 0)
            rc = write_own_state(nf, tx, XenbusStateConnected);
        if (rc != 0) {
            (void)xs_transaction_end(nf->xs, tx, false);
            set_err(err, err_size, "cannot write the device's keys", rc);
            return -1;
        }
        rc = xs_transaction_end(nf->xs, tx, true);
        if (rc == XS_ERR_AGAIN)
            continue;
        if (rc < 0) {
            set_err(err, err_size, "cannot commit the device's keys", rc);
            return -1;
        }
        return 0;
    }
    snprintf(err, err_size, "netfront: xenstore transaction kept conflicting");
    return -1;
}

/* Shares rings with a backend in InitWait and waits for it to connect. */
static int attach(struct netfront *nf, char *err, size_t err_size)
{
    int state = wait_backend(nf, ready_for_rings);
    if (state < 0) {
        set_err(err, err_size, "backend never reached InitWait", state);
        return -1;
    }
    int rc = nf->port.alloc_evtchn(nf->port.ctx, nf->backend_id, &nf->evtchn);
    if (rc < 0) {
        snprintf(err, err_size, "netfront: cannot allocate an event channel (%d)", rc);
        return -1;
    }
    if (share_rings(nf) != 0) {
        snprintf(err, err_size, "netfront: grant table full");
        return -1;
    }
    if (publish(nf, err, err_size) != 0)
        return -1;
    state = wait_backend(nf, connected_or_closing);
    if (state != XenbusStateConnected) {
        if (state < 0)
            set_err(err, err_size, "backend did not connect", state);
        else
            snprintf(err, err_size, "netfront: backend closed instead of connecting (state %d)",
                     state);
        return -1;
    }
    nf->link = NETFRONT_CONNECTED;
    nf->port.notify(nf->port.ctx, nf->evtchn);     /* the rx buffers are there */
    return 0;
}

int netfront_connect(struct netfront *nf, struct xs_client *xs, const struct netfront_port *port,
                     const char *node, char *err, size_t err_size)
{
    memset(nf, 0, sizeof *nf);
    nf->xs = xs;
    nf->port = *port;
    clear_refs(nf);
    snprintf(nf->node, sizeof nf->node, "%s", node);

    char value[128];
    int rc = read_node(nf, "backend", nf->backend, sizeof nf->backend);
    if (rc < 0) {
        set_err(err, err_size, "no backend path in xenstore", rc);
        return -1;
    }
    unsigned long id;
    char path[96];
    snprintf(path, sizeof path, "%s/backend-id", nf->node);
    if ((rc = xs_read_uint(xs, 0, path, &id)) < 0 || id >= DOMID_FIRST_RESERVED) {
        set_err(err, err_size, "no valid backend-id in xenstore", rc < 0 ? rc : XS_ERR_INVAL);
        return -1;
    }
    nf->backend_id = (domid_t)id;
    if ((rc = read_node(nf, "mac", value, sizeof value)) < 0 || parse_mac(value, nf->mac) != 0) {
        set_err(err, err_size, "no valid mac in xenstore", rc < 0 ? rc : XS_ERR_INVAL);
        return -1;
    }
    snprintf(nf->backend_state_path, sizeof nf->backend_state_path, "%s/state", nf->backend);
    if ((rc = xs_watch(xs, nf->backend_state_path, NETFRONT_WATCH_TOKEN)) < 0) {
        set_err(err, err_size, "cannot watch the backend's state", rc);
        return -1;
    }
    if (alloc_pages(nf) != 0) {
        snprintf(err, err_size, "netfront: out of memory for ring and buffer pages");
        return -1;
    }
    return attach(nf, err, err_size);
}

/* Takes the backend's tx responses: their slots are free again. */
static void reap_tx(struct netfront *nf)
{
    RING_IDX prod;
    do {
        prod = nf->tx.sring->rsp_prod;
        xen_rmb();
        for (RING_IDX i = nf->tx.rsp_cons; i != prod; i++) {
            netif_tx_response_t *rsp = RING_GET_RESPONSE(&nf->tx, i);
            if (rsp->status == NETIF_RSP_NULL)
                continue;       /* the slot of an extra-info request */
            if (rsp->id < NETFRONT_TX_SLOTS && nf->tx_free_count < NETFRONT_TX_SLOTS)
                nf->tx_free[nf->tx_free_count++] = rsp->id;
        }
        nf->tx.rsp_cons = prod;
        int more;
        RING_FINAL_CHECK_FOR_RESPONSES(&nf->tx, more);
        if (!more)
            break;
    } while (1);
}

int netfront_transmit(struct netfront *nf, const void *frame, size_t len)
{
    if (nf->link != NETFRONT_CONNECTED || len == 0 || len > MAX_FRAME)
        return -1;
    if (nf->tx_free_count == 0 || RING_FULL(&nf->tx))
        reap_tx(nf);
    if (nf->tx_free_count == 0 || RING_FULL(&nf->tx)) {
        nf->tx_ring_full++;
        return -1;
    }
    uint16_t id = nf->tx_free[--nf->tx_free_count];
    memcpy(nf->tx_pages[id], frame, len);
    netif_tx_request_t *req = RING_GET_REQUEST(&nf->tx, nf->tx.req_prod_pvt);
    req->gref = (grant_ref_t)nf->tx_refs[id];
    req->offset = 0;
    req->flags = 0;             /* checksums are complete: lwIP computes them */
    req->id = id;
    req->size = (uint16_t)len;
    nf->tx.req_prod_pvt++;
    int notify;
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&nf->tx, notify);
    if (notify)
        nf->port.notify(nf->port.ctx, nf->evtchn);
    nf->tx_frames++;
    return 0;
}

/* Puts rx slot `id`'s page back on the ring for the next frame. */
static void repost_rx(struct netfront *nf, uint16_t id)
{
    netif_rx_request_t *req = RING_GET_REQUEST(&nf->rx, nf->rx.req_prod_pvt);
    req->id = id;
    req->gref = (grant_ref_t)nf->rx_refs[id];
    nf->rx.req_prod_pvt++;
}

long netfront_receive(struct netfront *nf, void *buf, size_t size)
{
    if (nf->link != NETFRONT_CONNECTED)
        return 0;
    long result = 0;
    bool dropping = false;      /* the rest of a frame we cannot take */
    while (result == 0) {
        RING_IDX prod = nf->rx.sring->rsp_prod;
        xen_rmb();
        if (nf->rx.rsp_cons == prod) {
            int more;
            RING_FINAL_CHECK_FOR_RESPONSES(&nf->rx, more);
            if (!more)
                break;
            continue;
        }
        netif_rx_response_t rsp = *RING_GET_RESPONSE(&nf->rx, nf->rx.rsp_cons);
        nf->rx.rsp_cons++;
        if (rsp.id >= NETFRONT_RX_SLOTS) {
            nf->rx_errors++;        /* a broken backend; the slot id is unusable */
            continue;
        }
        bool more_data = rsp.flags & NETRXF_more_data;
        /* Extra-info slots only follow frames with offloads (GSO), which we
         * never advertise; a frame that claims one is dropped. */
        bool extra = rsp.flags & NETRXF_extra_info;
        if (dropping || extra || more_data || rsp.status <= 0 || (size_t)rsp.status > size ||
            rsp.offset + (unsigned)rsp.status > XEN_PAGE_SIZE) {
            nf->rx_errors++;
            dropping = more_data;
        } else {
            memcpy(buf, (const uint8_t *)nf->rx_pages[rsp.id] + rsp.offset, (size_t)rsp.status);
            result = rsp.status;
            /* The checksum was left for "hardware" to fill in: we are it. */
            if (rsp.flags & NETRXF_csum_blank) {
                nf->rx_csum_blank++;
                if (!rx_csum_complete(buf, (size_t)rsp.status))
                    nf->rx_csum_unknown++;
            }
            nf->rx_frames++;
        }
        repost_rx(nf, rsp.id);
    }
    int notify;
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&nf->rx, notify);
    if (notify)
        nf->port.notify(nf->port.ctx, nf->evtchn);
    return result;
}

void netfront_backend_changed(struct netfront *nf)
{
    int state = backend_state(nf);
    if (nf->link == NETFRONT_CONNECTED && (state < 0 || state >= XenbusStateClosing)) {
        /* The backend is going away: stop using the rings and say so. */
        nf->link = NETFRONT_DOWN;
        revoke_rings(nf);
        (void)write_own_state(nf, 0, XenbusStateClosing);
        (void)write_own_state(nf, 0, XenbusStateClosed);
        return;
    }
    if (nf->link == NETFRONT_DOWN && state == XenbusStateInitWait) {
        /* A backend is back (netback reloaded, or the vif re-plugged). */
        revoke_rings(nf);
        (void)write_own_state(nf, 0, XenbusStateInitialising);
        char err[128];
        if (attach(nf, err, sizeof err) == 0)
            nf->reconnects++;
    }
}
