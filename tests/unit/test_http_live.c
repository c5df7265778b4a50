/*
 * The live-reload event stream of development blobs (http_engine.h,
 * http_stream.h): served only by a blob crunched with --dev, held open,
 * told of each swap with the new blob's hash, ended when it cannot be.
 * Requests go in as bytes and the stream's bytes come out, as the
 * transport moves them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob_file.h"
#include "check.h"
#include "content/blob_writer.h"
#include "file_heads.h"
#include "http/http_engine.h"
#include "http/http_stream.h"

static const char live_get[] = "GET " BLOB_LIVE_PATH " HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n";

/* A blob with one page, `text`; with `development`, crunch --dev's flag
 * and a build identity made of `text`'s first bytes. */
static void *build_blob(struct blob *b, const char *text, bool development)
{
    struct blob_writer *w = blob_writer_new();
    struct blob_http_file f = {0};
    f.path = blob_writer_bytes(w, "/index.html", 11);
    f.content_type = blob_writer_bytes(w, "text/html; charset=utf-8", 24);
    f.body = blob_writer_bytes(w, text, strlen(text));
    f.etag = blob_writer_bytes(w, "\"e\"", 3);
    f.mtime = 1000;
    blob_writer_add(w, BLOB_TABLE_HTTP_FILES, &f);
    add_file_heads(w, &f);
    if (development) {
        uint8_t id[BLOB_BUILD_ID_LEN] = {0};
        memcpy(id, text, strlen(text) < sizeof id ? strlen(text) : sizeof id);
        id[0] ^= 0x80;
        blob_writer_set_flags(w, BLOB_DEVELOPMENT);
        blob_writer_set_build_id(w, id);
    }
    uint8_t *out = NULL;
    size_t len = 0;
    const char *err;
    if (blob_writer_finish(w, 1, &out, &len) != 0 || blob_open(b, out, len, &err) != 0) {
        printf("not ok - build a test blob\n");
        exit(1);
    }
    blob_writer_free(w);
    return out;
}

/* "data: <the blob's build identity in hex>\n\n", the event naming `b`. */
static const char *event_of(const struct blob *b)
{
    static char text[2][80];
    static int which;
    char *t = text[which++ % 2];
    int n = sprintf(t, "data: ");
    for (size_t i = 0; i < BLOB_BUILD_ID_LEN; i++)
        n += sprintf(t + n, "%02x", b->dir->build_id[i]);
    sprintf(t + n, "\n\n");
    return t;
}

/* Everything the connection has to send now, taken whole. */
static char out[1 << 16];
static size_t out_len;

static void drain(struct http_conn *c)
{
    out_len = 0;
    const uint8_t *data;
    size_t n;
    bool in_blob;
    while (http_conn_output(c, &data, &n, &in_blob)) {
        if (out_len + n < sizeof out) {
            memcpy(out + out_len, data, n);
            out_len += n;
        }
        http_conn_sent(c, n);
    }
    out[out_len] = '\0';
}

static size_t feed(struct http_conn *c, const char *req)
{
    return http_conn_feed(c, (const uint8_t *)req, strlen(req), 784111777);
}

static const char *body_of_out(void)
{
    const char *end = strstr(out, "\r\n\r\n");
    return end ? end + 4 : "";
}

static bool head_has(const char *line)
{
    const char *end = strstr(out, "\r\n\r\n");
    const char *hit = strstr(out, line);
    return end && hit && hit < end;
}

static struct blob production, dev_a, dev_b;
static struct http_conn conn;

static int reports;
static int reported_status;
static uint64_t reported_bytes;
static void on_done(void *ctx, const struct http_access *a)
{
    (void)ctx;
    reports++;
    reported_status = a->status;
    reported_bytes = a->bytes;
}
static const struct http_access_hooks hooks = {NULL, on_done, NULL};

