/*
 * The log's pure parts: escaping (every byte value, every room), the
 * pending-line ring, timestamps, RFC 5424 messages (parsed back strictly),
 * and the access and query lines.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "log/access_line.h"
#include "log/log_escape.h"
#include "log/log_ring.h"
#include "log/log_time.h"
#include "log/query_line.h"
#include "log/syslog_format.h"
#include "net/ipv4_text.h"

static bool printable_only(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((uint8_t)s[i] < 0x20 || (uint8_t)s[i] > 0x7e)
            return false;
    return true;
}

/* Reads escaped text back; -1 if it is not well-formed escaped text. A
 * trailing LOG_ESCAPE_CUT sets *cut. */
static long unescape(const char *s, size_t n, uint8_t *out, bool *cut)
{
    size_t o = 0;
    *cut = false;
    for (size_t i = 0; i < n;) {
        if (s[i] == '"')
            return -1;
        if (s[i] != '\\') {
            out[o++] = (uint8_t)s[i++];
            continue;
        }
        if (n - i == LOG_ESCAPE_CUT_LEN && memcmp(s + i, LOG_ESCAPE_CUT, LOG_ESCAPE_CUT_LEN) == 0) {
            *cut = true;
            return (long)o;
        }
        if (n - i < 4 || s[i + 1] != 'x' || !strchr("0123456789abcdef", s[i + 2]) || !strchr("0123456789abcdef", s[i + 3]))
            return -1;
        out[o++] = (uint8_t)strtoul((char[]){s[i + 2], s[i + 3], 0}, NULL, 16);
        i += 4;
    }
    return (long)o;
}

static void test_escape_each_byte(void)
{
    bool all_ok = true, printable = true, round_trip = true;
    for (int b = 0; b < 256; b++) {
        uint8_t in = (uint8_t)b;
        char out[8];
        size_t n = log_escape(out, sizeof out, &in, 1, 0);
        bool plain = b >= 0x20 && b <= 0x7e && b != '\\' && b != '"';
        char want[8];
        size_t want_len;
        if (plain) {
            want[0] = (char)b;
            want_len = 1;
        } else {
            static const char hex[] = "0123456789abcdef";
            want[0] = '\\', want[1] = 'x', want[2] = hex[b >> 4], want[3] = hex[b & 15];
            want_len = 4;
        }
        all_ok &= n == want_len && memcmp(out, want, n) == 0;
        printable &= printable_only(out, n) && !memchr(out, '"', n);
        uint8_t back[4];
        bool cut;
        round_trip &= unescape(out, n, back, &cut) == 1 && back[0] == in && !cut;
    }
    CHECK("escape: printable ASCII but \\ and \" as is, every other byte of 256 as \\xHH", all_ok);
    CHECK("escape: the output of every byte is printable ASCII without '\"'", printable);
    CHECK("escape: every byte reads back", round_trip);
    uint8_t hostile[] = "GET /\r\nunihost: forged\x1b[31m\"\\";
    char out[256];
    size_t n = log_escape(out, sizeof out, hostile, sizeof hostile - 1, 0);
    CHECK("escape: CR, LF, ESC, quote and backslash", n == strlen("GET /\\x0d\\x0aunihost: forged\\x1b[31m\\x22\\x5c") &&
          memcmp(out, "GET /\\x0d\\x0aunihost: forged\\x1b[31m\\x22\\x5c", n) == 0);
}

