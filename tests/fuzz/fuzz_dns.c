/*
 * libFuzzer target: the DNS engine over the fixture blob. Each input is one
 * DNS message (as it arrives in a UDP datagram, or after the TCP length
 * prefix); it is answered over UDP and over TCP, and over UDP again with
 * only 512 bytes of room, each into a heap buffer of exactly that size so
 * ASan sees any write past it. fuzz_check_dns_answer() holds the invariants.
 * Then once more as the service runs the engine, with its environment:
 * cookie secrets, a rate limiter and a keyring of TSIG keys, so that
 * COOKIE options, TSIG records and the slip path are parsed and answered
 * too; and the message is offered as the reply to a NOTIFY of ours,
 * signed and unsigned. Both ways, runtime `_acme-challenge` TXT records
 * (dns_challenge.h) lie over the zones: several values at one name, a
 * value of the greatest length, names in an unsigned zone, below a zone
 * cut and in a signed zone, so a query for any of them meets the overlay.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns_engine.h"
#include "dns/dns_notify.h"
#include "wire/dns_wire.h"
#include "fuzz_common.h"

static struct blob blob;
static uint8_t *out_big;    /* 65535 bytes, what the TCP transport gives */
static uint8_t *out_small;  /* 512 bytes, the least the engine works with */

static struct dns_cookie_secrets secrets = {.active = {7, 1, 7, 1}, .staging = {9}, .has_staging = true};
static struct dns_rrl rrl;
static const uint8_t key_name[] = "\3key\4test";
static const uint8_t key_secret[32] = {1, 2, 3, 4, 5, 6, 7, 8};
static struct dns_tsig_key keys[1] = {{key_name, sizeof key_name, DNS_TSIG_HMAC_SHA256, key_secret, 32}};
static struct dns_challenges challenges;
static struct dns_engine_env env = {.now_ms = 5000, .unix_time = 1764900000u, .rrl = &rrl, .cookies = &secrets,
                                    .tsig_keys = keys, .tsig_key_count = 1, .challenges = &challenges};
/* The overlay alone: answers as deterministic as dns_engine_answer()'s,
 * held to the same invariants. */
static const struct dns_engine_env overlay_env = {.challenges = &challenges};
static const struct dns_peer peer = {.family = 4, .addr = {192, 0, 2, 54}};

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
    struct dns_rrl_config cfg = {.rate = 5, .slip = 2, .ipv4_prefix = 24, .ipv6_prefix = 56};
    static const uint8_t rrl_key[16] = {3};
    dns_rrl_init(&rrl, &cfg, rrl_key);

    static const char *const names[] = {"_acme-challenge.example.test", "_acme-challenge.example.test",
                                        "_acme-challenge.www.example.test", "_acme-challenge.sub.example.test",
                                        "_acme-challenge.nsec.test", "_acme-challenge.nested.example.test"};
    static const char *const values[] = {"LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0",
                                         "fL1f0oB9XRJ8Ys5i9FbQ6VqWrUz2nT4hGkCjD7mE3sA", "www", "sub", "signed",
                                         "nested"};
    dns_challenges_init(&challenges);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (dns_challenges_add(&challenges, names[i], (const uint8_t *)values[i], strlen(values[i])) !=
            DNS_CHALLENGE_OK)
            abort();
    uint8_t longest[DNS_CHALLENGE_VALUE_MAX];
    memset(longest, 'v', sizeof longest);
    if (dns_challenges_add(&challenges, "_acme-challenge.example.test", longest, sizeof longest) != DNS_CHALLENGE_OK)
        abort();
    return 0;
}

/* The service's way: with cookies, rate limiting and TSIG keys. */
static void handle_with_env(const uint8_t *msg, size_t size, enum dns_transport transport, uint8_t *out, size_t room)
{
    size_t n = 0;
    struct dns_transfer xfr;
    env.now_ms += 7;        /* buckets refill and drain across inputs */
    enum dns_action a = dns_engine_handle(&blob, &env, msg, size, transport, &peer, &xfr, out, room, &n);
    FUZZ_CHECK(a != DNS_ACTION_ANSWER || (n >= DNS_HEADER_SIZE && n <= room), "an answer within its room");
    FUZZ_CHECK(a != DNS_ACTION_ANSWER || (dns_get16(out) == dns_get16(msg) && (out[2] & 0x80)),
               "an answer echoes the ID, QR set");
    FUZZ_CHECK(a != DNS_ACTION_TRANSFER || transport == DNS_OVER_TCP, "transfers only over TCP");
    for (int i = 0; a == DNS_ACTION_TRANSFER && i < 4; i++) {
        size_t m = dns_transfer_next(&xfr, out_big, 65535);
        if (m == 0)
            break;
        FUZZ_CHECK(m <= 65535, "a transfer message within its room");
    }
}

/* The message as the reply to our NOTIFY for the first zone: unsigned,
 * then to one signed with the key. */
static void as_notify_reply(const uint8_t *msg, size_t size)
{
    if (blob.zone_count == 0 || size < DNS_HEADER_SIZE)
        return;
    unsigned rcode = 99;
    enum dns_notify_reply r = dns_notify_check_reply(&blob, &blob.zones[0], dns_get16(msg), msg, size, &rcode);
    FUZZ_CHECK(r == DNS_NOTIFY_NOT_OURS || rcode <= 15, "a reply's rcode is 4 bits");
    uint8_t request[DNS_NOTIFY_MAX + DNS_TSIG_RR_MAX];
    size_t len = dns_notify_make(&blob, &blob.zones[0], dns_get16(msg), request, DNS_NOTIFY_MAX);
    struct dns_tsig_state s;
    if (len && dns_tsig_sign_request(&s, &keys[0], request, len, sizeof request, env.unix_time))
        (void)dns_tsig_verify_response(&s, msg, size, env.unix_time);
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

    size_t m = 0;
    (void)dns_engine_handle(&blob, &overlay_env, msg, size, DNS_OVER_UDP, NULL, NULL, out_small, 512, &m);
    fuzz_check_dns_answer(msg, size, out_small, m, DNS_OVER_UDP, 512, true);
    (void)dns_engine_handle(&blob, &overlay_env, msg, size, DNS_OVER_UDP, NULL, NULL, out_big, 65535, &m);
    fuzz_check_dns_answer(msg, size, out_big, m, DNS_OVER_UDP, 65535, true);
    (void)dns_engine_handle(&blob, &overlay_env, msg, size, DNS_OVER_TCP, NULL, NULL, out_big, 65535, &m);
    fuzz_check_dns_answer(msg, size, out_big, m, DNS_OVER_TCP, 65535, true);

    handle_with_env(msg, size, DNS_OVER_UDP, out_small, 512);
    handle_with_env(msg, size, DNS_OVER_UDP, out_big, 65535);
    handle_with_env(msg, size, DNS_OVER_TCP, out_big, 65535);
    as_notify_reply(msg, size);

    free(msg);
    return 0;
}
