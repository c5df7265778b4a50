/*
 * The HTTP stream engine (src/http/http_stream.c) in its three kinds, driven
 * the way the TCP service drives it but with the transport's choices made
 * hostile: requests fed one byte at a time, in odd sizes or all at once;
 * output taken in tiny parts; FIN at awkward moments. What comes out is
 * held against the parts the stream composes, run on their own:
 *  - plain: http_conn (http_engine.h) fed the same bytes directly;
 *  - redirect: https_redirect_answer() on the whole head, except where the
 *    stream has to refuse a head it reads in pieces (414, 431);
 *  - TLS: an in-process BearSSL client (tls_client.h) decrypts the
 *    records, and the plaintext must be what http_conn answers directly.
 * Every stream gets the same clock, so the Date lines agree.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob_file.h"
#include "check.h"
#include "http/http_engine.h"
#include "http/http_hsts.h"
#include "http/http_stream.h"
#include "http/https_redirect.h"
#include "tls_client.h"
#include "http/tls_server.h"

#define NOW 784111777u      /* Sun, 06 Nov 1994 08:49:37 GMT */
#define WHOLE ((size_t)-1)  /* a step or bite size: everything at once */

static struct blob blob;
static uint8_t scratch[STREAM_SCRATCH_BYTES];
static const struct stream_peer peer = {4, {192, 0, 2, 1}, 40000};

static uint64_t fixed_clock(void)
{
    return NOW;
}

static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

/* ---- the access log's hooks (http_engine.h), when a test turns them on ---------- */

#define REPORTS_MAX 16
static struct {
    bool on;
    int begun, done;
    int status[REPORTS_MAX];
    bool complete[REPORTS_MAX];
    uint64_t bytes;             /* all reports' together */
    char method[16], target[64];
} acc;

static void acc_begun(void *ctx)
{
    (void)ctx;
    acc.begun++;
}

static void acc_done(void *ctx, const struct http_access *a)
{
    (void)ctx;
    if (acc.done < REPORTS_MAX) {
        acc.status[acc.done] = a->status;
        acc.complete[acc.done] = a->complete;
    }
    acc.done++;
    acc.bytes += a->bytes;
    snprintf(acc.method, sizeof acc.method, "%.*s", (int)a->method_len, a->method ? a->method : "-");
    snprintf(acc.target, sizeof acc.target, "%.*s", (int)a->target_len, a->target ? a->target : "");
}

static const struct http_access_hooks acc_hooks = {acc_begun, acc_done, NULL};

/* Hooks on `s` if a test asked for them (after http_stream_init). */
static void maybe_hooks(struct http_stream *s)
{
    if (!acc.on)
        return;
    acc.begun = acc.done = 0;
    acc.bytes = 0;
    http_stream_set_access_hooks(s, &acc_hooks);
}

/* ---- references: the parts on their own ------------------------------------------ */

static uint8_t want[1 << 18];
static size_t want_len;

/* What http_conn answers to `in` fed directly, its output drained before
 * each feed (as http_engine.h asks), with `extra` header lines. */
