/*
 * libFuzzer target: TSIG (dns_tsig.h). Each input is one DNS message, in a
 * heap buffer of exactly its size so ASan sees any read past it. With a
 * fixed keyring and clock it goes through:
 *
 *   - dns_tsig_find() and dns_tsig_verify_request(), which must agree (no
 *     TSIG is UNSIGNED, a misplaced one FORMERR) and leave a state that
 *     matches the verdict;
 *   - for a request with a well-placed TSIG, the answer's signing: the
 *     message up to its TSIG as the answer, signed into exactly the room
 *     DNS_TSIG_RR_MAX promises, and found again where it was appended;
 *     three messages of it when the request verified;
 *   - dns_tsig_verify_response() against a NOTIFY we signed;
 *   - the message signed as our own request, then verified as the server
 *     would: a message that already had a well-placed TSIG now has one
 *     too many (FORMERR); one that verifies gets an answer our client
 *     side accepts.
 *
 * Seeds (tests/fuzz/corpus/tsig/, gen_corpus.py) are requests signed with
 * this keyring at this clock, so mutations start past the MAC check.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns_tsig.h"
#include "fuzz_common.h"
#include "wire/dns_wire.h"

#define NOW 1700000000u     /* the seeds' Time Signed */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* "key.example.test." with each algorithm; secret byte i is i * 7 + the
 * digest length (gen_corpus.py signs the seeds with the same). */
static const uint8_t key_name[] = "\003key\007example\004test";
static const uint8_t decoy_name[] = "\005decoy\007example";
static uint8_t secrets[3][64];
static struct dns_tsig_key keys[4];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    static const enum dns_tsig_algorithm algs[3] = {DNS_TSIG_HMAC_SHA256, DNS_TSIG_HMAC_SHA384,
                                                    DNS_TSIG_HMAC_SHA512};
    keys[0] = (struct dns_tsig_key){decoy_name, sizeof decoy_name, DNS_TSIG_HMAC_SHA256, secrets[0], 32};
    for (int a = 0; a < 3; a++) {
        size_t len = dns_tsig_digest_len(algs[a]);
        for (size_t i = 0; i < len; i++)
            secrets[a][i] = (uint8_t)(i * 7 + len);
        keys[1 + a] = (struct dns_tsig_key){key_name, sizeof key_name, algs[a], secrets[a], len};
    }
    return 0;
}

static uint8_t *copy_with_room(const uint8_t *msg, size_t len, size_t room)
{
    uint8_t *b = malloc(room ? room : 1);
    if (!b)
        abort();
    memcpy(b, msg, len);
    return b;
}

/* Signs the answer to a request whose TSIG was at `off`: the request up to
 * its TSIG stands in for the answer. */
static void check_answer(struct dns_tsig_state *s, const uint8_t *msg, size_t off, enum dns_tsig_result r)
{
    size_t room = off + DNS_TSIG_RR_MAX;
    int messages = r == DNS_TSIG_OK ? 3 : 1;
    for (int m = 0; m < messages; m++) {
        uint8_t *answer = copy_with_room(msg, off, room);
        dns_put16(answer + 10, (uint16_t)(dns_get16(answer + 10) - 1));
        size_t n = dns_tsig_sign_response(s, answer, off, room, NOW + (uint64_t)m);
        FUZZ_CHECK(n > off && n <= room, "an answer is signed within DNS_TSIG_RR_MAX");
        FUZZ_CHECK(dns_tsig_find(answer, n) == off, "the answer's TSIG is found where it was appended");
        free(answer);
    }
    if (s->error != DNS_TSIG_ERROR_NONE) {
        uint8_t *answer = copy_with_room(msg, off, room);
        FUZZ_CHECK(dns_tsig_sign_response(s, answer, off, room, NOW) == 0, "an error answer is signed once");
        free(answer);
    }
}

