/* The simulated Xen backends for the hosted tests: see xen_sim.h. */
#include "xen_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FRAME_BASE 0x1000u

static struct sim *current;     /* gnttab's frame_of hook has no context */

static void die(const char *what)
{
    printf("not ok - xen simulation: %s\n", what);
    exit(1);
}

/* ---- pages and grants -------------------------------------------------- */

static uint32_t sim_frame_of(const void *page)
{
    for (unsigned i = 0; i < current->page_count; i++)
        if (current->pages[i] == page)
            return FRAME_BASE + i;
    die("a page the simulation never handed out was granted");
    return 0;
}

static void *sim_alloc_page(void *ctx)
{
    struct sim *s = ctx;
    if (s->page_count == sizeof s->pages / sizeof s->pages[0])
        return NULL;
    void *p = aligned_alloc(XEN_PAGE_SIZE, XEN_PAGE_SIZE);
    if (!p)
        die("out of memory");
    memset(p, 0, XEN_PAGE_SIZE);
    s->pages[s->page_count++] = p;
    return p;
}

/* What Xen checks when a backend maps or copies through a grant. */
static void *map_grant(struct sim *s, grant_ref_t ref, bool write)
{
    if (ref >= s->gnttab.count) {
        s->grant_violations++;
        return NULL;
    }
    grant_entry_v1_t *e = &s->entries[ref];
    if (!(e->flags & GTF_permit_access) || e->domid != SIM_BACKEND_DOMID ||
        (write && (e->flags & GTF_readonly)) || e->frame < FRAME_BASE ||
        e->frame - FRAME_BASE >= s->page_count) {
        s->grant_violations++;
        return NULL;
    }
    return s->pages[e->frame - FRAME_BASE];
}

/* ---- xenstored --------------------------------------------------------- */

static void rsp_write(struct sim *s, const void *data, size_t len)
{
    struct xenstore_domain_interface *r = &s->ring;
    if (XENSTORE_RING_SIZE - (r->rsp_prod - r->rsp_cons) < len)
        die("xenstore reply ring overflow (the guest does not drain it)");
    const uint8_t *p = data;
    for (size_t i = 0; i < len; i++)
        r->rsp[MASK_XENSTORE_IDX(r->rsp_prod + (uint32_t)i)] = (char)p[i];
    __atomic_store_n(&r->rsp_prod, r->rsp_prod + (uint32_t)len, __ATOMIC_RELEASE);
}

static void reply(struct sim *s, uint32_t type, uint32_t req_id, uint32_t tx_id, const void *body,
                  size_t len)
{
    struct xsd_sockmsg hdr = {.type = type, .req_id = req_id, .tx_id = tx_id, .len = (uint32_t)len};
    rsp_write(s, &hdr, sizeof hdr);
    rsp_write(s, body, len);
}

static void reply_error(struct sim *s, uint32_t req_id, uint32_t tx_id, const char *name)
{
    reply(s, XS_ERROR, req_id, tx_id, name, strlen(name) + 1);
}

static int find_key(struct sim *s, const char *path)
{
    for (int i = 0; i < SIM_MAX_KEYS; i++)
        if (s->keys[i].used && strcmp(s->keys[i].path, path) == 0)
            return i;
    return -1;
}

const char *sim_store_read(struct sim *s, const char *path)
{
    int i = find_key(s, path);
    return i < 0 ? NULL : s->keys[i].value;
}

static void fire_watches(struct sim *s, const char *path)
{
    for (int i = 0; i < SIM_MAX_WATCHES; i++) {
        if (!s->watches[i].used)
            continue;
        size_t n = strlen(s->watches[i].path);
        if (strncmp(path, s->watches[i].path, n) != 0 || (path[n] != '\0' && path[n] != '/'))
            continue;
        char body[256];
        size_t pl = strlen(path) + 1, tl = strlen(s->watches[i].token) + 1;
        memcpy(body, path, pl);
        memcpy(body + pl, s->watches[i].token, tl);
        reply(s, XS_WATCH_EVENT, 0, 0, body, pl + tl);
    }
}

static void netback_on_write(struct sim *s, const char *path, const char *value);
static void netback_attach(struct sim *s);

