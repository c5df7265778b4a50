/* UTF-8 validation: see utf8.h. */
#include "utf8.h"

#include "diag.h"

/* Length of the valid sequence starting at s, or 0 if it is invalid. */
static size_t sequence_length(const uint8_t *s, size_t avail)
{
    uint8_t c = s[0];
    if (c < 0x80)
        return 1;
    size_t n;
    uint8_t lo = 0x80, hi = 0xBF;   /* allowed range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;              /* overlong */
        else if (c == 0xED)
            hi = 0x9F;              /* UTF-16 surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;              /* overlong */
        else if (c == 0xF4)
            hi = 0x8F;              /* above U+10FFFF */
    } else {
        return 0;
    }
    if (avail < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return n;
}

size_t utf8_valid_prefix(const uint8_t *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t n = sequence_length(s + i, len - i);
        if (n == 0)
            break;
        i += n;
    }
    return i;
}

unsigned utf8_report_invalid(const char *file, const uint8_t *s, size_t len)
{
    unsigned reported = 0, line = 1, last_reported_line = 0;
    size_t i = 0;
    while (i < len) {
        if (s[i] == '\n') {
            line++;
            i++;
            continue;
        }
        size_t n = sequence_length(s + i, len - i);
        if (n > 0) {
            i += n;
            continue;
        }
        if (line != last_reported_line) {
            diag_error(file, line, "invalid UTF-8 (byte 0x%02X); pages and templates must be UTF-8 text",
                       s[i]);
            last_reported_line = line;
            reported++;
        }
        i++;
    }
    return reported;
}
