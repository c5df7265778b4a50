/*
 * libFuzzer target: the HTTP stream engine (src/http/http_stream.c) in its
 * three kinds, over the fixture blob, driven by a transport whose every
 * choice is the fuzzer's.
 *
 * Input: byte 0 picks the kind (bits 0-1: 0 plain, 1 redirect, 2-3 TLS);
 * for TLS, bit 5 runs the handshake to its end before the operations and
 * bits 2-4 all set make it a full handshake (else the client resumes a
 * session cached at start-up: a full one costs milliseconds). Then
 * operations, one byte each.
 *
 * Plain and redirect, the client's bytes straight to the stream:
 *   00nnnnnn  FEED: the next n+1 input bytes arrive (the transport then
 *             offers every byte the stream has not taken yet);
 *   01kkkkkk  TAKE: one output() call, bite_sizes[k] bytes of it taken;
 *   10kkkkkk  DRAIN: output taken bite_sizes[k] bytes at a time until none;
 *   110xxxxx  FIN: the client half-closes (the stream is told once every
 *             byte before it was taken, as the TCP service does);
 *   111nnnnn  REPEAT: 64 * (n+1) more copies of the last byte sent arrive
 *             (heads of 4 and 8 KB, the redirect's limits, in a few bytes).
 * TLS, a real BearSSL client (tests/unit/tls_client.h) in between:
 *   00fnnnnn  WRITE: the client writes the next n+1 input bytes as HTTP
 *             request bytes (what its buffer takes), flushing if f;
 *   01kkkkkk  C2S: bite_sizes[k] bytes of the client's records go on the wire;
 *   10kkkkkk  S2C: one output() call, bite_sizes[k] bytes of it (or what
 *             the client has room for) taken to the client;
 *   11xxxx00  the client sends close_notify;  11xxxx01  TCP FIN from the client;
 *   11xxxx10  records moved both ways until nothing moves;  11xxxx11  the client flushes.
 * The client reads all the plaintext it can after every operation. At the
 * end, everything is moved until nothing moves.
 *
 * Invariants (a trap when broken), beyond ASan and UBSan:
 *  - feed() takes no more than offered; a feed that takes nothing changes
 *    no state (the TCP service takes "nothing moved" for "wait for the
 *    next event");
 *  - RESPONDING exactly when output() offers bytes (never FAILED), and a
 *    FINISHED stream stays FINISHED and offers nothing more;
 *  - plain: what goes out is always a prefix of what http_conn answers to
 *    the same bytes fed directly, and all of it in the end; stable chunks
 *    lie in the blob;
 *  - redirect: what goes out is a prefix of the answer to the head, all of
 *    it once the head is complete or refused: https_redirect_answer() on
 *    the whole head, 414 when the request line and Host lines do not fit
 *    the kept HTTPS_REDIRECT_OUT_MAX - 2 bytes, 431 when the head runs
 *    past HTTPS_REDIRECT_HEAD_MAX (whichever comes first, byte by byte);
 *    the head is read to its end and no further;
 *  - TLS: the client never sees a TLS error unless the server closed with
 *    a fatal alert (or the client closed in the middle of its handshake:
 *    see check_client()); the server sends nothing after the client saw its
 *    close_notify; the plaintext the client decrypts is a prefix of what
 *    http_conn answers to the bytes the client wrote, and all of it in the
 *    end unless the client closed; HANDSHAKE_DONE and HANDSHAKE_FAILED are
 *    each reported at most once, DONE only after the handshake, never both;
 *  - every loop ends within a bound set by the input's length.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "http/http_engine.h"
#include "http/http_hsts.h"
#include "http/http_stream.h"
#include "http/https_redirect.h"
#include "tls_client.h"
#include "http/tls_server.h"

#define NOW 784111777u
#define INPUT_MAX 16384
/* Responses are up to ~120 times the requests asking for them (a 3 KB
 * file for a 30-byte request): room for INPUT_MAX bytes of requests. */
#define WIRE_MAX (4 << 20)
#define DIRECT_WIRE_MAX 65536       /* plain and redirect: what a client sends in one input, REPEAT included */
#define PLAIN_MAX (4 << 20)

static struct blob blob;
static uint8_t *scratch;
static struct http_stream *stream;
static const struct stream_peer peer = {4, {192, 0, 2, 1}, 40000};
static char hsts[HSTS_LINE_MAX];
static size_t hsts_len;