static void store_set(struct sim *s, const char *path, const char *value)
{
    int i = find_key(s, path);
    if (i < 0) {
        for (i = 0; i < SIM_MAX_KEYS && s->keys[i].used; i++) {
        }
        if (i == SIM_MAX_KEYS)
            die("store full");
        s->keys[i].used = true;
        snprintf(s->keys[i].path, sizeof s->keys[i].path, "%s", path);
    }
    snprintf(s->keys[i].value, sizeof s->keys[i].value, "%s", value);
    fire_watches(s, path);
    netback_on_write(s, path, value);
}

void sim_store_write(struct sim *s, const char *path, const char *value)
{
    store_set(s, path, value);
}

static void handle(struct sim *s, const struct xsd_sockmsg *h, char *body)
{
    body[h->len] = '\0';
    const char *second = body + strlen(body) + 1;   /* after the first NUL */
    s->requests++;
    switch (h->type) {
    case XS_READ: {
        const char *v = NULL;
        if (h->tx_id && h->tx_id == s->tx_open)
            for (unsigned i = 0; i < s->tx_write_count; i++)
                if (strcmp(s->tx_writes[i].path, body) == 0)
                    v = s->tx_writes[i].value;
        if (!v)
            v = sim_store_read(s, body);
        if (!v)
            reply_error(s, h->req_id, h->tx_id, "ENOENT");
        else
            reply(s, XS_READ, h->req_id, h->tx_id, v, strlen(v));
        if (s->attach_pending && strcmp(body, "backend/vif/1/0/state") == 0) {
            /* The backend connects right after answering: its watch event
             * lands on the ring behind the reply (a real race on Xen). */
            s->attach_pending = false;
            netback_attach(s);
        }
        return;
    }
    case XS_WRITE: {
        size_t pl = strlen(body) + 1;
        if (pl > h->len) {
            reply_error(s, h->req_id, h->tx_id, "EINVAL");
            return;
        }
        char value[128];
        size_t vl = h->len - pl < sizeof value - 1 ? h->len - pl : sizeof value - 1;
        memcpy(value, body + pl, vl);
        value[vl] = '\0';
        if (h->tx_id) {
            if (h->tx_id != s->tx_open || s->tx_write_count == 32) {
                reply_error(s, h->req_id, h->tx_id, "EINVAL");
                return;
            }
            snprintf(s->tx_writes[s->tx_write_count].path, 128, "%s", body);
            snprintf(s->tx_writes[s->tx_write_count].value, 128, "%s", value);
            s->tx_write_count++;
        } else {
            store_set(s, body, value);
        }
        reply(s, XS_WRITE, h->req_id, h->tx_id, "OK", 3);
        return;
    }
    case XS_WATCH:
        for (int i = 0; i < SIM_MAX_WATCHES; i++) {
            if (s->watches[i].used)
                continue;
            s->watches[i].used = true;
            snprintf(s->watches[i].path, 128, "%s", body);
            snprintf(s->watches[i].token, 64, "%s", second);
            reply(s, XS_WATCH, h->req_id, 0, "OK", 3);
            /* xenstored fires every new watch once at once. */
            char ev[256];
            size_t pl = strlen(body) + 1, tl = strlen(second) + 1;
            memcpy(ev, body, pl);
            memcpy(ev + pl, second, tl);
            reply(s, XS_WATCH_EVENT, 0, 0, ev, pl + tl);
            return;
        }
        reply_error(s, h->req_id, 0, "ENOSPC");
        return;
    case XS_UNWATCH:
        for (int i = 0; i < SIM_MAX_WATCHES; i++)
            if (s->watches[i].used && strcmp(s->watches[i].path, body) == 0 &&
                strcmp(s->watches[i].token, second) == 0) {
                s->watches[i].used = false;
                reply(s, XS_UNWATCH, h->req_id, 0, "OK", 3);
                return;
            }
        reply_error(s, h->req_id, 0, "ENOENT");
        return;
    case XS_TRANSACTION_START: {
        if (s->tx_open) {
            reply_error(s, h->req_id, 0, "EBUSY");
            return;
        }
        s->tx_open = ++s->next_tx;
        s->tx_write_count = 0;
        char id[16];
        int n = snprintf(id, sizeof id, "%u", s->tx_open);
        reply(s, XS_TRANSACTION_START, h->req_id, 0, id, (size_t)n + 1);
        return;
    }
    case XS_TRANSACTION_END: {
        if (!h->tx_id || h->tx_id != s->tx_open) {
            reply_error(s, h->req_id, h->tx_id, "ENOENT");
            return;
        }
        s->tx_open = 0;
        if (strcmp(body, "T") == 0) {
            if (s->fail_next_commit) {
                s->fail_next_commit = false;
                s->conflicts++;
                reply_error(s, h->req_id, h->tx_id, "EAGAIN");
                return;
            }
            s->commits++;
            /* Reply first, then apply: the writes' watch events follow. */
            reply(s, XS_TRANSACTION_END, h->req_id, h->tx_id, "OK", 3);
            for (unsigned i = 0; i < s->tx_write_count; i++)
                store_set(s, s->tx_writes[i].path, s->tx_writes[i].value);
            return;
        }
        reply(s, XS_TRANSACTION_END, h->req_id, h->tx_id, "OK", 3);
        return;
    }
    default:
        reply_error(s, h->req_id, h->tx_id, "EINVAL");
    }
}

