/*
 * libFuzzer target: DNS over TCP as a stream engine (src/dns/dns_stream.c)
 * over the fixture blob, driven by a transport whose every choice is the
 * fuzzer's: which bytes arrive and in what pieces, how much of the output
 * is taken at each turn, and when the client half-closes.
 *
 * Input: byte 0 picks the client (allowed to transfer or not, IPv4 or
 * IPv6: transfers.conf allows 192.0.2.54 and 2001:db8::54) and the byte
 * the scratch buffer is poisoned with before each output() call. Then
 * operations, one byte each:
 *   00nnnnnn  FEED: the next n+1 input bytes arrive (then the transport
 *             offers every byte the engine has not taken yet);
 *   01kkkkkk  TAKE: one output() call, of which bite_sizes[k] bytes are
 *             taken (or what is offered, if less);
 *   10kkkkkk  DRAIN: output taken bite_sizes[k] bytes at a time until none;
 *   11xxxxxx  FIN: the client half-closes; the engine is told once every
 *             byte before it was taken (the TCP service tells it no sooner).
 * At the end, everything is drained as the service would.
 *
 * Invariants (a trap when broken), held against a reference model that
 * frames the bytes the engine took and answers them with
 * dns_engine_answer() and dns_transfer on their own:
 *  - feed() never takes more than offered (and is offered nothing once
 *    the engine finished: the TCP service closes then);
 *  - the output is a sequence of length-prefixed messages, each exactly
 *    the model's next message: the answer to the next query, or the next
 *    message of a transfer, in order;
 *  - a message taken in parts is made again for each part byte-identical
 *    to the first full copy (the scratch buffer is poisoned in between);
 *  - output exactly when the model has a message to send, and
 *    dns_stream_transfer_started() exactly when the model began a transfer;
 *  - FINISHED never while a complete query it took is unanswered, unless
 *    the engine stopped at a message it does not answer (short, a
 *    response, a length over DNS_STREAM_QUERY_MAX, a record too large for
 *    a transfer message); and only after FIN or such a stop;
 *  - FINISHED stays FINISHED; after everything is drained the engine is
 *    FINISHED if the client half-closed, else idle (0) or MID_REQUEST
 *    exactly when a partial query is buffered;
 *  - every loop ends within a bound set by the input's length.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns_stream.h"
#include "dns/dns_transfer.h"
#include "wire/dns_wire.h"
#include "fuzz_common.h"

#define INPUT_MAX 65536
#define MESSAGE_MAX (STREAM_SCRATCH_BYTES - 2)      /* as dns_stream.c makes them */

static struct blob blob;
static uint8_t *scratch;
static struct dns_stream *stream;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    size_t size;
    (void)fuzz_load_blob(&blob, &size);
    scratch = malloc(STREAM_SCRATCH_BYTES);     /* exactly the size the contract lends */
    stream = malloc(sizeof *stream);
    if (!scratch || !stream)
        abort();
    return 0;
}

static const struct stream_peer peers[4] = {
    {4, {192, 0, 2, 54}, 53001},                        /* allowed */
    {6, {0x20, 0x01, 0x0d, 0xb8, [15] = 0x54}, 53002},  /* allowed */
    {4, {192, 0, 2, 1}, 53003},                         /* not listed */
    {6, {0x20, 0x01, 0x0d, 0xb8, [15] = 0x01}, 53004},  /* not listed */
};

static const size_t bite_sizes[64] = {
    1,    2,    3,    4,    5,    7,    11,   12,   13,   14,    16,    17,    31,    32,    33,    64,
    100,  127,  128,  200,  255,  256,  257,  500,  511,  512,   513,   1000,  1023,  1024,  1460,  2048,
    4095, 4096, 4097, 8192, 9000, 16383, 16384, 16385, 30000, 32768, 40000, 65535, 65536, 65537, 1, 2,
    6,    8,    9,    10,   15,   18,   20,   24,   40,    48,    60,    80,    96,    150,   300,   65537,
};

/* ---- the reference model ------------------------------------------------------ */

static struct {
    struct dns_peer peer;
    uint8_t accepted[INPUT_MAX];    /* every byte the engine took, in order */
    size_t accepted_len;
    size_t next_query;              /* offset in accepted of the next query not yet answered or begun */
    bool transferring;
    struct dns_transfer xfr;
    bool stopped;                   /* at a message the engine does not answer */
    bool began_transfer;            /* since the last comparison with dns_stream_transfer_started() */
    uint8_t msg[2 + MESSAGE_MAX];   /* the message being sent, with its prefix */
    size_t msg_len;                 /* 0: none */
} model;

/* A complete query at next_query: its length, else SIZE_MAX. */
static size_t model_complete_query(void)
{
    size_t have = model.accepted_len - model.next_query;
    if (have < 2)
        return SIZE_MAX;
    size_t len = dns_get16(model.accepted + model.next_query);
    return len <= DNS_STREAM_QUERY_MAX && have >= 2 + len ? len : SIZE_MAX;
}

