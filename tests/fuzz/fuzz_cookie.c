/*
 * libFuzzer target: DNS Cookies, server side (src/dns/dns_cookie.c). The
 * option value, the secrets, the client and the clock all come from the
 * input, and the option is checked from an exact-size heap copy so ASan
 * sees any read past it.
 *
 * Input (57 bytes of setting, then the option):
 *   [0..16)  active secret          [16..32) staging secret
 *   [32]     bit 0: has_staging; bit 1: IPv6 client; bit 2: "made" mode,
 *            bit 3: in made mode, the cookie is the staging secret's
 *   [33..49) client address         [49..53) now (big-endian)
 *   [53..55) in made mode, the cookie's age at `now` (signed seconds)
 *   [55..57) a delta (signed seconds) at which the answer is checked again
 *   [57..)   the option: as given; in made mode, a cookie we made (so the
 *            valid path is reached without forging SipHash) XORed with the
 *            first 24 bytes, and any bytes past 24 appended.
 *
 * Invariants: the two entry points agree; the status follows the option
 * length exactly (RFC 7873 5.2.2); nothing is written for a malformed
 * option; every other answer echoes the client cookie with a server cookie
 * of the active secret, version 1, reserved zero, made now unless the
 * client's own was sent back (only a valid, young one of the active
 * secret); that answer is valid for exactly the window around now and
 * invalid with any one bit flipped or from a neighbouring address. In made
 * mode, an unaltered cookie is valid exactly when its secret is installed
 * and its age within the window, and an altered one never is.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns_cookie.h"
#include "fuzz_common.h"
#include "wire/dns_wire.h"

#define SETTING_LEN 57

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool within_window(int64_t age)
{
    return age >= -300 && age <= 3600;
}

/* A cookie for `client_cookie` made by `key` at time `made`. */
static void make_cookie(const uint8_t key[DNS_COOKIE_SECRET_LEN], const uint8_t *client_cookie,
                        const struct dns_peer *client, uint32_t made, uint8_t out[DNS_COOKIE_ANSWER_LEN])
{
    struct dns_cookie_secrets maker;
    memset(&maker, 0, sizeof maker);
    memcpy(maker.active, key, DNS_COOKIE_SECRET_LEN);
    FUZZ_CHECK(dns_cookie_answer(&maker, client_cookie, DNS_COOKIE_CLIENT_LEN, client, made, out) ==
                   DNS_COOKIE_CLIENT_ONLY,
               "a client cookie alone is CLIENT_ONLY");
}

