/*
 * What plain HTTP's redirect to HTTPS needs of a request head that arrives
 * in pieces: the request line and the Host lines, kept; every other field
 * line checked as https_redirect_answer() checks it (RFC 9112 5: a token
 * name right before the colon, no obs-fold, no control bytes in the value)
 * and dropped. So a connection waiting for the rest of its head holds a
 * few bytes of it, not the whole head nor the frames it came in, and the
 * answer is the one https_redirect_answer() gives the whole head: 301 from
 * the kept lines, 400 for a field line it would refuse, 431 past
 * HTTPS_REDIRECT_HEAD_MAX. One difference: a request line and Host lines
 * too long to keep (over HTTPS_REDIRECT_OUT_MAX together) get 414, where
 * the whole head would get 414 or, if malformed, 400.
 */
#ifndef UNIHOST_REDIRECT_HEAD_H
#define UNIHOST_REDIRECT_HEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/https_redirect.h"

enum redirect_head_state {
    REDIRECT_HEAD_START,            /* before the request line (empty lines are skipped) */
    REDIRECT_HEAD_REQUEST_LINE,
    REDIRECT_HEAD_LINE_START,       /* at the start of a field line, or of the empty line */
    REDIRECT_HEAD_END_CR,           /* a CR at the start of a line */
    REDIRECT_HEAD_NAME,             /* a field name */
    REDIRECT_HEAD_VALUE,            /* its value */
    REDIRECT_HEAD_VALUE_CR,         /* a CR in the value: the line's end if LF follows */
    /* Done: */
    REDIRECT_HEAD_COMPLETE,         /* the head is whole: kept[] reads as one; answer it */
    REDIRECT_HEAD_BAD,              /* whole, with a line https_redirect_answer() refuses: 400 */
    REDIRECT_HEAD_TOO_LARGE,        /* over HTTPS_REDIRECT_HEAD_MAX bytes without its end: 431 */
    REDIRECT_HEAD_TOO_LONG,         /* the request line and Host lines do not fit kept[]: 414 */
};

struct redirect_head {
    enum redirect_head_state state;
    size_t seen;                    /* bytes of the head so far */
    size_t len;                     /* bytes in kept */
    bool start_lf;                  /* an LF among the bytes before the request line */
    bool bad;                       /* a field line that is refused (answered once the head is whole) */
    bool keeping;                   /* the current field line is a Host line */
    size_t name_len;
    uint8_t name[4];                /* the first bytes of the field name */
    uint8_t kept[HTTPS_REDIRECT_OUT_MAX];
};

void redirect_head_init(struct redirect_head *h);

/* Takes bytes of the head; stops (returns fewer than `len`) once it is
 * done. */
size_t redirect_head_feed(struct redirect_head *h, const uint8_t *data, size_t len);

/* True once the head is complete or refused (state from REDIRECT_HEAD_COMPLETE on). */
bool redirect_head_done(const struct redirect_head *h);

#endif
