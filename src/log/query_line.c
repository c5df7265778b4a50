/* The query log's line: see query_line.h. */
#include "log/query_line.h"

#include "log/log_escape.h"
#include "wire/dns_wire.h"

static const char *type_name(unsigned type)
{
    switch (type) {
    case 1: return "A";
    case 2: return "NS";
    case 5: return "CNAME";
    case 6: return "SOA";
    case 12: return "PTR";
    case 13: return "HINFO";
    case 15: return "MX";
    case 16: return "TXT";
    case 28: return "AAAA";
    case 33: return "SRV";
    case 35: return "NAPTR";
    case 43: return "DS";
    case 46: return "RRSIG";
    case 47: return "NSEC";
    case 48: return "DNSKEY";
    case 50: return "NSEC3";
    case 51: return "NSEC3PARAM";
    case 52: return "TLSA";
    case 64: return "SVCB";
    case 65: return "HTTPS";
    case 99: return "SPF";
    case 251: return "IXFR";
    case 252: return "AXFR";
    case 255: return "ANY";
    case 257: return "CAA";
    default: return NULL;
    }
}

static const char *rcode_name(unsigned rcode)
{
    static const char *const names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
                                        "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"};
    return rcode < sizeof names / sizeof names[0] ? names[rcode] : NULL;
}

/*
 * The question's name in presentation form into out (room for
 * QUERY_NAME_MAX), and the offset just past it in *end; 0 if there is no
 * readable name (no question, a compression pointer, bytes missing).
 */
static size_t question_name(const uint8_t *msg, size_t len, char *out, size_t *end)
{
    if (len < DNS_HEADER_SIZE || dns_get16(msg + 4) == 0)
        return 0;
    size_t at = DNS_HEADER_SIZE, used = 0;
    bool cut = false;
    for (;;) {
        if (at >= len || (msg[at] & 0xc0) != 0)
            return 0;           /* a question's name is never compressed */
        uint8_t label = msg[at++];
        if (label == 0)
            break;
        if (label > len - at)
            return 0;
        for (size_t i = 0; i < label; i++) {
            uint8_t b = msg[at + i];
            char e[4];
            size_t n;
            const char *p = e;
            if (b > 0x20 && b <= 0x7e && b != '\\' && b != '"' && b != '.') {
                e[0] = (char)b;     /* the common case, as log_escape() would write it */
                n = 1;
            } else if (b == '.') {
                p = "\\x2e";        /* a dot inside a label is not a label's end */
                n = 4;
            } else {
                n = log_escape(e, sizeof e, &b, 1, 0);
            }
            if (used + n + 1 + LOG_ESCAPE_CUT_LEN > QUERY_NAME_MAX)
                cut = true;     /* keep reading: the type comes after the name */
            for (size_t k = 0; !cut && k < n; k++)
                out[used++] = p[k];
        }
        at += label;
        if (!cut)
            out[used++] = '.';
    }
    if (used == 0)
        out[used++] = '.';      /* the root */
    if (cut) {
        for (size_t k = 0; k < LOG_ESCAPE_CUT_LEN; k++)
            out[used++] = LOG_ESCAPE_CUT[k];
    }
    *end = at;
    return used;
}

void query_line_format(struct log_line *l, const struct query_context *ctx, const uint8_t *msg, size_t len,
                       const uint8_t *answer, size_t answer_len)
{
    log_line_start(l);
    log_line_puts(l, "query:");
    log_line_time(l, "time", ctx->wall_ns);
    log_line_puts(l, " client=");
    log_line_puts(l, ctx->client);
    log_line_puts(l, " port=");
    log_line_putu(l, ctx->port);
    log_line_puts(l, ctx->tcp ? " proto=tcp" : " proto=udp");
    char name[QUERY_NAME_MAX];
    size_t end = 0;
    size_t n = question_name(msg, len, name, &end);
    if (n > 0) {
        log_line_puts(l, " qname=\"");
        log_line_put(l, name, n);
        log_line_puts(l, "\"");
    } else {
        log_line_puts(l, " qname=-");
    }
    log_line_puts(l, " qtype=");
    if (n > 0 && len - end >= 4) {
        unsigned type = dns_get16(msg + end);
        const char *t = type_name(type);
        if (t) {
            log_line_puts(l, t);
        } else {
            log_line_puts(l, "TYPE");
            log_line_putu(l, type);
        }
    } else {
        log_line_puts(l, "-");
    }
    log_line_puts(l, " rcode=");
    if (answer && answer_len >= DNS_HEADER_SIZE) {
        unsigned rcode = answer[3] & 0xfu;
        const char *r = rcode_name(rcode);
        if (r) {
            log_line_puts(l, r);
        } else {
            log_line_puts(l, "RCODE");
            log_line_putu(l, rcode);
        }
    } else {
        log_line_puts(l, "-");
    }
    log_line_puts(l, " bytes=");
    log_line_putu(l, answer ? answer_len : 0);
}
