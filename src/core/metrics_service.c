/*
 * The metrics listener: see metrics_service.h. Each connection reads one
 * request head (at most METRICS_REQUEST_MAX bytes), answers it from a page
 * written at that moment into the connection's own buffer, and closes
 * (Connection: close): a scrape every few seconds does not need keep-alive,
 * and a connection that only ever holds one request needs no parser state
 * beyond "the head is complete".
 */
#include "core/metrics_service.h"

#include "core/content.h"
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/content.h"
#include "core/log.h"
#include "core/metrics_page.h"
#include "core/platform.h"
#include "net/net_limits.h"
#include "net/tcp_service.h"

#define METRICS_REQUEST_MAX 1024
/* The page's room: some 8 KiB with one zone, about 80 bytes more per zone. */
#define METRICS_PAGE_MAX (48 * 1024)
#define METRICS_HEAD_MAX 160
#define METRICS_TIMEOUT_MS 10000

struct metrics_conn {
    char request[METRICS_REQUEST_MAX];
    size_t request_len;
    bool answered;              /* the response is made: the rest is sending it */
    bool failed;
    size_t response_len, taken;
    char response[METRICS_HEAD_MAX + METRICS_PAGE_MAX];
};

static uint64_t started_ns;
static struct tcp_pool pool;
static struct tcp_slot slots[METRICS_SLOTS];
static struct metrics_conn conns[METRICS_SLOTS];

static bool conn_open(void *engine, const struct stream_peer *peer, void *arg)
{
    (void)peer;
    (void)arg;
    struct metrics_conn *c = engine;
    c->request_len = c->response_len = c->taken = 0;
    c->answered = c->failed = false;
    return true;
}

/* A response with a short text body (errors). */
static void respond_text(struct metrics_conn *c, const char *status, const char *body, bool head_only)
{
    int n = snprintf(c->response, sizeof c->response,
                     "HTTP/1.1 %s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n%s",
                     status, strlen(body), head_only ? "" : body);
    c->response_len = n > 0 && (size_t)n < sizeof c->response ? (size_t)n : 0;
}

static void respond(struct metrics_conn *c)
{
    c->answered = true;
    const char *line_end = memchr(c->request, '\r', c->request_len);
    size_t line_len = line_end ? (size_t)(line_end - c->request) : 0;
    bool get = line_len > 4 && memcmp(c->request, "GET ", 4) == 0;
    bool head = line_len > 5 && memcmp(c->request, "HEAD ", 5) == 0;
    if (!get && !head) {
        respond_text(c, "405 Method Not Allowed", "GET /metrics\n", false);
        return;
    }
    const char *target = c->request + (get ? 4 : 5);
    const char *target_end = memchr(target, ' ', (size_t)(line_end - target));
    size_t target_len = target_end ? (size_t)(target_end - target) : 0;
    /* The path, with or without a query string (Prometheus sends none). */
    size_t path_len = target_len;
    const char *query = memchr(target, '?', target_len);
    if (query)
        path_len = (size_t)(query - target);
    if (path_len != 8 || memcmp(target, "/metrics", 8) != 0) {
        respond_text(c, "404 Not Found", "not found: the metrics are at /metrics\n", head);
        return;
    }
    uint64_t uptime = (plat_monotonic_ns() - started_ns) / 1000000000u;
    size_t body = metrics_page(content_current(), uptime, c->response + METRICS_HEAD_MAX, METRICS_PAGE_MAX);
    if (body == 0) {
        respond_text(c, "500 Internal Server Error", "the metrics page is larger than its buffer\n", head);
        log_line("metrics: the page is larger than %u bytes; not served", (unsigned)METRICS_PAGE_MAX);
        return;
    }
    char top[METRICS_HEAD_MAX];
    int n = snprintf(top, sizeof top,
                     "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                     body);
    if (n <= 0 || (size_t)n >= sizeof top) {
        c->failed = true;
        return;
    }
    /* The head goes right before the body, which stays where it was written. */
    size_t start = METRICS_HEAD_MAX - (size_t)n;
    memcpy(c->response + start, top, (size_t)n);
    c->taken = start;
    c->response_len = METRICS_HEAD_MAX + (head ? 0 : body);
}

static size_t conn_feed(void *engine, const uint8_t *data, size_t len)
{
    struct metrics_conn *c = engine;
    if (c->answered)
        return len;                 /* one request a connection: what follows is dropped */
    size_t room = sizeof c->request - c->request_len;
    size_t take = len < room ? len : room;
    /* The blank line may straddle two reads: look from 3 bytes back. */
    size_t from = c->request_len >= 3 ? c->request_len - 3 : 0;
    memcpy(c->request + c->request_len, data, take);
    c->request_len += take;
    for (size_t i = from; i + 4 <= c->request_len; i++)
        if (memcmp(c->request + i, "\r\n\r\n", 4) == 0) {
            respond(c);
            return len;
        }
    if (c->request_len == sizeof c->request) {
        c->answered = true;
        respond_text(c, "431 Request Header Fields Too Large", "request head too large\n", false);
    }
    return len;
}

static void conn_input_closed(void *engine)
{
    struct metrics_conn *c = engine;
    if (!c->answered)
        c->failed = true;           /* closed before a whole request: nothing to answer */
}

static bool conn_output(void *engine, uint8_t *scratch, size_t room, struct stream_chunk *out)
{
    (void)scratch;
    (void)room;
    struct metrics_conn *c = engine;
    if (!c->answered || c->taken >= c->response_len)
        return false;
    *out = (struct stream_chunk){(const uint8_t *)c->response + c->taken, c->response_len - c->taken, false};
    return true;
}

static void conn_output_taken(void *engine, size_t n)
{
    ((struct metrics_conn *)engine)->taken += n;
}

static unsigned conn_state(const void *engine)
{
    const struct metrics_conn *c = engine;
    if (c->failed)
        return STREAM_FAILED;
    if (!c->answered)
        return c->request_len ? STREAM_MID_REQUEST : 0;
    return c->taken < c->response_len ? STREAM_RESPONDING : STREAM_FINISHED;
}

static void conn_closed(void *engine)
{
    (void)engine;                   /* nothing held beyond the slot's own memory */
}

static const struct stream_engine_ops ops = {
    .open = conn_open,
    .feed = conn_feed,
    .input_closed = conn_input_closed,
    .output = conn_output,
    .output_taken = conn_output_taken,
    .state = conn_state,
    .closed = conn_closed,
};

int metrics_service_start(const ip_addr_t *addr, uint16_t port)
{
    started_ns = plat_monotonic_ns();
    struct tcp_limits limits = {
        .request_timeout_ms = METRICS_TIMEOUT_MS,
        .idle_timeout_ms = METRICS_TIMEOUT_MS,
        .queue_cap = sizeof conns[0].response,
        .copy_cap = sizeof conns[0].response,
    };
    tcp_pool_init(&pool, "metrics", &ops, &limits, slots, conns, sizeof conns[0], METRICS_SLOTS);
    if (tcp_service_listen_at(&pool, addr, port, NULL) != 0)
        return -1;
    char text[IPADDR_STRLEN_MAX];
    log_line(IP_IS_V6(addr) ? "metrics: on [%s]:%u" : "metrics: on %s:%u", ipaddr_ntoa_r(addr, text, sizeof text),
             (unsigned)port);
    return 0;
}
