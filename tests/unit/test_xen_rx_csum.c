/* Completing checksums netback left blank (src/xen/rx_csum.c), alone and
 * through netfront: frames are checked with a reference sum written here
 * from the pseudo-header definitions in RFC 768/793 (IPv4) and RFC 8200
 * (IPv6), not with the code under test. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "xen/netfront.h"
#include "xen/rx_csum.h"
#include "xen_sim.h"

/* Reference: builds the pseudo-header as bytes, then sums it and the segment. */
static int reference_ok(const uint8_t *f, size_t seg_off, size_t seg_len, int v6, uint8_t proto)
{
    uint8_t buf[2048];
    size_t n = 0;
    if (v6) {
        memcpy(buf, f + 14 + 8, 32);
        n = 32;
        buf[n++] = (uint8_t)(seg_len >> 24);
        buf[n++] = (uint8_t)(seg_len >> 16);
        buf[n++] = (uint8_t)(seg_len >> 8);
        buf[n++] = (uint8_t)seg_len;
        buf[n++] = 0;
        buf[n++] = 0;
        buf[n++] = 0;
        buf[n++] = proto;
    } else {
        memcpy(buf, f + 14 + 12, 8);
        n = 8;
        buf[n++] = 0;
        buf[n++] = proto;
        buf[n++] = (uint8_t)(seg_len >> 8);
        buf[n++] = (uint8_t)seg_len;
    }
    memcpy(buf + n, f + seg_off, seg_len);
    n += seg_len;
    if (n & 1)
        buf[n++] = 0;
    unsigned long sum = 0;
    for (size_t i = 0; i < n; i += 2)
        sum += (unsigned long)(buf[i] << 8 | buf[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return sum == 0xffff;
}

/* An Ethernet frame with IPv4 (v6 = 0) or IPv6, TCP or UDP, `payload`
 * bytes of data; the checksum field holds `field`. Returns its length. */
static size_t make_frame(uint8_t *f, int v6, uint8_t proto, size_t payload, uint16_t field)
{
    memset(f, 0, 1600);
    memcpy(f, "\x00\x16\x3e\x00\x00\x02\xfe\xff\xff\xff\xff\xff", 12);
    size_t l4_hdr = proto == 6 ? 20 : 8;
    size_t seg = l4_hdr + payload, ip_hdr = v6 ? 40 : 20;
    uint8_t *ip = f + 14, *l4 = ip + ip_hdr;
    if (v6) {
        f[12] = 0x86, f[13] = 0xdd;
        ip[0] = 0x60;
        ip[4] = (uint8_t)(seg >> 8), ip[5] = (uint8_t)seg;
        ip[6] = proto, ip[7] = 64;
        memcpy(ip + 8, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
        memcpy(ip + 24, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x02", 16);
    } else {
        f[12] = 0x08;
        ip[0] = 0x45;
        ip[2] = (uint8_t)((20 + seg) >> 8), ip[3] = (uint8_t)(20 + seg);
        ip[6] = 0x40;           /* DF */
        ip[8] = 64, ip[9] = proto;
        memcpy(ip + 12, "\xc0\x00\x02\x01\xc0\x00\x02\x02", 8);
    }
    l4[0] = 0xc3, l4[1] = 0x50, l4[2] = 0, l4[3] = proto == 6 ? 80 : 53;
    if (proto == 17)
        l4[4] = (uint8_t)(seg >> 8), l4[5] = (uint8_t)seg;
    else
        l4[12] = 0x50, l4[13] = 0x02;   /* SYN */
    for (size_t i = 0; i < payload; i++)
        l4[l4_hdr + i] = (uint8_t)(i * 7 + 3);
    size_t at = proto == 6 ? 16 : 6;
    l4[at] = (uint8_t)(field >> 8), l4[at + 1] = (uint8_t)field;
    return 14 + ip_hdr + seg;
}

static void one_kind(const char *name, int v6, uint8_t proto, size_t payload)
{
    uint8_t f[1600], before[1600];
    char label[96];
    size_t len = make_frame(f, v6, proto, payload, 0x1234);   /* a partial sum: not valid */
    size_t seg_off = 14 + (v6 ? 40 : 20), seg_len = len - seg_off;
    snprintf(label, sizeof label, "%s: a blank checksum fails the reference", name);
    CHECK(label, !reference_ok(f, seg_off, seg_len, v6, proto) && rx_csum_verify(f, len) == 0);
    memcpy(before, f, len);
    snprintf(label, sizeof label, "%s: completed", name);
    CHECK(label, rx_csum_complete(f, len));
    snprintf(label, sizeof label, "%s: the reference accepts it", name);
    CHECK(label, reference_ok(f, seg_off, seg_len, v6, proto) && rx_csum_verify(f, len) == 1);
    size_t at = seg_off + (proto == 6 ? 16 : 6);
    snprintf(label, sizeof label, "%s: only the checksum field changed", name);
    CHECK(label, memcmp(f, before, at) == 0 && memcmp(f + at + 2, before + at + 2, len - at - 2) == 0);
    f[len - 1] ^= 0x40;
    snprintf(label, sizeof label, "%s: a flipped bit afterwards is caught", name);
    CHECK(label, rx_csum_verify(f, len) == 0);
}

static struct sim sim;
static struct xs_client xs;
static struct netfront nf;

int main(void)
{
    one_kind("IPv4 UDP", 0, 17, 33);
    one_kind("IPv4 TCP", 0, 6, 0);
    one_kind("IPv4 TCP with data", 0, 6, 1000);
    one_kind("IPv6 UDP", 1, 17, 40);
    one_kind("IPv6 TCP", 1, 6, 77);

    uint8_t f[1600], before[1600];
    size_t len = make_frame(f, 0, 17, 20, 0x1234);
    f[14 + 6] = 0x20;   /* more fragments */
    memcpy(before, f, len);
    CHECK("IPv4 fragment: left alone", !rx_csum_complete(f, len) && memcmp(f, before, len) == 0);
    len = make_frame(f, 0, 17, 20, 0x1234);
    CHECK("IPv4 total length past the frame: left alone", !rx_csum_complete(f, len - 1));
    len = make_frame(f, 1, 6, 20, 0x1234);
    CHECK("IPv6 payload length past the frame: left alone", !rx_csum_complete(f, len - 1));
    len = make_frame(f, 0, 17, 20, 0x1234);
    f[14 + 9] = 1;      /* ICMP */
    CHECK("IPv4 ICMP: left alone", !rx_csum_complete(f, len) && rx_csum_verify(f, len) == -1);
    len = make_frame(f, 0, 17, 20, 0x1234);
    f[12] = 0x08, f[13] = 0x06;     /* ARP */
    CHECK("ARP: left alone", !rx_csum_complete(f, len));
    CHECK("runt frame: left alone", !rx_csum_complete(f, 10));

    /* Through netfront: a frame flagged NETRXF_csum_blank comes out whole;
     * one without the flag comes out as it was sent. */
    sim_init(&sim);
    struct xs_transport t = sim_xs_transport(&sim);
    xs_init(&xs, &t);
    struct netfront_port port = sim_netfront_port(&sim);
    char err[160];
    CHECK("netfront connects", netfront_connect(&nf, &xs, &port, "device/vif/0", err, sizeof err) == 0);
    uint8_t got[2048];
    len = make_frame(f, 0, 17, 33, 0x1234);
    sim.rx_flags = NETRXF_csum_blank | NETRXF_data_validated;
    CHECK("netfront: blank-checksum frame injected", sim_netback_inject(&sim, f, len) == 0);
    long n = netfront_receive(&nf, got, sizeof got);
    CHECK("netfront: it is received with its checksum filled in",
          n == (long)len && rx_csum_verify(got, len) == 1 && nf.rx_csum_blank == 1 &&
              nf.rx_csum_unknown == 0);
    sim.rx_flags = 0;
    CHECK("netfront: unflagged frame injected", sim_netback_inject(&sim, f, len) == 0);
    n = netfront_receive(&nf, got, sizeof got);
    CHECK("netfront: an unflagged frame is passed on untouched",
          n == (long)len && memcmp(got, f, len) == 0 && nf.rx_csum_blank == 1);
    len = make_frame(f, 0, 17, 33, 0x1234);
    f[12] = 0x08, f[13] = 0x06;
    sim.rx_flags = NETRXF_csum_blank;
    CHECK("netfront: blank-flagged non-IP frame injected", sim_netback_inject(&sim, f, len) == 0);
    n = netfront_receive(&nf, got, sizeof got);
    CHECK("netfront: it is passed on and counted as unknown",
          n == (long)len && memcmp(got, f, len) == 0 && nf.rx_csum_unknown == 1);
    sim_free(&sim);
    return CHECK_DONE();
}
