/*
 * The tap device: one Ethernet frame per read() and write(), no packet
 * information header (IFF_NO_PI). The MAC is unihost's own, chosen at
 * random as a locally administered unicast address, so it never collides
 * with the kernel side of the tap.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "platform.h"
#include "tap.h"

static int fd = -1;
static uint8_t mac[6];

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
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    memcpy(ifr.ifr_name, name, strlen(name));
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
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
    info->mtu = 1500;
}

long plat_net_read(void *buf, size_t size)
{
    for (;;) {
        ssize_t n = read(fd, buf, size);
        if (n >= 0)
            return (long)n;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        return -1;
    }
}

int plat_net_write(const void *frame, size_t len)
{
    for (;;) {
        ssize_t n = write(fd, frame, len);
        if (n == (ssize_t)len)
            return 0;
        if (n < 0 && errno == EINTR)
            continue;
        return -1;      /* the tap queue is full (or gone): drop, like a NIC */
    }
}
