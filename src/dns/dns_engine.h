/*
 * The authoritative DNS engine: a function from (blob, query bytes,
 * transport) to response bytes. No I/O, no allocation, no global state, so
 * the same code answers on tap and on Xen, in unit tests and under a fuzzer.
 */
#ifndef UNIHOST_DNS_ENGINE_H
#define UNIHOST_DNS_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "content/blob.h"

enum dns_transport { DNS_OVER_UDP, DNS_OVER_TCP };

/*
 * Answers the query in msg[0..len) into out (room for `out_size` bytes; 512
 * is enough for UDP without EDNS, 65535 for every case). Over UDP the answer
 * is kept within the size the client can take (512, or its EDNS payload size
 * capped by ours) and truncated with TC set when it does not fit. Returns the
 * response length, or 0 when the message deserves no answer (a response, or
 * shorter than a header).
 */
size_t dns_engine_answer(const struct blob *b, const uint8_t *msg, size_t len,
                         enum dns_transport transport, uint8_t *out, size_t out_size);

#endif
