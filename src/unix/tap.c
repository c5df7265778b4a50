/*
 * The tap device: one Ethernet frame per read() and write(), no packet
 * information header (IFF_NO_PI). The MAC is unihost's own, chosen at
 * random as a locally administered unicast address, so it never collides
 * with the kernel side of the tap.
 *
 * TCP segmentation offload: the tap is opened with IFF_VNET_HDR, so every
 * frame carries a virtio-net header in front of it. Frames we write may
 * then hold one TCP segment of up to 64 KiB that the kernel cuts into
 * MTU-sized segments (as it does for a virtio guest), and the kernel fills
 * in every TCP checksum: one write() and no checksum pass per 64 KiB
 * instead of 45 writes and 45 checksums. The kernel's side is told it may
 * not offload anything to us (TUNSETOFFLOAD 0), so frames we read are plain
 * and whole. UNIHOST_TAP_OFFLOAD=0 in the environment, or a kernel that
 * refuses IFF_VNET_HDR, gives the plain one-frame-per-write tap.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "platform.h"
#include "tap.h"

#define TAP_MTU 1500
#define ETH_HLEN 14
#define TCP_CHECKSUM_AT 16          /* offset of the checksum in the TCP header */

static int fd = -1;
static uint8_t mac[6];
static bool vnet;                   /* frames carry a struct virtio_net_hdr */

static int attach(const char *name, short flags)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = flags;
    memcpy(ifr.ifr_name, name, strlen(name));
    return ioctl(fd, TUNSETIFF, &ifr);
}

int tap_open(const char *name, char *err, size_t err_size)
{
    if (strlen(name) >= IFNAMSIZ) {
        snprintf(err, err_size, "tap name '%s' is longer than %d characters", name, IFNAMSIZ - 1);
        return -1;
    }
    fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, err_size, "cannot open /dev/net/tun: %s", strerror(errno));
        return -1;
    }
    const char *offload = getenv("UNIHOST_TAP_OFFLOAD");
    vnet = !(offload && strcmp(offload, "0") == 0);
    int hdr_size = (int)sizeof(struct virtio_net_hdr);
    if (vnet && (attach(name, IFF_TAP | IFF_NO_PI | IFF_VNET_HDR) < 0 ||
                 ioctl(fd, TUNSETVNETHDRSZ, &hdr_size) < 0 || ioctl(fd, TUNSETOFFLOAD, 0) < 0)) {
        /* A fresh descriptor: TUNSETIFF binds a descriptor once. */
        close(fd);
        fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
            snprintf(err, err_size, "cannot open /dev/net/tun: %s", strerror(errno));
            return -1;
        }
        vnet = false;
    }
    if (!vnet && attach(name, IFF_TAP | IFF_NO_PI) < 0) {
        snprintf(err, err_size, "cannot attach to tap %s: %s%s", name, strerror(errno),
                 errno == EPERM ? " (create it for this user with: ip tuntap add dev NAME mode tap user USER)" : "");
        close(fd);
        fd = -1;
        return -1;
    }
    plat_random(mac, sizeof mac);
    mac[0] = (uint8_t)((mac[0] & 0xfe) | 0x02);     /* unicast, locally administered */
    return 0;
}

void tap_close(void)
{
    if (fd >= 0)
        close(fd);
    fd = -1;
}

int tap_fd(void)
{
    return fd;
}

void plat_net_info(struct plat_net_info *info)
{
    memcpy(info->mac, mac, sizeof mac);
    info->mtu = TAP_MTU;
    info->tcp_segment_max = vnet ? 65535 : 0;
}

