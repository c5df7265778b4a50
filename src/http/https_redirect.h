/*
 * Plain HTTP's answer when HTTPS is on: every request gets a 301 to the
 * same target over HTTPS, built from its request line and Host header. It
 * is its own small parser, not the HTTP engine: it only needs the request
 * head, answers everything alike, and closes the connection after.
 */
#ifndef UNIHOST_HTTPS_REDIRECT_H
#define UNIHOST_HTTPS_REDIRECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http_challenge.h"

#define HTTPS_REDIRECT_HEAD_MAX 8192    /* a longer request head gets 431 */
#define HTTPS_REDIRECT_OUT_MAX 4096     /* room the caller gives for the answer */

/*
 * Looks at the first `len` bytes received on a connection. Returns 0 while
 * the request head is incomplete (and shorter than
 * HTTPS_REDIRECT_HEAD_MAX); otherwise writes the whole answer into `out`
 * (`out_size` at least HTTPS_REDIRECT_OUT_MAX) and returns its length: 301
 * with Location https://HOST/TARGET, or 400 (no usable Host, a malformed
 * request line or target), 414 (target too long for a Location) or 431
 * (head too large). Every answer says Connection: close. `now` is the wall
 * clock in seconds, for Date.
 */
size_t https_redirect_answer(const uint8_t *req, size_t len, uint64_t now, char *out, size_t out_size);

/* The same error answer https_redirect_answer() gives for `status` (400,
 * 414 or 431), for a caller that judged the request itself (a head read in
 * pieces: redirect_head.h). */
size_t https_redirect_error(int status, uint64_t now, char *out, size_t out_size);

/*
 * ACME HTTP-01 while HTTPS is on (RFC 8555 8.3: the CA starts on port 80,
 * over plain HTTP): the pending token of `t` that the whole request head
 * req[0..len) asks for with GET or HEAD (*head_only for HEAD), or NULL.
 * Only a head https_redirect_answer() would redirect gets one: what it
 * refuses (400, 431) is refused alike, and any other head is redirected.
 */
const struct http_challenge *https_redirect_challenge(const uint8_t *req, size_t len, const struct http_challenges *t,
                                                      bool *head_only);

/* The answer to it, written as https_redirect_answer() writes its own:
 * 200, application/octet-stream, the key authorization `value` (not for
 * HEAD), Connection: close. Returns its length (0: out_size too small). */
size_t https_redirect_challenge_answer(const char *value, size_t value_len, bool head_only, uint64_t now, char *out,
                                       size_t out_size);

#endif
