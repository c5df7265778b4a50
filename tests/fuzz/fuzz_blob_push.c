/*
 * libFuzzer target: the management request (src/http/blob_push.c) on
 * plaintext, as a client the TLS layer let through could send it. The key
 * is P-256's generator (the public key of the private key 1), so no
 * signature the fuzzer makes holds in practice: what is fuzzed is the
 * head, the size and signature checks, the body's bookkeeping and the
 * endings (the peer closing, the connection ending).
 *
 * Input: byte 0 picks the read sizes (1 + (byte + i) % 97 for the i-th
 * read) and, with bit 7 of byte 1, whether the peer closes at the end
 * rather than the connection being cut; the rest is the stream.
 *
 * Invariants: every byte offered is taken; memory is taken at most once,
 * for exactly the Content-Length, never over the maximum, and always given
 * back (nothing is installed); what goes out is an optional 100 Continue
 * then one final answer with a status line, Content-Length matching its
 * body and Connection: close; an outcome is told at most once.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "http/blob_push.h"

#define SIZE_MAX_PUSH (1u << 16)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int taken, given_back;
static size_t taken_size;

static void *take_memory(void *ctx, size_t size, int *status, char *why, size_t why_size)
{
    (void)ctx;
    (void)status;
    (void)why;
    (void)why_size;
    FUZZ_CHECK(size > 0 && size <= SIZE_MAX_PUSH, "memory asked for a size within the bound");
    taken++;
    taken_size = size;
    return malloc(size);
}

static void give_back(void *ctx, void *memory)
{
    (void)ctx;
    given_back++;
    free(memory);
}

static int install(void *ctx, void *memory, size_t size, char *message, size_t message_size)
{
    (void)ctx;
    (void)memory;
    (void)size;
    (void)message;
    (void)message_size;
    FUZZ_CHECK(0, "nothing is installed without a valid signature");
    return 500;
}

static const struct blob_key generator = {
    .point = {0x04, 0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6, 0xe5, 0x63, 0xa4, 0x40, 0xf2,
              0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb, 0x33, 0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2, 0x96,
              0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb, 0x4a, 0x7c, 0x0f, 0x9e, 0x16,
              0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31, 0x5e, 0xce, 0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51, 0xf5},
    .fingerprint = "generator",
};

/* Checks what went out: [100 Continue] then one whole final answer. */
static void check_output(const char *out, size_t len)
{
    static const char interim[] = "HTTP/1.1 100 Continue\r\n\r\n";
    if (len >= sizeof interim - 1 && memcmp(out, interim, sizeof interim - 1) == 0) {
        out += sizeof interim - 1;
        len -= sizeof interim - 1;
    }
    if (len == 0)
        return;
    FUZZ_CHECK(len > 13 && memcmp(out, "HTTP/1.1 ", 9) == 0 && out[9] >= '2' && out[9] <= '5',
               "the answer starts with a final status line");
    const char *end = NULL;
    for (size_t i = 0; i + 4 <= len; i++)
        if (memcmp(out + i, "\r\n\r\n", 4) == 0) {
            end = out + i + 4;
            break;
        }
    FUZZ_CHECK(end != NULL, "the answer's head ends");
    const char *cl = NULL;
    for (const char *p = out; p + 16 < end; p++)
        if (memcmp(p, "Content-Length: ", 16) == 0) {
            cl = p + 16;
            break;
        }
    FUZZ_CHECK(cl != NULL, "the answer has a Content-Length");
    FUZZ_CHECK((size_t)strtoul(cl, NULL, 10) == len - (size_t)(end - out), "Content-Length is the body's length");
    FUZZ_CHECK(memmem(out, (size_t)(end - out), "\r\nConnection: close\r\n", 21) != NULL, "Connection: close");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint8_t sizes = data[0];
    bool peer_closes = data[1] & 0x80;
    data += 2;
    size -= 2;
    taken = given_back = 0;
    struct blob_push_hooks hooks = {NULL, take_memory, give_back, install};
    struct blob_push p;
    blob_push_init(&p, &generator, SIZE_MAX_PUSH, &hooks);
    static char out[2 * BLOB_PUSH_ANSWER_MAX];
    size_t out_len = 0;
    int told = 0;
    for (size_t at = 0, i = 0; at < size; i++) {
        size_t n = 1 + (size_t)((sizes + i) % 97);
        if (n > size - at)
            n = size - at;
        FUZZ_CHECK(blob_push_feed(&p, data + at, n) == n, "every byte offered is taken");
        at += n;
        size_t len;
        const uint8_t *o;
        while ((o = blob_push_output(&p, &len))) {
            FUZZ_CHECK(out_len + len <= sizeof out, "the output is bounded");
            memcpy(out + out_len, o, len);
            out_len += len;
            blob_push_output_taken(&p, len);
        }
        int status;
        const char *message;
        if (blob_push_outcome(&p, &status, &message))
            told++;
    }
    if (peer_closes)
        blob_push_input_closed(&p);
    blob_push_end(&p);
    int status;
    const char *message;
    if (blob_push_outcome(&p, &status, &message))
        told++;
    FUZZ_CHECK(told <= 1, "an outcome is told at most once");
    FUZZ_CHECK(taken <= 1 && given_back == taken, "memory taken at most once, and given back");
    check_output(out, out_len);
    return 0;
}