static void test_escape_bounds(void)
{
    /* Random inputs of every length up to 64 into every room from 4 to
     * 80: never more than the room, a cut exactly when it did not all
     * fit, never a split escape, and what is kept is a prefix. */
    srand(14);
    bool bounded = true, cut_right = true, prefix = true, escapes_whole = true;
    for (int round = 0; round < 300; round++) {
        uint8_t in[64];
        size_t len = (size_t)(rand() % 65);
        for (size_t i = 0; i < len; i++)
            in[i] = (uint8_t)(round % 3 == 0 ? rand() : round % 3 == 1 ? 'a' + rand() % 26 : (rand() % 2 ? 0x0a : 'x'));
        for (size_t room = LOG_ESCAPE_CUT_LEN; room <= 80; room++) {
            char out[96];
            memset(out, '#', sizeof out);
            size_t n = log_escape(out, room, in, len, 0);
            bounded &= n <= room && out[room] == '#';
            char whole[300];
            size_t whole_len = log_escape(whole, sizeof whole, in, len, 0);
            bool fits = whole_len <= room;
            uint8_t back[96];
            bool cut;
            long got = unescape(out, n, back, &cut);
            escapes_whole &= got >= 0;
            cut_right &= cut == !fits && (!fits || (n == whole_len && memcmp(out, whole, n) == 0));
            prefix &= got >= 0 && (size_t)got <= len && memcmp(back, in, (size_t)got) == 0;
        }
    }
    CHECK("escape bound: never more than the room", bounded);
    CHECK("escape bound: the cut marker exactly when the field did not fit", cut_right);
    CHECK("escape bound: a cut field holds only whole escapes", escapes_whole);
    CHECK("escape bound: a cut field is a prefix of the input", prefix);
    char out[16];
    size_t n = log_escape(out, sizeof out, "abc", 3, 1);
    CHECK("escape: a field its keeper cut ends with the marker", n == 7 && memcmp(out, "abc\\...", 7) == 0);
    n = log_escape(out, 4, "\n\n", 2, 0);
    CHECK("escape: the smallest room holds the marker alone", n == 4 && memcmp(out, "\\...", 4) == 0);
}

static void test_ring(void)
{
    uint8_t mem[64];
    struct log_ring r;
    log_ring_init(&r, mem, sizeof mem);
    CHECK("ring: puts a record", log_ring_put(&r, "head", 4, "text-one", 8, sizeof mem));
    CHECK("ring: refuses a record past its limit, and counts it",
          !log_ring_put(&r, "head", 4, "0123456789", 10, 20) && r.dropped == 1 && r.len == 12);
    const uint8_t *data;
    size_t n = log_ring_contiguous(&r, &data);
    CHECK("ring: hands out the oldest bytes", n == 12 && memcmp(data, "headtext-one", 12) == 0);
    log_ring_consume(&r, 5);
    /* Fill across the end: the bytes come back in order, in two pieces. */
    char filler[40];
    memset(filler, 'f', sizeof filler);
    CHECK("ring: a record that wraps", log_ring_put(&r, filler, 30, "ABCDEFGHIJ", 10, sizeof mem));
    CHECK("ring: one that overflows is dropped whole", !log_ring_put(&r, filler, 20, "", 0, sizeof mem) && r.dropped == 2);
    uint8_t copy[64];
    size_t got = log_ring_copy(&r, 0, copy, sizeof copy);
    CHECK("ring: copy reads across the end", got == 7 + 40 && memcmp(copy, "ext-one", 7) == 0 &&
          memcmp(copy + 37, "ABCDEFGHIJ", 10) == 0);
    log_ring_consume(&r, got);
    CHECK("ring: empty again", r.len == 0 && log_ring_contiguous(&r, &data) == 0);
    /* A record in three pieces (log_emit's prefix, text and newline),
     * across the end. */
    log_ring_put(&r, filler, 40, "", 0, sizeof mem);
    log_ring_consume(&r, 30);
    CHECK("ring: reserve says yes while the pieces fit", log_ring_reserve(&r, 9 + 20 + 1, sizeof mem));
    log_ring_append(&r, "unihost: ", 9);
    log_ring_append(&r, "a line of 20 letters", 20);
    log_ring_append(&r, "\n", 1);
    got = log_ring_copy(&r, 10, copy, sizeof copy);
    CHECK("ring: the pieces read back in order across the end",
          got == 30 && memcmp(copy, "unihost: a line of 20 letters\n", 30) == 0 && r.start == 30 &&
          log_ring_contiguous(&r, &data) == sizeof mem - 30);
    CHECK("ring: reserve refuses past the limit, and counts it",
          !log_ring_reserve(&r, 5, 44) && r.dropped == 3 && log_ring_reserve(&r, 4, 44));
}

