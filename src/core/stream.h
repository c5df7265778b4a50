/*
 * The contract between the TCP service (src/net/tcp_service.h) and the
 * protocols' stream engines (src/dns/dns_stream.h, src/http/http_stream.h).
 * An engine is a sans-I/O state machine in BearSSL's shape: the transport
 * feeds it received bytes, takes the bytes it has to send, and asks its
 * state; it never sees lwIP, a socket or a clock of its own. The same
 * engine runs under the TCP service, in the unit tests and in the fuzzers.
 */
#ifndef UNIHOST_STREAM_H
#define UNIHOST_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The remote end of a connection. */
struct stream_peer {
    uint8_t family;             /* 4 or 6 */
    uint8_t addr[16];           /* network byte order; IPv4 in the first 4 bytes */
    uint16_t port;
};

/* Bytes to send: in the engine's memory, in the blob, or in the scratch
 * buffer the transport lent to output(). */
struct stream_chunk {
    const uint8_t *data;
    size_t len;
    bool stable;                /* lives as long as the blob: the transport may keep a pointer to it */
};

/* The room a transport lends an engine's output(): the largest message an
 * engine writes there, a DNS message over TCP with its length prefix. */
#define STREAM_SCRATCH_BYTES (2 + 65535)

/* What an engine says of itself (a bit set). */
enum {
    STREAM_MID_REQUEST = 1,     /* the peer began something not finished yet: the request timeout runs */
    STREAM_RESPONDING = 2,      /* output is pending or being made: the peer's turn to read */
    STREAM_FINISHED = 4,        /* all said and taken, nothing more will be: close (gracefully) */
    STREAM_FAILED = 8,          /* give up at once: reset, sending nothing more */
};

/* An engine as the transport drives it: each function takes the engine's
 * memory (one element of an array the transport's caller owns). */
struct stream_engine_ops {
    /* A new connection from `peer`; `arg` is the listener's. false refuses
     * it (the transport resets it). */
    bool (*open)(void *engine, const struct stream_peer *peer, void *arg);
    /* Received bytes; returns how many were consumed: fewer, maybe none,
     * while the engine waits for its output to be taken. */
    size_t (*feed)(void *engine, const uint8_t *data, size_t len);
    /* The peer will send nothing more (TCP FIN). */
    void (*input_closed)(void *engine);
    /*
     * The next bytes to send, if any. The engine may write them into
     * `scratch` (STREAM_SCRATCH_BYTES; valid until the next call into any
     * engine). `room` is how many bytes the transport can take now; a
     * longer chunk is allowed, then only a prefix is taken.
     */
    bool (*output)(void *engine, uint8_t *scratch, size_t room, struct stream_chunk *out);
    /* n bytes of the last chunk were taken. */
    void (*output_taken)(void *engine, size_t n);
    /* STREAM_* bits. */
    unsigned (*state)(const void *engine);
    /* The connection is over (closed, reset or shed): release what the
     * engine holds beyond its own memory. Called once per open(). */
    void (*closed)(void *engine);
};

#endif
