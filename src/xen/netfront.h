/*
 * netfront: the guest's half of a Xen virtual interface (io/netif.h).
 *
 * Connection (the xenbus handshake): read backend path, backend-id and mac
 * from our device node; share one tx and one rx ring page and an event
 * channel; in one xenstore transaction write tx-ring-ref, rx-ring-ref,
 * event-channel, request-rx-copy=1 (the backend copies into our pages) and
 * feature-rx-notify=1, then state=Connected; wait for the backend's
 * state=Connected.
 *
 * Data: every rx slot always has a granted page posted (256 pages), so the
 * backend can copy a burst of frames without waiting for us; each received
 * frame is copied out and its page posted again at once. Every tx slot owns
 * a page granted read-only once; a frame is copied into it and sent. When
 * the tx ring is full, reaping the backend's responses frees slots; if none
 * are free the frame is refused (lwIP's TCP retransmits).
 *
 * The backend going away (state Closing/Closed) is seen through a watch on
 * its state: we stop, revoke our grants, say Closed, and reconnect with
 * fresh rings when the backend comes back (InitWait again).
 *
 * Everything that touches Xen goes through struct netfront_port, so the
 * hosted tests drive this file against a simulated netback.
 */
#ifndef UNIHOST_XEN_NETFRONT_H
#define UNIHOST_XEN_NETFRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xen/gnttab.h"
#include "xen/xen_abi.h"
#include "xen/xenstore.h"

#define NETFRONT_TX_SLOTS __CONST_RING_SIZE(netif_tx, XEN_PAGE_SIZE)
#define NETFRONT_RX_SLOTS __CONST_RING_SIZE(netif_rx, XEN_PAGE_SIZE)

struct netfront_port {
    struct gnttab *gnttab;
    int (*alloc_evtchn)(void *ctx, domid_t remote, evtchn_port_t *port);
    void (*notify)(void *ctx, evtchn_port_t port);
    /* A zeroed, page-aligned 4 KiB page, or NULL; never freed (pages are
     * reused across reconnections). */
    void *(*alloc_page)(void *ctx);
    /* Blocks until an event may have arrived (xenstore or the interface);
     * false when the caller's patience ran out. */
    bool (*wait)(void *ctx);
    void *ctx;
};

enum netfront_link { NETFRONT_DOWN, NETFRONT_CONNECTED };

struct netfront {
    struct xs_client *xs;
    struct netfront_port port;
    char node[64];              /* "device/vif/0" */
    char backend[128];          /* the backend's xenstore directory */
    char backend_state_path[160];
    domid_t backend_id;
    uint8_t mac[6];
    enum netfront_link link;
    evtchn_port_t evtchn;

    netif_tx_front_ring_t tx;
    netif_rx_front_ring_t rx;
    void *tx_ring_page, *rx_ring_page;
    int32_t tx_ring_ref, rx_ring_ref;

    void *tx_pages[NETFRONT_TX_SLOTS];
    int32_t tx_refs[NETFRONT_TX_SLOTS];
    uint16_t tx_free[NETFRONT_TX_SLOTS];   /* stack of free tx slot ids */
    unsigned tx_free_count;

    void *rx_pages[NETFRONT_RX_SLOTS];
    int32_t rx_refs[NETFRONT_RX_SLOTS];

    /* Counters for the log and the tests. */
    unsigned long rx_frames, tx_frames, rx_errors, tx_ring_full, reconnects;
    /* Frames flagged NETRXF_csum_blank, and those of them that were not
     * TCP/UDP over IPv4/IPv6 we could complete (passed on as they are). */
    unsigned long rx_csum_blank, rx_csum_unknown;
};

/* Reads the device node and connects. 0, or -1 with a sentence in err. */
int netfront_connect(struct netfront *nf, struct xs_client *xs, const struct netfront_port *port,
                     const char *node, char *err, size_t err_size);

/* One received frame into buf: its length, 0 if none (or dropped: too big
 * for buf, an error status, a multi-fragment frame), -1 if the link is down
 * for good. Never blocks. */
long netfront_receive(struct netfront *nf, void *buf, size_t size);

/* 0 if queued (the bytes were copied), -1 if no slot is free or the link
 * is down. */
int netfront_transmit(struct netfront *nf, const void *frame, size_t len);

/* The token of netfront's watch on the backend's state. */
#define NETFRONT_WATCH_TOKEN "netfront-backend"

/* Call when a watch event with NETFRONT_WATCH_TOKEN arrived: notices the
 * backend closing (link goes down, grants revoked, our state Closed) and
 * coming back (reconnects). */
void netfront_backend_changed(struct netfront *nf);

#endif
