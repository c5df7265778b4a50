/* Keyed hashes of TCP connections: see tcp_keyed_hash.h. */
#include "net/tcp_keyed_hash.h"

#include <string.h>

#include <bearssl.h>

#include "core/platform.h"
#include "crypto/sha256_ni.h"

static br_hmac_key_context key;
static bool keyed;

static void put_addr(br_hmac_context *hc, const ip_addr_t *addr)
{
    uint8_t family = IP_IS_V4(addr) ? 4 : 6;
    br_hmac_update(hc, &family, 1);
    if (family == 4)
        br_hmac_update(hc, &ip_2_ip4(addr)->addr, 4);
    else
        br_hmac_update(hc, ip_2_ip6(addr)->addr, 16);
}

uint32_t tcp_keyed_hash(const ip_addr_t *local, uint16_t local_port, const ip_addr_t *remote,
                        uint16_t remote_port, uint32_t a, uint32_t b)
{
    if (!keyed) {
        uint8_t secret[32];
        plat_random(secret, sizeof secret);
        br_hmac_key_init(&key, sha256_fast(), secret, sizeof secret);
        memset(secret, 0, sizeof secret);
        keyed = true;
    }
    br_hmac_context hc;
    br_hmac_init(&hc, &key, 4);
    put_addr(&hc, local);
    put_addr(&hc, remote);
    uint32_t words[4] = {local_port, remote_port, a, b};
    br_hmac_update(&hc, words, sizeof words);
    uint8_t out[4];
    br_hmac_out(&hc, out);
    return (uint32_t)out[0] << 24 | (uint32_t)out[1] << 16 | (uint32_t)out[2] << 8 | out[3];
}

uint32_t tcp_initial_sequence(const ip_addr_t *local, uint16_t local_port, const ip_addr_t *remote,
                              uint16_t remote_port)
{
    uint32_t clock = (uint32_t)(plat_monotonic_ns() / 4000u);
    return clock + tcp_keyed_hash(local, local_port, remote, remote_port, 0, 0);
}
