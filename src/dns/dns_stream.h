/*
 * DNS over TCP as a sans-I/O stream engine (src/core/stream.h): two-byte
 * length prefixes (RFC 1035 4.2.2), queries pipelined and answered in
 * order (RFC 7766 6.2.1.1 allows out of order; in order is simpler and
 * what clients expect of an authoritative server), zone transfers
 * (dns_transfer.h) one message at a time with the queries behind them
 * waiting their turn.
 *
 * Answers are not kept: the engine writes the current message into the
 * transport's scratch buffer each time it is asked, from the query (or the
 * transfer's position before that message). The same query against the
 * same blob gives the same bytes, so a message the transport takes in
 * parts is made again for each part, and a connection holds no answer
 * memory however large its answers are.
 *
 * Ends (STREAM_FINISHED) after the client half-closed and everything asked
 * before was answered (RFC 7766 6.2.4); or, likewise in order, at a
 * message it does not answer (shorter than a header, a response) or whose
 * length is over DNS_STREAM_QUERY_MAX: answering nothing there would leave
 * the client waiting until a timeout, so the server closes, as NSD does.
 */
#ifndef UNIHOST_DNS_STREAM_H
#define UNIHOST_DNS_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "content/blob.h"
#include "dns/dns_engine.h"
#include "dns/dns_transfer.h"
#include "core/stream.h"

#define DNS_STREAM_QUERY_MAX 4096   /* a query needs far less */

struct dns_stream {
    const struct blob *blob;        /* the current message's (and a transfer's, to its end) */
    /* The blob new messages are answered from, asked when each begins
     * (with *env: the two are pinned together); NULL: always `blob`. Set
     * by the caller after dns_stream_init(), as env is. */
    const struct blob *(*current_blob)(void);
    /* The host's clock and state (dns_engine.h), NULL for none; set by
     * the caller after dns_stream_init(). */
    const struct dns_engine_env *env;
    struct dns_engine_env pinned;   /* *env when the current message began */
    struct dns_peer peer;           /* for the transfer ACLs */
    size_t len;                     /* bytes buffered in buf */
    uint8_t buf[2 + DNS_STREAM_QUERY_MAX];
    bool input_closed;              /* the peer half-closed: answer what is here, then finish */
    bool stop;                      /* a message we do not answer is at the head: finish there */
    bool transferring;
    bool transfer_started;          /* for dns_stream_transfer_started() */
    size_t taken;                   /* bytes of the current message (with its prefix) already taken */
    size_t current_len;             /* its length, from the last output() */
    struct dns_transfer xfr;        /* the transfer, before the current message */
    struct dns_transfer xfr_next;   /* the transfer, after it */
};

void dns_stream_init(struct dns_stream *s, const struct blob *blob, const struct stream_peer *peer);

/* Takes received bytes while the buffer has room; returns how many. */
size_t dns_stream_feed(struct dns_stream *s, const uint8_t *data, size_t len);

void dns_stream_input_closed(struct dns_stream *s);

/* Writes the rest of the current message into `scratch`
 * (STREAM_SCRATCH_BYTES) and points *out at it; false if nothing is to be
 * sent now. */
bool dns_stream_output(struct dns_stream *s, uint8_t *scratch, struct stream_chunk *out);

void dns_stream_output_taken(struct dns_stream *s, size_t n);

/* STREAM_* bits. */
unsigned dns_stream_state(const struct dns_stream *s);

/* True if a zone transfer began on this connection since the last call
 * (for the log). */
bool dns_stream_transfer_started(struct dns_stream *s);

#endif