/* Serves every whole request on the ring. */
static void xenstored_process(struct sim *s)
{
    struct xenstore_domain_interface *r = &s->ring;
    for (;;) {
        uint32_t avail = __atomic_load_n(&r->req_prod, __ATOMIC_ACQUIRE) - r->req_cons;
        struct xsd_sockmsg h;
        if (avail < sizeof h)
            return;
        for (size_t i = 0; i < sizeof h; i++)
            ((char *)&h)[i] = r->req[MASK_XENSTORE_IDX(r->req_cons + (uint32_t)i)];
        if (h.len > XENSTORE_PAYLOAD_MAX)
            die("request longer than XENSTORE_PAYLOAD_MAX");
        if (avail < sizeof h + h.len)
            return;
        static char body[XENSTORE_PAYLOAD_MAX + 1];
        for (uint32_t i = 0; i < h.len; i++)
            body[i] = r->req[MASK_XENSTORE_IDX(r->req_cons + (uint32_t)sizeof h + i)];
        __atomic_store_n(&r->req_cons, r->req_cons + (uint32_t)sizeof h + h.len, __ATOMIC_RELEASE);
        handle(s, &h, body);
    }
}

static void xs_notify(void *ctx)
{
    xenstored_process(ctx);
}

static bool sim_wait(void *ctx)
{
    struct sim *s = ctx;
    s->waits++;
    return false;   /* nothing more will happen: like a time-out on Xen */
}

struct xs_transport sim_xs_transport(struct sim *s)
{
    return (struct xs_transport){.ring = &s->ring, .notify = xs_notify, .wait = sim_wait, .ctx = s};
}

/* ---- netback ----------------------------------------------------------- */

#define FRONT "device/vif/0"
#define BACK "backend/vif/1/0"

static unsigned long read_ulong(struct sim *s, const char *path)
{
    const char *v = sim_store_read(s, path);
    return v ? strtoul(v, NULL, 10) : ~0ul;
}

static void netback_attach(struct sim *s)
{
    void *txp = map_grant(s, (grant_ref_t)read_ulong(s, FRONT "/tx-ring-ref"), true);
    void *rxp = map_grant(s, (grant_ref_t)read_ulong(s, FRONT "/rx-ring-ref"), true);
    const char *copy = sim_store_read(s, FRONT "/request-rx-copy");
    if (!txp || !rxp || !copy || strcmp(copy, "1") != 0)
        return;     /* a real netback would fail the device; the test sees no Connected */
    BACK_RING_INIT(&s->tx, (netif_tx_sring_t *)txp, XEN_PAGE_SIZE);
    BACK_RING_INIT(&s->rx, (netif_rx_sring_t *)rxp, XEN_PAGE_SIZE);
    s->evtchn = (evtchn_port_t)read_ulong(s, FRONT "/event-channel");
    s->backend_connected = true;
    store_set(s, BACK "/state", "4");
}

static void netback_on_write(struct sim *s, const char *path, const char *value)
{
    const char *be = sim_store_read(s, BACK "/state");
    if (strcmp(path, FRONT "/state") == 0 && strcmp(value, "4") == 0 && be && strcmp(be, "2") == 0) {
        if (s->connect_after_read)
            s->attach_pending = true;
        else
            netback_attach(s);
    }
}

void sim_backend_set_state(struct sim *s, int state)
{
    if (state != XenbusStateConnected)
        s->backend_connected = false;
    char v[8];
    snprintf(v, sizeof v, "%d", state);
    store_set(s, BACK "/state", v);
}

