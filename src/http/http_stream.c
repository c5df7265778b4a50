/* An HTTP connection as a stream engine: see http_stream.h. */
#include "http/http_stream.h"

#include <string.h>

#define PUMP_ROUNDS 64      /* a guard: every round moves finite bytes */

void http_stream_init(struct http_stream *s, enum http_stream_kind kind, const struct blob *blob,
                      const struct stream_peer *peer, struct tls_conn *tls, const char *extra_headers,
                      size_t extra_len, uint64_t (*wall_seconds)(void))
{
    s->kind = kind;
    s->peer = *peer;
    s->wall_seconds = wall_seconds;
    s->tls = kind == HTTP_STREAM_TLS ? tls : NULL;
    s->input_closed = false;
    s->responding = false;
    s->input_since_response = false;
    s->tls_closing = false;
    s->handshake_reported = false;
    s->failure_reported = false;
    s->redirect_len = 0;
    s->redirect_taken = 0;
    s->redirect_sent = false;
    s->hooks = NULL;
    s->redirect_reported = false;
    s->challenges = NULL;
    s->challenge_len = 0;
    s->challenge_head_only = false;
    if (kind == HTTP_STREAM_REDIRECT) {
        redirect_head_init(&s->u.redirect);
        return;
    }
    http_conn_init(&s->u.http, blob);
    if (extra_len)
        http_conn_set_extra_headers(&s->u.http, extra_headers, extra_len);
}

static bool http_pending(const struct http_stream *s)
{
    const uint8_t *data;
    size_t len;
    bool in_blob;
    return http_conn_output(&s->u.http, &data, &len, &in_blob);
}

/* ---- TLS: pumping between BearSSL and the HTTP engine ------------------------ */

/* Encrypts the HTTP engine's output into BearSSL's buffer while it has
 * room; a response all written is flushed into its last record. */
static bool tls_take_http_output(struct http_stream *s)
{
    bool moved = false;
    for (;;) {
        const uint8_t *data;
        size_t len;
        bool in_blob;
        if (!http_conn_output(&s->u.http, &data, &len, &in_blob)) {
            if (s->responding) {
                tls_conn_flush(s->tls);
                s->responding = false;
                moved = true;
            }
            return moved;
        }
        if (!s->responding) {
            s->responding = true;
            s->input_since_response = false;
        }
        size_t room;
        uint8_t *dst = tls_conn_plain_room(s->tls, &room);
        if (!dst)
            return moved;
        size_t n = len < room ? len : room;
        memcpy(dst, data, n);
        tls_conn_plain_written(s->tls, n);
        http_conn_sent(&s->u.http, n);
        moved = true;
    }
}

static void tls_pump(struct http_stream *s)
{
    for (int round = 0; round < PUMP_ROUNDS && !s->tls_closing && !tls_conn_closed(s->tls); round++) {
        bool moved = tls_take_http_output(s);
        if (!s->responding) {
            size_t len;
            const uint8_t *plain = tls_conn_plain_in(s->tls, &len);
            if (http_conn_should_close(&s->u.http) || (s->input_closed && !plain)) {
                /* Done (Connection: close, an error answered, or the peer
                 * is gone: a request it left half-sent can never end):
                 * close_notify, then TCP closes. */
                tls_conn_close(s->tls);
                s->tls_closing = true;
                return;
            }
            if (plain) {
                size_t used = http_conn_feed(&s->u.http, plain, len, s->wall_seconds());
                if (used > 0) {
                    tls_conn_plain_taken(s->tls, used);
                    moved = true;
                }
            }
        }
        if (!moved)
            return;
    }
}

/* ---- the stream ----------------------------------------------------------------- */

const struct blob *http_stream_blob(const struct http_stream *s)
{
    return s->kind == HTTP_STREAM_REDIRECT ? NULL : s->u.http.blob;
}

void http_stream_rebind(struct http_stream *s, const struct blob *blob)
{
    if (s->kind != HTTP_STREAM_REDIRECT)
        s->u.http.blob = blob;
}

/* Redirect: a whole head that asks for a pending HTTP-01 token keeps a
 * copy of its key authorization, answered in place of the 301. */
static void take_challenge(struct http_stream *s)
{
    const struct redirect_head *h = &s->u.redirect;
    if (!s->challenges || h->state != REDIRECT_HEAD_COMPLETE)
        return;
    const struct http_challenge *c = https_redirect_challenge(h->kept, h->len, s->challenges, &s->challenge_head_only);
    if (!c)
        return;
    memcpy(s->challenge_value, c->value, c->value_len);
    s->challenge_len = c->value_len;
}

