/* Keeping the request line and Host lines of a head: see redirect_head.h. */
#include "http/redirect_head.h"

#include <string.h>

/* Room kept back for the empty line that closes the kept head. */
#define END_ROOM 2

void redirect_head_init(struct redirect_head *h)
{
    h->state = REDIRECT_HEAD_START;
    h->seen = 0;
    h->len = 0;
    h->start_lf = false;
    h->bad = false;
    h->keeping = false;
    h->name_len = 0;
}

bool redirect_head_done(const struct redirect_head *h)
{
    return h->state >= REDIRECT_HEAD_COMPLETE;
}

static void keep(struct redirect_head *h, const uint8_t *p, size_t n)
{
    if (h->len + n + END_ROOM > sizeof h->kept) {
        h->state = REDIRECT_HEAD_TOO_LONG;
        return;
    }
    memcpy(h->kept + h->len, p, n);
    h->len += n;
}

/* RFC 9110 5.6.2 tchar. */
static bool is_tchar(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static bool is_host(const struct redirect_head *h)
{
    static const char host[] = "host";
    if (h->name_len != 4)
        return false;
    for (size_t i = 0; i < 4; i++)
        if ((h->name[i] | 0x20) != host[i])
            return false;
    return true;
}

/* The head ended (its empty line): whole, or refused for a line in it. */
static void finish(struct redirect_head *h, const char *end, size_t end_len)
{
    if (h->bad) {
        h->state = REDIRECT_HEAD_BAD;
        return;
    }
    /* keep() held END_ROOM back for this very line. */
    memcpy(h->kept + h->len, end, end_len);
    h->len += end_len;
    h->state = REDIRECT_HEAD_COMPLETE;
}

/* A field line that https_redirect_answer() would refuse: skip to the
 * line's end, and answer 400 once the head is whole. */
static void refuse_line(struct redirect_head *h, uint8_t c)
{
    h->bad = true;
    h->keeping = false;
    h->state = c == '\n' ? REDIRECT_HEAD_LINE_START : REDIRECT_HEAD_VALUE;
}

static void step(struct redirect_head *h, uint8_t c)
{
    switch (h->state) {
    case REDIRECT_HEAD_START:
        /* Empty lines before the request line are ignored (RFC 9112
         * 2.2); a head of nothing else is refused. */
        if (c == '\n') {
            if (h->start_lf)
                h->state = REDIRECT_HEAD_BAD;
            h->start_lf = true;
        } else if (c != '\r') {
            h->state = REDIRECT_HEAD_REQUEST_LINE;
            keep(h, &c, 1);
        }
        break;
    case REDIRECT_HEAD_REQUEST_LINE:
        keep(h, &c, 1);
        if (c == '\n' && h->state == REDIRECT_HEAD_REQUEST_LINE)
            h->state = REDIRECT_HEAD_LINE_START;
        break;
    case REDIRECT_HEAD_LINE_START:
        if (c == '\n') {
            finish(h, "\n", 1);
        } else if (c == '\r') {
            h->state = REDIRECT_HEAD_END_CR;
        } else if (!is_tchar(c)) {
            refuse_line(h, c);      /* obs-fold, or a name that is no token */
        } else {
            h->name[0] = c;
            h->name_len = 1;
            h->state = REDIRECT_HEAD_NAME;
        }
        break;
    case REDIRECT_HEAD_END_CR:
        if (c == '\n')
            finish(h, "\r\n", 2);
        else
            refuse_line(h, c);      /* a line that starts with CR */
        break;
    case REDIRECT_HEAD_NAME:
        if (is_tchar(c)) {
            if (h->name_len < sizeof h->name)
                h->name[h->name_len] = c;
            h->name_len++;
        } else if (c == ':') {
            h->keeping = is_host(h);
            if (h->keeping) {
                keep(h, h->name, 4);
                keep(h, &c, 1);
            }
            h->state = h->state == REDIRECT_HEAD_TOO_LONG ? h->state : REDIRECT_HEAD_VALUE;
        } else {
            refuse_line(h, c);      /* no colon, or whitespace before it */
        }
        break;
    case REDIRECT_HEAD_VALUE:
        if (c == '\n') {
            if (h->keeping)
                keep(h, &c, 1);
            if (h->state == REDIRECT_HEAD_VALUE)
                h->state = REDIRECT_HEAD_LINE_START;
        } else if (c == '\r') {
            h->state = REDIRECT_HEAD_VALUE_CR;
        } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
            h->bad = true;          /* a control byte in a value */
            h->keeping = false;
        } else if (h->keeping) {
            keep(h, &c, 1);
        }
        break;
    case REDIRECT_HEAD_VALUE_CR:
        if (c == '\n') {
            if (h->keeping)
                keep(h, (const uint8_t *)"\r\n", 2);
            if (h->state == REDIRECT_HEAD_VALUE_CR)
                h->state = REDIRECT_HEAD_LINE_START;
        } else {
            /* A CR inside a value. */
            h->bad = true;
            h->keeping = false;
            h->state = REDIRECT_HEAD_VALUE;
            step(h, c);
        }
        break;
    default:
        break;
    }
}

size_t redirect_head_feed(struct redirect_head *h, const uint8_t *data, size_t len)
{
    size_t used = 0;
    while (used < len && !redirect_head_done(h)) {
        step(h, data[used++]);
        /* A head that has not ended within its first HTTPS_REDIRECT_HEAD_MAX
         * bytes is refused as soon as they are in, as the whole-head
         * reader refuses it. */
        if (++h->seen == HTTPS_REDIRECT_HEAD_MAX && !redirect_head_done(h))
            h->state = REDIRECT_HEAD_TOO_LARGE;
    }
    return used;
}
