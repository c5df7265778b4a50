/*
 * What plain HTTP's redirect to HTTPS needs of a request head that arrives
 * in pieces: the request line and the Host lines, kept; every other header
 * line counted and dropped. So a connection waiting for the rest of its
 * head holds a few bytes of it, not the whole head nor the frames it came
 * in (https_redirect.h reads the kept lines as if they were the head).
 */
#ifndef UNIHOST_REDIRECT_HEAD_H
#define UNIHOST_REDIRECT_HEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "https_redirect.h"

enum redirect_head_state {
    REDIRECT_HEAD_REQUEST_LINE,     /* inside the request line */
    REDIRECT_HEAD_LINE_START,       /* at the start of a header line (or the empty line) */
    REDIRECT_HEAD_NAME,             /* reading the first bytes of a header line */
    REDIRECT_HEAD_KEEP,             /* inside a Host line */
    REDIRECT_HEAD_SKIP,             /* inside another header line */
    REDIRECT_HEAD_END_CR,           /* a CR at the start of a line: the empty line if LF follows */
    REDIRECT_HEAD_COMPLETE,         /* the head is whole: kept[] reads as one */
    REDIRECT_HEAD_TOO_LARGE,        /* over HTTPS_REDIRECT_HEAD_MAX bytes without its end: 431 */
    REDIRECT_HEAD_TOO_LONG,         /* the request line and Host lines do not fit kept[]: 414 */
};

struct redirect_head {
    enum redirect_head_state state;
    size_t seen;                    /* bytes of the head so far */
    size_t len;                     /* bytes in kept */
    size_t name_len;
    uint8_t name[5];                /* the start of the current header line */
    uint8_t kept[HTTPS_REDIRECT_OUT_MAX];
};

void redirect_head_init(struct redirect_head *h);

/* Takes bytes of the head; stops (returns fewer than `len`) once the head
 * is complete or refused. */
size_t redirect_head_feed(struct redirect_head *h, const uint8_t *data, size_t len);

/* True once the head is complete or refused (state past REDIRECT_HEAD_SKIP). */
bool redirect_head_done(const struct redirect_head *h);

#endif
