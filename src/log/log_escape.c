/* Escaping for the log: see log_escape.h. */
#include "log/log_escape.h"

#include <stdint.h>
#include <string.h>

static const char hex[] = "0123456789abcdef";

/* 1 for a byte that stays as it is (printable ASCII but '\\' and '"'),
 * 0 for one that becomes \xHH: one load per byte instead of four
 * comparisons (a User-Agent is a hundred bytes, on every access line). */
#define KEEP16(b) ((b) >= 0x20 && (b) <= 0x7e && (b) != '\\' && (b) != '"')
#define KEEP4(b) KEEP16(b), KEEP16((b) + 1), KEEP16((b) + 2), KEEP16((b) + 3)
#define KEEP16_ROW(b) KEEP4(b), KEEP4((b) + 4), KEEP4((b) + 8), KEEP4((b) + 12)
const uint8_t log_escape_keeps[256] = {
    KEEP16_ROW(0x00), KEEP16_ROW(0x10), KEEP16_ROW(0x20), KEEP16_ROW(0x30),
    KEEP16_ROW(0x40), KEEP16_ROW(0x50), KEEP16_ROW(0x60), KEEP16_ROW(0x70),
    KEEP16_ROW(0x80), KEEP16_ROW(0x90), KEEP16_ROW(0xa0), KEEP16_ROW(0xb0),
    KEEP16_ROW(0xc0), KEEP16_ROW(0xd0), KEEP16_ROW(0xe0), KEEP16_ROW(0xf0),
};

size_t log_escape(char *out, size_t room, const void *in, size_t len, int cut)
{
    const uint8_t *p = in;
    size_t used = 0, i = 0;
    /* Whole escapes while they fit; the marker's room is kept only once
     * the rest cannot fit whole. */
    while (i < len) {
        /* A run of bytes that stay: measured, then copied at once. */
        size_t run = 0;
        while (i + run < len && log_escape_keeps[p[i + run]])
            run++;
        if (run > room - used)
            run = room - used;
        memcpy(out + used, p + i, run);
        used += run;
        i += run;
        if (i == len)
            break;
        if (log_escape_keeps[p[i]] || used + 4 > room)
            break;      /* the run was cut at the room's end, or the escape does not fit */
        uint8_t b = p[i++];
        out[used++] = '\\';
        out[used++] = 'x';
        out[used++] = hex[b >> 4];
        out[used++] = hex[b & 15];
    }
    if (i == len && !cut)
        return used;
    /* Cut: give back whole escapes until the marker fits. A printable byte
     * is one character; an escape is four, starting with '\'. */
    while (used + LOG_ESCAPE_CUT_LEN > room && used > 0) {
        if (used >= 4 && out[used - 4] == '\\' && out[used - 3] == 'x')
            used -= 4;
        else
            used -= 1;
    }
    if (used + LOG_ESCAPE_CUT_LEN > room)
        return used;        /* room below the documented minimum: nothing more */
    memcpy(out + used, LOG_ESCAPE_CUT, LOG_ESCAPE_CUT_LEN);
    return used + LOG_ESCAPE_CUT_LEN;
}