static struct tls_credentials creds;
static struct tls_server server;
static struct tls_conn *conn;
static struct tls_client *client;
static br_ssl_session_parameters session;   /* from the start-up handshake, for resumption */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t fixed_clock(void)
{
    return NOW;
}

static const size_t bite_sizes[64] = {
    1,    2,    3,    4,    5,    7,    11,   12,   13,   14,    16,    17,    31,    32,    33,    64,
    100,  127,  128,  200,  255,  256,  257,  500,  511,  512,   513,   1000,  1023,  1024,  1460,  2048,
    4095, 4096, 4097, 8192, 9000, 16383, 16384, 16385, 30000, 32768, 40000, 65535, 65536, 65537, 1, 2,
    6,    8,    9,    10,   15,   18,   20,   24,   40,    48,    60,    80,    96,    150,   300,   65537,
};

static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

/* ---- the transport's state, shared by the kinds ------------------------------ */

/* The buffers live outside the state structs, which are cleared for each
 * input: clearing megabytes an input would cost more than the input. */
static uint8_t wire_buf[WIRE_MAX], out_buf[WIRE_MAX], written_buf[PLAIN_MAX], plain_buf[PLAIN_MAX];

static struct {
    enum http_stream_kind kind;
    uint8_t *wire;                  /* what the client sent (plain bytes or TLS records) */
    size_t wire_len;
    size_t offered;                 /* of wire, how many the stream took */
    bool fin, fin_told;
    bool finished;                  /* the stream said FINISHED */
    uint8_t *out;                   /* everything the stream sent */
    size_t out_len;
    size_t steps, step_limit;
} tp;

static void reset_transport(void)
{
    memset(&tp, 0, sizeof tp);
    tp.wire = wire_buf;
    tp.out = out_buf;
}

static void step(void)
{
    FUZZ_CHECK(++tp.steps <= tp.step_limit, "the conversation ends (bounded steps)");
}

/* ---- references ------------------------------------------------------------------- */

static uint8_t want[PLAIN_MAX];
static size_t want_len;

/* What http_conn answers to in[0..len) fed directly (output drained before
 * each feed, as http_engine.h asks), with `extra` header lines. */
static void engine_reference(const uint8_t *in, size_t len, const char *extra, size_t extra_len)
{
    static struct http_conn c;
    http_conn_init(&c, &blob);
    if (extra_len)
        http_conn_set_extra_headers(&c, extra, extra_len);
    want_len = 0;
    size_t fed = 0;
    for (;;) {
        step();
        const uint8_t *data;
        size_t n;
        bool in_blob;
        while (http_conn_output(&c, &data, &n, &in_blob)) {
            FUZZ_CHECK(want_len + n <= sizeof want, "the reference fits its buffer");
            memcpy(want + want_len, data, n);
            want_len += n;
            http_conn_sent(&c, n);
        }
        if (fed == len || http_conn_should_close(&c))
            return;
        size_t used = http_conn_feed(&c, in + fed, len - fed, NOW);
        if (used == 0)
            return;
        fed += used;
    }
}

/*
 * The redirect's reference, from the whole head rather than redirect_head's
 * state machine. The head ends where https_redirect_answer() says it does:
 * after the first LF followed by LF or CR LF (empty lines before the
 * request line included), within HTTPS_REDIRECT_HEAD_MAX bytes (else 431).
 * Returns that end (0 while the bytes so far have none and are fewer than
 * the limit) and sets *kept_upper to the bytes of the request line and of
 * every line named Host: the most redirect_head can have kept, so its 414
 * ("the kept lines do not fit") is allowed only where they could not fit.
 */
