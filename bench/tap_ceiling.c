/*
 * The tap's ceiling, for bench/dns.sh: how many UDP queries per second a
 * responder gets through unihost's tap path when answering costs nothing.
 *
 * It runs unihost's own tap code -- src/unix/tap.c and tap_ring.c (the
 * same open flags, virtio-net header and offload settings, frames read
 * through io_uring or readv as unihost's are, written with writev) and
 * src/unix/platform_unix.c (the wait, the stop signals) are linked in, not
 * copied -- in the loop of unihost's serve() (src/core/unihost.c): read up
 * to 64 frames, then wait for the tap. Each frame is answered without
 * lwIP and without DNS:
 *   - an ARP request for its address: the ARP reply;
 *   - an IPv4 UDP datagram to its address, port 53: a canned DNS answer
 *     (the query's ID; QR and AA set; no records; zero bytes up to
 *     --answer-size bytes of DNS message) with the addresses and ports
 *     swapped and the UDP checksum computed, as unihost's lwIP does;
 *   - anything else (IPv6 neighbour discovery, ...): dropped.
 * The answer's headers are built once; per query only the client's MAC,
 * address, port and the query ID change, and the checksums are updated
 * from sums taken once.
 *
 * Usage: tap_ceiling --tap NAME --ipv4 ADDR[/PREFIX] [--answer-size BYTES] [--seconds N]
 * Runs until SIGINT or SIGTERM, or for N seconds (default 120), then
 * prints what it answered. Not a test, and not a DNS server.
 */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/platform.h"
#include "net/frame.h"
#include "unix/platform_unix.h"
#include "unix/tap.h"

#define FRAMES_PER_ROUND 64     /* as src/core/unihost.c */
#define ETH_HLEN FRAME_ETH_HLEN
#define IP_HLEN 20
#define UDP_HLEN 8
#define DNS_HLEN 12
#define ANSWER_MAX 1232

static uint8_t mac[6];
static uint8_t ip[4];
static uint8_t frame_in[2048];
static uint8_t arp_out[ETH_HLEN + 28];
static uint8_t answer[ETH_HLEN + IP_HLEN + UDP_HLEN + ANSWER_MAX];
static size_t answer_len;
static uint32_t ip_sum_fixed, udp_sum_fixed;    /* sums of the parts that never change */
static unsigned long queries, arps, ignored, write_failures;

/* The answer's frame, but for what each query changes. */
static void build_answer(size_t dns_len)
{
    memset(answer, 0, sizeof answer);
    uint8_t *eth = answer, *iph = eth + ETH_HLEN, *udp = iph + IP_HLEN, *dns = udp + UDP_HLEN;
    memcpy(eth + 6, mac, 6);
    frame_put16(eth + 12, FRAME_ETHERTYPE_IPV4);
    iph[0] = 0x45;
    frame_put16(iph + 2, (uint16_t)(IP_HLEN + UDP_HLEN + dns_len));
    frame_put16(iph + 6, 0x4000);     /* DF */
    iph[8] = 64;
    iph[9] = FRAME_PROTO_UDP;
    memcpy(iph + 12, ip, 4);
    frame_put16(udp, 53);
    frame_put16(udp + 4, (uint16_t)(UDP_HLEN + dns_len));
    frame_put16(dns + 2, 0x8400);     /* QR, AA, NOERROR */
    answer_len = ETH_HLEN + IP_HLEN + UDP_HLEN + dns_len;
    ip_sum_fixed = frame_sum(0, iph, IP_HLEN);
    /* pseudo-header (source, protocol, length), then the UDP header and
     * message as they stand (destination port, checksum and ID still 0) */
    udp_sum_fixed = frame_sum(0, ip, 4) + FRAME_PROTO_UDP + (uint32_t)(UDP_HLEN + dns_len);
    udp_sum_fixed = frame_sum(udp_sum_fixed, udp, UDP_HLEN + dns_len);
}

static void send_frame(const uint8_t *f, size_t len)
{
    if (plat_net_write(f, len) != 0)
        write_failures++;
}

static void answer_arp(const uint8_t *f, size_t len)
{
    const uint8_t *a = f + ETH_HLEN;
    if (len < ETH_HLEN + 28 || frame_get16(a) != 1 || frame_get16(a + 2) != FRAME_ETHERTYPE_IPV4 || a[4] != 6 ||
        a[5] != 4 || frame_get16(a + 6) != 1 || memcmp(a + 24, ip, 4) != 0) {
        ignored++;
        return;
    }
    uint8_t *o = arp_out, *r = arp_out + ETH_HLEN;
    memcpy(o, f + 6, 6);
    memcpy(o + 6, mac, 6);
    frame_put16(o + 12, 0x0806);
    memcpy(r, a, 6);            /* hardware and protocol types and sizes */
    frame_put16(r + 6, 2);            /* reply */
    memcpy(r + 8, mac, 6);
    memcpy(r + 14, ip, 4);
    memcpy(r + 18, a + 8, 10);  /* the asker's MAC and address */
    send_frame(arp_out, sizeof arp_out);
    arps++;
}