size_t http_stream_feed(struct http_stream *s, const uint8_t *data, size_t len)
{
    if (s->input_closed)
        return 0;
    size_t used;
    switch (s->kind) {
    case HTTP_STREAM_PLAIN:
        return http_conn_feed(&s->u.http, data, len, s->wall_seconds());
    case HTTP_STREAM_REDIRECT:
        if (redirect_head_done(&s->u.redirect))
            return 0;
        if (s->u.redirect.seen == 0 && len > 0 && s->hooks && s->hooks->begun)
            s->hooks->begun(s->hooks->ctx);
        used = redirect_head_feed(&s->u.redirect, data, len);
        if (redirect_head_done(&s->u.redirect)) {
            s->redirect_date = s->wall_seconds();
            take_challenge(s);
        }
        return used;
    case HTTP_STREAM_TLS:
        used = tls_conn_put_received(s->tls, data, len);
        if (used > 0 && !s->responding)
            s->input_since_response = true;
        tls_pump(s);
        return used;
    }
    return 0;
}

void http_stream_input_closed(struct http_stream *s)
{
    s->input_closed = true;
    if (s->kind == HTTP_STREAM_TLS)
        tls_pump(s);
}

/* The redirect's whole answer, made again into scratch at each call (its
 * Date was fixed when the head ended, so the bytes are the same). */
static size_t redirect_answer(struct http_stream *s, uint8_t *scratch)
{
    const struct redirect_head *h = &s->u.redirect;
    char *out = (char *)scratch;
    switch (h->state) {
    case REDIRECT_HEAD_COMPLETE:
        if (s->challenge_len)
            return https_redirect_challenge_answer(s->challenge_value, s->challenge_len, s->challenge_head_only,
                                                   s->redirect_date, out, HTTPS_REDIRECT_OUT_MAX);
        return https_redirect_answer(h->kept, h->len, s->redirect_date, out, HTTPS_REDIRECT_OUT_MAX);
    case REDIRECT_HEAD_BAD:
        return https_redirect_error(400, s->redirect_date, out, HTTPS_REDIRECT_OUT_MAX);
    case REDIRECT_HEAD_TOO_LARGE:
        return https_redirect_error(431, s->redirect_date, out, HTTPS_REDIRECT_OUT_MAX);
    default:
        return https_redirect_error(414, s->redirect_date, out, HTTPS_REDIRECT_OUT_MAX);
    }
}

static int redirect_status(const struct http_stream *s)
{
    switch (s->u.redirect.state) {
    case REDIRECT_HEAD_COMPLETE: return s->challenge_len ? 200 : 301;
    case REDIRECT_HEAD_BAD: return 400;
    case REDIRECT_HEAD_TOO_LARGE: return 431;
    default: return 414;
    }
}

/* The redirect's answer for the access log: the method and target are
 * the kept request line's first two words, as far as it was kept. */
static void redirect_report(struct http_stream *s, bool complete)
{
    if (s->redirect_reported || !s->hooks || !s->hooks->done)
        return;
    s->redirect_reported = true;
    const struct redirect_head *h = &s->u.redirect;
    const char *line = (const char *)h->kept;
    size_t end = 0;
    while (end < h->len && line[end] != '\r' && line[end] != '\n')
        end++;
    const char *sp = memchr(line, ' ', end);
    size_t method_len = sp ? (size_t)(sp - line) : end;
    const char *target = sp ? sp + 1 : line + end;
    const char *target_end = memchr(target, ' ', (size_t)(line + end - target));
    struct http_access a = {
        .method = method_len ? line : NULL,
        .method_len = method_len,
        .target = target,
        .target_len = (size_t)((target_end ? target_end : line + end) - target),
        .target_cut = h->state == REDIRECT_HEAD_TOO_LONG,
        .status = redirect_status(s),
        .bytes = s->redirect_taken,
        .complete = complete,
    };
    s->hooks->done(s->hooks->ctx, &a);
}

bool http_stream_output(struct http_stream *s, uint8_t *scratch, struct stream_chunk *out)
{
    switch (s->kind) {
    case HTTP_STREAM_PLAIN: {
        bool in_blob;
        if (!http_conn_output(&s->u.http, &out->data, &out->len, &in_blob))
            return false;
        out->stable = in_blob;
        s->responding = true;
        return true;
    }
    case HTTP_STREAM_REDIRECT: {
        if (!redirect_head_done(&s->u.redirect) || s->redirect_sent)
            return false;
        size_t len = redirect_answer(s, scratch);
        if (len <= s->redirect_taken)
            return false;
        s->redirect_len = len;
        out->data = scratch + s->redirect_taken;
        out->len = len - s->redirect_taken;
        out->stable = false;
        return true;
    }
    case HTTP_STREAM_TLS:
        tls_pump(s);
        out->data = tls_conn_records(s->tls, &out->len);
        out->stable = false;
        return out->data != NULL && out->len > 0;
    }
    return false;
}