static size_t redirect_end(const uint8_t *p, size_t len, size_t *kept_upper)
{
    size_t limit = len < HTTPS_REDIRECT_HEAD_MAX ? len : HTTPS_REDIRECT_HEAD_MAX;
    size_t end = 0;
    for (size_t i = 0; i < limit && !end; i++) {
        if (p[i] != '\n')
            continue;
        if (i + 1 < limit && p[i + 1] == '\n')
            end = i + 2;
        else if (i + 2 < limit && p[i + 1] == '\r' && p[i + 2] == '\n')
            end = i + 3;
    }
    size_t upto = end ? end : limit;
    size_t at = 0, kept = 0;
    while (at < upto && (p[at] == '\r' || p[at] == '\n'))
        at++;
    for (bool first = true; at < upto; first = false) {
        const uint8_t *nl = memchr(p + at, '\n', upto - at);
        size_t line = nl ? (size_t)(nl - (p + at)) + 1 : upto - at;
        static const char host[] = "host:";
        bool is_host = line >= 5;
        for (size_t k = 0; k < 5 && is_host; k++)
            is_host = (p[at + k] | 0x20) == host[k];
        if (first || is_host)
            kept += line;
        at += line;
    }
    *kept_upper = kept;
    if (end)
        return end;
    return len >= HTTPS_REDIRECT_HEAD_MAX ? HTTPS_REDIRECT_HEAD_MAX : 0;
}

/* ---- plain and redirect -------------------------------------------------------- */

static unsigned check_state(void)
{
    unsigned st = http_stream_state(stream);
    FUZZ_CHECK((st & STREAM_FAILED) == 0, "an HTTP stream never fails");
    FUZZ_CHECK(st == 0 || st == STREAM_MID_REQUEST || st == STREAM_RESPONDING || st == STREAM_FINISHED,
               "one state at a time");
    FUZZ_CHECK(!tp.finished || st == STREAM_FINISHED, "FINISHED stays FINISHED");
    if (st == STREAM_FINISHED)
        tp.finished = true;
    /* Asking for output takes nothing: RESPONDING exactly when there is some. */
    struct stream_chunk c;
    bool offered = http_stream_output(stream, scratch, &c) && c.len > 0;
    FUZZ_CHECK(offered == (st == STREAM_RESPONDING), "RESPONDING exactly when output is offered");
    FUZZ_CHECK(http_stream_state(stream) == st, "asking for output changes no state");
    return st;
}

/* Everything the stream sent so far is a prefix of what it owes. */
static void check_sent(void)
{
    if (tp.kind == HTTP_STREAM_PLAIN) {
        engine_reference(tp.wire, tp.offered, NULL, 0);
        FUZZ_CHECK(tp.out_len <= want_len && memcmp(tp.out, want, tp.out_len) == 0,
                   "plain: the output is http_conn's own answer to the same bytes");
        return;
    }
    size_t kept_upper;
    size_t read = redirect_end(tp.wire, tp.wire_len, &kept_upper);
    bool may_414 = kept_upper + 2 > HTTPS_REDIRECT_OUT_MAX;
    if (tp.out_len == 0 && (read == 0 || tp.offered < read))
        return;     /* the head is not all in (a 414 may still cut it short) */
    FUZZ_CHECK(read == 0 ? may_414 : tp.offered <= read, "redirect: the head is read to its end and no further");
    /* The answer so far is a prefix of https_redirect_answer() on the whole
     * head, or, where the kept lines could overflow, of the 414. */
    static char answer[HTTPS_REDIRECT_OUT_MAX], refused[HTTPS_REDIRECT_OUT_MAX];
    size_t n = read ? https_redirect_answer(tp.wire, read, NOW, answer, sizeof answer) : 0;
    size_t n414 = may_414 ? https_redirect_error(414, NOW, refused, sizeof refused) : 0;
    bool as_whole = n > 0 && tp.out_len <= n && memcmp(tp.out, answer, tp.out_len) == 0;
    bool as_414 = n414 > 0 && tp.out_len <= n414 && memcmp(tp.out, refused, tp.out_len) == 0;
    FUZZ_CHECK(as_whole || as_414,
               "redirect: the answer is https_redirect_answer() on the whole head (414 if the kept lines overflow)");
    if (!as_whole) {
        memcpy(answer, refused, n414);
        n = n414;
    }
    memcpy(want, answer, n);
    want_len = n;
}

static void tls_events(void);

/* Feeds what the stream has not taken yet, again while it takes some (as
 * the TCP service's advance() does); returns whether it took any. */
static bool feed_wire(void)
{
    bool any = false;
    for (;;) {
        step();
        size_t len = tp.wire_len - tp.offered;
        if (len == 0)
            return any;
        unsigned before = http_stream_state(stream);
        size_t used = http_stream_feed(stream, tp.wire + tp.offered, len);
        FUZZ_CHECK(used <= len, "feed takes no more than offered");
        if (used == 0) {
            FUZZ_CHECK(http_stream_state(stream) == before,
                       "a feed that takes nothing changes nothing (else the service waits for a tick)");
            return any;
        }
        tp.offered += used;
        any = true;
    }
}

