/* The xenstore ring protocol: see xenstore.h. */
#include "xen/xenstore.h"

#include <stdlib.h>
#include <string.h>

#define REPLY_MAX XENSTORE_PAYLOAD_MAX

static const struct {
    const char *name;
    int code;
} error_names[] = {
    {"ENOENT", XS_ERR_NOENT}, {"EIO", XS_ERR_IO},         {"EAGAIN", XS_ERR_AGAIN},
    {"EACCES", XS_ERR_ACCES}, {"EEXIST", XS_ERR_EXIST},   {"EINVAL", XS_ERR_INVAL},
    {"ENOSPC", XS_ERR_NOSPC}, {"EROFS", XS_ERR_ROFS},     {"E2BIG", XS_ERR_TOOBIG},
};

const char *xs_error_name(int err)
{
    for (size_t i = 0; i < sizeof error_names / sizeof error_names[0]; i++)
        if (error_names[i].code == err)
            return error_names[i].name;
    switch (err) {
    case XS_ERR_TIMEOUT: return "timeout";
    case XS_ERR_PROTO: return "malformed reply";
    default: return "error";
    }
}

void xs_init(struct xs_client *c, const struct xs_transport *t)
{
    memset(c, 0, sizeof *c);
    c->t = *t;
    c->next_req_id = 1;
}

/* Copies `len` bytes into the request ring, waiting for room as needed. */
static int ring_put(struct xs_client *c, const void *data, size_t len)
{
    struct xenstore_domain_interface *r = c->t.ring;
    const uint8_t *p = data;
    while (len > 0) {
        XENSTORE_RING_IDX cons = __atomic_load_n(&r->req_cons, __ATOMIC_ACQUIRE);
        XENSTORE_RING_IDX prod = r->req_prod;
        uint32_t used = prod - cons;
        if (used > XENSTORE_RING_SIZE)
            return XS_ERR_PROTO;
        if (used == XENSTORE_RING_SIZE) {
            c->t.notify(c->t.ctx);
            if (!c->t.wait(c->t.ctx))
                return XS_ERR_TIMEOUT;
            continue;
        }
        uint32_t offset = MASK_XENSTORE_IDX(prod);
        size_t room = XENSTORE_RING_SIZE - used;
        size_t chunk = XENSTORE_RING_SIZE - offset;
        if (chunk > room)
            chunk = room;
        if (chunk > len)
            chunk = len;
        memcpy(r->req + offset, p, chunk);
        __atomic_store_n(&r->req_prod, prod + (XENSTORE_RING_IDX)chunk, __ATOMIC_RELEASE);
        p += chunk;
        len -= chunk;
    }
    c->t.notify(c->t.ctx);
    return 0;
}

/* Bytes readable in the reply ring now. */
static uint32_t rsp_available(struct xs_client *c)
{
    struct xenstore_domain_interface *r = c->t.ring;
    return __atomic_load_n(&r->rsp_prod, __ATOMIC_ACQUIRE) - r->rsp_cons;
}

static void rsp_copy(struct xs_client *c, uint32_t at, void *out, size_t len)
{
    struct xenstore_domain_interface *r = c->t.ring;
    uint8_t *o = out;
    for (size_t i = 0; i < len; i++)
        o[i] = (uint8_t)r->rsp[MASK_XENSTORE_IDX(r->rsp_cons + at + (uint32_t)i)];
}

static void rsp_consume(struct xs_client *c, uint32_t len)
{
    struct xenstore_domain_interface *r = c->t.ring;
    __atomic_store_n(&r->rsp_cons, r->rsp_cons + len, __ATOMIC_RELEASE);
    c->t.notify(c->t.ctx);
}

static void queue_event(struct xs_client *c, const char *payload, uint32_t len)
{
    if (c->event_count == XS_WATCH_QUEUE || len + 1 > XS_WATCH_EVENT_MAX) {
        c->events_dropped++;
        return;
    }
    char *slot = c->events[(c->event_head + c->event_count) % XS_WATCH_QUEUE];
    memcpy(slot, payload, len);
    slot[len] = '\0';
    /* Both strings must be there: "path\0token\0". */
    if (memchr(slot, '\0', len) == NULL) {
        c->events_dropped++;
        return;
    }
    c->event_count++;
}

/*
 * Takes one complete message off the reply ring if there is one: watch
 * events are queued, a reply is returned. 1 with *hdr and body (len bytes
 * copied, capped to body_size and NUL-terminated), 0 if no whole message is
 * there yet, < 0 on a malformed ring.
 */
static int take_message(struct xs_client *c, struct xsd_sockmsg *hdr, char *body, size_t body_size)
{
    for (;;) {
        uint32_t avail = rsp_available(c);
        if (avail > XENSTORE_RING_SIZE)
            return XS_ERR_PROTO;
        if (avail < sizeof *hdr)
            return 0;
        rsp_copy(c, 0, hdr, sizeof *hdr);
        if (hdr->len > XENSTORE_PAYLOAD_MAX)
            return XS_ERR_PROTO;
        if (avail < sizeof *hdr + hdr->len)
            return 0;
        if (hdr->type == XS_WATCH_EVENT) {
            char event[XS_WATCH_EVENT_MAX];
            uint32_t n = hdr->len < sizeof event ? hdr->len : (uint32_t)sizeof event;
            rsp_copy(c, sizeof *hdr, event, n);
            rsp_consume(c, (uint32_t)sizeof *hdr + hdr->len);
            if (hdr->len < sizeof event)
                queue_event(c, event, n);
            else
                c->events_dropped++;
            continue;
        }
        size_t n = hdr->len < body_size - 1 ? hdr->len : body_size - 1;
        rsp_copy(c, sizeof *hdr, body, n);
        body[n] = '\0';
        rsp_consume(c, (uint32_t)sizeof *hdr + hdr->len);
        return 1;
    }
}

