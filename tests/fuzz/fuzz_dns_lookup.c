/*
 * libFuzzer target: reading a resolver's answer (src/dns/dns_lookup.c) on
 * arbitrary bytes, for the lookup of acme.example A (ID 0x1234) or, when
 * byte 0 is odd, AAAA.
 *
 * Input: byte 0 picks the type; the rest is the answer.
 *
 * Invariants (a trap when broken): the result is one of the documented
 * values; never more addresses than room was given; a failure says why;
 * an answer whose ID or question differs from the query is never read as
 * addresses.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "dns/dns_lookup.h"
#include "wire/dns_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    struct dns_lookup l;
    uint8_t query[DNS_LOOKUP_QUERY_MAX];
    uint16_t type = data[0] & 1 ? DNS_TYPE_AAAA : DNS_TYPE_A;
    size_t qlen = dns_lookup_query(&l, "acme.example", type, 0x1234, query);
    FUZZ_CHECK(qlen > 0, "the query is made");
    uint8_t addrs[3][16];
    uint32_t ttl;
    char why[96] = "";
    int r = dns_lookup_answer(&l, data + 1, size - 1, addrs, 3, &ttl, why, sizeof why);
    FUZZ_CHECK(r >= DNS_LOOKUP_NOT_OURS && r <= 3, "a documented result, within the room given");
    FUZZ_CHECK(r != DNS_LOOKUP_FAILED || why[0] != '\0', "a failure says why");
    if (r > 0)
        FUZZ_CHECK(size - 1 >= DNS_HEADER_SIZE && data[1] == 0x12 && data[2] == 0x34, "addresses only from our ID");
    return 0;
}