/* The transport's turn at the input: feed, then tell FIN once every byte
 * before it was taken; nothing once the stream finished (the service
 * closes then). Returns whether the stream took anything. */
static bool offer(void)
{
    if (tp.finished)
        return false;
    bool any = feed_wire();
    if (tp.fin && !tp.fin_told && tp.offered == tp.wire_len) {
        http_stream_input_closed(stream);
        tp.fin_told = true;
    }
    if (tp.kind == HTTP_STREAM_TLS)
        tls_events();
    check_state();
    return any;
}

static bool in_blob(const uint8_t *p, size_t len)
{
    return p >= blob.base && len <= blob.size && (size_t)(p - blob.base) <= blob.size - len;
}

static bool take(size_t bite)
{
    step();
    struct stream_chunk c;
    if (!http_stream_output(stream, scratch, &c) || c.len == 0)
        return false;
    FUZZ_CHECK(!tp.finished, "nothing is offered once FINISHED");
    FUZZ_CHECK(c.data != NULL, "offered output has bytes");
    if (c.stable)
        FUZZ_CHECK(tp.kind == HTTP_STREAM_PLAIN && in_blob(c.data, c.len), "stable chunks lie in the blob");
    size_t n = min_size(c.len, bite);
    FUZZ_CHECK(tp.out_len + n <= WIRE_MAX, "the output fits its buffer");
    memcpy(tp.out + tp.out_len, c.data, n);
    tp.out_len += n;
    http_stream_output_taken(stream, n);
    return true;
}

static void run_direct(const uint8_t *ops, size_t size)
{
    size_t at = 0;
    while (at < size) {
        uint8_t op = ops[at++];
        switch (op >> 6) {
        case 0: {
            size_t n = min_size((size_t)(op & 63) + 1, size - at);
            if (!tp.fin && tp.wire_len + n <= DIRECT_WIRE_MAX) {
                memcpy(tp.wire + tp.wire_len, ops + at, n);
                tp.wire_len += n;
            }
            at += n;
            break;
        }
        case 1:
            take(bite_sizes[op & 63]);
            break;
        case 2:
            while (take(bite_sizes[op & 63]))
                offer();
            break;
        case 3:
            if (!(op & 0x20)) {
                tp.fin = true;
            } else if (!tp.fin) {
                size_t n = 64 * ((size_t)(op & 31) + 1);
                uint8_t byte = tp.wire_len ? tp.wire[tp.wire_len - 1] : 'a';
                n = min_size(n, DIRECT_WIRE_MAX - tp.wire_len);
                memset(tp.wire + tp.wire_len, byte, n);
                tp.wire_len += n;
            }
            break;
        }
        offer();
        check_sent();
    }
    /* The end: the service takes and feeds until nothing moves. */
    for (;;) {
        size_t before = tp.offered;
        while (take(65536))
            offer();
        offer();
        if (tp.offered == before)
            break;
    }
    unsigned st = check_state();
    check_sent();
    if (tp.kind == HTTP_STREAM_PLAIN || want_len > 0)
        FUZZ_CHECK(tp.out_len == want_len, "everything owed is sent");
    if (tp.kind == HTTP_STREAM_REDIRECT && want_len > 0)
        FUZZ_CHECK(st == STREAM_FINISHED, "redirect: FINISHED once the answer is out");
    if (tp.fin)
        FUZZ_CHECK(st == STREAM_FINISHED, "after FIN and a full drain, FINISHED");
}

/* ---- TLS ---------------------------------------------------------------------------- */

static struct {
    uint8_t *written;               /* the request bytes the client's buffer took */
    size_t written_len;
    uint8_t *plain;                 /* what the client decrypted */
    size_t plain_len;
    bool closed_by_client;          /* close_notify from the client */
    unsigned done_events, failed_events;
} tl;

static void reset_tls(void)
{
    memset(&tl, 0, sizeof tl);
    tl.written = written_buf;
    tl.plain = plain_buf;
}

