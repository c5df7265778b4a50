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
#include "dns/dns_query.h"
#include "dns/dns_tsig.h"
#include "wire/dns_name.h"
#include "wire/dns_wire.h"

/* Messages are kept to this size so a transfer interleaves with the TCP
 * window rather than waiting for 64 KiB of buffer; big zones take several. */
#define DNS_TRANSFER_MESSAGE_MAX 16384

/* One transfer in progress: caller-owned, and must not move while in use
 * (the copied query points into itself). */
struct dns_transfer {
    const struct blob *b;
    const struct blob_dns_zone *zone;
    uint8_t query[DNS_HEADER_SIZE + DNS_NAME_MAX + 4];  /* header and question */
    struct dns_query q;
    bool soa_sent, done;
    uint32_t node, rrset, rdata;    /* the next record: node within the zone, RRset within the node */
    /* A TSIG-signed request's exchange: every message is signed, each
     * covering the one before (RFC 8945 5.3.1), at time `now` (seconds
     * since the epoch, which the transport sets before each message). */
    bool signed_request;
    struct dns_tsig_state tsig;
    uint64_t now;
};

/* Does the zone's ACL allow this client, whose request was signed with
 * the TSIG key of index `key` (verified), or by none (BLOB_DNS_NO_KEY)?
 * An entry that names a key allows only requests signed with it. */
bool dns_transfer_allowed(const struct blob *b, const struct blob_dns_zone *zone, const struct dns_peer *peer,
                          uint16_t key);

/*
 * Prepares t to transfer `zone` in answer to the parsed query q (an AXFR
 * or IXFR at the zone's apex, from a client the ACL allows: the engine's
 * entry point, dns_engine_handle(), decides that). The messages then come
 * from dns_transfer_next(). `tsig` is the verified request's TSIG
 * exchange, or NULL for an unsigned request.
 */
void dns_transfer_start(struct dns_transfer *t, const struct blob *b, const struct blob_dns_zone *zone,
                        const uint8_t *msg, const struct dns_query *q, const struct dns_tsig_state *tsig,
                        uint64_t now);

/*
 * An IXFR over UDP gets only the current SOA, and the client then asks
 * over TCP if its serial is older (RFC 1995 section 2): writes that one
 * message into out and returns its length.
 */
size_t dns_transfer_soa_answer(const struct blob *b, const struct blob_dns_zone *zone, const uint8_t *msg,
                               const struct dns_query *q, struct dns_tsig_state *tsig, uint64_t now, uint8_t *out,
                               size_t out_size);

/*
 * Writes the next message into out (room for out_size bytes, at least
 * DNS_TRANSFER_MESSAGE_MAX) and returns its length:
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
