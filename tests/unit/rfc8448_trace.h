/*
 * RFC 8448 section 3 ("Simple 1-RTT Handshake"): the client's side of the
 * trace the TLS 1.3 tests and fuzzer start from (its ClientHello and its
 * X25519 private key), and a hex decoder for the trace's values.
 */
#ifndef UNIHOST_TEST_RFC8448_TRACE_H
#define UNIHOST_TEST_RFC8448_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* TLS 1.3, an X25519 share, ECDSA P-256 among the signature schemes,
 * SNI "server", record_size_limit. */
static const char rfc8448_client_hello_hex[] =
    "010000c00303cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef"
    "6283024dece7000006130113031302010000910000000b000900000673657276"
    "6572ff01000100000a00140012001d0017001800190100010101020103010400"
    "230000003300260024001d002099381de560e4bd43d23d8e435a7dbafeb3c06e"
    "51c13cae4d5413691e529aaf2c002b0003020304000d0020001e040305030603"
    "020308040805080604010501060102010402050206020202002d00020101001c"
    "00024001";
static const char rfc8448_client_x25519_private_hex[] =
    "49af42ba7f7994852d713ef2784bcbcaa7911de26adc5642cb634540e7ea5005";

/* Where, in that hello, the extensions block's length, the key share's
 * group and the share's 32 bytes are. */
#define RFC8448_HELLO_EXTS_LEN_AT 49
#define RFC8448_HELLO_SHARE_GROUP_AT 105
#define RFC8448_HELLO_SHARE_AT 109

/* Decodes hex into out; returns the number of bytes. */
static inline size_t rfc8448_unhex(const char *hex, uint8_t *out)
{
    size_t n = strlen(hex) / 2;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
    return n;
}

#endif
