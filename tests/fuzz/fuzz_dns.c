/*
 * libFuzzer target: the DNS engine over the fixture blob. Each input is one
 * DNS message (as it arrives in a UDP datagram, or after the TCP length
 * prefix); it is answered over UDP and over TCP, and over UDP again with
 * only 512 bytes of room, each into a heap buffer of exactly that size so
 * ASan sees any write past it. fuzz_check_dns_answer() holds the invariants.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns_engine.h"
#include "fuzz_common.h"

static struct blob blob;
static uint8_t *out_big;    /* 65535 bytes, what the TCP transport gives */
static uint8_t *out_small;  /* 512 bytes, the least the engine works with */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    size_t size;
    (void)fuzz_load_blob(&blob, &size);
    out_big = malloc(65535);
    out_small = malloc(512);
    if (!out_big || !out_small)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65535)
        return 0;   /* no transport delivers more in one message */
    /* A copy of exactly the input's size: reads past the message are caught. */
    uint8_t *msg = malloc(size ? size : 1);
    if (!msg)
        abort();
    memcpy(msg, data, size);

    size_t n = dns_engine_answer(&blob, msg, size, DNS_OVER_UDP, out_big, 65535);
    fuzz_check_dns_answer(msg, size, out_big, n, DNS_OVER_UDP, 65535, true);

    n = dns_engine_answer(&blob, msg, size, DNS_OVER_UDP, out_small, 512);
    fuzz_check_dns_answer(msg, size, out_small, n, DNS_OVER_UDP, 512, true);

    n = dns_engine_answer(&blob, msg, size, DNS_OVER_TCP, out_big, 65535);
    fuzz_check_dns_answer(msg, size, out_big, n, DNS_OVER_TCP, 65535, true);

    /* Less room than the engine needs: no answer, and nothing written. */
    memset(out_small, 0xa5, 512);
    n = dns_engine_answer(&blob, msg, size, DNS_OVER_UDP, out_small, 511);
    FUZZ_CHECK(n == 0, "no answer with less than 512 bytes of room");
    for (size_t i = 0; i < 512; i++)
        FUZZ_CHECK(out_small[i] == 0xa5, "nothing written without room for an answer");

    free(msg);
    return 0;
}