static void tls_events(void)
{
    enum http_stream_event e;
    for (int i = 0; i < 4 && (e = http_stream_event(stream)) != HTTP_STREAM_NO_EVENT; i++) {
        if (e == HTTP_STREAM_HANDSHAKE_DONE) {
            FUZZ_CHECK(tls_conn_handshake_done(conn), "HANDSHAKE_DONE only after the handshake");
            tl.done_events++;
        } else {
            FUZZ_CHECK(e == HTTP_STREAM_HANDSHAKE_FAILED, "a known event");
            FUZZ_CHECK(tls_conn_closed(conn) && tls_conn_error(conn) != BR_ERR_OK,
                       "HANDSHAKE_FAILED only for a connection closed on an error");
            tl.failed_events++;
        }
    }
    FUZZ_CHECK(tl.done_events <= 1 && tl.failed_events <= 1, "each event at most once");
    FUZZ_CHECK(tl.done_events + tl.failed_events <= 1, "a handshake is done or failed, not both");
}

static bool client_closed(void)
{
    return br_ssl_engine_current_state(&client->cc.eng) == BR_SSL_CLOSED;
}

/* Did the server send an alert in a record of version 0.0? BearSSL does
 * when it closes before it has read a whole ClientHello (no version was
 * negotiated): a client rightly refuses that record. Harmless (it only
 * happens when the client half-closed before its hello was in), and noted
 * in tests/fuzz/crashes/README. tp.out holds the server's bytes. */
static bool versionless_alert_sent(void)
{
    for (size_t at = 0; at + 5 <= tp.out_len; at += 5 + ((size_t)tp.out[at + 3] << 8 | tp.out[at + 4])) {
        if (tp.out[at] == 21 && tp.out[at + 1] == 0 && tp.out[at + 2] == 0)
            return true;
    }
    return false;
}

/*
 * The client's error, allowed only after a fatal alert from the server, or
 * for what the client brought on itself: having closed (close_notify or
 * TCP FIN) in the middle of its handshake, it gets the server's
 * close_notify before the handshake is done, which BearSSL's client
 * reports as a fatal alert (BR_ERR_RECV_FATAL_ALERT + close_notify).
 */
static void check_client(void)
{
    int err = br_ssl_engine_last_error(&client->cc.eng);
    bool closed_itself = (tl.closed_by_client || tp.fin) && err == BR_ERR_RECV_FATAL_ALERT + 0;
    if (err != BR_ERR_OK && !closed_itself && !(tp.fin && versionless_alert_sent())) {
        FUZZ_CHECK(tls_conn_error(conn) != BR_ERR_OK,
                   "the client sees no TLS error unless the server closed with an alert");
    }
}

/* The client reads all the plaintext it has: a prefix of http_conn's answer
 * to what it wrote. */
static bool client_read(void)
{
    bool any = false;
    size_t len;
    unsigned char *app;
    while ((app = br_ssl_engine_recvapp_buf(&client->cc.eng, &len)) != NULL && len > 0) {
        step();
        FUZZ_CHECK(tl.plain_len + len <= PLAIN_MAX, "the plaintext fits its buffer");
        memcpy(tl.plain + tl.plain_len, app, len);
        tl.plain_len += len;
        br_ssl_engine_recvapp_ack(&client->cc.eng, len);
        any = true;
    }
    if (any) {
        engine_reference(tl.written, tl.written_len, hsts, hsts_len);
        FUZZ_CHECK(tl.plain_len <= want_len && memcmp(tl.plain, want, tl.plain_len) == 0,
                   "tls: the plaintext is http_conn's own answer to the bytes the client wrote");
    }
    check_client();
    return any;
}

static unsigned tls_check_state(void)
{
    tls_events();
    unsigned st = check_state();
    check_client();
    return st;
}

static bool tls_offer(void)
{
    bool any = offer();
    check_client();
    return any;
}

/* Client records onto the wire, `bite` bytes at most. */
static bool c2s(size_t bite)
{
    step();
    if (tp.fin)
        return false;   /* the client's TCP sending side is shut */
    size_t len;
    unsigned char *rec = br_ssl_engine_sendrec_buf(&client->cc.eng, &len);
    if (!rec || len == 0)
        return false;
    size_t n = min_size(min_size(len, bite), WIRE_MAX - tp.wire_len);
    if (n == 0)
        return false;
    memcpy(tp.wire + tp.wire_len, rec, n);
    tp.wire_len += n;
    br_ssl_engine_sendrec_ack(&client->cc.eng, n);
    return true;
}

