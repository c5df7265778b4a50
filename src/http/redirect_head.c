/* Keeping the request line and Host lines of a head: see redirect_head.h. */
#include "redirect_head.h"

#include <string.h>

/* Room kept back for the empty line that closes the kept head. */
#define END_ROOM 2

void redirect_head_init(struct redirect_head *h)
{
    h->state = REDIRECT_HEAD_REQUEST_LINE;
    h->seen = 0;
    h->len = 0;
    h->name_len = 0;
}

bool redirect_head_done(const struct redirect_head *h)
{
    return h->state >= REDIRECT_HEAD_COMPLETE;
}

static bool keep(struct redirect_head *h, const uint8_t *p, size_t n)
{
    if (h->len + n + END_ROOM > sizeof h->kept) {
        h->state = REDIRECT_HEAD_TOO_LONG;
        return false;
    }
    memcpy(h->kept + h->len, p, n);
    h->len += n;
    return true;
}

static bool is_host(const uint8_t name[5])
{
    static const char host[] = "host:";
    for (size_t i = 0; i < 5; i++)
        if ((name[i] | 0x20) != host[i])
            return false;
    return true;
}

/* The header line's first bytes are known (5 of them, or the line ended
 * sooner, `c` being its end): keep the line if it is a Host line. */
static void decide(struct redirect_head *h, uint8_t c, bool line_ended)
{
    if (h->name_len == 5 && is_host(h->name)) {
        if (keep(h, h->name, 5))
            h->state = REDIRECT_HEAD_KEEP;
        if (line_ended && h->state == REDIRECT_HEAD_KEEP && keep(h, &c, 1))
            h->state = REDIRECT_HEAD_LINE_START;
        return;
    }
    h->state = line_ended ? REDIRECT_HEAD_LINE_START : REDIRECT_HEAD_SKIP;
}

static void step(struct redirect_head *h, uint8_t c)
{
    switch (h->state) {
    case REDIRECT_HEAD_REQUEST_LINE:
        if (keep(h, &c, 1) && c == '\n')
            h->state = REDIRECT_HEAD_LINE_START;
        break;
    case REDIRECT_HEAD_LINE_START:
        if (c == '\n') {
            keep(h, &c, 1);             /* END_ROOM keeps room for it */
            h->state = REDIRECT_HEAD_COMPLETE;
        } else if (c == '\r') {
            h->state = REDIRECT_HEAD_END_CR;
        } else {
            h->name[0] = c;
            h->name_len = 1;
            h->state = REDIRECT_HEAD_NAME;
        }
        break;
    case REDIRECT_HEAD_END_CR:
        if (c == '\n') {
            keep(h, (const uint8_t *)"\r\n", 2);
            h->state = REDIRECT_HEAD_COMPLETE;
        } else {
            h->state = REDIRECT_HEAD_SKIP;  /* a line that starts with CR: not the empty line, not Host */
        }
        break;
    case REDIRECT_HEAD_NAME:
        if (c == '\n') {
            decide(h, c, true);
        } else {
            h->name[h->name_len++] = c;
            if (h->name_len == 5)
                decide(h, c, false);
        }
        break;
    case REDIRECT_HEAD_KEEP:
        if (keep(h, &c, 1) && c == '\n')
            h->state = REDIRECT_HEAD_LINE_START;
        break;
    case REDIRECT_HEAD_SKIP:
        if (c == '\n')
            h->state = REDIRECT_HEAD_LINE_START;
        break;
    default:
        break;
    }
}

size_t redirect_head_feed(struct redirect_head *h, const uint8_t *data, size_t len)
{
    size_t used = 0;
    while (used < len && !redirect_head_done(h)) {
        if (h->seen == HTTPS_REDIRECT_HEAD_MAX) {
            h->state = REDIRECT_HEAD_TOO_LARGE;
            break;
        }
        step(h, data[used++]);
        h->seen++;
    }
    return used;
}