/* The message as our own request, verified by our server side. */
static void check_own_request(const uint8_t *msg, size_t size, size_t found, uint8_t pick)
{
    const struct dns_tsig_key *key = &keys[1 + pick % 3];
    size_t room = size + DNS_TSIG_RR_MAX;
    uint8_t *req = copy_with_room(msg, size, room);
    struct dns_tsig_state client, server;
    size_t n = dns_tsig_sign_request(&client, key, req, size, room, NOW);
    FUZZ_CHECK(n > size || dns_get16(msg + 10) == UINT16_MAX, "a request is signed unless ARCOUNT is full");
    if (n == 0) {
        free(req);
        return;
    }
    enum dns_tsig_result r = dns_tsig_verify_request(&server, req, n, keys, 4, NOW);
    /* (A message that did not walk may walk now, its last record completed
     * by our TSIG's bytes: only a well-placed TSIG is sure to be one too many.) */
    if (found != 0 && found != DNS_TSIG_MISPLACED)
        FUZZ_CHECK(r == DNS_TSIG_FORMERR, "a second TSIG is FORMERR");
    if (r == DNS_TSIG_OK) {
        FUZZ_CHECK(server.key == key, "our request verifies with the key that signed it");
        uint8_t *answer = copy_with_room(msg, size, room);
        size_t an = dns_tsig_sign_response(&server, answer, size, room, NOW);
        FUZZ_CHECK(an > size, "the answer to our request is signed");
        FUZZ_CHECK(dns_tsig_verify_response(&client, answer, an, NOW) == DNS_TSIG_OK,
                   "our client side accepts our server side's answer");
        free(answer);
    }
    free(req);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65535)
        return 0;   /* no transport delivers more in one message */
    uint8_t *msg = copy_with_room(data, size, size);

    size_t off = dns_tsig_find(msg, size);
    FUZZ_CHECK(off == 0 || off == DNS_TSIG_MISPLACED || (off >= DNS_HEADER_SIZE && off < size),
               "a TSIG is found inside the message");

    struct dns_tsig_state s;
    enum dns_tsig_result r = dns_tsig_verify_request(&s, msg, size, keys, 4, NOW);
    FUZZ_CHECK((off == 0) == (r == DNS_TSIG_UNSIGNED), "no TSIG is exactly UNSIGNED");
    if (off == DNS_TSIG_MISPLACED)
        FUZZ_CHECK(r == DNS_TSIG_FORMERR, "a misplaced TSIG is FORMERR");
    if (r == DNS_TSIG_OK)
        FUZZ_CHECK(s.key && s.error == 0 && s.mac_len >= dns_tsig_digest_len(s.key->alg) / 2 &&
                       s.mac_len <= dns_tsig_digest_len(s.key->alg),
                   "a verified request has a key and a MAC of an allowed size");
    if (r == DNS_TSIG_NOTAUTH)
        FUZZ_CHECK((s.error == DNS_TSIG_BADKEY && !s.key) || s.error == DNS_TSIG_BADSIG ||
                       s.error == DNS_TSIG_BADTIME,
                   "NOTAUTH says BADKEY, BADSIG or BADTIME");
    if (r == DNS_TSIG_OK || r == DNS_TSIG_NOTAUTH)
        check_answer(&s, msg, off, r);

    /* As the reply to a NOTIFY we signed (hmac-sha256). */
    static const uint8_t notify_head[] = {0x12, 0x34, 0x24, 0, 0, 1, 0, 0, 0, 0, 0, 0,
                                          7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 4, 't', 'e', 's', 't', 0, 0, 6, 0, 1};
    uint8_t notify[sizeof notify_head + DNS_TSIG_RR_MAX];
    memcpy(notify, notify_head, sizeof notify_head);
    struct dns_tsig_state client;
    FUZZ_CHECK(dns_tsig_sign_request(&client, &keys[1], notify, sizeof notify_head, sizeof notify, NOW) > 0,
               "the NOTIFY is signed");
    enum dns_tsig_result rr = dns_tsig_verify_response(&client, msg, size, NOW);
    FUZZ_CHECK((off == 0) == (rr == DNS_TSIG_UNSIGNED), "a reply without TSIG is exactly UNSIGNED");
    if (off == DNS_TSIG_MISPLACED)
        FUZZ_CHECK(rr == DNS_TSIG_FORMERR, "a reply with a misplaced TSIG is FORMERR");
    if (rr == DNS_TSIG_OK)
        FUZZ_CHECK(client.error == 0 && client.peer_error == 0, "an accepted reply reports no error");

    if (size >= DNS_HEADER_SIZE)
        check_own_request(msg, size, off, size > DNS_HEADER_SIZE ? msg[size - 1] : 0);

    free(msg);
    return 0;
}
