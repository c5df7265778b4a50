/*
 * Zone transfers (AXFR, RFC 5936; IXFR answered with the whole zone, RFC
 * 1995 section 4) to the clients a zone's ACL in the blob allows. Like the
 * rest of the engine it does no I/O: the transport asks for one message at
 * a time, when it has room to send it, so a large zone never needs more
 * memory than one message.
 */
#ifndef UNIHOST_DNS_TRANSFER_H
#define UNIHOST_DNS_TRANSFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "content/blob.h"
#include "dns/dns_engine.h"
#include "wire/dns_name.h"
#include "dns/dns_query.h"
#include "wire/dns_wire.h"

/* Messages are kept to this size so a transfer interleaves with the TCP
 * window rather than waiting for 64 KiB of buffer; big zones take several. */
#define DNS_TRANSFER_MESSAGE_MAX 16384

/* The client asking, as the transport sees it. */
struct dns_peer {
    uint8_t family;                 /* 4 or 6 */
    uint8_t addr[16];               /* network byte order; IPv4 in the first 4 bytes */
};

/* One transfer in progress: caller-owned, and must not move while in use
 * (the copied query points into itself). */
struct dns_transfer {
    const struct blob *b;
    const struct blob_dns_zone *zone;
    uint8_t query[DNS_HEADER_SIZE + DNS_NAME_MAX + 4];  /* header and question */
    struct dns_query q;
    bool soa_only;                  /* IXFR over UDP: just the current SOA */
    bool soa_sent, done;
    uint32_t node, rrset, rdata;    /* the next record: indexes inside the zone's data */
};

/* Does the zone's ACL allow this client? */
bool dns_transfer_allowed(const struct blob *b, const struct blob_dns_zone *zone, const struct dns_peer *peer);

/*
 * If msg[0..len) is an AXFR (TCP only) or IXFR request for a zone the blob
 * serves, at its apex, that `peer` may transfer, prepares t and returns
 * true; the messages then come from dns_transfer_next(). Otherwise returns
 * false and the query is answered as any other (dns_engine_answer() refuses
 * it the way NSD does).
 */
bool dns_transfer_begin(struct dns_transfer *t, const struct blob *b, const uint8_t *msg, size_t len,
                        enum dns_transport transport, const struct dns_peer *peer);

/*
 * Writes the next message into out (room for out_size bytes, at least
 * DNS_TRANSFER_MESSAGE_MAX over TCP, 512 over UDP) and returns its length:
 * in all, the SOA, every other record of the zone (glue and DNSSEC records
 * included), the SOA again. Returns 0 once the transfer is complete, or,
 * with nothing consumed, when the next record alone needs more than
 * out_size (a record of up to 64 KiB: offer more room once the transport
 * has it, or give up if it never will).
 */
size_t dns_transfer_next(struct dns_transfer *t, uint8_t *out, size_t out_size);

/* True once every message of the transfer was produced. */
bool dns_transfer_done(const struct dns_transfer *t);

#endif