static int error_code(const char *name)
{
    for (size_t i = 0; i < sizeof error_names / sizeof error_names[0]; i++)
        if (strcmp(error_names[i].name, name) == 0)
            return error_names[i].code;
    return XS_ERR_OTHER;
}

/*
 * Sends one request made of `parts` (each sent with its NUL when `nul` says
 * so) and waits for its reply into reply/reply_size. The reply's payload
 * length, or an error (XS_ERROR replies are mapped to their codes).
 */
static int request(struct xs_client *c, enum xsd_sockmsg_type type, uint32_t tx,
                   const char *const *parts, const bool *nul, unsigned count, char *reply,
                   size_t reply_size, uint32_t *reply_len)
{
    struct xsd_sockmsg hdr = {.type = type, .req_id = c->next_req_id++, .tx_id = tx};
    size_t len = 0;
    for (unsigned i = 0; i < count; i++)
        len += strlen(parts[i]) + (nul[i] ? 1 : 0);
    if (len > XENSTORE_PAYLOAD_MAX)
        return XS_ERR_TOOBIG;
    hdr.len = (uint32_t)len;
    int rc = ring_put(c, &hdr, sizeof hdr);
    for (unsigned i = 0; rc == 0 && i < count; i++)
        rc = ring_put(c, parts[i], strlen(parts[i]) + (nul[i] ? 1 : 0));
    if (rc != 0)
        return rc;
    for (;;) {
        struct xsd_sockmsg got;
        rc = take_message(c, &got, reply, reply_size);
        if (rc < 0)
            return rc;
        if (rc == 0) {
            if (!c->t.wait(c->t.ctx))
                return XS_ERR_TIMEOUT;
            continue;
        }
        if (got.req_id != hdr.req_id)
            continue;           /* a stale reply to a request we gave up on */
        if (got.type == XS_ERROR)
            return error_code(reply);
        if (got.type != type)
            return XS_ERR_PROTO;
        if (reply_len)
            *reply_len = got.len;
        return got.len >= reply_size ? XS_ERR_TOOBIG : (int)got.len;
    }
}

int xs_read(struct xs_client *c, uint32_t tx, const char *path, char *value, size_t size)
{
    const char *parts[] = {path};
    const bool nul[] = {true};
    return request(c, XS_READ, tx, parts, nul, 1, value, size, NULL);
}

int xs_write(struct xs_client *c, uint32_t tx, const char *path, const char *value)
{
    const char *parts[] = {path, value};
    const bool nul[] = {true, false};   /* the value is raw bytes, no NUL */
    char reply[16];
    int rc = request(c, XS_WRITE, tx, parts, nul, 2, reply, sizeof reply, NULL);
    return rc < 0 ? rc : XS_OK;
}

int xs_watch(struct xs_client *c, const char *path, const char *token)
{
    const char *parts[] = {path, token};
    const bool nul[] = {true, true};
    char reply[16];
    int rc = request(c, XS_WATCH, 0, parts, nul, 2, reply, sizeof reply, NULL);
    return rc < 0 ? rc : XS_OK;
}

int xs_unwatch(struct xs_client *c, const char *path, const char *token)
{
    const char *parts[] = {path, token};
    const bool nul[] = {true, true};
    char reply[16];
    int rc = request(c, XS_UNWATCH, 0, parts, nul, 2, reply, sizeof reply, NULL);
    return rc < 0 ? rc : XS_OK;
}

int xs_transaction_start(struct xs_client *c, uint32_t *tx)
{
    const char *parts[] = {""};
    const bool nul[] = {true};
    char reply[32];
    int rc = request(c, XS_TRANSACTION_START, 0, parts, nul, 1, reply, sizeof reply, NULL);
    if (rc < 0)
        return rc;
    char *end;
    unsigned long id = strtoul(reply, &end, 10);
    if (end == reply || id == 0 || id > UINT32_MAX)
        return XS_ERR_PROTO;
    *tx = (uint32_t)id;
    return XS_OK;
}

int xs_transaction_end(struct xs_client *c, uint32_t tx, bool commit)
{
    const char *parts[] = {commit ? "T" : "F"};
    const bool nul[] = {true};
    char reply[16];
    int rc = request(c, XS_TRANSACTION_END, tx, parts, nul, 1, reply, sizeof reply, NULL);
    return rc < 0 ? rc : XS_OK;
}

int xs_read_uint(struct xs_client *c, uint32_t tx, const char *path, unsigned long *value)
{
    char buf[32];
    int rc = xs_read(c, tx, path, buf, sizeof buf);
    if (rc < 0)
        return rc;
    char *end;
    *value = strtoul(buf, &end, 10);
    return end == buf || *end != '\0' ? XS_ERR_PROTO : XS_OK;
}

bool xs_next_watch_event(struct xs_client *c, const char **path, const char **token)
{
    /* Drain whole messages: with no request in flight, only events come. */
    char scratch[16];
    struct xsd_sockmsg hdr;
    while (take_message(c, &hdr, scratch, sizeof scratch) > 0) {
    }
    if (c->event_count == 0)
        return false;
    char *slot = c->events[c->event_head];
    c->event_head = (c->event_head + 1) % XS_WATCH_QUEUE;
    c->event_count--;
    *path = slot;
    *token = slot + strlen(slot) + 1;
    return true;
}

bool xs_watch_event_queued(const struct xs_client *c)
{
    return c->event_count > 0;
}