/* The invariants of the option sent back, `out`, to opt[0..len) at `now`. */
static void check_answer(const struct dns_cookie_secrets *s, const uint8_t *opt, size_t len,
                         const struct dns_peer *client, uint32_t now, int16_t delta, enum dns_cookie_status status,
                         const uint8_t out[DNS_COOKIE_ANSWER_LEN])
{
    const uint8_t *server = out + DNS_COOKIE_CLIENT_LEN;
    FUZZ_CHECK(memcmp(out, opt, DNS_COOKIE_CLIENT_LEN) == 0, "the client cookie is echoed");
    FUZZ_CHECK(server[0] == 1 && server[1] == 0 && server[2] == 0 && server[3] == 0,
               "the server cookie sent is version 1 with reserved bytes zero");
    /* (Longer options are never ours, so their first 24 bytes are never
     * sent back, though a fresh cookie may happen to equal them.) */
    bool echoed = len == DNS_COOKIE_ANSWER_LEN && memcmp(out, opt, DNS_COOKIE_ANSWER_LEN) == 0;
    if (echoed) {
        uint32_t made = dns_get32(server + 4);
        FUZZ_CHECK(status == DNS_COOKIE_VALID, "only a valid cookie is sent back as it came");
        FUZZ_CHECK((uint32_t)(now - made) < 1800 || (uint32_t)(made - now) <= 300,
                   "only a cookie younger than half an hour is sent back as it came");
    } else {
        FUZZ_CHECK(dns_get32(server + 4) == now, "a fresh server cookie carries the time now");
    }

    /* Made by the active secret: valid without the staging one. */
    struct dns_cookie_secrets active_only = *s;
    active_only.has_staging = false;
    memset(active_only.staging, 0, sizeof active_only.staging);
    FUZZ_CHECK(dns_cookie_check(&active_only, out, DNS_COOKIE_ANSWER_LEN, client, now) == DNS_COOKIE_VALID,
               "the cookie sent back is the active secret's and valid now");

    /* Valid at now + delta exactly within the window (for a fresh one). */
    if (!echoed) {
        enum dns_cookie_status later =
            dns_cookie_check(s, out, DNS_COOKIE_ANSWER_LEN, client, now + (uint32_t)(int32_t)delta);
        FUZZ_CHECK((later == DNS_COOKIE_VALID) == within_window(delta),
                   "a fresh cookie is valid exactly from 300 s before to 3600 s after it was made");
    }

    /* Any one bit flipped, or another address, and it is not ours. */
    uint8_t forged[DNS_COOKIE_ANSWER_LEN];
    memcpy(forged, out, sizeof forged);
    unsigned bit = (unsigned)(now % (8 * DNS_COOKIE_ANSWER_LEN));
    forged[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    FUZZ_CHECK(dns_cookie_check(s, forged, sizeof forged, client, now) == DNS_COOKIE_INVALID,
               "a one-bit forgery is invalid");
    struct dns_peer moved = *client;
    moved.addr[client->family == 4 ? 3 : 15] ^= 1;
    FUZZ_CHECK(dns_cookie_check(s, out, DNS_COOKIE_ANSWER_LEN, &moved, now) == DNS_COOKIE_INVALID,
               "the cookie is invalid from another address");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < SETTING_LEN || size > SETTING_LEN + 64)
        return 0;
    struct dns_cookie_secrets s;
    memset(&s, 0, sizeof s);
    memcpy(s.active, data, 16);
    memcpy(s.staging, data + 16, 16);
    uint8_t flags = data[32];
    s.has_staging = flags & 1;
    struct dns_peer client;
    client.family = (flags & 2) ? 6 : 4;
    memcpy(client.addr, data + 33, 16);
    uint32_t now = dns_get32(data + 49);
    int16_t age = (int16_t)dns_get16(data + 53);
    int16_t delta = (int16_t)dns_get16(data + 55);
    const uint8_t *rest = data + SETTING_LEN;
    size_t rest_len = size - SETTING_LEN;

    bool made_mode = flags & 4;
    bool altered = false;
    const uint8_t *maker_key = (flags & 8) ? s.staging : s.active;
    size_t len = rest_len;
    uint8_t built[64];
    if (made_mode) {
        /* The client cookie is the mask's first 8 bytes: made over them, so
         * a mask of zeros elsewhere leaves a cookie that is ours. */
        uint8_t client_cookie[DNS_COOKIE_CLIENT_LEN] = {0};
        memcpy(client_cookie, rest, rest_len < sizeof client_cookie ? rest_len : sizeof client_cookie);
        make_cookie(maker_key, client_cookie, &client, now - (uint32_t)(int32_t)age, built);
        for (size_t i = DNS_COOKIE_CLIENT_LEN; i < DNS_COOKIE_ANSWER_LEN && i < rest_len; i++) {
            built[i] ^= rest[i];
            altered = altered || rest[i] != 0;
        }
        if (rest_len > DNS_COOKIE_ANSWER_LEN)
            memcpy(built + DNS_COOKIE_ANSWER_LEN, rest + DNS_COOKIE_ANSWER_LEN, rest_len - DNS_COOKIE_ANSWER_LEN);
        else
            len = DNS_COOKIE_ANSWER_LEN;
        rest = built;
    }

    uint8_t *opt = malloc(len ? len : 1);
    if (!opt)
        abort();
    memcpy(opt, rest, len);
    uint8_t out[DNS_COOKIE_ANSWER_LEN];
    memset(out, 0xa5, sizeof out);
    enum dns_cookie_status status = dns_cookie_answer(&s, opt, len, &client, now, out);
    FUZZ_CHECK(dns_cookie_check(&s, opt, len, &client, now) == status, "check and answer agree");

    bool well_formed = len == 8 || (len >= 16 && len <= 40);
    FUZZ_CHECK((status == DNS_COOKIE_MALFORMED) == !well_formed, "MALFORMED exactly for lengths not 8 or 16..40");
    FUZZ_CHECK((status == DNS_COOKIE_CLIENT_ONLY) == (len == 8), "CLIENT_ONLY exactly for 8 bytes");
    FUZZ_CHECK(status != DNS_COOKIE_VALID || len == DNS_COOKIE_ANSWER_LEN, "VALID only for 24 bytes");

    if (made_mode && len == DNS_COOKIE_ANSWER_LEN) {
        bool installed = memcmp(maker_key, s.active, DNS_COOKIE_SECRET_LEN) == 0 ||
                         (s.has_staging && memcmp(maker_key, s.staging, DNS_COOKIE_SECRET_LEN) == 0);
        if (!altered)
            FUZZ_CHECK((status == DNS_COOKIE_VALID) == (installed && within_window(age)),
                       "our cookie is valid exactly when its secret is installed and its age in the window");
        else
            FUZZ_CHECK(status != DNS_COOKIE_VALID, "an altered cookie is never valid");
    }

    if (status == DNS_COOKIE_MALFORMED) {
        for (size_t i = 0; i < sizeof out; i++)
            FUZZ_CHECK(out[i] == 0xa5, "nothing written for a malformed option");
    } else {
        check_answer(&s, opt, len, &client, now, delta, status, out);
    }
    free(opt);
    return 0;
}