static void test_line_words(void)
{
    char text[IPV4_TEXT_MAX];
    CHECK("ipv4_text: one digit each", ipv4_text((const uint8_t[]){0, 1, 2, 9}, text) == 7 && strcmp(text, "0.1.2.9") == 0);
    CHECK("ipv4_text: two and three digits, and zeros inside",
          ipv4_text((const uint8_t[]){10, 100, 205, 90}, text) == 13 && strcmp(text, "10.100.205.90") == 0);
    CHECK("ipv4_text: the longest", ipv4_text((const uint8_t[]){255, 255, 255, 255}, text) == 15 &&
          strcmp(text, "255.255.255.255") == 0);
    struct log_line l;
    log_line_start(&l);
    log_line_putu(&l, 0);
    log_line_puts(&l, " ");
    log_line_putu(&l, UINT64_MAX);
    log_line_puts(&l, " ");
    log_line_putu(&l, 1000);
    CHECK("putu: zero, the largest, and trailing zeros", l.len == 27 && memcmp(l.buf, "0 18446744073709551615 1000", 27) == 0);
    /* Each count of digits, odd and even, and each side of a power of ten,
     * against printf's. */
    bool as_printf = true;
    for (uint64_t p = 1; p != 0 && p <= UINT64_MAX / 10; p *= 10) {
        const uint64_t around[] = {p - 1, p, p + 1, p * 10 - 1, p * 3 + 7};
        for (size_t i = 0; i < sizeof around / sizeof around[0]; i++) {
            char want[24];
            int n = snprintf(want, sizeof want, "%llu", (unsigned long long)around[i]);
            log_line_start(&l);
            log_line_putu(&l, around[i]);
            as_printf = as_printf && !l.cut && l.len == (size_t)n && memcmp(l.buf, want, (size_t)n) == 0;
        }
    }
    CHECK("putu: every length of number as printf writes it", as_printf);
    /* A number that does not fit is left out whole, and the line cut. */
    log_line_start(&l);
    memset(l.buf, 'x', sizeof l.buf);
    l.len = LOG_LINE_MAX - 3;
    log_line_putu(&l, 1234);
    CHECK("putu: one that does not fit is left out", l.cut && l.len == LOG_LINE_MAX - 3);
    log_line_start(&l);
    l.len = LOG_LINE_MAX - 4;
    log_line_putu(&l, 1234);
    CHECK("putu: one that just fits", !l.cut && l.len == LOG_LINE_MAX && memcmp(l.buf + LOG_LINE_MAX - 4, "1234", 4) == 0);
    log_line_start(&l);
    l.len = LOG_LINE_MAX - LOG_TIME_LEN + 1;
    log_line_stamp(&l, 1764921600123456789ull);
    CHECK("stamp: one that does not fit is left out", l.cut && l.len == LOG_LINE_MAX - LOG_TIME_LEN + 1);
}

static void test_time(void)
{
    char t[LOG_TIME_LEN];
    size_t n = log_time_format(1764921600123456789ull, t);     /* 2025-12-05T08:00:00.123456789Z */
    CHECK("time: RFC 3339 UTC with microseconds", n == LOG_TIME_LEN && memcmp(t, "2025-12-05T08:00:00.123456Z", n) == 0);
    n = log_time_format(951782400000000000ull, t);     /* 2000-02-29 */
    CHECK("time: a leap day", n == LOG_TIME_LEN && memcmp(t, "2000-02-29T00:00:00.000000Z", n) == 0);
    n = log_time_format(5000000000ull, t);
    CHECK("time: an unset clock is NILVALUE", n == 1 && t[0] == '-');
    /* What it keeps from the last stamp (the same time, the same second,
     * the same day) gives the same stamps as made from nothing. */
    static const struct {
        uint64_t ns;
        const char *want;
    } in_turn[] = {
        {1764921599999999999ull, "2025-12-05T07:59:59.999999Z"},
        {1764921599999999999ull, "2025-12-05T07:59:59.999999Z"},
        {1764921600000000999ull, "2025-12-05T08:00:00.000000Z"},
        {1764921600000001000ull, "2025-12-05T08:00:00.000001Z"},
        {1764921600000001000ull, "2025-12-05T08:00:00.000001Z"},
        {1764979199500000000ull, "2025-12-05T23:59:59.500000Z"},
        {1764979200500000000ull, "2025-12-06T00:00:00.500000Z"},
        {1764921600000001000ull, "2025-12-05T08:00:00.000001Z"},
        {5000000000ull, "-"},
        {1764921600000001000ull, "2025-12-05T08:00:00.000001Z"},
        {UINT64_MAX, "2554-07-21T23:34:33.709551Z"},
        {UINT64_MAX, "2554-07-21T23:34:33.709551Z"},
    };
    bool same = true;
    for (size_t i = 0; i < sizeof in_turn / sizeof in_turn[0]; i++) {
        n = log_time_format(in_turn[i].ns, t);
        same = same && n == strlen(in_turn[i].want) && memcmp(t, in_turn[i].want, n) == 0;
    }
    CHECK("time: stamps of the same time, second and day, one after another", same);
}

