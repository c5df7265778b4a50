/* Escaping for the log: see log_escape.h. */
#include "log/log_escape.h"

#include <stdint.h>
#include <string.h>

static const char hex[] = "0123456789abcdef";

size_t log_escape(char *out, size_t room, const void *in, size_t len, int cut)
{
    const uint8_t *p = in;
    size_t used = 0, i = 0;
    /* Whole escapes while they fit; the marker's room is kept only once
     * the rest cannot fit whole. */
    for (; i < len; i++) {
        uint8_t b = p[i];
        size_t need = b >= 0x20 && b <= 0x7e && b != '\\' && b != '"' ? 1 : 4;
        if (used + need > room)
            break;
        if (need == 1) {
            out[used++] = (char)b;
        } else {
            out[used++] = '\\';
            out[used++] = 'x';
            out[used++] = hex[b >> 4];
            out[used++] = hex[b & 15];
        }
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
