/* The metrics page: see metrics_page.h; the names are docs/metrics.md's. */
#include "core/metrics_page.h"

#include <string.h>

#include "content/blob_format.h"
#include "core/content.h"
#include "wire/dns_name.h"
#include "core/dns_service.h"
#include "dns/dns_cookie.h"
#include "dns/dns_notify.h"
#include "lwip/memp.h"
#include "lwip/stats.h"
#include "metrics/metrics.h"
#include "metrics/prom_text.h"
#include "net/tcp_service.h"

static const char *const schemes[2] = {"http", "https"};
static const char *const classes[5] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
static const char *const transports[METRICS_TRANSPORTS] = {"udp", "tcp"};
/* RFC 6895 2.3's names for the header's RCODEs; 12 to 15 are unassigned. */
static const char *const rcodes[METRICS_RCODES] = {
    "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET",
    "NXRRSET", "NOTAUTH", "NOTZONE", "DSOTYPE", "RCODE12", "RCODE13", "RCODE14", "RCODE15",
};

static void http(struct prom_text *t)
{
    prom_family(t, "unihost_http_requests_total", "counter",
                "HTTP responses sent (or cut short), by scheme and status class.");
    for (int s = 0; s < 2; s++)
        for (int c = 0; c < 5; c++) {
            struct prom_label l[] = {PROM_LABEL("scheme", schemes[s]), PROM_LABEL("class", classes[c])};
            prom_sample(t, "unihost_http_requests_total", l, 2, metrics.http_responses[s][c]);
        }
    prom_family(t, "unihost_http_response_bytes_total", "counter",
                "Bytes of HTTP responses sent, header blocks included, by scheme (before TLS).");
    for (int s = 0; s < 2; s++) {
        struct prom_label l[] = {PROM_LABEL("scheme", schemes[s])};
        prom_sample(t, "unihost_http_response_bytes_total", l, 1, metrics.http_bytes[s]);
    }
}

static void tls(struct prom_text *t)
{
    prom_family(t, "unihost_tls_handshakes_total", "counter", "TLS handshakes completed, new or resumed sessions.");
    struct prom_label n[] = {PROM_LABEL("session", "new")}, r[] = {PROM_LABEL("session", "resumed")};
    prom_sample(t, "unihost_tls_handshakes_total", n, 1, metrics.tls_new);
    prom_sample(t, "unihost_tls_handshakes_total", r, 1, metrics.tls_resumed);
    prom_family(t, "unihost_tls_handshake_failures_total", "counter", "TLS handshakes failed, by reason.");
    for (int i = 0; i < METRICS_TLS_REASONS; i++) {
        struct prom_label l[] = {PROM_LABEL("reason", metrics_tls_reason_name((enum metrics_tls_reason)i))};
        prom_sample(t, "unihost_tls_handshake_failures_total", l, 1, metrics.tls_failed[i]);
    }
}

static void manage(struct prom_text *t)
{
    static const char *const outcomes[METRICS_PUSH_OUTCOMES] = {"accepted", "refused", "abandoned"};
    prom_family(t, "unihost_manage_pushes_total", "counter",
                "Content blobs pushed to the management listener (--manage), by outcome.");
    for (size_t i = 0; i < METRICS_PUSH_OUTCOMES; i++) {
        struct prom_label l[] = {PROM_LABEL("outcome", outcomes[i])};
        prom_sample(t, "unihost_manage_pushes_total", l, 1, metrics.manage_pushes[i]);
    }
}

