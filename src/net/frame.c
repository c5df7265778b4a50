/* Frame headers: see frame.h. */
#include "net/frame.h"

uint32_t frame_sum(uint32_t sum, const uint8_t *p, size_t len)
{
    for (; len >= 2; p += 2, len -= 2)
        sum += frame_get16(p);
    if (len)
        sum += (uint32_t)p[0] << 8;
    return sum;
}

uint16_t frame_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

static enum frame_result parse_ipv4(const uint8_t *f, size_t head, size_t len, struct frame_layout *out)
{
    const uint8_t *ip = f + FRAME_ETH_HLEN;
    if (head < FRAME_ETH_HLEN + 20)
        return FRAME_SHORT;
    size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
    if (ip[0] >> 4 != 4 || ihl < 20)
        return FRAME_BAD;
    if (head < FRAME_ETH_HLEN + ihl)
        return FRAME_SHORT;
    size_t total = frame_get16(ip + 2);
    if (total < ihl || FRAME_ETH_HLEN + total > len)
        return FRAME_BAD;
    out->proto = ip[9];
    out->fragment = (frame_get16(ip + 6) & 0x3fff) != 0;
    out->l4 = FRAME_ETH_HLEN + ihl;
    out->l4_len = total - ihl;
    return FRAME_OK;
}

static enum frame_result parse_ipv6(const uint8_t *f, size_t head, size_t len, struct frame_layout *out)
{
    const uint8_t *ip = f + FRAME_ETH_HLEN;
    if (head < FRAME_ETH_HLEN + 40)
        return FRAME_SHORT;
    size_t payload = frame_get16(ip + 4);
    if (ip[0] >> 4 != 6 || FRAME_ETH_HLEN + 40 + payload > len)
        return FRAME_BAD;
    out->proto = ip[6];
    out->fragment = false;
    out->l4 = FRAME_ETH_HLEN + 40;
    out->l4_len = payload;
    return FRAME_OK;
}

uint32_t frame_pseudo_sum(const uint8_t *f, const struct frame_layout *l)
{
    const uint8_t *ip = f + FRAME_ETH_HLEN;
    uint32_t len = (uint32_t)l->l4_len;
    if (l->ethertype == FRAME_ETHERTYPE_IPV4)
        return frame_sum(0, ip + 12, 8) + l->proto + len;
    return frame_sum(0, ip + 8, 32) + l->proto + (len >> 16) + (len & 0xffff);
}

enum frame_result frame_parse(const uint8_t *f, size_t head, size_t len, struct frame_layout *out)
{
    *out = (struct frame_layout){0};
    if (head > len)
        head = len;
    if (head < FRAME_ETH_HLEN)
        return FRAME_SHORT;
    uint16_t type = frame_get16(f + 12);
    enum frame_result r;
    if (type == FRAME_ETHERTYPE_IPV4)
        r = parse_ipv4(f, head, len, out);
    else if (type == FRAME_ETHERTYPE_IPV6)
        r = parse_ipv6(f, head, len, out);
    else {
        out->headers = FRAME_ETH_HLEN;
        return FRAME_OK;
    }
    if (r != FRAME_OK)
        return r;
    out->ethertype = type;
    out->headers = out->l4;
    if (out->fragment)
        return FRAME_OK;
    if (out->proto == FRAME_PROTO_UDP && out->l4_len < 8)
        return FRAME_BAD;
    if (out->proto != FRAME_PROTO_TCP)
        return FRAME_OK;
    if (out->l4_len < 20)
        return FRAME_BAD;
    if (head < out->l4 + 13)
        return FRAME_SHORT;
    size_t tcp_hlen = (size_t)(f[out->l4 + 12] >> 4) * 4;
    if (tcp_hlen < 20 || tcp_hlen > out->l4_len)
        return FRAME_BAD;
    out->headers = out->l4 + tcp_hlen;
    return head < out->headers ? FRAME_SHORT : FRAME_OK;
}
