/* The query log's line: see query_line.h. */
#include "log/query_line.h"

#include <string.h>

#include "log/log_escape.h"
#include "log/log_time.h"
#include "wire/dns_wire.h"

/* The line is written through a cursor, without log_line_put()'s check
 * per word: its longest form (QUERY_LINE_MAX below) fits a line, so no
 * word can overflow it. (A query line is made for every query with
 * --dns-log; the checks were a good part of its instructions.) */
#define PUT_WORD(p, word) (memcpy((p), (word), sizeof(word) - 1), (p) + sizeof(word) - 1)

/* The type's mnemonic, or TYPEn (RFC 3597). (Literals: their lengths are
 * known, with no strlen() per query.) */
static char *put_type(char *p, unsigned type)
{
    switch (type) {
    case 1: return PUT_WORD(p, "A");
    case 2: return PUT_WORD(p, "NS");
    case 5: return PUT_WORD(p, "CNAME");
    case 6: return PUT_WORD(p, "SOA");
    case 12: return PUT_WORD(p, "PTR");
    case 13: return PUT_WORD(p, "HINFO");
    case 15: return PUT_WORD(p, "MX");
    case 16: return PUT_WORD(p, "TXT");
    case 28: return PUT_WORD(p, "AAAA");
    case 33: return PUT_WORD(p, "SRV");
    case 35: return PUT_WORD(p, "NAPTR");
    case 43: return PUT_WORD(p, "DS");
    case 46: return PUT_WORD(p, "RRSIG");
    case 47: return PUT_WORD(p, "NSEC");
    case 48: return PUT_WORD(p, "DNSKEY");
    case 50: return PUT_WORD(p, "NSEC3");
    case 51: return PUT_WORD(p, "NSEC3PARAM");
    case 52: return PUT_WORD(p, "TLSA");
    case 64: return PUT_WORD(p, "SVCB");
    case 65: return PUT_WORD(p, "HTTPS");
    case 99: return PUT_WORD(p, "SPF");
    case 251: return PUT_WORD(p, "IXFR");
    case 252: return PUT_WORD(p, "AXFR");
    case 255: return PUT_WORD(p, "ANY");
    case 257: return PUT_WORD(p, "CAA");
    default:
        p = PUT_WORD(p, "TYPE");
        return p + log_line_digits(p, type);
    }
}
#define TYPE_WORD_MAX 10        /* NSEC3PARAM, TYPE65535 */

/* The RCODE's name, or RCODEn. */
static char *put_rcode(char *p, unsigned rcode)
{
    switch (rcode) {
    case 0: return PUT_WORD(p, "NOERROR");
    case 1: return PUT_WORD(p, "FORMERR");
    case 2: return PUT_WORD(p, "SERVFAIL");
    case 3: return PUT_WORD(p, "NXDOMAIN");
    case 4: return PUT_WORD(p, "NOTIMP");
    case 5: return PUT_WORD(p, "REFUSED");
    case 6: return PUT_WORD(p, "YXDOMAIN");
    case 7: return PUT_WORD(p, "YXRRSET");
    case 8: return PUT_WORD(p, "NXRRSET");
    case 9: return PUT_WORD(p, "NOTAUTH");
    case 10: return PUT_WORD(p, "NOTZONE");
    default:
        p = PUT_WORD(p, "RCODE");
        return p + log_line_digits(p, rcode);
    }
}
#define RCODE_WORD_MAX 8        /* SERVFAIL, RCODE15 */

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

/* The longest line: every word at its longest. */
#define CLIENT_MAX 48           /* an IPv6 address as text, and more */
#define QUERY_LINE_MAX (sizeof "query: time=" - 1 + LOG_TIME_LEN + sizeof " client=" - 1 + CLIENT_MAX + \
                        sizeof " port=" - 1 + 5 + sizeof " proto=udp" - 1 + sizeof " qname=\"\"" - 1 + \
                        QUERY_NAME_MAX + sizeof " qtype=" - 1 + TYPE_WORD_MAX + sizeof " rcode=" - 1 + \
                        RCODE_WORD_MAX + sizeof " bytes=" - 1 + LOG_LINE_DIGITS_MAX)
_Static_assert(QUERY_LINE_MAX <= LOG_LINE_MAX, "a query line always fits");

void query_line_format(struct log_line *l, const struct query_context *ctx, const uint8_t *msg, size_t len,
                       const uint8_t *answer, size_t answer_len)
{
    char *p = l->buf;
    p = PUT_WORD(p, "query: time=");
    p += log_time_format(ctx->wall_ns, p);
    p = PUT_WORD(p, " client=");
    size_t client_len = ctx->client_len < CLIENT_MAX ? ctx->client_len : CLIENT_MAX;
    memcpy(p, ctx->client, client_len);
    p += client_len;
    p = PUT_WORD(p, " port=");
    p += log_line_digits(p, ctx->port);
    p = ctx->tcp ? PUT_WORD(p, " proto=tcp") : PUT_WORD(p, " proto=udp");
    p = PUT_WORD(p, " qname=\"");
    size_t end = 0;
    size_t n = question_name(msg, len, p, &end);      /* straight into the line */
    if (n > 0) {
        p += n;
        *p++ = '"';
    } else {
        p[-1] = '-';        /* over the opening quote: qname=- */
    }
    p = PUT_WORD(p, " qtype=");
    if (n > 0 && len - end >= 4) {
        p = put_type(p, dns_get16(msg + end));
    } else {
        *p++ = '-';
    }
    p = PUT_WORD(p, " rcode=");
    if (answer && answer_len >= DNS_HEADER_SIZE) {
        p = put_rcode(p, answer[3] & 0xfu);
    } else {
        *p++ = '-';
    }
    p = PUT_WORD(p, " bytes=");
    p += log_line_digits(p, answer ? answer_len : 0);
    l->len = (size_t)(p - l->buf);
    l->cut = false;
}
