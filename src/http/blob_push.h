/*
 * The management protocol's one request, as a sans-I/O engine over
 * plaintext: HTTP/1.1 `PUT /blob` with a Content-Length, the blob's
 * signature in a `Blob-Signature: <base64 of the DER ECDSA signature>`
 * header, and the blob as the body (docs/xen.md, "Pushing content").
 *
 * The head is read whole (at most BLOB_PUSH_HEAD_MAX bytes) and judged
 * before any body byte is taken: a method or target other than PUT /blob,
 * no or two Content-Lengths, a chunked body, a size over the maximum, a
 * missing or malformed signature are answered at once. Then the body goes
 * straight into memory the caller gives (hooks->take_memory, exactly
 * Content-Length bytes), hashed with SHA-256 as it arrives; once it is all
 * there the signature is checked against that hash, and only a blob whose
 * signature holds is handed to hooks->install. Every answer is one status
 * line with a one-line text body, and the connection closes after it.
 *
 * A peer that closes before the whole body arrived gets no answer; the
 * memory goes back (hooks->give_back) and nothing else changes.
 */
#ifndef UNIHOST_HTTP_BLOB_PUSH_H
#define UNIHOST_HTTP_BLOB_PUSH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

#include "crypto/blob_signature.h"

#define BLOB_PUSH_HEAD_MAX 4096
#define BLOB_PUSH_ANSWER_MAX 512
#define BLOB_PUSH_MESSAGE_MAX 256

struct blob_push_hooks {
    void *ctx;
    /* Memory for a body of `size` bytes; NULL if none can be had now, with
     * the status to answer (503: another push is under way; 507: not that
     * much memory free) and why in `why`. */
    void *(*take_memory)(void *ctx, size_t size, int *status, char *why, size_t why_size);
    /* Memory from take_memory that will not be installed. */
    void (*give_back)(void *ctx, void *memory);
    /* A whole body whose signature holds: make it the content. Its memory
     * is the hook's from here on, accepted or not. Returns the status to
     * answer (200, or 422 if it is not a blob unihost can serve) with a
     * line of text for the answer in `message`. */
    int (*install)(void *ctx, void *memory, size_t size, char *message, size_t message_size);
};

enum blob_push_phase {
    BLOB_PUSH_HEAD,         /* reading the request head */
    BLOB_PUSH_BODY,         /* reading the body into the memory taken */
    BLOB_PUSH_ANSWERED,     /* the answer is made: sending it, input dropped */
    BLOB_PUSH_ABANDONED,    /* the peer left mid-request: nothing to answer */
};

struct blob_push {
    const struct blob_key *key;
    const struct blob_push_hooks *hooks;
    size_t size_max;
    enum blob_push_phase phase;
    size_t head_len;
    uint64_t content_length;
    uint8_t *body;              /* the memory taken; NULL once given back or installed */
    size_t body_len;
    br_sha256_context hash;
    uint8_t signature[BLOB_SIGNATURE_MAX];
    size_t signature_len;
    /* What goes out: "100 Continue" if the client asked for it, then the
     * answer; `answer_taken` of `answer_len` bytes are out. */
    size_t answer_len, answer_taken;
    /* The outcome for the log: status 0 until there is one. */
    int status;
    bool outcome_told;
    char message[BLOB_PUSH_MESSAGE_MAX];
    char answer[BLOB_PUSH_ANSWER_MAX];
    char head[BLOB_PUSH_HEAD_MAX];
};

/* Ready for a connection's one request; `key` and `hooks` are kept by
 * pointer. A Content-Length over `size_max` is answered 413. */
void blob_push_init(struct blob_push *p, const struct blob_key *key, size_t size_max,
                    const struct blob_push_hooks *hooks);

/* Received plaintext; returns how much was taken (all of it: bytes after
 * the request, or after an answer, are dropped). */
size_t blob_push_feed(struct blob_push *p, const uint8_t *data, size_t len);

/* The peer sends nothing more. */
void blob_push_input_closed(struct blob_push *p);

/* The answer's bytes not yet taken, if any; then blob_push_output_taken(). */
const uint8_t *blob_push_output(const struct blob_push *p, size_t *len);
void blob_push_output_taken(struct blob_push *p, size_t n);

/* True while a request is begun and not answered (the request timeout
 * runs); true once all that will be said was taken. */
bool blob_push_mid_request(const struct blob_push *p);
bool blob_push_done(const struct blob_push *p);

/* The outcome, once, when there is one: the status (0 for a push the peer
 * abandoned) and a line saying what happened. False otherwise. */
bool blob_push_outcome(struct blob_push *p, int *status, const char **message);

/* The connection is over: memory still held goes back. */
void blob_push_end(struct blob_push *p);

#endif