/* One output() call, up to `bite` bytes of it to the client. */
static bool s2c(size_t bite)
{
    step();
    struct stream_chunk c;
    if (!http_stream_output(stream, scratch, &c) || c.len == 0)
        return false;
    FUZZ_CHECK(!tp.finished, "nothing is offered once FINISHED");
    FUZZ_CHECK(!c.stable, "TLS records are never stable");
    size_t n = min_size(c.len, bite);
    FUZZ_CHECK(tp.out_len + n <= WIRE_MAX, "the output fits its buffer");
    if (client_closed()) {
        FUZZ_CHECK(br_ssl_engine_last_error(&client->cc.eng) != BR_ERR_OK,
                   "nothing is sent after the client saw the server's close_notify");
        /* A client that failed reads nothing more: TCP still acknowledges. */
        memcpy(tp.out + tp.out_len, c.data, n);
        tp.out_len += n;
        http_stream_output_taken(stream, n);
        tls_check_state();
        return true;
    }
    size_t room;
    unsigned char *in = br_ssl_engine_recvrec_buf(&client->cc.eng, &room);
    if (!in || room == 0)
        return false;
    n = min_size(n, room);
    memcpy(tp.out + tp.out_len, c.data, n);
    tp.out_len += n;
    memcpy(in, c.data, n);
    br_ssl_engine_recvrec_ack(&client->cc.eng, n);
    http_stream_output_taken(stream, n);
    tls_check_state();
    client_read();
    return true;
}

/* Records both ways until nothing moves. */
static void move_all(void)
{
    for (;;) {
        bool moved = false;
        while (c2s(65536))
            moved = true;
        moved |= tls_offer();
        while (s2c(65536))
            moved = true;
        moved |= tls_offer();
        moved |= client_read();
        if (!moved)
            return;
    }
}

static void client_write(const uint8_t *bytes, size_t n, bool flush)
{
    size_t room;
    unsigned char *buf = br_ssl_engine_sendapp_buf(&client->cc.eng, &room);
    if (buf && room) {
        size_t k = min_size(n, room);
        memcpy(buf, bytes, k);
        br_ssl_engine_sendapp_ack(&client->cc.eng, k);
        FUZZ_CHECK(tl.written_len + k <= PLAIN_MAX, "the request bytes fit their buffer");
        memcpy(tl.written + tl.written_len, bytes, k);
        tl.written_len += k;
    }
    if (flush)
        br_ssl_engine_flush(&client->cc.eng, 0);
}

static void tls_client_start(bool full)
{
    static const uint8_t client_seed[32] = {9, 8, 7, 6};
    static const uint16_t suites[] = {BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
                                      BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
                                      BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384};
    static const char *alpn[] = {"http/1.1"};
    tls_client_init(client, &creds, client_seed, sizeof client_seed);
    br_ssl_engine_set_versions(&client->cc.eng, BR_TLS12, BR_TLS12);
    br_ssl_engine_set_suites(&client->cc.eng, suites, sizeof suites / sizeof suites[0]);
    br_ssl_engine_set_protocol_names(&client->cc.eng, alpn, 1);
    if (!full)
        br_ssl_engine_set_session_parameters(&client->cc.eng, &session);
    br_ssl_client_reset(&client->cc, "www.unihost.test", full ? 0 : 1);
}

static void tls_stream_start(void)
{
    static const uint8_t server_seed[TLS_SEED_BYTES] = {42, 1};
    FUZZ_CHECK(tls_conn_init(conn, &server, server_seed, sizeof server_seed) == 0, "a connection starts");
    http_stream_init(stream, HTTP_STREAM_TLS, &blob, &peer, conn, hsts, hsts_len, fixed_clock);
}

