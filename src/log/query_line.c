/* The query log's line: see query_line.h. */
#include "log/query_line.h"

#include <string.h>

#include "log/log_escape.h"
#include "wire/dns_wire.h"

/* The type's mnemonic, or TYPEn (RFC 3597). (Written as literals into
 * the line: their lengths are then known, with no strlen() per query.) */
static void put_type(struct log_line *l, unsigned type)
{
    switch (type) {
    case 1: log_line_puts(l, "A"); return;
    case 2: log_line_puts(l, "NS"); return;
    case 5: log_line_puts(l, "CNAME"); return;
    case 6: log_line_puts(l, "SOA"); return;
    case 12: log_line_puts(l, "PTR"); return;
    case 13: log_line_puts(l, "HINFO"); return;
    case 15: log_line_puts(l, "MX"); return;
    case 16: log_line_puts(l, "TXT"); return;
    case 28: log_line_puts(l, "AAAA"); return;
    case 33: log_line_puts(l, "SRV"); return;
    case 35: log_line_puts(l, "NAPTR"); return;
    case 43: log_line_puts(l, "DS"); return;
    case 46: log_line_puts(l, "RRSIG"); return;
    case 47: log_line_puts(l, "NSEC"); return;
    case 48: log_line_puts(l, "DNSKEY"); return;
    case 50: log_line_puts(l, "NSEC3"); return;
    case 51: log_line_puts(l, "NSEC3PARAM"); return;
    case 52: log_line_puts(l, "TLSA"); return;
    case 64: log_line_puts(l, "SVCB"); return;
    case 65: log_line_puts(l, "HTTPS"); return;
    case 99: log_line_puts(l, "SPF"); return;
    case 251: log_line_puts(l, "IXFR"); return;
    case 252: log_line_puts(l, "AXFR"); return;
    case 255: log_line_puts(l, "ANY"); return;
    case 257: log_line_puts(l, "CAA"); return;
    default:
        log_line_puts(l, "TYPE");
        log_line_putu(l, type);
    }
}

/* The RCODE's name, or RCODEn. */
static void put_rcode(struct log_line *l, unsigned rcode)
{
    switch (rcode) {
    case 0: log_line_puts(l, "NOERROR"); return;
    case 1: log_line_puts(l, "FORMERR"); return;
    case 2: log_line_puts(l, "SERVFAIL"); return;
    case 3: log_line_puts(l, "NXDOMAIN"); return;
    case 4: log_line_puts(l, "NOTIMP"); return;
    case 5: log_line_puts(l, "REFUSED"); return;
    case 6: log_line_puts(l, "YXDOMAIN"); return;
    case 7: log_line_puts(l, "YXRRSET"); return;
    case 8: log_line_puts(l, "NXRRSET"); return;
    case 9: log_line_puts(l, "NOTAUTH"); return;
    case 10: log_line_puts(l, "NOTZONE"); return;
    default:
        log_line_puts(l, "RCODE");
        log_line_putu(l, rcode);
    }
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
        /* The common case, a label with nothing to escape that fits: as it
         * is, at once; otherwise byte by byte, each as log_escape() writes
         * it. */
        const uint8_t *bytes = msg + at;
        size_t plain = 0;
        while (plain < label && log_escape_keeps[bytes[plain]] && bytes[plain] != '.')
            plain++;
        bool whole = plain == label && !cut && used + label + 1 + LOG_ESCAPE_CUT_LEN <= QUERY_NAME_MAX;
        if (whole) {
            memcpy(out + used, bytes, label);
            used += label;
        }
        for (size_t i = 0; !whole && i < label; i++) {
            uint8_t b = msg[at + i];
            char e[4];
            size_t n;
            const char *p = e;
            if (b == '.') {
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
    log_line_put(l, ctx->client, ctx->client_len);
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
        put_type(l, dns_get16(msg + end));
    } else {
        log_line_puts(l, "-");
    }
    log_line_puts(l, " rcode=");
    if (answer && answer_len >= DNS_HEADER_SIZE) {
        put_rcode(l, answer[3] & 0xfu);
    } else {
        log_line_puts(l, "-");
    }
    log_line_puts(l, " bytes=");
    log_line_putu(l, answer ? answer_len : 0);
}