/*
 * RFC 5424 section 6, strictly: <PRI>1 SP TIMESTAMP SP HOSTNAME SP APP-NAME
 * SP PROCID SP MSGID SP STRUCTURED-DATA [SP MSG], with the header's tokens
 * PRINTUSASCII within their bounds, STRUCTURED-DATA "-" and MSG the rest.
 */
static bool parse_5424(const char *m, size_t n, unsigned *pri, char *msgid, const char **msg, size_t *msg_len)
{
    size_t i = 0;
    if (n < 2 || m[i++] != '<')
        return false;
    unsigned p = 0;
    size_t digits = 0;
    while (i < n && m[i] >= '0' && m[i] <= '9' && digits < 3) {
        if (digits == 1 && p == 0)
            return false;   /* no leading zero */
        p = p * 10 + (unsigned)(m[i++] - '0');
        digits++;
    }
    if (digits == 0 || p > 191 || i + 3 > n || memcmp(m + i, ">1 ", 3) != 0)
        return false;
    i += 3;
    *pri = p;
    static const size_t max[] = {32, 255, 48, 128, 32};    /* TIMESTAMP .. MSGID */
    char field[5][256];
    for (int f = 0; f < 5; f++) {
        size_t start = i;
        while (i < n && m[i] != ' ') {
            if ((uint8_t)m[i] < 0x21 || (uint8_t)m[i] > 0x7e)
                return false;
            i++;
        }
        if (i == start || i - start > max[f] || i >= n)
            return false;
        memcpy(field[f], m + start, i - start);
        field[f][i - start] = 0;
        i++;
    }
    const char *ts = field[0];
    if (strcmp(ts, "-") != 0 && (strlen(ts) != 27 || ts[4] != '-' || ts[10] != 'T' || ts[19] != '.' || ts[26] != 'Z'))
        return false;
    if (strcmp(field[2], "unihost") != 0 || strcmp(field[3], "-") != 0)
        return false;
    strcpy(msgid, field[4]);
    if (i >= n || m[i] != '-')
        return false;
    i++;
    if (i < n && m[i++] != ' ')
        return false;
    *msg = m + i;
    *msg_len = n - i;
    return true;
}

