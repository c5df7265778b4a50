/* One DER TLV at a time (der_read.h). */
#include "acme/der_read.h"

#include <stddef.h>

bool der_next(struct der_cursor *c, uint8_t *tag, struct der_cursor *inner)
{
    if (c->end - c->p < 2)
        return false;
    size_t len = c->p[1];
    const uint8_t *q = c->p + 2;
    if (len & 0x80) {
        size_t bytes = len & 0x7f;
        if (bytes == 0 || bytes > 4 || (size_t)(c->end - q) < bytes)
            return false;
        len = 0;
        for (size_t i = 0; i < bytes; i++)
            len = len << 8 | *q++;
    }
    if ((size_t)(c->end - q) < len)
        return false;
    *tag = c->p[0];
    inner->p = q;
    inner->end = q + len;
    c->p = q + len;
    return true;
}
