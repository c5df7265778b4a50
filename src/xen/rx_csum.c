/* rx_csum: see rx_csum.h. */
#include "rx_csum.h"

#define ETH_HLEN 14
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define PROTO_TCP 6
#define PROTO_UDP 17

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* One's complement sum of big-endian 16-bit words (odd tail padded). */
static uint32_t sum_bytes(uint32_t sum, const uint8_t *p, size_t len)
{
    for (; len >= 2; p += 2, len -= 2)
        sum += get16(p);
    if (len)
        sum += (uint32_t)p[0] << 8;
    return sum;
}

static uint16_t fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

/* Where a frame's transport segment is and its pseudo-header sum. */
struct l4 {
    uint8_t *seg;
    size_t len;
    uint8_t proto;
    uint32_t pseudo;
};

static bool find_l4(uint8_t *frame, size_t len, struct l4 *out)
{
    if (len < ETH_HLEN)
        return false;
    uint16_t type = get16(frame + 12);
    uint8_t *ip = frame + ETH_HLEN;
    size_t ip_room = len - ETH_HLEN;
    if (type == ETHERTYPE_IPV4) {
        if (ip_room < 20 || ip[0] >> 4 != 4)
            return false;
        size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
        size_t total = get16(ip + 2);
        /* More fragments, or a fragment offset: not a whole segment. */
        if (ihl < 20 || total < ihl || total > ip_room || (get16(ip + 6) & 0x3fff) != 0)
            return false;
        out->proto = ip[9];
        out->seg = ip + ihl;
        out->len = total - ihl;
        out->pseudo = sum_bytes(0, ip + 12, 8) + out->proto + (uint32_t)out->len;
    } else if (type == ETHERTYPE_IPV6) {
        if (ip_room < 40 || ip[0] >> 4 != 6)
            return false;
        size_t payload = get16(ip + 4);
        if (payload > ip_room - 40)
            return false;
        out->proto = ip[6];     /* extension headers are not followed */
        out->seg = ip + 40;
        out->len = payload;
        out->pseudo = sum_bytes(0, ip + 8, 32) + out->proto + (uint32_t)(out->len >> 16) +
                      (uint32_t)(out->len & 0xffff);
    } else {
        return false;
    }
    if (out->proto == PROTO_TCP)
        return out->len >= 20;
    if (out->proto == PROTO_UDP)
        return out->len >= 8;
    return false;
}

static size_t csum_offset(uint8_t proto)
{
    return proto == PROTO_TCP ? 16 : 6;
}

bool rx_csum_complete(uint8_t *frame, size_t len)
{
    struct l4 l4;
    if (!find_l4(frame, len, &l4))
        return false;
    uint8_t *field = l4.seg + csum_offset(l4.proto);
    field[0] = field[1] = 0;
    uint16_t csum = (uint16_t)~fold(sum_bytes(l4.pseudo, l4.seg, l4.len));
    if (csum == 0 && l4.proto == PROTO_UDP)
        csum = 0xffff;          /* 0 would mean "no checksum" (RFC 768) */
    field[0] = (uint8_t)(csum >> 8);
    field[1] = (uint8_t)csum;
    return true;
}

int rx_csum_verify(const uint8_t *frame, size_t len)
{
    struct l4 l4;
    if (!find_l4((uint8_t *)frame, len, &l4))
        return -1;
    const uint8_t *field = l4.seg + csum_offset(l4.proto);
    if (l4.proto == PROTO_UDP && field[0] == 0 && field[1] == 0 && frame[12] == 0x08)
        return 1;               /* IPv4 UDP without a checksum */
    return fold(sum_bytes(l4.pseudo, l4.seg, l4.len)) == 0xffff;
}
