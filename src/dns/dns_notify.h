/*
 * NOTIFY (RFC 1996), the primary's side, sans I/O: the message that tells
 * a secondary a zone has a new serial, and the test of whether a datagram
 * is the reply to it. The service (core/dns_notify_service.h) sends,
 * retries and logs; TSIG signing, when the target names a key, wraps
 * these messages (dns_tsig.h).
 */
#ifndef UNIHOST_DNS_NOTIFY_H
#define UNIHOST_DNS_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "content/blob.h"

#define DNS_OPCODE_NOTIFY 4

/* Room enough for any NOTIFY: header, question and the SOA. */
#define DNS_NOTIFY_MAX 600

/*
 * Writes a NOTIFY for zone z with message ID `id`: opcode NOTIFY, AA set,
 * the question (apex, SOA, IN) and, as RFC 1996 section 3.7 allows, the
 * current SOA in the answer section, so the secondary learns the serial
 * at once. Returns the length, or 0 if `room` is too small.
 */
size_t dns_notify_make(const struct blob *b, const struct blob_dns_zone *z, uint16_t id, uint8_t *out,
                       size_t room);

enum dns_notify_reply {
    DNS_NOTIFY_NOT_OURS,    /* not the reply to this NOTIFY: ignore it */
    DNS_NOTIFY_ACKED,       /* the reply, NOERROR */
    DNS_NOTIFY_REFUSED,     /* the reply, with an error rcode (the secondary is not ours to tell) */
};

/*
 * Is msg[0..len) the reply to the NOTIFY for z sent with ID `id`? It must
 * be a response (QR), opcode NOTIFY, of that ID, with the same question
 * (RFC 1996 section 4.7's matching; the caller checks it came from the
 * target's address and port). *rcode gets its rcode.
 */
enum dns_notify_reply dns_notify_check_reply(const struct blob *b, const struct blob_dns_zone *z, uint16_t id,
                                             const uint8_t *msg, size_t len, unsigned *rcode);

/* The zone's SOA serial. */
uint32_t dns_notify_serial(const struct blob *b, const struct blob_dns_zone *z);

#endif