static bool model_head_over_long(void)
{
    return model.accepted_len - model.next_query >= 2 &&
           dns_get16(model.accepted + model.next_query) > DNS_STREAM_QUERY_MAX;
}

/* Makes the next message into model.msg; false if there is none to send
 * (yet, or ever: model.stopped). */
static bool model_next(void)
{
    for (int guard = 0; guard < 100000; guard++) {
        if (model.transferring) {
            size_t n = dns_transfer_next(&model.xfr, model.msg + 2, MESSAGE_MAX);
            if (n > 0) {
                dns_put16(model.msg, (uint16_t)n);
                model.msg_len = n + 2;
                return true;
            }
            model.transferring = false;
            if (!dns_transfer_done(&model.xfr)) {
                model.stopped = true;
                return false;
            }
            continue;
        }
        if (model.stopped)
            return false;
        if (model_head_over_long()) {
            model.stopped = true;
            return false;
        }
        size_t len = model_complete_query();
        if (len == SIZE_MAX)
            return false;
        const uint8_t *q = model.accepted + model.next_query + 2;
        model.next_query += 2 + len;
        size_t n;
        enum dns_action action =
            dns_engine_handle(&blob, NULL, q, len, DNS_OVER_TCP, &model.peer, &model.xfr, model.msg + 2, MESSAGE_MAX, &n);
        if (action == DNS_ACTION_TRANSFER) {
            model.transferring = true;
            model.began_transfer = true;
            continue;
        }
        if (action == DNS_ACTION_NONE) {
            model.stopped = true;
            return false;
        }
        dns_put16(model.msg, (uint16_t)n);
        model.msg_len = n + 2;
        return true;
    }
    FUZZ_CHECK(false, "the model ends (bounded)");
    return false;
}

/* ---- the transport -------------------------------------------------------------- */

static struct {
    uint8_t sent[INPUT_MAX];        /* what the client sent: the input bytes of FEED operations */
    size_t sent_len;
    size_t offered;                 /* of sent, how many the engine took */
    bool fin;                       /* the client half-closed */
    bool fin_told;
    bool finished;                  /* the engine said FINISHED */
    uint8_t poison;
    uint8_t first_copy[2 + MESSAGE_MAX];    /* the current message as the engine first made it */
    size_t taken;                   /* of the current message */
    size_t steps;
    size_t step_limit;
    size_t small_bites;             /* takes of less than a message left before bites grow (speed) */
} tp;

static void step(void)
{
    FUZZ_CHECK(++tp.steps <= tp.step_limit, "the conversation ends (bounded steps)");
}

/* The state, with the FINISHED invariants. */
static unsigned check_state(void)
{
    unsigned st = dns_stream_state(stream);
    FUZZ_CHECK((st & STREAM_FAILED) == 0, "a DNS stream never fails");
    FUZZ_CHECK(!tp.finished || st == STREAM_FINISHED, "FINISHED stays FINISHED");
    if (st & STREAM_FINISHED) {
        if (!tp.finished) {
            FUZZ_CHECK(model.msg_len == 0, "not FINISHED in the middle of a message");
            /* Nothing more may be owed: run the model on. */
            FUZZ_CHECK(!model_next(), "not FINISHED while a query taken is unanswered");
            FUZZ_CHECK(model.stopped || model_head_over_long() || tp.fin_told,
                       "FINISHED only after FIN or at a message it does not answer");
        }
        tp.finished = true;
    }
    return st;
}

/* The transport offers what the engine has not taken yet, then tells FIN
 * once there is nothing left to offer; nothing once the engine finished
 * (the service closes then). */
static void offer(void)
{
    if (tp.finished)
        return;
    size_t len = tp.sent_len - tp.offered;
    if (len > 0) {
        size_t used = dns_stream_feed(stream, tp.sent + tp.offered, len);
        FUZZ_CHECK(used <= len, "feed takes no more than offered");
        if (used > 0) {
            memcpy(model.accepted + model.accepted_len, tp.sent + tp.offered, used);
            model.accepted_len += used;
        }
        tp.offered += used;
    }
    if (tp.fin && !tp.fin_told && tp.offered == tp.sent_len && !tp.finished) {
        dns_stream_input_closed(stream);
        tp.fin_told = true;
    }
    check_state();
}

