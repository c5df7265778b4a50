/*
 * The layout of an Ethernet frame's headers: where the IP header and the
 * transport segment are and how long the headers run; and the pseudo-header
 * sum of the transport checksum. One reader for the three places that look
 * inside frames below lwIP: the netif adapter (are the headers in the
 * first piece?), the tap's offload (virtio-net headers for TCP) and Xen's
 * checksum completion. It needs nothing from lwIP, so the platforms use it
 * too.
 */
#ifndef UNIHOST_FRAME_H
#define UNIHOST_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_ETH_HLEN 14
#define FRAME_ETHERTYPE_IPV4 0x0800
#define FRAME_ETHERTYPE_IPV6 0x86dd
#define FRAME_PROTO_TCP 6
#define FRAME_PROTO_UDP 17

struct frame_layout {
    uint16_t ethertype;     /* FRAME_ETHERTYPE_IPV4 or _IPV6; 0 for anything else */
    uint8_t proto;          /* IP protocol (IPv6: the first Next Header; extension headers are not followed) */
    bool fragment;          /* an IPv4 fragment (more fragments, or an offset): not a whole segment */
    size_t l4;              /* offset of the transport header */
    size_t l4_len;          /* length of the transport segment, from the IP header */
    size_t headers;         /* bytes of headers: through TCP's options for TCP, the IP header for other IP, 14 for non-IP */
};

enum frame_result {
    FRAME_OK,               /* *out describes the frame */
    FRAME_SHORT,            /* the first `head` bytes end inside the headers */
    FRAME_BAD,              /* headers that contradict themselves or the frame's length */
};

/*
 * Reads the headers of the `len`-byte frame at f, of which the first `head`
 * bytes are contiguous (the rest may be in other pieces and is not read).
 * For a non-IP frame, *out has ethertype 0 and headers 14.
 */
enum frame_result frame_parse(const uint8_t *f, size_t head, size_t len, struct frame_layout *out);

/* The pseudo-header sum of the transport checksum of frame f, whose
 * layout frame_parse() gave (IP frames only), unfolded. */
uint32_t frame_pseudo_sum(const uint8_t *f, const struct frame_layout *l);

/* The one's-complement sum of `len` bytes as big-endian 16-bit words (an
 * odd last byte padded with zero), added to `sum`; and its folding to 16
 * bits. */
uint32_t frame_sum(uint32_t sum, const uint8_t *p, size_t len);
uint16_t frame_fold(uint32_t sum);

/* Big-endian 16-bit fields of frame headers. */
static inline uint16_t frame_get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void frame_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* Offset of the checksum field in a TCP or UDP header. */
static inline size_t frame_checksum_offset(uint8_t proto)
{
    return proto == FRAME_PROTO_TCP ? 16 : 6;
}

#endif
