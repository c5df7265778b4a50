/*
 * An in-process stand-in for what sits on the other side of a Xen guest's
 * rings, for the hosted tests of src/xen/{gnttab,xenstore,netfront}.c:
 *   - pages: 4 KiB pages with made-up frame numbers, and a grant table (an
 *     array of v1 entries) that the simulated backend resolves refs through,
 *     checking the domid, the permit and read-only flags as Xen would;
 *   - xenstored: a key/value store behind a real xenstore ring, answering
 *     read, write, watch, unwatch and transactions (buffered, with a knob
 *     to make the next commit conflict), errors as XS_ERROR, watch events;
 *   - netback: reacts to the frontend's state, attaches to its rings,
 *     consumes tx requests (or pauses, to fill the ring), injects frames
 *     into posted rx buffers, closes and comes back.
 * Everything runs synchronously when the guest code notifies.
 */
#ifndef UNIHOST_TEST_XEN_SIM_H
#define UNIHOST_TEST_XEN_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xen/gnttab.h"
#include "xen/netfront.h"
#include "xen/xen_abi.h"
#include "xen/xenstore.h"

#define SIM_BACKEND_DOMID 0
#define SIM_MAX_KEYS 512
#define SIM_MAX_WATCHES 8
#define SIM_MAX_FRAMES 2048

struct sim_frame {
    size_t len;
    uint8_t data[2048];
};

struct sim {
    /* pages and grants */
    void *pages[1200];
    unsigned page_count;
    grant_entry_v1_t entries[GNTTAB_MAX_ENTRIES];
    struct gnttab gnttab;
    unsigned grant_violations;      /* refs the backend could not use */

    /* xenstored */
    struct xenstore_domain_interface ring;
    struct { char path[128], value[128]; bool used; } keys[SIM_MAX_KEYS];
    struct { char path[128], token[64]; bool used; } watches[SIM_MAX_WATCHES];
    struct { char path[128], value[128]; } tx_writes[32];
    unsigned tx_write_count;
    uint32_t tx_open;               /* the open transaction's id, 0 if none */
    uint32_t next_tx;
    bool fail_next_commit;          /* answer the next commit with EAGAIN */
    unsigned commits, conflicts, requests;
    unsigned waits;                 /* times the guest had to wait: the sim never
                                     * leaves work pending, so each is a stall */

    /* netback */
    bool backend_connected;
    bool connect_after_read;        /* connect only after answering a read of
                                     * the backend's state (then attach_pending) */
    bool attach_pending;
    bool tx_paused;                 /* leave tx requests on the ring */
    netif_tx_back_ring_t tx;
    netif_rx_back_ring_t rx;
    evtchn_port_t evtchn;
    evtchn_port_t next_port;
    unsigned notifies;
    struct sim_frame *sent;         /* frames the guest transmitted */
    unsigned sent_count;
    unsigned rx_notifies;           /* times the backend had to kick the guest for rx */
    uint16_t rx_flags;              /* NETRXF_* flags given to injected frames */
};

/* Sets up the store with a vif device/vif/0 whose backend is in InitWait. */
void sim_init(struct sim *s);
void sim_free(struct sim *s);

struct xs_transport sim_xs_transport(struct sim *s);
struct netfront_port sim_netfront_port(struct sim *s);

/* Store access from the "toolstack" side (fires watches). */
void sim_store_write(struct sim *s, const char *path, const char *value);
const char *sim_store_read(struct sim *s, const char *path);

/* The backend's state key, written as the toolstack/netback would. */
void sim_backend_set_state(struct sim *s, int state);

/* Processes tx requests now (after sim->tx_paused was cleared). */
void sim_netback_process_tx(struct sim *s);

/* Copies a frame into the next posted rx buffer: 0, or -1 if the guest has
 * no buffer posted (the frame is dropped, as netback would). */
int sim_netback_inject(struct sim *s, const void *frame, size_t len);

/* Number of rx buffers the guest has posted and the backend not yet used. */
unsigned sim_netback_rx_posted(struct sim *s);

#endif