static void engine_reference(const uint8_t *in, size_t len, const char *extra, size_t extra_len)
{
    static struct http_conn c;
    http_conn_init(&c, &blob);
    if (extra_len)
        http_conn_set_extra_headers(&c, extra, extra_len);
    want_len = 0;
    size_t fed = 0;
    for (int guard = 0; guard < 100000; guard++) {
        const uint8_t *data;
        size_t n;
        bool in_blob;
        while (http_conn_output(&c, &data, &n, &in_blob)) {
            if (want_len + n > sizeof want)
                return;
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

/* ---- a hostile transport for the plain and redirect kinds ---------------------- */

struct run {
    uint8_t out[1 << 18];           /* everything taken, in order */
    size_t out_len;
    size_t consumed;                /* input bytes the stream took */
    bool over_fed;                  /* feed() claimed more than it was offered */
    bool failed;                    /* STREAM_FAILED was ever reported */
    bool finished_early;            /* FINISHED while output was still offered */
    bool stable_outside_blob;       /* a stable chunk not in the blob */
    size_t stable_bytes;            /* bytes taken from stable chunks */
    size_t unstable_after_stable;   /* bytes of non-stable chunks after a stable one, per response */
    unsigned states;                /* every state bit seen */
    unsigned final_state;
    unsigned ticks;                 /* times output appeared only when asked again after nothing moved */
};

static struct run run;

static bool in_blob(const uint8_t *p, size_t len)
{
    return p >= blob.base && len <= blob.size && p - blob.base <= (ptrdiff_t)(blob.size - len);
}

/* Takes what the stream offers, at most `bite` bytes per output() call;
 * returns whether anything was taken. */
static bool take(struct http_stream *s, size_t bite)
{
    bool moved = false;
    struct stream_chunk c;
    for (int guard = 0; guard < 1000000 && http_stream_output(s, scratch, &c); guard++) {
        if (c.len == 0)
            break;
        size_t n = min_size(c.len, bite);
        if (run.out_len + n > sizeof run.out)
            break;
        if (c.stable) {
            if (!in_blob(c.data, c.len))
                run.stable_outside_blob = true;
            run.stable_bytes += n;
        }
        memcpy(run.out + run.out_len, c.data, n);
        run.out_len += n;
        http_stream_output_taken(s, n);
        moved = true;
        unsigned st = http_stream_state(s);
        run.states |= st;
        if (n < c.len && (st & STREAM_FINISHED))
            run.finished_early = true;
    }
    return moved;
}

/*
 * Feeds `in` `step` bytes at a time, taking output `bite` bytes at a time
 * between feeds, as the TCP service alternates them; with `fin`, tells the
 * stream the peer closed once every byte was consumed (the service tells
 * it no sooner). Stops when the stream is finished or nothing moves. The
 * service stops there too until its next event or tick (TICK_MS later):
 * output that appears only when asked once more is counted in run.ticks.
 */
static void drive(struct http_stream *s, const uint8_t *in, size_t len, size_t step, size_t bite, bool fin)
{
    memset(&run, 0, sizeof run);
    bool told = false;
    for (int guard = 0; guard < 1000000; guard++) {
        bool moved = take(s, bite);
        if (run.consumed < len) {
            size_t offer = min_size(step, len - run.consumed);
            size_t used = http_stream_feed(s, in + run.consumed, offer);
            if (used > offer)
                run.over_fed = true;
            run.consumed += min_size(used, offer);
            moved |= used > 0;
        } else if (fin && !told) {
            http_stream_input_closed(s);
            told = true;
            moved = true;
        }
        unsigned st = http_stream_state(s);
        run.states |= st;
        if (st & STREAM_FAILED)
            run.failed = true;
        if (st & STREAM_FINISHED)
            break;
        if (!moved) {
            if (!take(s, bite))
                break;
            run.ticks++;
        }
    }
    run.final_state = http_stream_state(s);
}

static bool output_is(const uint8_t *bytes, size_t len)
{
    return run.out_len == len && memcmp(run.out, bytes, len) == 0;
}

/* ---- plain ------------------------------------------------------------------------ */

static struct http_stream stream;

static void plain(void)
{
    http_stream_init(&stream, HTTP_STREAM_PLAIN, &blob, &peer, NULL, NULL, 0, fixed_clock);
    maybe_hooks(&stream);
}

static const size_t steps[] = {1, 2, 3, 7, 64, 1000, WHOLE};
static const size_t bites[] = {1, 5, 13, 1460, WHOLE};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* `req` through a plain stream, for every step and bite size: the output is
 * http_conn's own answer and the stream ends in `final` (0: idle). */
static bool plain_matches_engine(const char *req, unsigned final)
{
    size_t len = strlen(req);
    engine_reference((const uint8_t *)req, len, NULL, 0);
    if (want_len == 0)
        return false;
    for (size_t i = 0; i < COUNT(steps); i++) {
        for (size_t j = 0; j < COUNT(bites); j++) {
            plain();
            drive(&stream, (const uint8_t *)req, len, steps[i], bites[j], false);
            if (!output_is(want, want_len) || run.final_state != final || run.failed || run.over_fed ||
                run.stable_outside_blob || run.finished_early) {
                printf("# plain %.30s...: step %zu bite %zu: %zu bytes out (want %zu), state %u\n", req,
                       steps[i], bites[j], run.out_len, want_len, run.final_state);
                return false;
            }
        }
    }
    return true;
}

static const char pipelined_requests[] =
    "GET / HTTP/1.1\r\nHost: www.unihost.test\r\n\r\n"
    "HEAD /docs/page HTTP/1.1\r\nHost: www.unihost.test\r\n\r\n"
    "GET /css/style.css HTTP/1.1\r\nHost: www.unihost.test\r\nAccept-Encoding: identity\r\n\r\n"
    "GET /nothere HTTP/1.1\r\nHost: www.unihost.test\r\n\r\n"
    "GET /old-page HTTP/1.1\r\nHost: www.unihost.test\r\n\r\n";

/* The status codes of the responses in run.out, in order. */
static size_t statuses(int *out, size_t max)
{
    size_t count = 0;
    for (size_t i = 0; i + 12 <= run.out_len && count < max; i++) {
        if (memcmp(run.out + i, "HTTP/1.1 ", 9) == 0 && (i == 0 || run.out[i - 1] == '\n'))
            out[count++] = atoi((const char *)run.out + i + 9);
    }
    return count;
}

static bool pipelined_in_order(void)
{
    if (!plain_matches_engine(pipelined_requests, 0))
        return false;
    int st[8];
    return statuses(st, 8) == 5 && st[0] == 200 && st[1] == 200 && st[2] == 200 && st[3] == 404 && st[4] == 301;
}

static bool head_has_no_body(void)
{
    static const char req[] = "HEAD /css/style.css HTTP/1.1\r\nHost: a\r\n\r\n";
    if (!plain_matches_engine(req, 0))
        return false;
    return run.stable_bytes == 0 && run.out_len > 4 && memcmp(run.out + run.out_len - 4, "\r\n\r\n", 4) == 0 &&
           strstr((const char *)run.out, "Content-Length: 3080\r\n") != NULL;
}

/* Connection: close: RESPONDING up to the response's last byte, FINISHED
 * exactly when it is taken; nothing after it is read. */
static bool connection_close(size_t bite)
{
    static const char req[] = "GET /docs/page HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                              "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    size_t first = strstr(req, "\r\n\r\n") + 4 - req;
    engine_reference((const uint8_t *)req, first, NULL, 0);
    plain();
    if (http_stream_feed(&stream, (const uint8_t *)req, sizeof req - 1) != first)
        return false;
    if (http_stream_feed(&stream, (const uint8_t *)req + first, sizeof req - 1 - first) != 0)
        return false;
    size_t taken = 0;
    struct stream_chunk c;
    while (http_stream_output(&stream, scratch, &c)) {
        if (http_stream_state(&stream) != STREAM_RESPONDING)
            return false;
        size_t n = min_size(c.len, bite);
        if (taken + n > want_len || memcmp(want + taken, c.data, n) != 0)
            return false;
        http_stream_output_taken(&stream, n);
        taken += n;
    }
    return taken == want_len && http_stream_state(&stream) == STREAM_FINISHED &&
           http_stream_feed(&stream, (const uint8_t *)req + first, 1) == 0;
}

/* A malformed request: an error response (the engine's own), then FINISHED,
 * never FAILED, whatever the pieces. */
static bool malformed(const char *req, int status)
{
    if (!plain_matches_engine(req, STREAM_FINISHED))
        return false;
    char line[32];
    snprintf(line, sizeof line, "HTTP/1.1 %d ", status);
    return run.out_len > strlen(line) && memcmp(run.out, line, strlen(line)) == 0 &&
           (run.states & STREAM_FAILED) == 0;
}

static bool good_then_garbage(void)
{
    int st[4];
    return malformed("GET / HTTP/1.1\r\nHost: a\r\n\r\n\x01\x02garbage\r\n\r\n", 200) && statuses(st, 4) == 2 &&
           st[1] == 400;
}

/* FIN right after a whole request, before any output is taken: the
 * response still goes out whole, then FINISHED. */
static bool half_close_after_request(size_t bite)
{
    static const char req[] = "GET /css/style.css HTTP/1.1\r\nHost: a\r\n\r\n";
    engine_reference((const uint8_t *)req, sizeof req - 1, NULL, 0);
    plain();
    if (http_stream_feed(&stream, (const uint8_t *)req, sizeof req - 1) != sizeof req - 1)
        return false;
    http_stream_input_closed(&stream);
    if (http_stream_state(&stream) != STREAM_RESPONDING)
        return false;
    memset(&run, 0, sizeof run);
    take(&stream, bite);
    return output_is(want, want_len) && !run.finished_early && http_stream_state(&stream) == STREAM_FINISHED;
}

/* FIN in the middle of a request: nothing is answered, FINISHED at once;
 * the same for a FIN in the middle of a response of an earlier request,
 * which still goes out whole. */
static bool half_close_mid_request(void)
{
    static const char req[] = "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /docs/page HTTP/1.1\r\nHo";
    size_t first = strstr(req, "\r\n\r\n") + 4 - req;
    plain();
    http_stream_feed(&stream, (const uint8_t *)req + first, sizeof req - 1 - first);
    if (http_stream_state(&stream) != STREAM_MID_REQUEST)
        return false;
    http_stream_input_closed(&stream);
    struct stream_chunk c;
    if (http_stream_state(&stream) != STREAM_FINISHED || http_stream_output(&stream, scratch, &c))
        return false;

    /* A response half taken, the next request half fed, then FIN. */
    engine_reference((const uint8_t *)req, first, NULL, 0);
    plain();
    memset(&run, 0, sizeof run);
    if (http_stream_feed(&stream, (const uint8_t *)req, sizeof req - 1) != first)
        return false;
    if (!http_stream_output(&stream, scratch, &c))
        return false;
    memcpy(run.out, c.data, 10);
    run.out_len = 10;
    http_stream_output_taken(&stream, 10);
    take(&stream, 10);
    size_t rest = sizeof req - 1 - first;
    if (http_stream_feed(&stream, (const uint8_t *)req + first, rest) != rest)
        return false;
    http_stream_input_closed(&stream);
    return output_is(want, want_len) && http_stream_state(&stream) == STREAM_FINISHED;
}

/* 0 when idle, MID_REQUEST while a request is partial, RESPONDING while
 * output is pending (with the next request already arriving too), 0 again. */
static bool plain_states(void)
{
    static const char req[] = "GET /docs/page HTTP/1.1\r\nHost: a\r\n\r\n";
    size_t len = sizeof req - 1;
    plain();
    if (http_stream_state(&stream) != 0)
        return false;
    if (http_stream_feed(&stream, (const uint8_t *)req, 1) != 1 || http_stream_state(&stream) != STREAM_MID_REQUEST)
        return false;
    if (http_stream_feed(&stream, (const uint8_t *)req + 1, len - 2) != len - 2 ||
        http_stream_state(&stream) != STREAM_MID_REQUEST)
        return false;
    if (http_stream_feed(&stream, (const uint8_t *)req + len - 1, 1) != 1 ||
        http_stream_state(&stream) != STREAM_RESPONDING)
        return false;
    /* The next request waits behind the response: nothing taken. */
    if (http_stream_feed(&stream, (const uint8_t *)req, len) != 0)
        return false;
    struct stream_chunk c;
    while (http_stream_output(&stream, scratch, &c)) {
        if (http_stream_state(&stream) != STREAM_RESPONDING)
            return false;
        http_stream_output_taken(&stream, min_size(c.len, 3));
    }
    return http_stream_state(&stream) == 0;
}

/* GET of a file: the header block in chunks that are not stable, the body
 * in stable chunks inside the blob, byte for byte the file's. */
static bool stable_body(size_t bite)
{
    static const char req[] = "GET /css/style.css HTTP/1.1\r\nHost: a\r\n\r\n";
    const struct blob_http_file *f = blob_http_find(&blob, "/css/style.css", 14);
    if (!f || f->body.len == 0)
        return false;
    plain();
    if (http_stream_feed(&stream, (const uint8_t *)req, sizeof req - 1) != sizeof req - 1)
        return false;
    size_t head = 0, body = 0;
    bool ok = true;
    struct stream_chunk c;
    while (ok && http_stream_output(&stream, scratch, &c)) {
        size_t n = min_size(c.len, bite);
        if (c.stable) {
            ok = in_blob(c.data, c.len) && body + n <= f->body.len &&
                 c.data == blob_bytes(&blob, f->body) + body;
            body += n;
        } else {
            ok = body == 0 && !in_blob(c.data, c.len);     /* headers come first, from the connection */
            head += n;
        }
        http_stream_output_taken(&stream, n);
    }
    return ok && head > 0 && body == f->body.len;
}

static void test_plain(void)
{
    CHECK("plain: a GET is answered byte for byte as http_conn answers it (every step and bite size)",
          plain_matches_engine("GET / HTTP/1.1\r\nHost: www.unihost.test\r\n\r\n", 0));
    CHECK("plain: a GET of a 3 KB file, likewise",
          plain_matches_engine("GET /css/style.css HTTP/1.1\r\nHost: a\r\n\r\n", 0));
    CHECK("plain: five pipelined requests answered in order (200 200 200 404 301)", pipelined_in_order());
    CHECK("plain: HEAD: the header block of the GET, no body", head_has_no_body());
    CHECK("plain: HTTP/1.0 without keep-alive: answered, then FINISHED",
          plain_matches_engine("GET /docs/page HTTP/1.0\r\n\r\n", STREAM_FINISHED));
    CHECK("plain: Connection: close, taken whole: FINISHED exactly after the last byte", connection_close(WHOLE));
    CHECK("plain: Connection: close, taken 1 byte at a time: likewise", connection_close(1));
    CHECK("plain: a control byte in the target: 400, then FINISHED, never FAILED",
          malformed("GET /a\x7f HTTP/1.1\r\nHost: a\r\n\r\n", 400));
    CHECK("plain: a bad header name: 400, then FINISHED", malformed("GET / HTTP/1.1\r\nHo st: a\r\n\r\n", 400));
    CHECK("plain: HTTP/1.1 without Host: 400, then FINISHED", malformed("GET / HTTP/1.1\r\n\r\n", 400));
    CHECK("plain: an unknown HTTP version: 505, then FINISHED", malformed("GET / HTTP/7.1\r\nHost: a\r\n\r\n", 505));
    CHECK("plain: junk after the version: 400 (RFC 9112 3), then FINISHED",
          malformed("GET / HTTP/1.1 junk\r\nHost: a\r\n\r\n", 400));
    CHECK("plain: a good request then garbage: 200, 400, then FINISHED", good_then_garbage());
    CHECK("plain: FIN after a whole request, nothing taken yet: the response, then FINISHED",
          half_close_after_request(WHOLE));
    CHECK("plain: the same with the response taken 1 byte at a time", half_close_after_request(1));
    CHECK("plain: FIN mid-request: FINISHED, nothing sent; FIN mid-response: the response whole, then FINISHED",
          half_close_mid_request());
    CHECK("plain: states: idle 0, partial MID_REQUEST, pending RESPONDING, then 0", plain_states());
    CHECK("plain: body chunks are stable and point into the blob, header chunks are not", stable_body(WHOLE));
    CHECK("plain: the same taken 100 bytes at a time", stable_body(100));
}

/* ---- redirect ------------------------------------------------------------------- */

enum expect { SAME, TOO_LONG_414, TOO_LARGE_431 };

struct head_case {
    const char *name;
    const char *head;       /* NULL: built by make_head() */
    enum expect expect;
    int status;             /* the status https_redirect_answer() gives: checked, so a row tests what it says */
};

static char built[20000];

/* The long heads of the table, built at run time. */
static const char *make_head(const char *name)
{
    char *p = built;
    size_t kept;
    char eol[4];
    if (strcmp(name, "a 5000-byte header line before Host") == 0) {
        p += sprintf(p, "GET /x HTTP/1.1\r\nX-Junk: ");
        memset(p, 'j', 5000), p += 5000;
        sprintf(p, "\r\nHost: a.test\r\n\r\n");
    } else if (strcmp(name, "a 5000-byte Hostile line (not Host: dropped)") == 0) {
        p += sprintf(p, "GET /x HTTP/1.1\r\nHostile: ");
        memset(p, 'h', 5000), p += 5000;
        sprintf(p, "\r\nHost: a.test\r\n\r\n");
    } else if (strcmp(name, "a head of exactly 8192 bytes, ending there") == 0) {
        p += sprintf(p, "GET /y HTTP/1.1\r\nHost: a.test\r\nX-Pad: ");
        size_t pad = HTTPS_REDIRECT_HEAD_MAX - (size_t)(p - built) - 4;
        memset(p, 'p', pad), p += pad;
        sprintf(p, "\r\n\r\n");
    } else if (strcmp(name, "a head of 8193 bytes") == 0) {
        p += sprintf(p, "GET /y HTTP/1.1\r\nHost: a.test\r\nX-Pad: ");
        size_t pad = HTTPS_REDIRECT_HEAD_MAX + 1 - (size_t)(p - built) - 4;
        memset(p, 'p', pad), p += pad;
        sprintf(p, "\r\n\r\n");
    } else if (strcmp(name, "a head of 12000 bytes in many short lines") == 0) {
        p += sprintf(p, "GET /y HTTP/1.1\r\nHost: a.test\r\n");
        while (p - built < 12000)
            p += sprintf(p, "X-%04d: v\r\n", (int)(p - built) % 10000);
        sprintf(p, "\r\n");
    } else if (strcmp(name, "a target of 3800 bytes: 301 with the long Location") == 0) {
        p += sprintf(p, "GET /");
        memset(p, 't', 3799), p += 3799;
        sprintf(p, " HTTP/1.1\r\nHost: a.test\r\n\r\n");
    } else if (strcmp(name, "a request line over 4 KB (target of 4200 bytes)") == 0) {
        p += sprintf(p, "GET /");
        memset(p, 'u', 4199), p += 4199;
        sprintf(p, " HTTP/1.1\r\nHost: a.test\r\n\r\n");
    } else if (strcmp(name, "a request line over 4 KB that is malformed anyway") == 0) {
        p += sprintf(p, "GET /");
        memset(p, 'u', 4199), p += 4199;
        sprintf(p, " HTTP/2.0\r\nHost: a.test\r\n\r\n");
    } else if (strcmp(name, "a Host value of 4100 bytes") == 0) {
        p += sprintf(p, "GET / HTTP/1.1\r\nHost: ");
        memset(p, 'h', 4100), p += 4100;
        sprintf(p, "\r\n\r\n");
    } else if (strcmp(name, "300 Host lines of 14 bytes: too many to keep") == 0) {
        p += sprintf(p, "GET / HTTP/1.1\r\n");
        for (int i = 0; i < 300; i++)
            p += sprintf(p, "Host: a.test\r\n");
        sprintf(p, "\r\n");
    } else if (sscanf(name, "kept lines of %zu bytes, %3s end", &kept, eol) == 2) {
        /* A request line and a Host line of `kept` bytes in all, the most
         * redirect_head keeps being HTTPS_REDIRECT_OUT_MAX - 2 (room for
         * the empty line). The version is wrong, so that the whole-head
         * answer is 400, never the 414 a long target gets. */
        const char *end = strcmp(eol, "LF") == 0 ? "\n" : "\r\n";
        size_t target = kept - strlen("GET /") - strlen(" HTTP/2.0") - strlen("Host: a.test") - 2 * strlen(end);
        p += sprintf(p, "GET /");
        memset(p, 'f', target), p += target;
        sprintf(p, " HTTP/2.0%sHost: a.test%s%s", end, end, end);
    } else {
        return NULL;
    }
    return built;
}

static const struct head_case heads[] = {
    {"CRLF, one Host", "GET /docs/?a=1 HTTP/1.1\r\nHost: www.unihost.test\r\n\r\n", SAME, 301},
    {"bare LF line ends", "GET /a HTTP/1.0\nHost: h.test\n\n", SAME, 301},
    {"CRLF lines, bare LF empty line", "GET /a HTTP/1.1\r\nHost: h.test\r\n\n", SAME, 301},
    {"bare LF lines, CRLF empty line", "GET /a HTTP/1.1\nHost: h.test\n\r\n", SAME, 301},
    {"other headers around Host", "GET /p HTTP/1.1\r\nUser-Agent: x\r\nHost: h.test\r\nAccept: */*\r\n\r\n", SAME, 301},
    {"lower-case host:, no space", "GET /p HTTP/1.1\r\nhost:h.test\r\n\r\n", SAME, 301},
    {"HOST: in capitals, tabs around the value", "GET /p HTTP/1.1\r\nHOST:\t h.test \t\r\n\r\n", SAME, 301},
    {"two Host lines", "GET / HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n\r\n", SAME, 400},
    {"two Host lines apart", "GET / HTTP/1.1\r\nHost: a.test\r\nX: y\r\nhost: a.test\r\n\r\n", SAME, 400},
    {"Host with a port", "GET / HTTP/1.1\r\nHost: unihost.test:8080\r\n\r\n", SAME, 301},
    {"Host an IPv6 literal with a port", "HEAD /x HTTP/1.1\r\nHost: [2001:db8::2]:80\r\n\r\n", SAME, 301},
    {"Host an IPv6 literal, unclosed", "GET / HTTP/1.1\r\nHost: [2001:db8::2\r\n\r\n", SAME, 400},
    {"Host an IPv6 literal with a letter past f", "GET / HTTP/1.1\r\nHost: [2001:db8::g]\r\n\r\n", SAME, 400},
    {"Host with a space inside", "GET / HTTP/1.1\r\nHost: bad host\r\n\r\n", SAME, 400},
    {"Host with a slash", "GET / HTTP/1.1\r\nHost: evil.test/x\r\n\r\n", SAME, 400},
    {"Host with userinfo", "GET / HTTP/1.1\r\nHost: a@evil.test\r\n\r\n", SAME, 400},
    {"Host with a non-numeric port", "GET / HTTP/1.1\r\nHost: a.test:x\r\n\r\n", SAME, 400},
    {"Host with a CR inside", "GET / HTTP/1.1\r\nHost: a\rb.test\r\n\r\n", SAME, 400},
    {"Host empty", "GET / HTTP/1.1\r\nHost:\r\n\r\n", SAME, 400},
    {"Host empty, bare LF", "GET / HTTP/1.1\nHost:\n\n", SAME, 400},
    {"absolute form, Host ignored", "GET http://example.test:80/p?q HTTP/1.1\r\nHost: other.test\r\n\r\n", SAME, 301},
    {"absolute form, no Host", "GET http://example.test HTTP/1.1\r\n\r\n", SAME, 301},
    {"absolute form, bad authority", "GET http://ex ample/ HTTP/1.1\r\n\r\n", SAME, 400},
    {"absolute form, query right after the host", "GET http://example.test?x=1 HTTP/1.1\r\n\r\n", SAME, 301},
    {"no Host", "GET / HTTP/1.1\r\n\r\n", SAME, 400},
    {"no Host, bare LF", "GET / HTTP/1.1\n\n", SAME, 400},
    {"an empty line before the request line (skipped, RFC 9112 2.2)", "\r\nGET / HTTP/1.1\r\nHost: a.test\r\n\r\n", SAME, 301},
    {"two bare LF lines before the request line", "\n\nGET / HTTP/1.1\r\nHost: a.test\r\n\r\n", SAME, 400},
    {"bare LF then CRLF before the request line", "\n\r\nGET / HTTP/1.1\r\nHost: a.test\r\n\r\n", SAME, 400},
    {"Hostile: x and no Host", "GET / HTTP/1.1\r\nHostile: x.test\r\n\r\n", SAME, 400},
    {"Hostile: x before Host", "GET / HTTP/1.1\r\nHostile: x.test\r\nHost: a.test\r\n\r\n", SAME, 301},
    {"Host-Name: and Hosts: are not Host", "GET / HTTP/1.1\r\nHost-Name: x\r\nHosts: y\r\nHost: a.test\r\n\r\n", SAME, 301},
    {"Host : (space before the colon) is not Host", "GET / HTTP/1.1\r\nHost : a.test\r\n\r\n", SAME, 400},
    {"a folded line under Host (obs-fold: refused)", "GET / HTTP/1.1\r\nHost: a.test\r\n b.test\r\n\r\n", SAME, 400},
    {"\" Host:\" (leading space) is not Host", "GET / HTTP/1.1\r\n Host: a.test\r\n\r\n", SAME, 400},
    {"header lines of 1 to 4 bytes (no colon: refused)", "GET / HTTP/1.1\r\nA\r\nHo\r\nHos\r\nHost\r\nHost: a.test\r\n\r\n", SAME, 400},
    {"a line starting with CR that is not the empty line (refused)", "GET / HTTP/1.1\r\n\rHost: x\r\nHost: a.test\r\n\r\n", SAME, 400},
    {"a line of CR CR LF (refused)", "GET / HTTP/1.1\r\n\r\r\nHost: a.test\r\n\r\n", SAME, 400},
    {"Host\\x1a (the byte that folds to ':'; no colon: refused)", "GET / HTTP/1.1\r\nHost\x1a" "a.test\r\n\r\n", SAME, 400},
    {"a relative target", "GET docs HTTP/1.1\r\nHost: a.test\r\n\r\n", SAME, 400},
    {"a control byte in the target", "GET /a\x01 HTTP/1.1\r\nHost: a.test\r\n\r\n", SAME, 400},
    {"a tab in the request line", "GET\t/ HTTP/1.1\r\nHost: a.test\r\n\r\n", SAME, 400},
    {"not HTTP/1.x", "GET / HTTP/2.0\r\nHost: a.test\r\n\r\n", SAME, 400},
    {"no version", "GET /\r\nHost: a.test\r\n\r\n", SAME, 400},
    {"a protocol-relative target stays a path", "GET //evil.test/x HTTP/1.1\r\nHost: a.test\r\n\r\n", SAME, 301},
    {"the empty head", "\r\n\r\n", SAME, 400},
    {"a NUL in the request line", "GET /\0 HTTP/1.1\r\nHost: a.test\r\n\r\n", SAME, 400},
    {"a 5000-byte header line before Host", NULL, SAME, 301},
    {"a 5000-byte Hostile line (not Host: dropped)", NULL, SAME, 301},
    {"a head of exactly 8192 bytes, ending there", NULL, SAME, 301},
    {"a target of 3800 bytes: 301 with the long Location", NULL, SAME, 301},
    {"kept lines of 4092 bytes, CRLF end", NULL, SAME, 400},
    {"kept lines of 4093 bytes, CRLF end", NULL, SAME, 400},
    {"kept lines of 4094 bytes, CRLF end", NULL, SAME, 400},
    {"kept lines of 4093 bytes, LF end", NULL, SAME, 400},
    {"kept lines of 4094 bytes, LF end", NULL, SAME, 400},
    {"a head of 8193 bytes", NULL, TOO_LARGE_431, 431},
    {"a head of 12000 bytes in many short lines", NULL, TOO_LARGE_431, 431},
    {"a request line over 4 KB (target of 4200 bytes)", NULL, TOO_LONG_414, 414},
    {"a request line over 4 KB that is malformed anyway", NULL, TOO_LONG_414, 400},
    {"a Host value of 4100 bytes", NULL, TOO_LONG_414, 414},
    {"300 Host lines of 14 bytes: too many to keep", NULL, TOO_LONG_414, 400},
    {"kept lines of 4095 bytes, CRLF end", NULL, TOO_LONG_414, 400},
    {"kept lines of 4095 bytes, LF end", NULL, TOO_LONG_414, 400},
};

/* Where a head ends as https_redirect.c sees it: after the first empty
 * line, CRLF or bare LF. */
static size_t head_end(const char *p, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (p[i] == '\n' && p[i + 1] == '\n')
            return i + 2;
        if (p[i] == '\n' && i + 2 < len && p[i + 1] == '\r' && p[i + 2] == '\n')
            return i + 3;
    }
    return len;
}

/* The length of a table head: NUL bytes inside count, so a few rows are
 * measured up to their known end. */
static size_t head_length(const struct head_case *h, const char *text)
{
    if (strcmp(h->name, "a NUL in the request line") == 0)
        return sizeof "GET /\0 HTTP/1.1\r\nHost: a.test\r\n\r\n" - 1;
    return strlen(text);
}

static char answer[HTTPS_REDIRECT_OUT_MAX];

static void redirect(void)
{
    http_stream_init(&stream, HTTP_STREAM_REDIRECT, &blob, &peer, NULL, NULL, 0, fixed_clock);
    maybe_hooks(&stream);
}

/* One table row for every step and bite size, with bytes after the head
 * (a body, a second request) that must not be read. */
static bool redirect_row(const struct head_case *h)
{
    const char *text = h->head ? h->head : make_head(h->name);
    if (!text)
        return false;
    size_t len = head_length(h, text);
    static char in[20000 + 64];
    memcpy(in, text, len);
    static const char after[] = "GET /next HTTP/1.1\r\nHost: b.test\r\n\r\n";
    memcpy(in + len, after, sizeof after - 1);

    size_t whole = https_redirect_answer((const uint8_t *)text, len, NOW, answer, sizeof answer);
    char line[24];
    snprintf(line, sizeof line, "HTTP/1.1 %d ", h->status);
    if (whole == 0 || strncmp(answer, line, strlen(line)) != 0) {
        printf("# redirect %s: https_redirect_answer() gave %.20s, the row says %d\n", h->name, answer, h->status);
        return false;
    }
    if (h->expect == TOO_LONG_414)
        whole = https_redirect_error(414, NOW, answer, sizeof answer);
    else if (h->expect == TOO_LARGE_431)
        whole = https_redirect_error(431, NOW, answer, sizeof answer);

    for (size_t i = 0; i < COUNT(steps); i++) {
        for (size_t j = 0; j < COUNT(bites); j++) {
            redirect();
            drive(&stream, (const uint8_t *)in, len + sizeof after - 1, steps[i], bites[j], false);
            /* The head is read to its end and no further; a refused head
             * is read up to where it was refused. */
            bool read_ok = h->expect == SAME ? run.consumed == head_end(text, len) : run.consumed <= len;
            if (!output_is((const uint8_t *)answer, whole) || run.final_state != STREAM_FINISHED || !read_ok ||
                run.failed || run.over_fed || run.finished_early) {
                printf("# redirect %s: step %zu bite %zu: got %zu bytes \"%.40s\" (want %zu \"%.40s\"), "
                       "read %zu of %zu, state %u\n",
                       h->name, steps[i], bites[j], run.out_len, run.out, whole, answer, run.consumed, len,
                       run.final_state);
                return false;
            }
        }
    }
    return true;
}

/* States: 0 before anything, MID_REQUEST inside the head, RESPONDING once
 * it is whole until the answer is all taken, then FINISHED. */
static bool redirect_states(void)
{
    static const char head[] = "GET / HTTP/1.1\r\nHost: a.test\r\n\r\n";
    redirect();
    if (http_stream_state(&stream) != 0)
        return false;
    if (http_stream_feed(&stream, (const uint8_t *)head, sizeof head - 2) != sizeof head - 2 ||
        http_stream_state(&stream) != STREAM_MID_REQUEST)
        return false;
    struct stream_chunk c;
    if (http_stream_output(&stream, scratch, &c))
        return false;
    if (http_stream_feed(&stream, (const uint8_t *)head + sizeof head - 2, 1) != 1 ||
        http_stream_state(&stream) != STREAM_RESPONDING)
        return false;
    while (http_stream_output(&stream, scratch, &c)) {
        if (http_stream_state(&stream) != STREAM_RESPONDING)
            return false;
        http_stream_output_taken(&stream, 1);
    }
    return http_stream_state(&stream) == STREAM_FINISHED;
}

/* FIN inside the head: FINISHED, nothing sent. FIN after a whole head
 * (nothing taken yet): the answer still goes out. */
static bool redirect_half_close(void)
{
    static const char head[] = "GET / HTTP/1.1\r\nHost: a.test\r\n\r\n";
    redirect();
    http_stream_feed(&stream, (const uint8_t *)head, 10);
    http_stream_input_closed(&stream);
    struct stream_chunk c;
    if (http_stream_state(&stream) != STREAM_FINISHED || http_stream_output(&stream, scratch, &c))
        return false;
    redirect();
    http_stream_feed(&stream, (const uint8_t *)head, sizeof head - 1);
    http_stream_input_closed(&stream);
    if (http_stream_state(&stream) != STREAM_RESPONDING)
        return false;
    memset(&run, 0, sizeof run);
    take(&stream, 7);
    size_t n = https_redirect_answer((const uint8_t *)head, sizeof head - 1, NOW, answer, sizeof answer);
    return output_is((const uint8_t *)answer, n) && http_stream_state(&stream) == STREAM_FINISHED;
}

/* A head of exactly HTTPS_REDIRECT_HEAD_MAX bytes with no end yet can
 * only be longer: https_redirect_answer() on those bytes says 431, and so
 * must the stream, without waiting for a byte more (a client that sends
 * exactly that much and waits would hang until the request timeout). */
static bool redirect_limit_edge(void)
{
    static char head[HTTPS_REDIRECT_HEAD_MAX];
    memset(head, 'x', sizeof head);
    memcpy(head, "GET / HTTP/1.1\r\nHost: a.test\r\nX: ", 33);
    size_t n = https_redirect_answer((const uint8_t *)head, sizeof head, NOW, answer, sizeof answer);
    if (n == 0 || memcmp(answer, "HTTP/1.1 431 ", 13) != 0)
        return false;
    redirect();
    if (http_stream_feed(&stream, (const uint8_t *)head, sizeof head) != sizeof head)
        return false;
    memset(&run, 0, sizeof run);
    take(&stream, WHOLE);
    return output_is((const uint8_t *)answer, n) && http_stream_state(&stream) == STREAM_FINISHED;
}

/* A head over the limit whose first 8192 bytes end a feed (a client
 * writing 1 KB at a time): the 431 must be there as soon as the feed that
 * carries the next byte returns, or the TCP service, seeing nothing move,
 * leaves it until its next tick. */
static bool redirect_431_at_once(size_t step)
{
    static char head[HTTPS_REDIRECT_HEAD_MAX + 1024];
    memset(head, 'x', sizeof head);
    memcpy(head, "GET / HTTP/1.1\r\nHost: a.test\r\nX: ", 33);
    redirect();
    drive(&stream, (const uint8_t *)head, sizeof head, step, WHOLE, false);
    size_t n = https_redirect_error(431, NOW, answer, sizeof answer);
    if (run.ticks)
        printf("# redirect: step %zu: the 431 came only when asked again after a feed that took nothing\n", step);
    return output_is((const uint8_t *)answer, n) && run.ticks == 0 && run.final_state == STREAM_FINISHED;
}

static void test_redirect(void)
{
    for (size_t i = 0; i < COUNT(heads); i++) {
        const struct head_case *h = &heads[i];
        char name[200];
        snprintf(name, sizeof name, "redirect: %s: %s, in pieces of every size", h->name,
                 h->expect == SAME            ? "as https_redirect_answer() on the whole head"
                 : h->expect == TOO_LONG_414 ? "414 (request line and Host lines too long to keep)"
                                              : "431 (head over HTTPS_REDIRECT_HEAD_MAX)");
        CHECK(name, redirect_row(h));
    }
    CHECK("redirect: states: 0, MID_REQUEST in the head, RESPONDING while answering, FINISHED", redirect_states());
    CHECK("redirect: FIN mid-head: FINISHED, nothing sent; FIN after the head: the answer, then FINISHED",
          redirect_half_close());
    CHECK("redirect: 8192 bytes without an end: 431 at once, as https_redirect_answer() says",
          redirect_limit_edge());
    CHECK("redirect: a head over the limit fed 1 KB at a time: the 431 without waiting for a tick",
          redirect_431_at_once(1024));
    CHECK("redirect: the same fed 1 byte at a time", redirect_431_at_once(1));
    CHECK("redirect: the same fed 1000 bytes at a time (no feed ends at 8192)", redirect_431_at_once(1000));
}


/* ---- ACME HTTP-01 on port 80 (http_challenge.h) --------------------------------- */

#define TOKEN "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA"
#define KEY_AUTHORIZATION TOKEN ".9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI"

static struct http_challenges challenges;

/* A redirect stream with the table, fed `req` in pieces of every size:
 * is the output `want` each time, the head read and no further? */
static bool challenge_redirect_row(const char *req, const char *want, size_t want_len)
{
    for (size_t i = 0; i < COUNT(steps); i++) {
        for (size_t j = 0; j < COUNT(bites); j++) {
            redirect();
            http_stream_set_challenges(&stream, &challenges);
            drive(&stream, (const uint8_t *)req, strlen(req), steps[i], bites[j], false);
            if (!output_is((const uint8_t *)want, want_len) || run.final_state != STREAM_FINISHED || run.failed) {
                printf("# challenge: step %zu bite %zu: got \"%.60s\"\n", steps[i], bites[j], run.out);
                return false;
            }
        }
    }
    return true;
}

static void test_challenges(void)
{
    http_challenges_init(&challenges);
    http_challenges_add(&challenges, TOKEN, strlen(TOKEN), KEY_AUTHORIZATION, strlen(KEY_AUTHORIZATION));
    static const char get[] = "GET /.well-known/acme-challenge/" TOKEN " HTTP/1.1\r\nHost: www.a.test\r\n\r\n";
    static const char head[] = "HEAD /.well-known/acme-challenge/" TOKEN " HTTP/1.1\r\nHost: www.a.test\r\n\r\n";
    static const char other[] = "GET /.well-known/acme-challenge/not-pending-abcdefghijklm HTTP/1.1\r\nHost: a.test\r\n\r\n";

    size_t n = https_redirect_challenge_answer(KEY_AUTHORIZATION, strlen(KEY_AUTHORIZATION), false, NOW, answer,
                                               sizeof answer);
    const char *body = strstr(answer, "\r\n\r\n");
    CHECK("challenge answer: 200, octet-stream, the key authorization, Connection: close",
          n > 0 && strncmp(answer, "HTTP/1.1 200 OK\r\n", 17) == 0 &&
          strstr(answer, "\r\nContent-Type: application/octet-stream\r\n") &&
          strstr(answer, "\r\nContent-Length: 87\r\n") && strstr(answer, "\r\nConnection: close\r\n") && body &&
          strcmp(body + 4, KEY_AUTHORIZATION) == 0);
    CHECK("redirect kind: a pending token is answered, not redirected, in pieces of every size",
          challenge_redirect_row(get, answer, n));
    n = https_redirect_challenge_answer(KEY_AUTHORIZATION, strlen(KEY_AUTHORIZATION), true, NOW, answer,
                                        sizeof answer);
    CHECK("redirect kind: HEAD: the same head, no body", challenge_redirect_row(head, answer, n) &&
          strstr(answer, "\r\nContent-Length: 87\r\n") && strstr(answer, "\r\n\r\n")[4] == '\0');
    n = https_redirect_answer((const uint8_t *)other, sizeof other - 1, NOW, answer, sizeof answer);
    CHECK("redirect kind: another token is redirected as any path",
          strncmp(answer, "HTTP/1.1 301 ", 13) == 0 && challenge_redirect_row(other, answer, n));
    static const char post[] = "POST /.well-known/acme-challenge/" TOKEN " HTTP/1.1\r\nHost: a.test\r\n\r\n";
    n = https_redirect_answer((const uint8_t *)post, sizeof post - 1, NOW, answer, sizeof answer);
    CHECK("redirect kind: POST to a pending token is redirected", challenge_redirect_row(post, answer, n));

    static const char no_host[] = "GET /.well-known/acme-challenge/" TOKEN " HTTP/1.1\r\n\r\n";
    n = https_redirect_answer((const uint8_t *)no_host, sizeof no_host - 1, NOW, answer, sizeof answer);
    CHECK("redirect kind: a pending token asked without Host is refused (400) as any such head",
          strncmp(answer, "HTTP/1.1 400 ", 13) == 0 && challenge_redirect_row(no_host, answer, n));
    static const char absolute[] = "GET http://www.a.test/.well-known/acme-challenge/" TOKEN " HTTP/1.1\r\n"
                                   "Host: www.a.test\r\n\r\n";
    n = https_redirect_challenge_answer(KEY_AUTHORIZATION, strlen(KEY_AUTHORIZATION), false, NOW, answer,
                                        sizeof answer);
    CHECK("redirect kind: an absolute-form target's token is answered", challenge_redirect_row(absolute, answer, n));

    /* Decided when the head ends: the table changing while the answer
     * goes out changes none of its bytes. */
    redirect();
    http_stream_set_challenges(&stream, &challenges);
    http_stream_feed(&stream, (const uint8_t *)get, sizeof get - 1);
    http_challenges_clear(&challenges);
    memset(&run, 0, sizeof run);
    take(&stream, 10);
    n = https_redirect_challenge_answer(KEY_AUTHORIZATION, strlen(KEY_AUTHORIZATION), false, NOW, answer,
                                        sizeof answer);
    CHECK("redirect kind: the answer stays the same when the token is withdrawn meanwhile",
          output_is((const uint8_t *)answer, n) && http_stream_state(&stream) == STREAM_FINISHED);

    /* Without the table, the redirect kind redirects the challenge path. */
    http_challenges_add(&challenges, TOKEN, strlen(TOKEN), KEY_AUTHORIZATION, strlen(KEY_AUTHORIZATION));
    redirect();
    drive(&stream, (const uint8_t *)get, sizeof get - 1, WHOLE, WHOLE, false);
    n = https_redirect_answer((const uint8_t *)get, sizeof get - 1, NOW, answer, sizeof answer);
    CHECK("redirect kind without the table: 301 as today", output_is((const uint8_t *)answer, n));

    /* The access log says 200 for the challenge's answer. */
    acc.on = true;
    redirect();
    http_stream_set_challenges(&stream, &challenges);
    drive(&stream, (const uint8_t *)get, sizeof get - 1, WHOLE, WHOLE, false);
    CHECK("redirect kind: the access log reports 200", acc.done >= 1 && acc.status[acc.done - 1] == 200);
    acc.on = false;

    /* The plain kind (HTTP before the first certificate): the engine's answer. */
    plain();
    http_stream_set_challenges(&stream, &challenges);
    drive(&stream, (const uint8_t *)get, sizeof get - 1, 3, 5, true);
    CHECK("plain kind: a pending token answered 200 with the key authorization",
          run.out_len > 87 && strncmp((const char *)run.out, "HTTP/1.1 200 OK\r\n", 17) == 0 &&
          memcmp(run.out + run.out_len - 87, KEY_AUTHORIZATION, 87) == 0);
    http_challenges_clear(&challenges);
}

/* ---- TLS ------------------------------------------------------------------------ */

static struct tls_credentials creds;
static struct tls_server server;
static struct tls_conn conn;
static struct tls_client client;
static char hsts[HSTS_LINE_MAX];
static size_t hsts_len;

struct tls_run {
    uint8_t plain[1 << 18];         /* what the client decrypted */
    size_t plain_len;
    size_t c2s, s2c;                /* bytes moved per step each way */
    unsigned done_events, failed_events;
    unsigned states;                /* every state bit seen */
    bool over_fed, failed;
    bool mid_request_in_handshake;  /* MID_REQUEST seen while the handshake was under way */
};

static struct tls_run tr;

static void events(void)
{
    enum http_stream_event e;
    for (int guard = 0; guard < 8 && (e = http_stream_event(&stream)) != HTTP_STREAM_NO_EVENT; guard++) {
        if (e == HTTP_STREAM_HANDSHAKE_DONE)
            tr.done_events++;
        else if (e == HTTP_STREAM_HANDSHAKE_FAILED)
            tr.failed_events++;
    }
}

static void note_state(void)
{
    unsigned st = http_stream_state(&stream);
    tr.states |= st;
    if (st & STREAM_FAILED)
        tr.failed = true;
    if ((st & STREAM_MID_REQUEST) && !tls_conn_handshake_done(&conn))
        tr.mid_request_in_handshake = true;
}

/* A new TLS stream and a client for it; nothing sent yet. */
static void tls_start(size_t c2s, size_t s2c)
{
    static const uint8_t server_seed[TLS_SEED_BYTES] = {7, 1, 2, 3};
    static const uint8_t client_seed[32] = {9, 8, 7};
    tls_conn_init(&conn, &server, server_seed, sizeof server_seed);
    http_stream_init(&stream, HTTP_STREAM_TLS, &blob, &peer, &conn, hsts, hsts_len, fixed_clock);
    maybe_hooks(&stream);
    tls_client_init(&client, &creds, client_seed, sizeof client_seed);
    br_ssl_engine_set_versions(&client.cc.eng, BR_TLS12, BR_TLS12);
    /* BearSSL is built for 8 suites (Makefile.in): the full profile's list
     * does not fit, so the client names its own. */
    static const uint16_t suites[] = {BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
                                      BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
                                      BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384};
    br_ssl_engine_set_suites(&client.cc.eng, suites, sizeof suites / sizeof suites[0]);
    static const char *alpn[] = {"http/1.1"};
    br_ssl_engine_set_protocol_names(&client.cc.eng, alpn, 1);
    br_ssl_client_reset(&client.cc, "www.unihost.test", 0);
    memset(&tr, 0, sizeof tr);
    tr.c2s = c2s;
    tr.s2c = s2c;
}

/* Moves records both ways, c2s / s2c bytes a step, the client reading all
 * the plaintext it gets, until nothing moves. */
static void tls_move(void)
{
    for (int round = 0; round < 200000; round++) {
        bool moved = false;
        size_t len;
        unsigned char *rec = br_ssl_engine_sendrec_buf(&client.cc.eng, &len);
        if (rec && len) {
            size_t offer = min_size(len, tr.c2s);
            size_t used = http_stream_feed(&stream, rec, offer);
            tr.over_fed |= used > offer;
            if (used) {
                br_ssl_engine_sendrec_ack(&client.cc.eng, used);
                moved = true;
            }
            events();
            note_state();
        }
        struct stream_chunk c;
        if (http_stream_output(&stream, scratch, &c) && c.len > 0) {
            size_t room;
            unsigned char *in = br_ssl_engine_recvrec_buf(&client.cc.eng, &room);
            if (in && room) {
                size_t n = min_size(min_size(c.len, tr.s2c), room);
                memcpy(in, c.data, n);
                br_ssl_engine_recvrec_ack(&client.cc.eng, n);
                http_stream_output_taken(&stream, n);
                moved = true;
                events();
                note_state();
            }
        }
        unsigned char *app = br_ssl_engine_recvapp_buf(&client.cc.eng, &len);
        if (app && len) {
            if (tr.plain_len + len <= sizeof tr.plain) {
                memcpy(tr.plain + tr.plain_len, app, len);
                tr.plain_len += len;
            }
            br_ssl_engine_recvapp_ack(&client.cc.eng, len);
            moved = true;
        }
        if (!moved)
            return;
    }
}

/* The client writes `len` bytes of plaintext (all it can), then flushes. */
static size_t client_write(const uint8_t *data, size_t len)
{
    size_t done = 0;
    for (int guard = 0; guard < 1000 && done < len; guard++) {
        size_t room;
        unsigned char *buf = br_ssl_engine_sendapp_buf(&client.cc.eng, &room);
        if (!buf || room == 0) {
            br_ssl_engine_flush(&client.cc.eng, 0);
            tls_move();
            continue;
        }
        size_t n = min_size(room, len - done);
        memcpy(buf, data + done, n);
        br_ssl_engine_sendapp_ack(&client.cc.eng, n);
        done += n;
    }
    br_ssl_engine_flush(&client.cc.eng, 0);
    return done;
}

static bool client_ready(void)
{
    return (br_ssl_engine_current_state(&client.cc.eng) & BR_SSL_SENDAPP) != 0;
}

static bool client_closed_cleanly(void)
{
    return br_ssl_engine_current_state(&client.cc.eng) == BR_SSL_CLOSED &&
           br_ssl_engine_last_error(&client.cc.eng) == BR_ERR_OK;
}

/* A handshake, then `req` over TLS: the decrypted answer is http_conn's
 * own (with the same HSTS line), the handshake reported once, the stream
 * idle after. */
static bool tls_request(const char *req, size_t c2s, size_t s2c)
{
    size_t len = strlen(req);
    engine_reference((const uint8_t *)req, len, hsts, hsts_len);
    tls_start(c2s, s2c);
    tls_move();
    if (!client_ready() || !tls_conn_handshake_done(&conn) || tr.done_events != 1)
        return false;
    if (client_write((const uint8_t *)req, len) != len)
        return false;
    tls_move();
    bool ok = tr.plain_len == want_len && memcmp(tr.plain, want, want_len) == 0;
    if (!ok)
        printf("# tls %.30s: c2s %zu s2c %zu: %zu bytes decrypted, want %zu\n", req, c2s, s2c, tr.plain_len,
               want_len);
    return ok && tr.done_events == 1 && tr.failed_events == 0 && !tr.failed && !tr.over_fed &&
           tr.mid_request_in_handshake && http_stream_state(&stream) == 0;
}

/* The handshake's states: MID_REQUEST before the client's first flight is
 * in, RESPONDING while the server's flight is being taken, MID_REQUEST
 * again while the server waits for the client's Finished, and still
 * MID_REQUEST after it until a first request was answered (the request
 * timeout runs from the connection's start to its first request:
 * input_since_response). */
static bool tls_handshake_states(void)
{
    tls_start(WHOLE, WHOLE);
    if (http_stream_state(&stream) != STREAM_MID_REQUEST)
        return false;
    size_t len;
    unsigned char *hello = br_ssl_engine_sendrec_buf(&client.cc.eng, &len);
    if (!hello || http_stream_feed(&stream, hello, len) != len)
        return false;
    br_ssl_engine_sendrec_ack(&client.cc.eng, len);
    if (http_stream_state(&stream) != STREAM_RESPONDING)
        return false;
    struct stream_chunk c;
    while (http_stream_output(&stream, scratch, &c)) {
        size_t room;
        unsigned char *in = br_ssl_engine_recvrec_buf(&client.cc.eng, &room);
        size_t n = min_size(c.len, room);
        memcpy(in, c.data, n);
        br_ssl_engine_recvrec_ack(&client.cc.eng, n);
        http_stream_output_taken(&stream, n);
    }
    bool waiting = http_stream_state(&stream) == STREAM_MID_REQUEST && !tls_conn_handshake_done(&conn) &&
                   http_stream_event(&stream) == HTTP_STREAM_NO_EVENT;
    tls_move();
    return waiting && tls_conn_handshake_done(&conn) && tr.done_events == 1 &&
           http_stream_state(&stream) == STREAM_MID_REQUEST;
}

static bool tls_pipelined(size_t c2s, size_t s2c)
{
    if (!tls_request(pipelined_requests, c2s, s2c))
        return false;
    int st[8];
    memcpy(run.out, tr.plain, tr.plain_len);
    run.out_len = tr.plain_len;
    return statuses(st, 8) == 5;
}

/* Connection: close: the response, then the server's close_notify (the
 * client sees a clean close), then FINISHED. */
static bool tls_connection_close(size_t s2c)
{
    static const char req[] = "GET /docs/page HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
    engine_reference((const uint8_t *)req, sizeof req - 1, hsts, hsts_len);
    tls_start(WHOLE, s2c);
    tls_move();
    if (client_write((const uint8_t *)req, sizeof req - 1) != sizeof req - 1)
        return false;
    tls_move();
    return tr.plain_len == want_len && memcmp(tr.plain, want, want_len) == 0 && client_closed_cleanly() &&
           http_stream_state(&stream) == STREAM_FINISHED && !tr.failed;
}

/* The client's close_notify: the server answers it, then FINISHED. */
static bool tls_client_closes(void)
{
    tls_start(WHOLE, WHOLE);
    tls_move();
    if (!client_ready())
        return false;
    br_ssl_engine_close(&client.cc.eng);
    tls_move();
    return client_closed_cleanly() && http_stream_state(&stream) == STREAM_FINISHED && !tr.failed &&
           tr.failed_events == 0 && tr.done_events == 1;
}

/* TCP FIN (no close_notify) after a request: the response, close_notify,
 * FINISHED. */
static bool tls_fin_after_request(void)
{
    static const char req[] = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    engine_reference((const uint8_t *)req, sizeof req - 1, hsts, hsts_len);
    tls_start(WHOLE, WHOLE);
    tls_move();
    client_write((const uint8_t *)req, sizeof req - 1);
    /* Every record in, nothing taken out yet: then FIN. */
    size_t len;
    unsigned char *rec = br_ssl_engine_sendrec_buf(&client.cc.eng, &len);
    if (!rec || http_stream_feed(&stream, rec, len) != len)
        return false;
    br_ssl_engine_sendrec_ack(&client.cc.eng, len);
    http_stream_input_closed(&stream);
    if (http_stream_state(&stream) != STREAM_RESPONDING)
        return false;
    tls_move();
    /* The client half-closed TCP: its own close_notify cannot go out. */
    size_t unsent;
    while (br_ssl_engine_sendrec_buf(&client.cc.eng, &unsent))
        br_ssl_engine_sendrec_ack(&client.cc.eng, unsent);
    return tr.plain_len == want_len && memcmp(tr.plain, want, want_len) == 0 && client_closed_cleanly() &&
           http_stream_state(&stream) == STREAM_FINISHED;
}

/* TCP FIN with half a request in: it can never complete, so the stream
 * finishes, as plain does; over TLS it must say close_notify first (RFC
 * 5246 7.2.1), as it does when the FIN comes between requests. */
static bool tls_fin_mid_request(void)
{
    static const char req[] = "GET /docs/page HTTP/1.1\r\nHo";
    tls_start(WHOLE, WHOLE);
    tls_move();
    client_write((const uint8_t *)req, sizeof req - 1);
    tls_move();
    if (http_stream_state(&stream) != STREAM_MID_REQUEST)
        return false;
    http_stream_input_closed(&stream);
    tls_move();
    size_t unsent;
    while (br_ssl_engine_sendrec_buf(&client.cc.eng, &unsent))
        br_ssl_engine_sendrec_ack(&client.cc.eng, unsent);
    if (!client_closed_cleanly())
        printf("# tls: FIN mid-request: the stream is %s, the client %s\n",
               http_stream_state(&stream) == STREAM_FINISHED ? "FINISHED" : "not finished",
               br_ssl_engine_current_state(&client.cc.eng) == BR_SSL_CLOSED ? "closed" : "got no close_notify");
    return tr.plain_len == 0 && client_closed_cleanly() && http_stream_state(&stream) == STREAM_FINISHED;
}

/* Bytes that are no ClientHello: the handshake fails, reported once, and
 * the stream finishes after its alert (if any) is taken; never FAILED. */
static bool tls_garbage(const uint8_t *bytes, size_t len)
{
    tls_start(WHOLE, 1);
    size_t used = http_stream_feed(&stream, bytes, len);
    events();
    note_state();
    struct stream_chunk c;
    for (int guard = 0; guard < 100000 && http_stream_output(&stream, scratch, &c); guard++) {
        http_stream_output_taken(&stream, 1);
        events();
        note_state();
    }
    for (int i = 0; i < 3; i++)
        events();
    return used <= len && http_stream_state(&stream) == STREAM_FINISHED && !tr.failed && tr.failed_events == 1 &&
           tr.done_events == 0 && tls_conn_error(&conn) != BR_ERR_OK;
}

static bool tls_garbage_hello(void)
{
    /* A handshake record holding a ClientHello whose session ID claims
     * 255 bytes (32 at most). */
    static uint8_t hello[5 + 4 + 38] = {0x16, 0x03, 0x01, 0x00, 4 + 38, 0x01, 0x00, 0x00, 38, 0x03, 0x03};
    memset(hello + 11, 0x5a, 32);
    hello[43] = 0xff;
    return tls_garbage(hello, sizeof hello);
}

static bool tls_plain_http(void)
{
    static const char req[] = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    return tls_garbage((const uint8_t *)req, sizeof req - 1);
}

/* A ClientHello with a byte of its random flipped is still a hello; with
 * its handshake type changed it is not. */
static bool tls_wrong_handshake_type(void)
{
    tls_start(WHOLE, WHOLE);
    size_t len;
    unsigned char *hello = br_ssl_engine_sendrec_buf(&client.cc.eng, &len);
    static uint8_t copy[2048];
    if (!hello || len > sizeof copy)
        return false;
    memcpy(copy, hello, len);
    copy[5] = 2;    /* ServerHello */
    return tls_garbage(copy, len);
}

/* A development blob made of the fixture (crunch --dev's flag and a build
 * identity set, the hash made again), for the live-reload stream. */
static void *dev_blob_of_fixture(struct blob *out, uint8_t id_byte)
{
    size_t size = blob.size;
    uint8_t *copy = aligned_alloc(8, (size + 7) / 8 * 8);
    memcpy(copy, blob.base, size);
    struct blob_directory *dir = (void *)(copy + sizeof(struct blob_preamble));
    dir->flags = BLOB_DEVELOPMENT;
    memset(dir->build_id, id_byte, sizeof dir->build_id);
    struct blob_preamble *pre = (void *)copy;
    br_sha256_context ctx;
    br_sha256_init(&ctx);
    br_sha256_update(&ctx, copy + sizeof *pre, size - sizeof *pre);
    br_sha256_out(&ctx, pre->payload_sha256);
    const char *err;
    if (blob_open(out, copy, size, &err) != 0) {
        printf("not ok - a development blob of the fixture: %s\n", err);
        exit(1);
    }
    return copy;
}

/* The live-reload stream over TLS (what tools/run-tap.sh --watch serves):
 * its head and first event decrypted, then held with nothing to send,
 * then a swap's event encrypted and flushed into its own record. */
static bool tls_live_stream(size_t s2c)
{
    struct blob dev_a, dev_b;
    void *a = dev_blob_of_fixture(&dev_a, 0xaa), *b = dev_blob_of_fixture(&dev_b, 0xbb);
    static const char req[] = "GET " BLOB_LIVE_PATH " HTTP/1.1\r\nHost: www.unihost.test\r\n\r\n";
    tls_start(WHOLE, s2c);
    http_stream_rebind(&stream, &dev_a);
    tls_move();
    bool ok = client_ready() && client_write((const uint8_t *)req, strlen(req)) == strlen(req);
    tls_move();
    tr.plain[tr.plain_len] = '\0';
    static const char event_a[] = "data: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n\n";
    static const char event_b[] = "data: bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n\n";
    size_t first = tr.plain_len;
    ok = ok && strstr((char *)tr.plain, "\r\nContent-Type: text/event-stream\r\n") != NULL &&
         first > sizeof event_a && memcmp(tr.plain + first - (sizeof event_a - 1), event_a, sizeof event_a - 1) == 0;
    ok = ok && http_stream_is_live(&stream) && http_stream_state(&stream) == 0;
    ok = ok && http_stream_live_swap(&stream, &dev_b) && (http_stream_state(&stream) & STREAM_RESPONDING);
    tls_move();
    ok = ok && tr.plain_len == first + sizeof event_b - 1 && memcmp(tr.plain + first, event_b, sizeof event_b - 1) == 0;
    ok = ok && http_stream_state(&stream) == 0 && !tr.failed;
    if (!ok)
        printf("# tls live stream: %zu bytes decrypted, state %u\n", tr.plain_len, http_stream_state(&stream));
    http_stream_end(&stream);
    free(a);
    free(b);
    return ok;
}

static void test_tls(void)
{
    size_t cl, kl;
    const char *cert = tls_read_pem("tests/fixtures/tls/ec-cert.pem", &cl);
    const char *key = tls_read_pem("tests/fixtures/tls/ec-key.pem", &kl);
    char err[256];
    if (!cert || !key || tls_credentials_load(&creds, cert, cl, "ec-cert.pem", key, kl, "ec-key.pem", err,
                                              sizeof err) != 0) {
        printf("not ok - tls: load tests/fixtures/tls/ec-*.pem (run from the repository's top directory)\n");
        check_failures++;
        return;
    }
    tls_server_init(&server, &creds);
    hsts_len = hsts_line(hsts, 31536000);

    CHECK("tls: handshake, then a GET: the decrypted answer is http_conn's own (HSTS line and Date alike)",
          tls_request("GET / HTTP/1.1\r\nHost: www.unihost.test\r\n\r\n", WHOLE, WHOLE));
    CHECK("tls: the same with records fed 1 byte at a time and taken 1 byte at a time",
          tls_request("GET / HTTP/1.1\r\nHost: www.unihost.test\r\n\r\n", 1, 1));
    CHECK("tls: a 3 KB file, records taken 7 bytes at a time",
          tls_request("GET /css/style.css HTTP/1.1\r\nHost: a\r\n\r\n", 100, 7));
    CHECK("tls: handshake states: MID_REQUEST, RESPONDING with the server's flight, MID_REQUEST until a first request",
          tls_handshake_states());
    CHECK("tls: five pipelined requests answered in order, as http_conn answers them", tls_pipelined(WHOLE, WHOLE));
    CHECK("tls: the same fed 3 and taken 1 byte at a time", tls_pipelined(3, 1));
    CHECK("tls: Connection: close: the response, close_notify, FINISHED", tls_connection_close(WHOLE));
    CHECK("tls: the same taken 1 byte at a time", tls_connection_close(1));
    CHECK("tls: the client's close_notify: answered, then FINISHED", tls_client_closes());
    CHECK("tls: FIN right after a request: the response, close_notify, FINISHED", tls_fin_after_request());
    CHECK("tls: FIN in the middle of a request: close_notify, then FINISHED", tls_fin_mid_request());
    CHECK("tls: a garbage ClientHello: FINISHED, never FAILED, HANDSHAKE_FAILED reported once", tls_garbage_hello());
    CHECK("tls: plain HTTP on the TLS port: likewise", tls_plain_http());
    CHECK("tls: a hello of the wrong handshake type: likewise", tls_wrong_handshake_type());
    CHECK("tls: a development blob's live-reload stream: its first event, held, then a swap's event at once",
          tls_live_stream(WHOLE));
    CHECK("tls: the same with records taken 5 bytes at a time", tls_live_stream(5));
}

/* ---- the access log: every kind reports each response once ----------------------- */

/* The reports match the responses in `out`: one each, in order, all
 * complete, their bytes adding up to all that was taken. */
static bool reports_match(const uint8_t *out, size_t len, int begun)
{
    memcpy(run.out, out, len);
    run.out_len = len;
    int st[REPORTS_MAX];
    size_t n = statuses(st, REPORTS_MAX);
    bool ok = (size_t)acc.done == n && acc.begun == begun && acc.bytes == len;
    for (size_t i = 0; ok && i < n; i++)
        ok = acc.status[i] == st[i] && acc.complete[i];
    if (!ok)
        printf("# reports: %d done, %d begun (want %zu, %d), %llu bytes (want %zu)\n", acc.done, acc.begun, n, begun,
               (unsigned long long)acc.bytes, len);
    return ok;
}

static bool plain_reports(void)
{
    size_t len = strlen(pipelined_requests);
    for (size_t i = 0; i < COUNT(steps); i++) {
        for (size_t j = 0; j < COUNT(bites); j++) {
            plain();
            drive(&stream, (const uint8_t *)pipelined_requests, len, steps[i], bites[j], false);
            static uint8_t out[sizeof run.out];
            size_t out_len = run.out_len;
            memcpy(out, run.out, out_len);
            if (!reports_match(out, out_len, 5) || strcmp(acc.target, "/old-page") != 0)
                return false;
        }
    }
    return true;
}

static bool redirect_reports(void)
{
    static const char head[] = "GET /x?y HTTP/1.1\r\nHost: a.test\r\nUser-Agent: u\r\n\r\n";
    redirect();
    drive(&stream, (const uint8_t *)head, sizeof head - 1, 5, 7, false);
    bool whole = acc.done == 1 && acc.begun == 1 && acc.status[0] == 301 && acc.complete[0] &&
                 acc.bytes == run.out_len && strcmp(acc.method, "GET") == 0 && strcmp(acc.target, "/x?y") == 0;
    /* The answer only partly taken when the connection ends. */
    redirect();
    http_stream_feed(&stream, (const uint8_t *)head, sizeof head - 1);
    struct stream_chunk c;
    bool some = http_stream_output(&stream, scratch, &c) && c.len > 10;
    http_stream_output_taken(&stream, 10);
    bool none_yet = acc.done == 0;
    http_stream_end(&stream);
    http_stream_end(&stream);
    return whole && some && none_yet && acc.done == 1 && !acc.complete[0] && acc.bytes == 10;
}

static bool tls_reports(size_t c2s, size_t s2c)
{
    if (!tls_pipelined(c2s, s2c))
        return false;
    return reports_match(tr.plain, tr.plain_len, 5);
}

static void test_access(void)
{
    acc.on = true;
    CHECK("access: plain: five pipelined requests, five reports in order, for every step and bite",
          plain_reports());
    CHECK("access: redirect: the 301 reported with the request line's method and target; cut short: once, incomplete",
          redirect_reports());
    if (hsts_len) {
        CHECK("access: tls: five pipelined requests, five reports in order", tls_reports(WHOLE, WHOLE));
        CHECK("access: tls: the same fed 3 and taken 1 byte at a time", tls_reports(3, 1));
    }
    acc.on = false;
}

int main(void)
{
    size_t size;
    load_fixture_blob(&blob, &size);
    test_plain();
    test_redirect();
    test_challenges();
    test_tls();
    test_access();
    return CHECK_DONE();
}