long plat_net_read(void *buf, size_t size)
{
    struct virtio_net_hdr hdr;
    struct iovec iov[2] = {{&hdr, sizeof hdr}, {buf, size}};
    int first = vnet ? 0 : 1;
    for (;;) {
        ssize_t n = readv(fd, iov + first, 2 - first);
        if (n >= 0) {
            if (!vnet)
                return (long)n;
            return n > (ssize_t)sizeof hdr ? (long)(n - (ssize_t)sizeof hdr) : 0;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        return -1;
    }
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* The one's-complement sum of `len` bytes (even), added to `sum`. */
static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += get16(p + i);
    return sum;
}

static uint16_t fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

/*
 * Describes a TCP frame to the kernel: where its checksum goes (the kernel
 * completes it from the pseudo-header sum we store in the field) and, past
 * the MTU, how to cut it. Returns false for a frame that is not TCP over
 * IPv4/IPv6 (sent as it is, with a zero header).
 */
static bool describe_tcp(const uint8_t *f, size_t head, size_t len, struct virtio_net_hdr *hdr,
                         uint16_t *pseudo, size_t *check_at)
{
    /* `head` bytes at f are contiguous, `len` is the whole frame's length */
    if (head < ETH_HLEN + 40)
        return false;
    uint16_t type = get16(f + 12);
    size_t l4, tcp_len;
    uint32_t sum;
    if (type == 0x0800) {
        size_t ihl = (size_t)(f[ETH_HLEN] & 0x0f) * 4;
        if (f[ETH_HLEN + 9] != 6 || ihl < 20 || head < ETH_HLEN + ihl + 20)
            return false;
        l4 = ETH_HLEN + ihl;
        size_t total = get16(f + ETH_HLEN + 2);
        if (total < ihl + 20 || ETH_HLEN + total > len)
            return false;
        tcp_len = total - ihl;
        sum = sum16(f + ETH_HLEN + 12, 8, 6 + (uint32_t)tcp_len);
        hdr->gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
    } else if (type == 0x86dd) {
        if (f[ETH_HLEN + 6] != 6 || head < ETH_HLEN + 40 + 20)
            return false;
        l4 = ETH_HLEN + 40;
        tcp_len = get16(f + ETH_HLEN + 4);
        if (tcp_len < 20 || l4 + tcp_len > len)
            return false;
        sum = sum16(f + ETH_HLEN + 8, 32, 6 + (uint32_t)tcp_len);
        hdr->gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
    } else {
        return false;
    }
    size_t tcp_hlen = (size_t)(f[l4 + 12] >> 4) * 4;
    if (tcp_hlen < 20 || tcp_hlen > tcp_len || l4 + tcp_hlen > head)
        return false;
    hdr->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
    hdr->csum_start = (uint16_t)l4;
    hdr->csum_offset = TCP_CHECKSUM_AT;
    if (len - ETH_HLEN > TAP_MTU) {
        hdr->hdr_len = (uint16_t)(l4 + tcp_hlen);
        hdr->gso_size = (uint16_t)(TAP_MTU - (l4 - ETH_HLEN) - tcp_hlen);
    } else {
        hdr->gso_type = VIRTIO_NET_HDR_GSO_NONE;
    }
    *pseudo = fold(sum);
    *check_at = l4 + TCP_CHECKSUM_AT;
    return true;
}

int plat_net_write_pieces(const struct plat_net_piece *pieces, int count)
{
    if (count < 1 || count > PLAT_NET_PIECES_MAX)
        return -1;
    struct virtio_net_hdr hdr;
    memset(&hdr, 0, sizeof hdr);
    size_t len = 0;
    for (int i = 0; i < count; i++)
        len += pieces[i].len;
    const uint8_t *f = pieces[0].data;
    size_t head = pieces[0].len;
    uint16_t pseudo = 0;
    uint8_t check[2];
    size_t check_at = 0;
    /* vnet header, the pieces, and the first piece split around the checksum */
    struct iovec iov[PLAT_NET_PIECES_MAX + 3];
    int n = 0;
    if (vnet)
        iov[n++] = (struct iovec){&hdr, sizeof hdr};
    int next = 0;
    if (vnet && describe_tcp(f, head, len, &hdr, &pseudo, &check_at)) {
        /* The caller's bytes stay untouched: the checksum goes in its own piece. */
        check[0] = (uint8_t)(pseudo >> 8);
        check[1] = (uint8_t)pseudo;
        iov[n++] = (struct iovec){(void *)f, check_at};
        iov[n++] = (struct iovec){check, 2};
        iov[n++] = (struct iovec){(void *)(f + check_at + 2), head - check_at - 2};
        next = 1;
    } else {
        memset(&hdr, 0, sizeof hdr);
    }
    for (int i = next; i < count; i++)
        iov[n++] = (struct iovec){(void *)pieces[i].data, pieces[i].len};
    size_t want = len + (vnet ? sizeof hdr : 0);
    for (;;) {
        ssize_t w = writev(fd, iov, n);
        if (w == (ssize_t)want)
            return 0;
        if (w < 0 && errno == EINTR)
            continue;
        return -1;      /* the tap queue is full (or gone): drop, like a NIC */
    }
}

int plat_net_write(const void *frame, size_t len)
{
    struct plat_net_piece piece = {frame, len};
    return plat_net_write_pieces(&piece, 1);
}