static void dns(struct prom_text *t)
{
    prom_family(t, "unihost_dns_responses_total", "counter", "DNS answers sent, by transport and RCODE.");
    for (int tr = 0; tr < METRICS_TRANSPORTS; tr++)
        for (int rc = 0; rc < METRICS_RCODES; rc++) {
            if (rc >= 12 && metrics.dns_rcode[tr][rc] == 0)
                continue;   /* unassigned: shown only once seen */
            struct prom_label l[] = {PROM_LABEL("transport", transports[tr]), PROM_LABEL("rcode", rcodes[rc])};
            prom_sample(t, "unihost_dns_responses_total", l, 2, metrics.dns_rcode[tr][rc]);
        }
    prom_family(t, "unihost_dns_queries_total", "counter",
                "DNS queries answered, by transport and query type (others: \"other\").");
    for (int tr = 0; tr < METRICS_TRANSPORTS; tr++)
        for (size_t q = 0; q < METRICS_QTYPES; q++) {
            struct prom_label l[] = {PROM_LABEL("transport", transports[tr]),
                                     PROM_LABEL("qtype", metrics_qtype_name(q))};
            prom_sample(t, "unihost_dns_queries_total", l, 2, metrics.dns_qtype[tr][q]);
        }
    const struct dns_rrl_counters *c = dns_service_rrl_counters();
    prom_family(t, "unihost_dns_rrl_checked_total", "counter", "UDP answers the rate limiter looked at.");
    prom_sample(t, "unihost_dns_rrl_checked_total", NULL, 0, c->checked);
    prom_family(t, "unihost_dns_rrl_limited_total", "counter",
                "UDP answers over their rate, by what was done: slipped (sent truncated) or dropped.");
    struct prom_label slip[] = {PROM_LABEL("action", "slip")}, drop[] = {PROM_LABEL("action", "drop")};
    prom_sample(t, "unihost_dns_rrl_limited_total", slip, 1, c->slipped);
    prom_sample(t, "unihost_dns_rrl_limited_total", drop, 1, c->dropped);
    static const char *const verdicts[DNS_COOKIE_STATUSES] = {
        [DNS_COOKIE_MALFORMED] = "malformed", [DNS_COOKIE_CLIENT_ONLY] = "client_only",
        [DNS_COOKIE_INVALID] = "invalid", [DNS_COOKIE_VALID] = "valid",
    };
    const uint64_t *cookies = dns_service_cookie_counts();
    prom_family(t, "unihost_dns_cookies_total", "counter", "DNS cookies received, by verdict (RFC 7873).");
    for (int v = 0; v < DNS_COOKIE_STATUSES; v++) {
        struct prom_label l[] = {PROM_LABEL("verdict", verdicts[v])};
        prom_sample(t, "unihost_dns_cookies_total", l, 1, cookies[v]);
    }
}

/* One family per pool figure, a sample per pool. */
static void pools_figure(struct prom_text *t, const char *name, const char *type, const char *help, int which)
{
    prom_family(t, name, type, help);
    for (const struct tcp_pool *p = tcp_service_pools(); p; p = p->next) {
        uint64_t v = which == 0   ? tcp_pool_in_use(p, NULL)
                     : which == 1 ? p->count
                     : which == 2 ? p->accepted
                     : which == 3 ? p->shed
                     : which == 4 ? p->timed_out
                                  : p->refused;
        struct prom_label l[] = {PROM_LABEL("service", p->name)};
        prom_sample(t, name, l, 1, v);
    }
}

static void connections(struct prom_text *t)
{
    pools_figure(t, "unihost_connections_open", "gauge", "TCP connections holding a slot, by service.", 0);
    pools_figure(t, "unihost_connections_slots", "gauge", "TCP connection slots, by service.", 1);
    pools_figure(t, "unihost_connections_accepted_total", "counter", "TCP connections accepted, by service.", 2);
    pools_figure(t, "unihost_connections_shed_total", "counter",
                 "TCP connections reset to make room for another, by service.", 3);
    pools_figure(t, "unihost_connections_timed_out_total", "counter",
                 "TCP connections closed for a request or idle timeout, by service.", 4);
    pools_figure(t, "unihost_connections_refused_total", "counter",
                 "TCP connections refused at once (no slot could be freed), by service.", 5);
}

static void lwip_pool(struct prom_text *t, const char *family, const char *pool, uint64_t v)
{
    struct prom_label l[] = {PROM_LABEL("pool", pool)};
    prom_sample(t, family, l, 1, v);
}