void http_stream_output_taken(struct http_stream *s, size_t n)
{
    switch (s->kind) {
    case HTTP_STREAM_PLAIN:
        http_conn_sent(&s->u.http, n);
        if (!http_pending(s))
            s->responding = false;
        return;
    case HTTP_STREAM_REDIRECT:
        s->redirect_taken += n;
        s->redirect_sent = s->redirect_taken >= s->redirect_len;
        if (s->redirect_sent)
            redirect_report(s, true);
        return;
    case HTTP_STREAM_TLS:
        tls_conn_records_sent(s->tls, n);
        tls_pump(s);
        return;
    }
}

static unsigned plain_state(const struct http_stream *s)
{
    if (http_pending(s))
        return STREAM_RESPONDING;
    if (http_conn_should_close(&s->u.http) || s->input_closed)
        return STREAM_FINISHED;     /* a half request can never complete once the peer closed */
    return http_conn_mid_request(&s->u.http) ? STREAM_MID_REQUEST : 0;
}

static unsigned redirect_state(const struct http_stream *s)
{
    const struct redirect_head *h = &s->u.redirect;
    if (redirect_head_done(h))
        return s->redirect_sent ? STREAM_FINISHED : STREAM_RESPONDING;
    if (s->input_closed)
        return STREAM_FINISHED;
    return h->seen > 0 ? STREAM_MID_REQUEST : 0;
}

static unsigned tls_state(const struct http_stream *s)
{
    /* BearSSL's accessors take no const engine; reading them changes nothing. */
    struct tls_conn *tls = (struct tls_conn *)s->tls;
    if (tls_conn_closed(tls))
        return STREAM_FINISHED;     /* closed cleanly or failed: records are all out */
    size_t len;
    if (tls_conn_records(tls, &len))
        return STREAM_RESPONDING;
    if (s->tls_closing)
        return STREAM_FINISHED;     /* close_notify is out; not waiting for the peer's */
    if (!tls_conn_handshake_done(tls))
        return s->input_closed ? STREAM_FINISHED : STREAM_MID_REQUEST;
    if (s->responding || http_pending(s))
        return STREAM_RESPONDING;
    if (s->input_closed)
        return STREAM_FINISHED;
    return http_conn_mid_request(&s->u.http) || s->input_since_response ? STREAM_MID_REQUEST : 0;
}

unsigned http_stream_state(const struct http_stream *s)
{
    switch (s->kind) {
    case HTTP_STREAM_PLAIN: return plain_state(s);
    case HTTP_STREAM_REDIRECT: return redirect_state(s);
    case HTTP_STREAM_TLS: return tls_state(s);
    }
    return STREAM_FAILED;
}

enum http_stream_event http_stream_event(struct http_stream *s)
{
    if (s->kind != HTTP_STREAM_TLS)
        return HTTP_STREAM_NO_EVENT;
    if (!s->handshake_reported && tls_conn_handshake_done(s->tls)) {
        s->handshake_reported = true;
        return HTTP_STREAM_HANDSHAKE_DONE;
    }
    if (!s->handshake_reported && !s->failure_reported && tls_conn_closed(s->tls) &&
        tls_conn_error(s->tls) != BR_ERR_OK) {
        s->failure_reported = true;
        return HTTP_STREAM_HANDSHAKE_FAILED;
    }
    return HTTP_STREAM_NO_EVENT;
}

void http_stream_set_access_hooks(struct http_stream *s, const struct http_access_hooks *hooks)
{
    s->hooks = hooks;
    if (s->kind != HTTP_STREAM_REDIRECT)
        http_conn_set_access_hooks(&s->u.http, hooks);
}

void http_stream_set_challenges(struct http_stream *s, const struct http_challenges *challenges)
{
    s->challenges = challenges;
    if (s->kind != HTTP_STREAM_REDIRECT)
        http_conn_set_challenges(&s->u.http, challenges);
}

void http_stream_end(struct http_stream *s)
{
    if (s->kind != HTTP_STREAM_REDIRECT)
        http_conn_end(&s->u.http);
    else if (redirect_head_done(&s->u.redirect) && !s->redirect_sent)
        redirect_report(s, false);
}

bool http_stream_is_live(const struct http_stream *s)
{
    return s->kind != HTTP_STREAM_REDIRECT && http_conn_is_live(&s->u.http);
}

bool http_stream_live_swap(struct http_stream *s, const struct blob *blob)
{
    if (s->kind == HTTP_STREAM_REDIRECT)
        return false;
    return http_conn_live_swap(&s->u.http, blob);
}
