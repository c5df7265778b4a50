/* The counters: see metrics.h. */
#include "metrics/metrics.h"

#include "bearssl_ssl.h"
#include "wire/dns_name.h"
#include "wire/dns_wire.h"

struct metrics metrics;

/* The types a label names: what unihost serves, asks about transfers,
 * and the common types clients ask for that it may not hold. */
static const struct {
    uint16_t type;
    const char *name;
} qtypes[] = {
    {DNS_TYPE_A, "A"}, {DNS_TYPE_NS, "NS"}, {DNS_TYPE_CNAME, "CNAME"}, {DNS_TYPE_SOA, "SOA"},
    {12, "PTR"}, {DNS_TYPE_MX, "MX"}, {DNS_TYPE_TXT, "TXT"}, {DNS_TYPE_AAAA, "AAAA"},
    {DNS_TYPE_SRV, "SRV"}, {DNS_TYPE_DS, "DS"}, {DNS_TYPE_RRSIG, "RRSIG"}, {DNS_TYPE_NSEC, "NSEC"},
    {DNS_TYPE_DNSKEY, "DNSKEY"}, {DNS_TYPE_NSEC3PARAM, "NSEC3PARAM"}, {65, "HTTPS"}, {257, "CAA"},
    {DNS_TYPE_IXFR, "IXFR"}, {DNS_TYPE_AXFR, "AXFR"}, {DNS_TYPE_ANY, "ANY"},
};
#define NAMED (sizeof qtypes / sizeof qtypes[0])
#define QTYPE_NONE NAMED
#define QTYPE_OTHER (NAMED + 1)
_Static_assert(NAMED + 2 == METRICS_QTYPES, "METRICS_QTYPES counts the table, none and other");

const char *metrics_qtype_name(size_t i)
{
    return i < NAMED ? qtypes[i].name : i == QTYPE_NONE ? "none" : "other";
}

size_t metrics_qtype_index(uint16_t qtype)
{
    for (size_t i = 0; i < NAMED; i++)
        if (qtypes[i].type == qtype)
            return i;
    return QTYPE_OTHER;
}

/* The question's type, or QTYPE_NONE when the message has no (readable) question. */
static size_t question_type(const uint8_t *q, size_t len)
{
    if (len < DNS_HEADER_SIZE || (q[4] == 0 && q[5] == 0))
        return QTYPE_NONE;
    size_t name = dns_name_wire_len(q + DNS_HEADER_SIZE, len - DNS_HEADER_SIZE);
    if (name == 0 || DNS_HEADER_SIZE + name + 2 > len)
        return QTYPE_NONE;
    const uint8_t *t = q + DNS_HEADER_SIZE + name;
    return metrics_qtype_index((uint16_t)(t[0] << 8 | t[1]));
}

void metrics_dns_answer(enum metrics_transport transport, const uint8_t *query, size_t query_len,
                        const uint8_t *answer, size_t answer_len)
{
    if (answer_len < DNS_HEADER_SIZE)
        return;
    /* The header's RCODE: an extended one's upper bits are in the OPT
     * record, which is not read here (BADCOOKIE counts as its low bits). */
    metrics.dns_rcode[transport][answer[3] & 0x0f]++;
    metrics.dns_qtype[transport][question_type(query, query_len)]++;
}

void metrics_http_response(bool https, int status, uint64_t bytes)
{
    if (status >= 100 && status < 600)
        metrics.http_responses[https][status / 100 - 1]++;
    metrics.http_bytes[https] += bytes;
}

enum metrics_tls_reason metrics_tls_reason(int err)
{
    if (err == BR_ERR_UNSUPPORTED_VERSION || err == BR_ERR_SEND_FATAL_ALERT + 70)
        return METRICS_TLS_VERSION;
    if (err == BR_ERR_BAD_CIPHER_SUITE || err == BR_ERR_SEND_FATAL_ALERT + 40)
        return METRICS_TLS_CIPHER;
    if (err == BR_ERR_SEND_FATAL_ALERT + 120)
        return METRICS_TLS_ALPN;
    if (err >= BR_ERR_RECV_FATAL_ALERT && err < BR_ERR_RECV_FATAL_ALERT + 256)
        return METRICS_TLS_CLIENT_ALERT;
    if (err > BR_ERR_OK && err < BR_ERR_IO)
        return METRICS_TLS_MALFORMED;
    return METRICS_TLS_OTHER;
}

const char *metrics_tls_reason_name(enum metrics_tls_reason r)
{
    static const char *const names[METRICS_TLS_REASONS] = {
        [METRICS_TLS_VERSION] = "protocol_version", [METRICS_TLS_CIPHER] = "no_shared_cipher",
        [METRICS_TLS_ALPN] = "no_alpn_match", [METRICS_TLS_CLIENT_ALERT] = "client_alert",
        [METRICS_TLS_MALFORMED] = "malformed", [METRICS_TLS_OTHER] = "other",
    };
    return (unsigned)r < METRICS_TLS_REASONS ? names[r] : "other";
}
