/* rx_csum: see rx_csum.h. */
#include "xen/rx_csum.h"

#include "net/frame.h"

/* A whole TCP or UDP segment of an IPv4 or IPv6 frame. */
static bool find_l4(const uint8_t *frame, size_t len, struct frame_layout *l)
{
    return frame_parse(frame, len, len, l) == FRAME_OK && l->ethertype != 0 && !l->fragment &&
           (l->proto == FRAME_PROTO_TCP || l->proto == FRAME_PROTO_UDP);
}

bool rx_csum_complete(uint8_t *frame, size_t len)
{
    struct frame_layout l;
    if (!find_l4(frame, len, &l))
        return false;
    uint8_t *field = frame + l.l4 + frame_checksum_offset(l.proto);
    field[0] = field[1] = 0;
    uint16_t csum = (uint16_t)~frame_fold(frame_sum(frame_pseudo_sum(frame, &l), frame + l.l4, l.l4_len));
    if (csum == 0 && l.proto == FRAME_PROTO_UDP)
        csum = 0xffff;          /* 0 would mean "no checksum" (RFC 768) */
    field[0] = (uint8_t)(csum >> 8);
    field[1] = (uint8_t)csum;
    return true;
}

int rx_csum_verify(const uint8_t *frame, size_t len)
{
    struct frame_layout l;
    if (!find_l4(frame, len, &l))
        return -1;
    const uint8_t *field = frame + l.l4 + frame_checksum_offset(l.proto);
    if (l.proto == FRAME_PROTO_UDP && field[0] == 0 && field[1] == 0 && l.ethertype == FRAME_ETHERTYPE_IPV4)
        return 1;               /* IPv4 UDP without a checksum */
    return frame_fold(frame_sum(frame_pseudo_sum(frame, &l), frame + l.l4, l.l4_len)) == 0xffff;
}