static void test_production_blob(void)
{
    http_conn_init(&conn, &production);
    feed(&conn, live_get);
    drain(&conn);
    CHECK("production blob: " BLOB_LIVE_PATH " is answered 404, as any unknown path",
          strncmp(out, "HTTP/1.1 404 ", 13) == 0);
    CHECK("production blob: no event stream is held", !http_conn_is_live(&conn) && !strstr(out, "event-stream"));
    CHECK("production blob: the connection goes on to the next request",
          !http_conn_should_close(&conn) && feed(&conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n") > 0);
    drain(&conn);
    CHECK("production blob: and serves it", strncmp(out, "HTTP/1.1 200 ", 13) == 0);
    CHECK("production blob: a swap tells a connection that is no stream nothing",
          !http_conn_live_swap(&conn, &dev_b) && !http_conn_output(&conn, &(const uint8_t *){0}, &(size_t){0},
                                                                    &(bool){0}));
}

static void test_stream(void)
{
    reports = 0;
    http_conn_init(&conn, &dev_a);
    http_conn_set_access_hooks(&conn, &hooks);
    size_t used = feed(&conn, live_get);
    drain(&conn);
    CHECK("development blob: " BLOB_LIVE_PATH " is a 200 event stream", strncmp(out, "HTTP/1.1 200 ", 13) == 0 &&
          head_has("\r\nContent-Type: text/event-stream\r\n") && head_has("\r\nCache-Control: no-store\r\n"));
    CHECK("the stream's body ends with the connection: Connection: close, no length",
          head_has("\r\nConnection: close\r\n") && !head_has("Content-Length") && !head_has("Transfer-Encoding"));
    char want[200];
    snprintf(want, sizeof want, "retry: 100\n\n%s", event_of(&dev_a));
    CHECK("the stream says how soon to reconnect, then the blob's build identity",
          strcmp(body_of_out(), want) == 0 && strlen(event_of(&dev_a)) == 6 + 32 + 2);
    CHECK("the stream is held: live, not to be closed", used == strlen(live_get) && http_conn_is_live(&conn) &&
          !http_conn_should_close(&conn));
    CHECK("the stream is logged once, as a 200, when its first bytes are out", reports == 1 && reported_status == 200);
    CHECK("the stream reads no further request", feed(&conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n") == 0);
    CHECK("the stream is not mid-request (no request timeout runs)", !http_conn_mid_request(&conn));

    CHECK("a swap to another development blob is told", http_conn_live_swap(&conn, &dev_b));
    CHECK("the stream refers to the new blob, never the old one", conn.blob == &dev_b);
    drain(&conn);
    CHECK("the event is the new blob's build identity", strcmp(out, event_of(&dev_b)) == 0 &&
          strcmp(event_of(&dev_a), event_of(&dev_b)) != 0);
    CHECK("the stream stays open after it", http_conn_is_live(&conn) && !http_conn_should_close(&conn));
    CHECK("no second access line for the events", reports == 1);

    /* A client reading slowly: half an event taken, then a swap. */
    http_conn_live_swap(&conn, &dev_a);
    const uint8_t *data;
    size_t n;
    bool in_blob;
    http_conn_output(&conn, &data, &n, &in_blob);
    char first_half[40];
    memcpy(first_half, data, 30);
    http_conn_sent(&conn, 30);
    http_conn_live_swap(&conn, &dev_b);
    drain(&conn);
    snprintf(want, sizeof want, "%s%s", event_of(&dev_a), event_of(&dev_b));
    CHECK("a swap while an event is half taken keeps it whole, then adds its own",
          memcmp(first_half, want, 30) == 0 && strcmp(out, want + 30) == 0 && !in_blob);

    /* A client that reads nothing: the events queue, until one more does
     * not fit; then the stream ends rather than lose one. */
    int told = 0;
    while (told < 100 && http_conn_live_swap(&conn, told % 2 ? &dev_a : &dev_b))
        told++;
    CHECK("events queue for a client that does not read, a bounded number", told > 5 && told < 100);
    CHECK("then the stream ends: not live, closing once its queued events are out",
          !http_conn_is_live(&conn) && !http_conn_should_close(&conn));
    drain(&conn);
    CHECK("the queued events all go out whole, in order", out_len == (size_t)told * strlen(event_of(&dev_a)) &&
          strncmp(out, event_of(&dev_b), strlen(event_of(&dev_b))) == 0);
    CHECK("and the connection closes (the page reconnects to the current blob)", http_conn_should_close(&conn));
}

/* A swap before the client took the stream's first bytes: the access line
 * (written once they are all taken) counts every byte, the event's too. */
static void test_swap_before_first_bytes_taken(void)
{
    reports = 0;
    http_conn_init(&conn, &dev_a);
    http_conn_set_access_hooks(&conn, &hooks);
    feed(&conn, live_get);
    const uint8_t *data;
    size_t n;
    bool in_blob;
    http_conn_output(&conn, &data, &n, &in_blob);
    http_conn_sent(&conn, 10);
    size_t first_len = n;
    CHECK("a swap while the head is half taken is told", http_conn_live_swap(&conn, &dev_b));
    drain(&conn);
    CHECK("the head, the first event and the swap's event come out whole, in order",
          out_len == first_len - 10 + strlen(event_of(&dev_b)) &&
          strcmp(out + out_len - strlen(event_of(&dev_b)), event_of(&dev_b)) == 0);
    CHECK("the access line counts every byte taken", reports == 1 && reported_bytes == first_len + strlen(event_of(&dev_b)));
}

static void test_swap_to_production(void)
{
    http_conn_init(&conn, &dev_a);
    feed(&conn, live_get);
    drain(&conn);
    CHECK("a swap to a production blob ends the stream", !http_conn_live_swap(&conn, &production));
    drain(&conn);
    CHECK("with no event and a close (the reconnection then gets 404)", out_len == 0 &&
          http_conn_should_close(&conn) && conn.blob == &production);
}

static void test_head_and_others(void)
{
    http_conn_init(&conn, &dev_a);
    feed(&conn, "HEAD " BLOB_LIVE_PATH " HTTP/1.1\r\nHost: x\r\n\r\n");
    drain(&conn);
    CHECK("HEAD of the stream: its head, no event, and a close", strncmp(out, "HTTP/1.1 200 ", 13) == 0 &&
          head_has("text/event-stream") && strcmp(body_of_out(), "") == 0 && !http_conn_is_live(&conn) &&
          http_conn_should_close(&conn));
    http_conn_init(&conn, &dev_a);
    feed(&conn, "GET " BLOB_LIVE_PATH "/ HTTP/1.1\r\nHost: x\r\n\r\n");
    drain(&conn);
    CHECK("only the exact path is the stream", strncmp(out, "HTTP/1.1 404 ", 13) == 0 && !http_conn_is_live(&conn));
    http_conn_init(&conn, &dev_a);
    feed(&conn, "GET /?x=1 HTTP/1.1\r\nHost: x\r\n\r\n");
    drain(&conn);
    CHECK("a development blob serves its pages as any blob", strncmp(out, "HTTP/1.1 200 ", 13) == 0 &&
          strstr(out, "version a") != NULL);
}

/* ---- through the stream engine, as the TCP service drives it ----------------- */

static uint64_t fixed_clock(void)
{
    return 784111777;
}

static struct http_stream stream;
static uint8_t scratch[STREAM_SCRATCH_BYTES];

static void take_stream(void)
{
    out_len = 0;
    struct stream_chunk c;
    while (http_stream_output(&stream, scratch, &c) && c.len > 0) {
        if (out_len + c.len < sizeof out) {
            memcpy(out + out_len, c.data, c.len);
            out_len += c.len;
        }
        http_stream_output_taken(&stream, c.len);
    }
    out[out_len] = '\0';
}

static void test_plain_stream(void)
{
    static const struct stream_peer peer = {4, {192, 0, 2, 1}, 40000};
    http_stream_init(&stream, HTTP_STREAM_PLAIN, &dev_a, &peer, NULL, NULL, 0, fixed_clock);
    http_stream_feed(&stream, (const uint8_t *)live_get, strlen(live_get));
    take_stream();
    CHECK("stream: the live stream is held, neither finished nor mid-request",
          http_stream_is_live(&stream) && http_stream_state(&stream) == 0);
    CHECK("stream: a swap is told and gives output to take", http_stream_live_swap(&stream, &dev_b) &&
          (http_stream_state(&stream) & STREAM_RESPONDING));
    take_stream();
    CHECK("stream: the event comes out", strcmp(out, event_of(&dev_b)) == 0 && http_stream_state(&stream) == 0);
    http_stream_input_closed(&stream);
    CHECK("stream: the page going away (FIN) finishes it", http_stream_state(&stream) & STREAM_FINISHED);
    http_stream_end(&stream);
    CHECK("stream: once the connection is over, its memory is no live stream (a swap tells it nothing)",
          !http_stream_is_live(&stream) && !http_stream_live_swap(&stream, &dev_a));

    http_stream_init(&stream, HTTP_STREAM_PLAIN, &dev_a, &peer, NULL, NULL, 0, fixed_clock);
    http_stream_feed(&stream, (const uint8_t *)live_get, strlen(live_get));
    take_stream();
    CHECK("stream: a swap to a production blob ends it: finished once told",
          !http_stream_live_swap(&stream, &production) && (http_stream_state(&stream) & STREAM_FINISHED));

    http_stream_init(&stream, HTTP_STREAM_REDIRECT, &dev_a, &peer, NULL, NULL, 0, fixed_clock);
    CHECK("stream: a redirect connection is never a live stream",
          !http_stream_is_live(&stream) && !http_stream_live_swap(&stream, &dev_b));
}

int main(void)
{
    void *p = build_blob(&production, "<p>production</p>", false);
    void *a = build_blob(&dev_a, "<p>version a</p>", true);
    void *b = build_blob(&dev_b, "<p>version b</p>", true);
    CHECK("test blobs: the development flag is read back", !blob_is_development(&production) &&
          blob_is_development(&dev_a) && blob_is_development(&dev_b));
    test_production_blob();
    test_stream();
    test_swap_before_first_bytes_taken();
    test_swap_to_production();
    test_head_and_others();
    test_plain_stream();
    free(p);
    free(a);
    free(b);
    return CHECK_DONE();
}