static void test_syslog(void)
{
    char m[SYSLOG_MESSAGE_MAX];
    const char *text = "access: time=x client=192.0.2.1";
    size_t n = syslog_format(m, SYSLOG_FACILITY_DAEMON, SYSLOG_SEVERITY_INFO, 1764921600123456789ull, "192.0.2.2",
                             "access", text, strlen(text));
    const char *want = "<30>1 2025-12-05T08:00:00.123456Z 192.0.2.2 unihost - access - access: time=x client=192.0.2.1";
    CHECK("syslog: the RFC 5424 message", n == strlen(want) && memcmp(m, want, n) == 0);
    unsigned pri;
    char msgid[64];
    const char *msg;
    size_t msg_len;
    CHECK("syslog: parses back strictly", parse_5424(m, n, &pri, msgid, &msg, &msg_len) && pri == 30 &&
          strcmp(msgid, "access") == 0 && msg_len == strlen(text) && memcmp(msg, text, msg_len) == 0);
    n = syslog_format(m, SYSLOG_FACILITY_DAEMON, SYSLOG_SEVERITY_NOTICE, 0, NULL, NULL, "ready", 5);
    want = "<29>1 - - unihost - - - ready";
    CHECK("syslog: no clock, no hostname, no msgid: NILVALUEs", n == strlen(want) && memcmp(m, want, n) == 0);
    CHECK("syslog: ... still well-formed", parse_5424(m, n, &pri, msgid, &msg, &msg_len) && pri == 29);
    n = syslog_format(m, 0, 0, 0, "bad host", NULL, "x", 1);
    CHECK("syslog: a hostname with a space is never written", parse_5424(m, n, &pri, msgid, &msg, &msg_len) && pri == 0 &&
          memcmp(m, "<0>1 - - unihost", 16) == 0);
    CHECK("syslog: tokens", syslog_token_valid("a.b", 3, 64) && !syslog_token_valid("", 0, 64) &&
          !syslog_token_valid("a b", 3, 64) && !syslog_token_valid("\x7f", 1, 64));
    /* The longest line with the longest hostname fits one message whole. */
    char line[LOG_LINE_MAX], host[SYSLOG_HOSTNAME_MAX + 1];
    memset(line, 'l', sizeof line);
    memset(host, 'h', SYSLOG_HOSTNAME_MAX);
    host[SYSLOG_HOSTNAME_MAX] = 0;
    n = syslog_format(m, 23, 7, 18000000000000000000ull, host, "access", line, sizeof line);
    CHECK("syslog: the longest line fits", n <= SYSLOG_MESSAGE_MAX && parse_5424(m, n, &pri, msgid, &msg, &msg_len) &&
          pri == 191 && msg_len == LOG_LINE_MAX);
}

static bool has(const struct log_line *l, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i + n <= l->len; i++)
        if (memcmp(l->buf + i, s, n) == 0)
            return true;
    return false;
}

static void test_access_line(void)
{
    struct access_context c = {1764921600123456789ull, "192.0.2.1", 9, 50312, "1.2", "unihost.test", 12, 412};
    struct http_access a = {"GET", 3, "/docs/", 6, false, "curl/8", 6, false, 200, 5120, true};
    struct log_line l;
    access_line_format(&l, &c, &a);
    const char *want = "access: time=2025-12-05T08:00:00.123456Z client=192.0.2.1 port=50312 tls=1.2 sni=\"unihost.test\" "
                       "method=GET path=\"/docs/\" status=200 bytes=5120 duration_us=412 ua=\"curl/8\" complete=yes";
    CHECK("access: the line", l.len == strlen(want) && memcmp(l.buf, want, l.len) == 0);
    /* Hostile: every client field full of line ends and escapes, long. */
    char path[3000], ua[400];
    for (size_t i = 0; i < sizeof path; i++)
        path[i] = "/\r\n\x1b[31m\"\\"[i % 10];
    for (size_t i = 0; i < sizeof ua; i++)
        ua[i] = "\n\x1b[0m unihost: x"[i % 16];
    char sni[] = "a\nb\x1b]0;t\x07.test";
    c.sni = sni;
    c.sni_len = strlen(sni);
    c.tls = NULL;
    struct http_access h = {"G\nT", 3, path, sizeof path, true, ua, sizeof ua, true, 400, 99, false};
    access_line_format(&l, &c, &h);
    CHECK("access: a hostile request makes one printable line", !l.cut && l.len <= LOG_LINE_MAX &&
          printable_only(l.buf, l.len));
    CHECK("access: its fields are escaped and cut", has(&l, "method=G\\x0aT ") && has(&l, "path=\"/\\x0d\\x0a\\x1b[31m\\x22\\x5c") &&
          has(&l, "\\...\" status=400") && has(&l, "sni=\"a\\x0ab\\x1b]0;t\\x07.test\"") && has(&l, "tls=-") &&
          has(&l, "complete=no"));
    struct http_access none = {NULL, 0, "", 0, false, NULL, 0, false, 400, 0, true};
    c.sni = NULL;
    c.sni_len = 0;
    access_line_format(&l, &c, &none);
    CHECK("access: no method, target, sni or ua", has(&l, "sni=- method=- path=- status=400") && has(&l, "ua=- "));
}

