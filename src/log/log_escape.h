/*
 * Escaping for the log: every byte a client chose (a request target, a
 * User-Agent, a TLS server name, a DNS name) goes through here before it
 * joins a log line, so that no client can end a line early, forge one, or
 * send escape sequences to the terminal that shows the console.
 *
 * Printable ASCII (0x20-0x7e) stays as it is, except '\' and '"'; every
 * other byte, those two included, becomes "\xHH" (two lowercase hex
 * digits), the scheme nginx uses for its access log. So an escaped field
 * holds only printable ASCII, never a '"' (it can sit between quotes), and
 * a '\' in it always starts "\x".
 *
 * A field longer than its room is cut at a whole escape and ends with
 * LOG_ESCAPE_CUT, which no escaped text contains otherwise (its '\' is not
 * followed by 'x').
 */
#ifndef UNIHOST_LOG_ESCAPE_H
#define UNIHOST_LOG_ESCAPE_H

#include <stddef.h>
#include <stdint.h>

#define LOG_ESCAPE_CUT "\\..."
#define LOG_ESCAPE_CUT_LEN 4

/*
 * Writes the escaped form of in[0..len) into out, at most `room` bytes
 * (room >= LOG_ESCAPE_CUT_LEN), no NUL; returns how many. When the whole of
 * it does not fit, or `cut` says the input itself was already cut by its
 * keeper, the output ends with LOG_ESCAPE_CUT and still fits `room`.
 */
size_t log_escape(char *out, size_t room, const void *in, size_t len, int cut);

/* 1 for a byte that stays as it is, 0 for one that becomes \xHH. */
extern const uint8_t log_escape_keeps[256];

#endif