/* lwIP's heap and the pools the stats: line shows (net_stats.h). */
static void lwip(struct prom_text *t)
{
    static const struct { const char *name; memp_t pool; } pools[] = {
        {"pbuf_pool", MEMP_PBUF_POOL}, {"pbuf_ref", MEMP_PBUF}, {"tcp_seg", MEMP_TCP_SEG}, {"tcp_pcb", MEMP_TCP_PCB},
    };
    const size_t n = sizeof pools / sizeof pools[0];
    static const char *const families[3][3] = {
        {"unihost_lwip_pool_used", "gauge", "lwIP memory in use: heap in bytes, pools in elements."},
        {"unihost_lwip_pool_size", "gauge", "lwIP memory there is: heap in bytes, pools in elements."},
        {"unihost_lwip_pool_alloc_failures_total", "counter", "lwIP allocations that failed, pool empty."},
    };
    for (int f = 0; f < 3; f++) {
        prom_family(t, families[f][0], families[f][1], families[f][2]);
        const struct stats_mem *m = &lwip_stats.mem;
        lwip_pool(t, families[f][0], "heap", f == 0 ? m->used : f == 1 ? m->avail : m->err);
        for (size_t i = 0; i < n; i++) {
            m = lwip_stats.memp[pools[i].pool];
            lwip_pool(t, families[f][0], pools[i].name, f == 0 ? m->used : f == 1 ? m->avail : m->err);
        }
    }
}

static void content(struct prom_text *t, const struct blob *blob, uint64_t uptime)
{
    prom_family(t, "unihost_uptime_seconds", "gauge", "Seconds since unihost started serving.");
    prom_sample(t, "unihost_uptime_seconds", NULL, 0, uptime);
    char hex[65];
    content_hash_hex(blob, hex);
    prom_family(t, "unihost_content_info", "gauge", "The content blob served: the SHA-256 of its payload.");
    struct prom_label h[] = {{"sha256", hex, 64}};
    prom_sample(t, "unihost_content_info", h, 1, 1);
    const struct content_counters *swaps = content_counters();
    prom_family(t, "unihost_content_swaps_total", "counter",
                "New content offered while running (SIGHUP, a push), by outcome.");
    struct prom_label swapped[] = {{"result", "swapped", 7}}, refused[] = {{"result", "refused", 7}};
    prom_sample(t, "unihost_content_swaps_total", swapped, 1, swaps->swapped);
    prom_sample(t, "unihost_content_swaps_total", refused, 1, swaps->refused);
    prom_family(t, "unihost_content_old_blobs", "gauge",
                "Replaced blobs still held for responses, transfers or queued bytes that began on them.");
    prom_sample(t, "unihost_content_old_blobs", NULL, 0, swaps->retired_held);
    prom_family(t, "unihost_content_evicted_connections_total", "counter",
                "Connections reset because the old blob they answered from was the oldest of too many held.");
    prom_sample(t, "unihost_content_evicted_connections_total", NULL, 0, swaps->evicted_connections);
    prom_family(t, "unihost_zone_serial", "gauge", "The SOA serial of each zone served, by apex.");
    for (uint32_t i = 0; i < blob->zone_count; i++) {
        const struct blob_dns_zone *z = &blob->zones[i];
        char apex[4 * 255 + 2];
        size_t len = dns_name_text(blob_bytes(blob, z->apex), z->apex.len, apex, sizeof apex);
        struct prom_label l[] = {{"zone", apex, len}};
        prom_sample(t, "unihost_zone_serial", l, 1, dns_notify_serial(blob, z));
    }
}

size_t metrics_page(const struct blob *blob, uint64_t uptime_seconds, char *buf, size_t size)
{
    struct prom_text t;
    prom_text_init(&t, buf, size);
    http(&t);
    tls(&t);
    manage(&t);
    dns(&t);
    connections(&t);
    lwip(&t);
    content(&t, blob, uptime_seconds);
    return t.full ? 0 : t.len;
}