void sim_netback_process_tx(struct sim *s)
{
    if (!s->backend_connected)
        return;
    /* As netback does: work until the ring is empty, then set req_event so
     * the guest's next request notifies us (RING_FINAL_CHECK). */
    int more;
    do {
        while (s->tx.req_cons != __atomic_load_n(&s->tx.sring->req_prod, __ATOMIC_ACQUIRE)) {
            netif_tx_request_t req = *RING_GET_REQUEST(&s->tx, s->tx.req_cons);
            s->tx.req_cons++;
            const uint8_t *page = map_grant(s, req.gref, false);
            int16_t status = NETIF_RSP_OKAY;
            if (!page || req.offset + req.size > XEN_PAGE_SIZE || req.size > sizeof s->sent[0].data ||
                s->sent_count == SIM_MAX_FRAMES) {
                status = NETIF_RSP_ERROR;
            } else {
                s->sent[s->sent_count].len = req.size;
                memcpy(s->sent[s->sent_count].data, page + req.offset, req.size);
                s->sent_count++;
            }
            netif_tx_response_t *rsp = RING_GET_RESPONSE(&s->tx, s->tx.rsp_prod_pvt);
            rsp->id = req.id;
            rsp->status = status;
            s->tx.rsp_prod_pvt++;
        }
        RING_FINAL_CHECK_FOR_REQUESTS(&s->tx, more);
    } while (more);
    int notify;
    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&s->tx, notify);
    (void)notify;
}

int sim_netback_inject(struct sim *s, const void *frame, size_t len)
{
    if (!s->backend_connected ||
        s->rx.req_cons == __atomic_load_n(&s->rx.sring->req_prod, __ATOMIC_ACQUIRE))
        return -1;
    netif_rx_request_t req = *RING_GET_REQUEST(&s->rx, s->rx.req_cons);
    s->rx.req_cons++;
    uint8_t *page = map_grant(s, req.gref, true);
    netif_rx_response_t *rsp = RING_GET_RESPONSE(&s->rx, s->rx.rsp_prod_pvt);
    rsp->id = req.id;
    rsp->offset = 0;
    rsp->flags = s->rx_flags;
    if (!page || len > XEN_PAGE_SIZE) {
        rsp->status = NETIF_RSP_ERROR;
    } else {
        memcpy(page, frame, len);
        rsp->status = (int16_t)len;
    }
    s->rx.rsp_prod_pvt++;
    int notify;
    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&s->rx, notify);
    if (notify)
        s->rx_notifies++;
    return page ? 0 : -1;
}

unsigned sim_netback_rx_posted(struct sim *s)
{
    if (!s->backend_connected)
        return 0;
    return s->rx.sring->req_prod - s->rx.req_cons;
}

static int sim_alloc_evtchn(void *ctx, domid_t remote, evtchn_port_t *port)
{
    struct sim *s = ctx;
    if (remote != SIM_BACKEND_DOMID)
        return -1;
    *port = ++s->next_port;
    return 0;
}

static void sim_notify(void *ctx, evtchn_port_t port)
{
    struct sim *s = ctx;
    s->notifies++;
    if (port == s->evtchn && !s->tx_paused)
        sim_netback_process_tx(s);
}

struct netfront_port sim_netfront_port(struct sim *s)
{
    return (struct netfront_port){
        .gnttab = &s->gnttab,
        .alloc_evtchn = sim_alloc_evtchn,
        .notify = sim_notify,
        .alloc_page = sim_alloc_page,
        .wait = sim_wait,
        .ctx = s,
    };
}

void sim_init(struct sim *s)
{
    memset(s, 0, sizeof *s);
    current = s;
    s->next_port = 10;
    s->sent = calloc(SIM_MAX_FRAMES, sizeof *s->sent);
    if (!s->sent)
        die("out of memory");
    gnttab_init(&s->gnttab, s->entries, GNTTAB_MAX_ENTRIES, sim_frame_of);
    store_set(s, FRONT "/backend", BACK);
    store_set(s, FRONT "/backend-id", "0");
    store_set(s, FRONT "/mac", "00:16:3e:12:34:56");
    store_set(s, FRONT "/state", "1");
    store_set(s, BACK "/state", "2");
}

void sim_free(struct sim *s)
{
    for (unsigned i = 0; i < s->page_count; i++)
        free(s->pages[i]);
    free(s->sent);
    s->page_count = 0;
}