static void run_tls(const uint8_t *ops, size_t size, bool full, bool handshake_first)
{
    reset_tls();
    tls_stream_start();
    tls_client_start(full);
    tls_check_state();
    if (handshake_first)
        move_all();
    size_t at = 0;
    while (at < size) {
        uint8_t op = ops[at++];
        switch (op >> 6) {
        case 0: {
            size_t n = min_size((size_t)(op & 31) + 1, size - at);
            client_write(ops + at, n, (op & 32) != 0);
            at += n;
            break;
        }
        case 1:
            c2s(bite_sizes[op & 63]);
            break;
        case 2:
            s2c(bite_sizes[op & 63]);
            break;
        case 3:
            switch (op & 3) {
            case 0:
                br_ssl_engine_close(&client->cc.eng);
                tl.closed_by_client = true;
                break;
            case 1:
                tp.fin = true;
                break;
            case 2:
                move_all();
                break;
            case 3:
                br_ssl_engine_flush(&client->cc.eng, 0);
                break;
            }
            break;
        }
        tls_offer();
        client_read();
    }
    /* The end: the client sends what it wrote, records move until nothing does. */
    br_ssl_engine_flush(&client->cc.eng, 0);
    move_all();
    unsigned st = tls_check_state();
    engine_reference(tl.written, tl.written_len, hsts, hsts_len);
    bool clean = tls_conn_error(conn) == BR_ERR_OK && br_ssl_engine_last_error(&client->cc.eng) == BR_ERR_OK;
    if (clean && !tp.fin && !tl.closed_by_client) {
        FUZZ_CHECK(tls_conn_handshake_done(conn) && tl.done_events == 1, "tls: the handshake completes");
        FUZZ_CHECK(tl.plain_len == want_len, "tls: every answer owed reaches the client");
    }
    if (st == STREAM_FINISHED && clean && !tl.closed_by_client)
        FUZZ_CHECK((br_ssl_engine_current_state(&client->cc.eng) & (BR_SSL_SENDAPP | BR_SSL_RECVAPP)) == 0,
                   "tls: a finished stream closed with close_notify");
    if (tp.fin && clean)
        FUZZ_CHECK(st == STREAM_FINISHED, "after FIN and a full drain, FINISHED");
}

/* ---- set-up ------------------------------------------------------------------------ */

/* One full handshake at start-up, so that inputs can resume its session. */
static void cache_session(void)
{
    reset_transport();
    tp.kind = HTTP_STREAM_TLS;
    tp.step_limit = 1000000;
    reset_tls();
    tls_stream_start();
    tls_client_start(true);
    move_all();
    if (!tls_conn_handshake_done(conn)) {
        fprintf(stderr, "fuzz_http_stream: the start-up handshake failed (server: %s)\n",
                tls_error_text(tls_conn_error(conn)));
        exit(1);
    }
    br_ssl_engine_get_session_parameters(&client->cc.eng, &session);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    size_t size;
    (void)fuzz_load_blob(&blob, &size);
    scratch = malloc(STREAM_SCRATCH_BYTES);
    stream = malloc(sizeof *stream);
    conn = malloc(sizeof *conn);
    client = malloc(sizeof *client);
    if (!scratch || !stream || !conn || !client)
        abort();
    size_t cert_len, key_len;
    uint8_t *cert = fuzz_read_file("tests/fixtures/tls/ec-cert.pem", &cert_len);
    uint8_t *key = fuzz_read_file("tests/fixtures/tls/ec-key.pem", &key_len);
    char err[256];
    if (tls_credentials_load(&creds, (const char *)cert, cert_len, "ec-cert.pem", (const char *)key, key_len,
                             "ec-key.pem", err, sizeof err) != 0) {
        fprintf(stderr, "fuzz_http_stream: %s\n", err);
        exit(1);
    }
    free(cert);
    free(key);
    tls_server_init(&server, &creds);
    hsts_len = hsts_line(hsts, 31536000);
    cache_session();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > INPUT_MAX)
        return 0;
    reset_transport();
    tp.step_limit = 200 * size + 100000;
    want_len = 0;
    switch (data[0] & 3) {
    case 0:
        tp.kind = HTTP_STREAM_PLAIN;
        http_stream_init(stream, HTTP_STREAM_PLAIN, &blob, &peer, NULL, NULL, 0, fixed_clock);
        FUZZ_CHECK(check_state() == 0, "a new stream is idle");
        run_direct(data + 1, size - 1);
        break;
    case 1:
        tp.kind = HTTP_STREAM_REDIRECT;
        http_stream_init(stream, HTTP_STREAM_REDIRECT, &blob, &peer, NULL, NULL, 0, fixed_clock);
        FUZZ_CHECK(check_state() == 0, "a new stream is idle");
        run_direct(data + 1, size - 1);
        break;
    default:
        tp.kind = HTTP_STREAM_TLS;
        run_tls(data + 1, size - 1, (data[0] & 0x1c) == 0x1c, (data[0] & 0x20) != 0);
        break;
    }
    return 0;
}
