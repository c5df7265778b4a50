/* DNS over TCP as a stream engine: see dns_stream.h. */
#include "dns/dns_stream.h"

#include <string.h>

#include "dns/dns_engine.h"
#include "wire/dns_wire.h"

void dns_stream_init(struct dns_stream *s, const struct blob *blob, const struct stream_peer *peer)
{
    s->blob = blob;
    s->current_blob = NULL;
    s->env = NULL;
    memset(&s->peer, 0, sizeof s->peer);
    s->peer.family = peer->family;
    memcpy(s->peer.addr, peer->addr, sizeof s->peer.addr);
    s->len = 0;
    s->input_closed = false;
    s->stop = false;
    s->transferring = false;
    s->transfer_started = false;
    s->taken = 0;
    s->current_len = 0;
}

static size_t head_len(const struct dns_stream *s)
{
    return s->len >= 2 ? dns_get16(s->buf) : 0;
}

static bool head_complete(const struct dns_stream *s)
{
    return s->len >= 2 && s->len >= 2 + head_len(s);
}

size_t dns_stream_feed(struct dns_stream *s, const uint8_t *data, size_t len)
{
    if (s->stop || s->input_closed)
        return 0;
    size_t room = sizeof s->buf - s->len;
    size_t n = len < room ? len : room;
    memcpy(s->buf + s->len, data, n);
    s->len += n;
    return n;
}

void dns_stream_input_closed(struct dns_stream *s)
{
    s->input_closed = true;
}

/* Drops the query at the head of the buffer: it was answered, or began a
 * transfer. */
static void pop_head(struct dns_stream *s)
{
    size_t n = 2 + head_len(s);
    memmove(s->buf, s->buf + n, s->len - n);
    s->len -= n;
}

/* The current message, (re)made in scratch+2 with its length in front;
 * returns its length with the prefix, or 0 if there is none to send now. */
static size_t make_current(struct dns_stream *s, uint8_t *scratch)
{
    size_t max = STREAM_SCRATCH_BYTES - 2;
    for (;;) {
        if (s->transferring) {
            if (s->taken == 0 && s->env)
                s->pinned = *s->env;
            s->xfr_next = s->xfr;
            if (s->env)
                s->xfr_next.now = s->pinned.unix_time;  /* each message signed at its own time */
            size_t n = dns_transfer_next(&s->xfr_next, scratch + 2, max);
            if (n > 0) {
                dns_put16(scratch, (uint16_t)n);
                return n + 2;
            }
            s->transferring = false;
            if (!dns_transfer_done(&s->xfr_next)) {
                s->stop = true;     /* a record that fits no message: the stream cannot go on */
                return 0;
            }
            continue;               /* the transfer is over: the queries behind it */
        }
        if (s->stop || !head_complete(s))
            return 0;
        const uint8_t *msg = s->buf + 2;
        size_t len = head_len(s);
        /* A transfer starts only when nothing of this message was taken
         * yet: a message re-made for its next part is always an answer. */
        size_t n;
        /* The clock as the message's first part saw it: each part re-makes
         * the answer, which must come out the same (cookies and TSIG
         * signatures carry the time). */
        if (s->taken == 0 && s->env)
            s->pinned = *s->env;
        if (s->taken == 0 && s->current_blob)
            s->blob = s->current_blob();    /* nothing of this message went out: the newest content */
        enum dns_action action = dns_engine_handle(s->blob, s->env ? &s->pinned : NULL, msg, len, DNS_OVER_TCP, &s->peer,
                                                   s->taken == 0 ? &s->xfr : NULL, scratch + 2, max, &n);
        if (action == DNS_ACTION_TRANSFER) {
            s->transferring = true;
            s->transfer_started = true;
            pop_head(s);
            continue;
        }
        if (action == DNS_ACTION_NONE) {
            s->stop = true;         /* not a query we answer: close here */
            return 0;
        }
        dns_put16(scratch, (uint16_t)n);
        return n + 2;
    }
}

bool dns_stream_output(struct dns_stream *s, uint8_t *scratch, struct stream_chunk *out)
{
    /* A length prefix over the limit can only be the head's once the
     * queries before it are answered: stop there. */
    if (!s->transferring && s->len >= 2 && head_len(s) > DNS_STREAM_QUERY_MAX)
        s->stop = true;
    size_t len = make_current(s, scratch);
    if (len <= s->taken)
        return false;
    s->current_len = len;
    out->data = scratch + s->taken;
    out->len = len - s->taken;
    out->stable = false;
    return true;
}

void dns_stream_output_taken(struct dns_stream *s, size_t n)
{
    s->taken += n;
    if (s->taken < s->current_len)
        return;
    s->taken = 0;
    if (s->transferring)
        s->xfr = s->xfr_next;
    else
        pop_head(s);
}

unsigned dns_stream_state(const struct dns_stream *s)
{
    bool over_long = s->len >= 2 && head_len(s) > DNS_STREAM_QUERY_MAX;
    bool more = s->transferring || s->taken > 0 || (!s->stop && !over_long && head_complete(s));
    if (more)
        return STREAM_RESPONDING;
    if (s->stop || over_long || s->input_closed)
        return STREAM_FINISHED;
    return s->len > 0 ? STREAM_MID_REQUEST : 0;
}

bool dns_stream_transfer_started(struct dns_stream *s)
{
    bool started = s->transfer_started;
    s->transfer_started = false;
    return started;
}