static void test_query_line(void)
{
    struct query_context c = {1764921600123456789ull, "2001:db8::1", 11, 41234, false};
    static const uint8_t q[] = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
                                3, 'w', 'w', 'w', 7, 'u', 'n', 'i', 'h', 'o', 's', 't', 4, 't', 'e', 's', 't', 0,
                                0, 28, 0, 1};
    uint8_t answer[40] = {0x12, 0x34, 0x84, 0x03};
    struct log_line l;
    query_line_format(&l, &c, q, sizeof q, answer, sizeof answer);
    const char *want = "query: time=2025-12-05T08:00:00.123456Z client=2001:db8::1 port=41234 proto=udp "
                       "qname=\"www.unihost.test.\" qtype=AAAA rcode=NXDOMAIN bytes=40";
    CHECK("query: the line", l.len == strlen(want) && memcmp(l.buf, want, l.len) == 0);
    static const uint8_t hostile[] = {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 5, 'a', '.', '\n', 0x1b, '"', 0, 0x01, 0x02, 0, 1};
    c.tcp = true;
    query_line_format(&l, &c, hostile, sizeof hostile, NULL, 0);
    CHECK("query: label bytes escaped, a dot in a label too", has(&l, "qname=\"a\\x2e\\x0a\\x1b\\x22.\"") &&
          has(&l, "qtype=TYPE258 rcode=- bytes=0") && has(&l, "proto=tcp") && printable_only(l.buf, l.len));
    static const uint8_t pointer[] = {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1};
    query_line_format(&l, &c, pointer, sizeof pointer, NULL, 0);
    CHECK("query: a compressed question name is no name", has(&l, "qname=- qtype=-"));
    /* The longest name (255 bytes of escapes) is cut within its bound. */
    uint8_t big[12 + 4 * 64 + 1 + 4] = {0, 0, 0, 0, 0, 1};
    size_t at = 12;
    for (int label = 0; label < 4; label++) {
        big[at++] = 63;
        for (int i = 0; i < 63; i++)
            big[at++] = 0xff;
    }
    big[at++] = 0;
    big[at++] = 0, big[at++] = 1, big[at++] = 0, big[at++] = 1;
    query_line_format(&l, &c, big, at, NULL, 0);
    CHECK("query: a long name is cut to its bound and the type still read", has(&l, "\\...\" qtype=A ") && !l.cut);
    /* Every word at its longest at once (the line is written without a
     * check per word, on a bound proved for the whole line): it fits,
     * whole. */
    big[at - 4] = 0xff, big[at - 3] = 0xff;       /* TYPE65535 */
    struct query_context widest = {UINT64_MAX / 2, "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", 45, 65535, true};
    uint8_t refused[12] = {0, 0, 0x80, 0x0f};     /* RCODE15 */
    query_line_format(&l, &widest, big, at, refused, SIZE_MAX);
    CHECK("query: the widest line fits, every word whole",
          !l.cut && l.len <= LOG_LINE_MAX && has(&l, "client=ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255 port=65535") &&
          has(&l, "\\...\" qtype=TYPE65535 rcode=RCODE15 bytes=18446744073709551615") &&
          l.buf[l.len - 1] == '5' && printable_only(l.buf, l.len));
    /* Every RCODE a header can carry has a word. */
    answer[3] = 0x8a;
    query_line_format(&l, &c, q, sizeof q, answer, sizeof answer);
    CHECK("query: RCODE 10 by name", has(&l, "rcode=NOTZONE bytes=40"));
    answer[3] = 0x8f;
    query_line_format(&l, &c, q, sizeof q, answer, sizeof answer);
    CHECK("query: RCODE 15 as a number", has(&l, "rcode=RCODE15 bytes=40"));
}

int main(void)
{
    test_escape_each_byte();
    test_escape_bounds();
    test_ring();
    test_line_words();
    test_time();
    test_syslog();
    test_access_line();
    test_query_line();
    return CHECK_DONE();
}
