/*
 * The tap device: one Ethernet frame per read() and write(), no packet
 * information header (IFF_NO_PI). Frames are read through io_uring where
 * the kernel can (tap_ring.c: every frame waiting for one system call),
 * else with readv(). The MAC is unihost's own, chosen at
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
#include <poll.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "net/frame.h"
#include "core/platform.h"
#include "unix/tap.h"
#include "unix/tap_ring.h"

#define TAP_MTU 1500

static int fd = -1;
static uint8_t mac[6];
static bool vnet;                   /* frames carry a struct virtio_net_hdr */
static char ring_why[160];          /* why frames are not read through io_uring */

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
    const char *ring = getenv("UNIHOST_TAP_URING");
    if (ring && strcmp(ring, "0") == 0)
        snprintf(ring_why, sizeof ring_why, "UNIHOST_TAP_URING=0");
    else
        (void)tap_ring_start(fd, vnet ? sizeof(struct virtio_net_hdr) : 0, ring_why, sizeof ring_why);
    return 0;
}

const char *tap_reads(void)
{
    static char text[256];
    if (tap_ring_active())
        return "io_uring (one multishot read, many frames a system call)";
    snprintf(text, sizeof text, "readv, one frame a system call (io_uring: %s)", ring_why);
    return text;
}

void tap_wait(int timeout_ms)
{
    if (tap_ring_active()) {
        tap_ring_wait(timeout_ms);
        return;
    }
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    (void)poll(&pfd, 1, timeout_ms);   /* EINTR is a spurious return, allowed */
}

void tap_close(void)
{
    tap_ring_stop();
    if (fd >= 0)
        close(fd);
    fd = -1;
}

void plat_net_info(struct plat_net_info *info)
{
    memcpy(info->mac, mac, sizeof mac);
    info->mtu = TAP_MTU;
    info->tcp_segment_max = vnet ? 65535 : 0;
}

long plat_net_read(void *buf, size_t size, uint8_t **frame)
{
    if (tap_ring_active())
        return tap_ring_read(frame, size);
    *frame = buf;
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

/*
 * Describes a TCP frame to the kernel: where its checksum goes (the kernel
 * completes it from the pseudo-header sum we store in the field) and, past
 * the MTU, how to cut it. Returns false for a frame that is not TCP over
 * IPv4/IPv6 with its headers in the first `head` bytes (sent as it is,
 * with a zero header).
 */
static bool describe_tcp(const uint8_t *f, size_t head, size_t len, struct virtio_net_hdr *hdr,
                         uint16_t *pseudo, size_t *check_at)
{
    struct frame_layout l;
    if (frame_parse(f, head, len, &l) != FRAME_OK || l.ethertype == 0 || l.proto != FRAME_PROTO_TCP ||
        l.fragment)
        return false;
    size_t tcp_hlen = l.headers - l.l4;
    hdr->gso_type = l.ethertype == FRAME_ETHERTYPE_IPV4 ? VIRTIO_NET_HDR_GSO_TCPV4 : VIRTIO_NET_HDR_GSO_TCPV6;
    hdr->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
    hdr->csum_start = (uint16_t)l.l4;
    hdr->csum_offset = (uint16_t)frame_checksum_offset(FRAME_PROTO_TCP);
    if (len - FRAME_ETH_HLEN > TAP_MTU) {
        hdr->hdr_len = (uint16_t)l.headers;
        hdr->gso_size = (uint16_t)(TAP_MTU - (l.l4 - FRAME_ETH_HLEN) - tcp_hlen);
    } else {
        hdr->gso_type = VIRTIO_NET_HDR_GSO_NONE;
    }
    *pseudo = frame_fold(frame_pseudo_sum(f, &l));
    *check_at = l.l4 + frame_checksum_offset(FRAME_PROTO_TCP);
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