/* One output() call, `bite` bytes of it taken; false if nothing was offered. */
static bool take(size_t bite)
{
    step();
    size_t poisoned = model.msg_len ? model.msg_len : 512;
    memset(scratch, tp.poison, poisoned < STREAM_SCRATCH_BYTES ? poisoned : STREAM_SCRATCH_BYTES);
    struct stream_chunk c;
    bool got = dns_stream_output(stream, scratch, &c);
    bool started = dns_stream_transfer_started(stream);
    if (!got) {
        if (model.msg_len == 0)
            FUZZ_CHECK(!model_next(), "output exactly when an answer is owed (the engine withholds one)");
        else
            FUZZ_CHECK(false, "output exactly when an answer is owed (a message stops half taken)");
        FUZZ_CHECK(started == model.began_transfer, "transfer_started() exactly when a transfer began");
        model.began_transfer = false;
        check_state();
        return false;
    }
    FUZZ_CHECK(!tp.finished, "no output once FINISHED");
    FUZZ_CHECK(c.len > 0 && c.data != NULL, "offered output is not empty");
    FUZZ_CHECK(!c.stable, "made in scratch: not stable");
    if (tp.taken == 0) {
        /* A new message: whole, one length-prefixed message, the model's. */
        FUZZ_CHECK(model.msg_len == 0, "the model's message was all taken");
        FUZZ_CHECK(model_next(), "output exactly when an answer is owed (the engine sends one too many)");
        FUZZ_CHECK(c.len >= 2 && c.len == 2 + (size_t)dns_get16(c.data), "one whole length-prefixed message");
        FUZZ_CHECK(c.len == model.msg_len && memcmp(c.data, model.msg, c.len) == 0,
                   "each message is the model's next: the answer, in order");
        FUZZ_CHECK(c.len >= 2 + 12, "a message holds at least a header");
        memcpy(tp.first_copy, c.data, c.len);
    } else {
        FUZZ_CHECK(c.len == model.msg_len - tp.taken, "the rest of the message is offered");
        FUZZ_CHECK(memcmp(c.data, tp.first_copy + tp.taken, c.len) == 0,
                   "a message made again is byte-identical to its first copy");
        if (c.data == scratch + tp.taken)
            FUZZ_CHECK(memcmp(scratch, tp.first_copy, tp.taken) == 0,
                       "a message made again is byte-identical to its first copy (its taken part too)");
    }
    FUZZ_CHECK(started == model.began_transfer, "transfer_started() exactly when a transfer began");
    model.began_transfer = false;
    if (bite < c.len) {
        /* Each part makes the message again: a transfer's 16 KB messages
         * taken a byte at a time would cost tens of milliseconds an input. */
        if (tp.small_bites == 0)
            bite = c.len;
        else
            tp.small_bites--;
    }
    size_t n = c.len < bite ? c.len : bite;
    dns_stream_output_taken(stream, n);
    tp.taken += n;
    if (tp.taken == model.msg_len) {
        tp.taken = 0;
        model.msg_len = 0;
    }
    check_state();
    return true;
}

static void drain(size_t bite)
{
    while (take(bite))
        offer();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > INPUT_MAX)
        return 0;
    const struct stream_peer *peer = &peers[data[0] & 3];
    dns_stream_init(stream, &blob, peer);
    memset(&model.peer, 0, sizeof model.peer);
    model.peer.family = peer->family;
    memcpy(model.peer.addr, peer->addr, sizeof model.peer.addr);
    model.accepted_len = model.next_query = model.msg_len = 0;
    model.transferring = model.stopped = model.began_transfer = false;
    memset(&tp, 0, sizeof tp);
    tp.poison = (uint8_t)(data[0] | 0x80);
    /* Each operation makes at most a bounded number of output() calls, a
     * DRAIN one per bite of what is owed; transfers of the fixture zones
     * are a few hundred KB. */
    tp.step_limit = 64 * size + 4000000;
    tp.small_bites = 256;
    FUZZ_CHECK(check_state() == 0, "a new stream is idle");

    size_t at = 1;
    while (at < size) {
        uint8_t op = data[at++];
        switch (op >> 6) {
        case 0: {
            size_t n = (size_t)(op & 63) + 1;
            if (n > size - at)
                n = size - at;
            if (!tp.fin) {      /* nothing arrives after FIN */
                memcpy(tp.sent + tp.sent_len, data + at, n);
                tp.sent_len += n;
            }
            at += n;
            break;
        }
        case 1:
            take(bite_sizes[op & 63]);
            break;
        case 2:
            drain(bite_sizes[op & 63]);
            break;
        case 3:
            tp.fin = true;
            break;
        }
        offer();
    }

    /* The end: the service takes and feeds until nothing moves. */
    for (int round = 0; round < 100000; round++) {
        size_t before = tp.offered;
        drain(65536);
        offer();
        if (tp.offered == before && !take(65536))
            break;
        FUZZ_CHECK(round < 99999, "the end comes (bounded rounds)");
    }
    unsigned st = check_state();
    FUZZ_CHECK(!model_next() || tp.finished, "everything owed was sent");
    if (tp.fin) {
        FUZZ_CHECK(st == STREAM_FINISHED, "after FIN and a full drain, FINISHED");
    } else if (!tp.finished) {
        bool partial = model.accepted_len > model.next_query;
        FUZZ_CHECK(st == (partial ? STREAM_MID_REQUEST : 0u),
                   "drained and open: MID_REQUEST exactly when a partial query is buffered, else idle");
    }
    return 0;
}
