/*
 * The metrics' pure parts: the Prometheus text formatter (HELP and TYPE
 * lines, label escaping, whole lines only when the buffer is short) and
 * the counters' bounded labels (query types, status classes, TLS reasons).
 */
#include <stdint.h>
#include <string.h>

#include "bearssl_ssl.h"
#include "check.h"
#include "metrics/metrics.h"
#include "metrics/prom_text.h"

static void test_format(void)
{
    char buf[512];
    struct prom_text t;
    prom_text_init(&t, buf, sizeof buf);
    prom_family(&t, "unihost_http_requests_total", "counter", "HTTP responses.");
    struct prom_label l[] = {PROM_LABEL("scheme", "https"), PROM_LABEL("class", "2xx")};
    prom_sample(&t, "unihost_http_requests_total", l, 2, 12);
    prom_sample(&t, "unihost_uptime_seconds", NULL, 0, 0);
    prom_sample(&t, "big", NULL, 0, UINT64_MAX);
    const char *want = "# HELP unihost_http_requests_total HTTP responses.\n"
                       "# TYPE unihost_http_requests_total counter\n"
                       "unihost_http_requests_total{scheme=\"https\",class=\"2xx\"} 12\n"
                       "unihost_uptime_seconds 0\n"
                       "big 18446744073709551615\n";
    CHECK("format: HELP, TYPE, labels, no labels, the largest value", t.len == strlen(want) && !t.full &&
                                                                        memcmp(buf, want, t.len) == 0);
}

static void test_escaping(void)
{
    char buf[256];
    struct prom_text t;
    prom_text_init(&t, buf, sizeof buf);
    const char zone[] = "a\\b\"c\nd.\0e";
    struct prom_label l[] = {{"zone", zone, sizeof zone - 1}};
    prom_sample(&t, "z", l, 1, 7);
    const char want[] = "z{zone=\"a\\\\b\\\"c\\nd.\0e\"} 7\n";
    CHECK("escaping: backslash, quote and line feed escaped; other bytes as they are",
          t.len == sizeof want - 1 && memcmp(buf, want, t.len) == 0);
}

static void test_full(void)
{
    const char *line = "m{a=\"b\"} 1\n";
    size_t n = strlen(line);
    for (size_t size = 0; size < 3 * n + 2; size++) {
        char buf[64];
        struct prom_text t;
        prom_text_init(&t, buf, size);
        struct prom_label l[] = {PROM_LABEL("a", "b")};
        for (int i = 0; i < 3; i++)
            prom_sample(&t, "m", l, 1, 1);
        size_t whole = size / n < 3 ? size / n : 3;
        if (t.len != whole * n || t.full != (whole < 3)) {
            CHECK("a short buffer keeps whole lines only, and says it was cut", 0);
            return;
        }
        /* After a line was cut nothing more goes in, not even a shorter one. */
        prom_sample(&t, "x", NULL, 0, 1);
        if (whole < 3 && t.len != whole * n) {
            CHECK("nothing is written after a cut", 0);
            return;
        }
    }
    CHECK("a short buffer keeps whole lines only, and says it was cut (every size)", 1);
}

static void test_labels_bounded(void)
{
    CHECK("qtype: A by name", strcmp(metrics_qtype_name(metrics_qtype_index(1)), "A") == 0);
    CHECK("qtype: CAA by name", strcmp(metrics_qtype_name(metrics_qtype_index(257)), "CAA") == 0);
    bool bounded = true;
    for (uint32_t type = 0; type <= 0xffff; type++)
        bounded &= metrics_qtype_index((uint16_t)type) < METRICS_QTYPES;
    CHECK("qtype: every type maps to one of METRICS_QTYPES labels", bounded);
    CHECK("qtype: an unknown type is other", strcmp(metrics_qtype_name(metrics_qtype_index(4242)), "other") == 0);

    memset(&metrics, 0, sizeof metrics);
    /* A query for example. A, answered NXDOMAIN; then a header alone. */
    const uint8_t q[] = {0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 0, 1, 0, 1};
    uint8_t a[12] = {0, 1, 0x84, 0x03};
    metrics_dns_answer(METRICS_UDP, q, sizeof q, a, sizeof a);
    metrics_dns_answer(METRICS_TCP, q, 12, a, sizeof a);
    metrics_dns_answer(METRICS_TCP, q, 14, a, 11);     /* no header: not counted */
    CHECK("dns: RCODE and qtype counted per transport",
          metrics.dns_rcode[METRICS_UDP][3] == 1 && metrics.dns_qtype[METRICS_UDP][metrics_qtype_index(1)] == 1);
    CHECK("dns: a message without a question counts as qtype none",
          metrics.dns_rcode[METRICS_TCP][3] == 1 &&
          strcmp(metrics_qtype_name(METRICS_QTYPES - 2), "none") == 0 && metrics.dns_qtype[METRICS_TCP][METRICS_QTYPES - 2] == 1);

    metrics_http_response(true, 204, 100);
    metrics_http_response(false, 404, 50);
    metrics_http_response(false, 0, 0);     /* no status: bytes only */
    metrics_http_response(false, 600, 0);
    CHECK("http: status classes and bytes", metrics.http_responses[1][1] == 1 && metrics.http_responses[0][3] == 1 &&
                                            metrics.http_bytes[1] == 100 && metrics.http_bytes[0] == 50);

    CHECK("tls: protocol version", metrics_tls_reason(BR_ERR_SEND_FATAL_ALERT + 70) == METRICS_TLS_VERSION);
    CHECK("tls: no shared cipher", metrics_tls_reason(BR_ERR_SEND_FATAL_ALERT + 40) == METRICS_TLS_CIPHER);
    CHECK("tls: client alert", metrics_tls_reason(BR_ERR_RECV_FATAL_ALERT + 48) == METRICS_TLS_CLIENT_ALERT);
    CHECK("tls: malformed", metrics_tls_reason(BR_ERR_BAD_HANDSHAKE) == METRICS_TLS_MALFORMED);
    CHECK("tls: other", metrics_tls_reason(BR_ERR_IO) == METRICS_TLS_OTHER &&
                        strcmp(metrics_tls_reason_name(METRICS_TLS_OTHER), "other") == 0);
}

int main(void)
{
    test_format();
    test_escaping();
    test_full();
    test_labels_bounded();
    return CHECK_DONE();
}
