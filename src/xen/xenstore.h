/*
 * A xenstore client over the shared ring (io/xs_wire.h): requests go on the
 * req ring, replies come on the rsp ring, matched by req_id; watch events
 * arriving in between are queued for xs_next_watch_event(). One request is
 * in flight at a time (the guest is single-threaded).
 *
 * The seam to the world is struct xs_transport: the ring's memory, a way to
 * kick the other end and a way to wait for it. On Xen these are the
 * HVM_PARAM_STORE_PFN page and its event channel; the hosted tests plug in
 * a xenstored simulated in-process.
 */
#ifndef UNIHOST_XEN_XENSTORE_H
#define UNIHOST_XEN_XENSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xen/xen_abi.h"

/* Results: >= 0 success; these negative values are xenstored's errors. */
enum {
    XS_OK = 0,
    XS_ERR_NOENT = -2,
    XS_ERR_IO = -5,
    XS_ERR_AGAIN = -11,
    XS_ERR_ACCES = -13,
    XS_ERR_EXIST = -17,
    XS_ERR_INVAL = -22,
    XS_ERR_NOSPC = -28,
    XS_ERR_ROFS = -30,
    XS_ERR_TOOBIG = -90,    /* our own: reply larger than the caller's buffer */
    XS_ERR_TIMEOUT = -110,  /* our own: xenstored did not answer in time */
    XS_ERR_PROTO = -71,     /* our own: a malformed reply */
    XS_ERR_OTHER = -1,
};

struct xs_transport {
    struct xenstore_domain_interface *ring;
    void (*notify)(void *ctx);
    /* Blocks until the other end may have written; false when the caller's
     * patience (a few seconds on Xen) ran out. */
    bool (*wait)(void *ctx);
    void *ctx;
};

#define XS_WATCH_QUEUE 16
#define XS_WATCH_EVENT_MAX 256

struct xs_client {
    struct xs_transport t;
    uint32_t next_req_id;
    /* Watch events received while waiting for a reply: "path\0token\0". */
    char events[XS_WATCH_QUEUE][XS_WATCH_EVENT_MAX];
    unsigned event_head, event_count, events_dropped;
};

void xs_init(struct xs_client *c, const struct xs_transport *t);

/* Reads `path` into value (NUL-terminated); its length or an error. */
int xs_read(struct xs_client *c, uint32_t tx, const char *path, char *value, size_t size);
int xs_write(struct xs_client *c, uint32_t tx, const char *path, const char *value);
int xs_watch(struct xs_client *c, const char *path, const char *token);
int xs_unwatch(struct xs_client *c, const char *path, const char *token);
int xs_transaction_start(struct xs_client *c, uint32_t *tx);
/* commit false aborts; XS_ERR_AGAIN means "conflict: run it again". */
int xs_transaction_end(struct xs_client *c, uint32_t tx, bool commit);

/* Reads an unsigned decimal value. */
int xs_read_uint(struct xs_client *c, uint32_t tx, const char *path, unsigned long *value);

/* Takes the oldest queued watch event, first draining what the ring holds
 * (never blocks): true and path/token (pointing into the client), or false. */
bool xs_next_watch_event(struct xs_client *c, const char **path, const char **token);

/* Whether watch events are queued: ones that came in while a request
 * waited for its reply. Their event-channel notification was consumed by
 * that wait, so a caller about to block must look here first. */
bool xs_watch_event_queued(const struct xs_client *c);

/* A short name for an error, for log lines. */
const char *xs_error_name(int err);

#endif