static void answer_udp(const uint8_t *f, size_t len)
{
    const uint8_t *iph = f + ETH_HLEN, *udp = iph + IP_HLEN;
    if (len < ETH_HLEN + IP_HLEN + UDP_HLEN + DNS_HLEN || iph[0] != 0x45 || iph[9] != FRAME_PROTO_UDP ||
        (frame_get16(iph + 6) & 0x3fff) != 0 || memcmp(iph + 16, ip, 4) != 0 || frame_get16(udp + 2) != 53) {
        ignored++;
        return;
    }
    uint8_t *o_iph = answer + ETH_HLEN, *o_udp = o_iph + IP_HLEN, *o_dns = o_udp + UDP_HLEN;
    memcpy(answer, f + 6, 6);               /* to the asker's MAC */
    memcpy(o_iph + 16, iph + 12, 4);        /* to the asker's address */
    memcpy(o_udp + 2, udp, 2);              /* to the asker's port */
    memcpy(o_dns, udp + UDP_HLEN, 2);       /* the query's ID */
    frame_put16(o_iph + 10, 0);
    frame_put16(o_iph + 10, (uint16_t)~frame_fold(frame_sum(ip_sum_fixed, o_iph + 16, 4)));
    uint32_t sum = frame_sum(udp_sum_fixed, o_iph + 16, 4);
    sum = frame_sum(sum, o_udp + 2, 2);
    sum = frame_sum(sum, o_dns, 2);
    uint16_t check = (uint16_t)~frame_fold(sum);
    frame_put16(o_udp + 6, check ? check : 0xffff);
    send_frame(answer, answer_len);
    queries++;
}

static void handle(const uint8_t *f, size_t len)
{
    if (len < ETH_HLEN) {
        ignored++;
        return;
    }
    switch (frame_get16(f + 12)) {
    case 0x0806: answer_arp(f, len); break;
    case FRAME_ETHERTYPE_IPV4: answer_udp(f, len); break;
    default: ignored++; break;
    }
}

static void usage(void)
{
    fputs("usage: tap_ceiling --tap NAME --ipv4 ADDR[/PREFIX] [--answer-size BYTES] [--seconds N]\n", stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    const char *tap = NULL, *addr = NULL;
    long answer_size = 100;
    double seconds = 120;
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc)
            usage();
        if (strcmp(argv[i], "--tap") == 0)
            tap = argv[++i];
        else if (strcmp(argv[i], "--ipv4") == 0)
            addr = argv[++i];
        else if (strcmp(argv[i], "--answer-size") == 0)
            answer_size = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--seconds") == 0)
            seconds = atof(argv[++i]);
        else
            usage();
    }
    char text[64];
    if (!tap || !addr || strlen(addr) >= sizeof text || answer_size < DNS_HLEN || answer_size > ANSWER_MAX ||
        !(seconds > 0))
        usage();
    strcpy(text, addr);
    text[strcspn(text, "/")] = '\0';
    if (inet_pton(AF_INET, text, ip) != 1)
        usage();

    unix_platform_init();
    char err[256];
    if (tap_open(tap, err, sizeof err) != 0) {
        fprintf(stderr, "tap_ceiling: %s\n", err);
        return 1;
    }
    struct plat_net_info info;
    plat_net_info(&info);
    memcpy(mac, info.mac, sizeof mac);
    build_answer((size_t)answer_size);
    fprintf(stderr, "tap_ceiling: on %s as %s, %ld-byte answers%s\n", tap, text, answer_size,
            info.tcp_segment_max ? " (virtio-net header, as unihost)" : "");

    uint64_t end = plat_monotonic_ns() + (uint64_t)(seconds * 1e9);
    while (!plat_stop_requested() && plat_monotonic_ns() < end) {
        int handled = 0;
        while (handled < FRAMES_PER_ROUND) {
            uint8_t *frame;
            long n = plat_net_read(frame_in, sizeof frame_in, &frame);
            if (n < 0) {
                fprintf(stderr, "tap_ceiling: the tap failed\n");
                return 1;
            }
            if (n == 0)
                break;
            handled++;
            handle(frame, (size_t)n);
        }
        if (handled == FRAMES_PER_ROUND)
            continue;
        plat_wait(plat_monotonic_ns() + 1000000000u);
    }
    tap_close();
    fprintf(stderr, "tap_ceiling: %lu queries answered, %lu ARP replies, %lu frames ignored, %lu writes failed\n",
            queries, arps, ignored, write_failures);
    return 0;
}
