/*
 * The UDP fast path (src/net/udp_fast.c) against a stub netif, ARP table,
 * service and platform: plain queries, the cases lwIP must get instead,
 * and 300000 random and mutated frames. Each frame is handed over in a
 * buffer of exactly its length (ASan: no read past it); a reference model
 * written here from the rules in udp_fast.h and lwIP's ip4_input,
 * udp_input and etharp_output says whether it must be answered, handed to
 * lwIP or dropped; every frame sent is checked field by field with its
 * checksums summed here, not by the code under test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* glibc's <endian.h> (through <stdlib.h>) defines it too, to the same value. */
#undef BYTE_ORDER

#include "check.h"
#include "core/platform.h"
#include "lwip/etharp.h"
#include "net/udp_fast.h"

#define ETH 14
#define ARP_SLOTS 8

static const uint8_t our_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
static struct netif nif;

/* ---- the stub ARP table: etharp_find_addr / etharp_get_entry ------------ */

static struct {
    bool used;
    ip4_addr_t ip;
    struct eth_addr mac;
} arp[ARP_SLOTS];
static unsigned arp_lookups;

ssize_t etharp_find_addr(struct netif *netif, const ip4_addr_t *ipaddr, struct eth_addr **eth_ret,
                         const ip4_addr_t **ip_ret)
{
    arp_lookups++;
    for (size_t i = 0; i < ARP_SLOTS; i++)
        if (arp[i].used && netif == &nif && ip4_addr_cmp(&arp[i].ip, ipaddr)) {
            *eth_ret = &arp[i].mac;
            *ip_ret = &arp[i].ip;
            return (ssize_t)i;
        }
    return -1;
}

int etharp_get_entry(size_t i, ip4_addr_t **ipaddr, struct netif **netif, struct eth_addr **eth_ret)
{
    if (i >= ARP_SLOTS || !arp[i].used)
        return 0;
    *ipaddr = &arp[i].ip;
    *netif = &nif;
    *eth_ret = &arp[i].mac;
    return 1;
}

/* lwIP's clock and ARP requests, as udp_fast.c renews the entries it uses. */
static uint32_t clock_ms;
static unsigned arp_requests;
static ip4_addr_t arp_requested;

u32_t sys_now(void)
{
    return clock_ms;
}

err_t etharp_request(struct netif *netif, const ip4_addr_t *ipaddr)
{
    (void)netif;
    arp_requests++;
    arp_requested = *ipaddr;
    return ERR_OK;
}

static void arp_set(size_t slot, uint32_t ip, uint8_t mac_last)
{
    arp[slot].used = true;
    arp[slot].ip.addr = lwip_htonl(ip);
    uint8_t mac[6] = {0x02, 0xaa, (uint8_t)(ip >> 24), (uint8_t)(ip >> 16), (uint8_t)(ip >> 8), mac_last};
    memcpy(arp[slot].mac.addr, mac, 6);
}

static const struct eth_addr *arp_mac_of(uint32_t ip)
{
    for (size_t i = 0; i < ARP_SLOTS; i++)
        if (arp[i].used && arp[i].ip.addr == lwip_htonl(ip))
            return &arp[i].mac;
    return NULL;
}

/* ---- the stub service and platform ---------------------------------------- */

static const uint8_t *cur_frame;        /* the frame being offered */
static size_t cur_len;
static unsigned calls, sends, bad_calls;
static size_t answer_len;               /* what the service answers (0: none) */
static bool answer_zero_sum;            /* choose the last two bytes so that the UDP sum is zero */
static uint8_t last_answer[UDP_FAST_ANSWER_MAX];
static size_t last_query_len;
static struct stream_peer last_peer;
static uint8_t sent[2048];
static size_t sent_len;

static uint32_t sum16(uint32_t s, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        s += (uint32_t)p[n - 1] << 8;
    return s;
}

static uint16_t fold(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)s;
}

static size_t service(const struct stream_peer *peer, const uint8_t *msg, size_t len, uint8_t *out, size_t room)
{
    calls++;
    /* The message lies inside the frame, after its UDP header. */
    if (msg < cur_frame + ETH + 28 || msg + len > cur_frame + cur_len || room != UDP_FAST_ANSWER_MAX)
        bad_calls++;
    last_query_len = len;
    last_peer = *peer;
    size_t n = answer_len > room ? room : answer_len;
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)(i < len ? msg[i] ^ 0x80 : i * 7);
    if (answer_zero_sum && n >= 2 && n % 2 == 0) {
        /* Pseudo-header (us -> peer), UDP header (53 -> peer's port, length,
         * checksum 0), the answer with its last word 0: that word makes the
         * sum 0xffff, so the checksum is 0 and must be sent as 0xffff. */
        out[n - 2] = out[n - 1] = 0;
        uint8_t h[20];
        memcpy(h, &netif_ip4_addr(&nif)->addr, 4);
        memcpy(h + 4, peer->addr, 4);
        h[8] = 0, h[9] = 17, h[10] = (uint8_t)((8 + n) >> 8), h[11] = (uint8_t)(8 + n);
        h[12] = 0, h[13] = 53, h[14] = (uint8_t)(peer->port >> 8), h[15] = (uint8_t)peer->port;
        h[16] = h[10], h[17] = h[11], h[18] = 0, h[19] = 0;
        uint16_t s = fold(sum16(sum16(0, h, 20), out, n));
        uint16_t x = (uint16_t)(0xffff - s);
        out[n - 2] = (uint8_t)(x >> 8), out[n - 1] = (uint8_t)x;
    }
    memcpy(last_answer, out, n);
    return n;
}

int plat_net_write(const void *frame, size_t len)
{
    sends++;
    sent_len = len > sizeof sent ? sizeof sent : len;
    memcpy(sent, frame, sent_len);
    return 0;
}

/* lwIP's assertion hook (arch/cc.h), which its ip4_addr.c refers to. */
_Noreturn void unihost_lwip_assert(const char *msg, const char *file, int line)
{
    printf("not ok - lwIP assertion: %s (%s:%d)\n", msg, file, line);
    abort();
}

/* ---- frames ---------------------------------------------------------------- */

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16)), put16(p + 2, (uint16_t)v);
}

#define OUR_IP 0xc0000202u      /* 192.0.2.2/24, gateway 192.0.2.1 */
#define GW_IP 0xc0000201u
#define MASK 0xffffff00u

static void ip_csum(uint8_t *f)
{
    size_t ihl = (size_t)(f[ETH] & 0x0f) * 4;
    put16(f + ETH + 10, 0);
    put16(f + ETH + 10, (uint16_t)~fold(sum16(0, f + ETH, ihl)));
}

/* The UDP checksum over the IP payload (as lwIP checks it): 0 becomes 0xffff. */
static void udp_csum(uint8_t *f)
{
    size_t ihl = (size_t)(f[ETH] & 0x0f) * 4;
    size_t plen = get16(f + ETH + 2) - ihl;
    uint8_t *u = f + ETH + ihl;
    put16(u + 6, 0);
    uint8_t ph[12];
    memcpy(ph, f + ETH + 12, 8);
    ph[8] = 0, ph[9] = 17, put16(ph + 10, (uint16_t)plen);
    uint16_t c = (uint16_t)~fold(sum16(sum16(0, ph, 12), u, plen));
    put16(u + 6, c ? c : 0xffff);
}

/* A plain query frame from src:sport with `msg_len` bytes of message. */
static size_t make_query(uint8_t *f, uint32_t src, uint16_t sport, size_t msg_len)
{
    memcpy(f, our_mac, 6);
    memcpy(f + 6, "\x02\xbb\x00\x00\x00\x01", 6);
    put16(f + 12, 0x0800);
    uint8_t *ip = f + ETH, *u = ip + 20;
    ip[0] = 0x45, ip[1] = 0;
    put16(ip + 2, (uint16_t)(28 + msg_len));
    put16(ip + 4, 0x1234), put16(ip + 6, 0x4000);
    ip[8] = 64, ip[9] = 17;
    put32(ip + 12, src), put32(ip + 16, OUR_IP);
    put16(u, sport), put16(u + 2, 53), put16(u + 4, (uint16_t)(8 + msg_len));
    for (size_t i = 0; i < msg_len; i++)
        u[8 + i] = (uint8_t)(i * 31 + 5);
    ip_csum(f);
    udp_csum(f);
    return ETH + 28 + msg_len;
}

/* ---- the reference model -------------------------------------------------------- */

/* V_DROP: a bad UDP checksum, never answered; udp_fast.h says the fast
 * path drops it, udp_fast.c leaves it to lwIP (which drops it): either. */
enum verdict { V_LWIP, V_DROP, V_ANSWER };

static bool is_broadcast(uint32_t a)
{
    if (a == 0 || a == 0xffffffffu)
        return true;
    if (a == OUR_IP)
        return false;
    return (a & MASK) == (OUR_IP & MASK) && (a & ~MASK) == ~MASK;
}

/* The next hop lwIP's etharp_output would send to (0: none). */
static uint32_t next_hop(uint32_t dst)
{
    if ((dst & MASK) == (OUR_IP & MASK) || (dst & 0xffff0000u) == 0xa9fe0000u)
        return dst;
    return GW_IP;
}

static enum verdict model(const uint8_t *f, size_t len, bool has_ip)
{
    if (len < ETH + 28 || get16(f + 12) != 0x0800 || memcmp(f, our_mac, 6) != 0)
        return V_LWIP;
    const uint8_t *ip = f + ETH;
    size_t total = get16(ip + 2);
    if (ip[0] != 0x45 || ip[9] != 17 || (get16(ip + 6) & 0xbfff) || total < 28 || ETH + total > len)
        return V_LWIP;
    if (get16(ip + 20 + 2) != 53 || fold(sum16(0, ip, 20)) != 0xffff)
        return V_LWIP;
    uint32_t src = (uint32_t)get16(ip + 12) << 16 | get16(ip + 14);
    uint32_t dst = (uint32_t)get16(ip + 16) << 16 | get16(ip + 18);
    if (!has_ip || dst != OUR_IP || is_broadcast(src) || (src >> 28) == 0xe)
        return V_LWIP;
    if (get16(ip + 24) != total - 20)
        return V_LWIP;
    if (get16(ip + 26) != 0) {
        uint8_t ph[12];
        memcpy(ph, ip + 12, 8);
        ph[8] = 0, ph[9] = 17, put16(ph + 10, (uint16_t)(total - 20));
        if (fold(sum16(sum16(0, ph, 12), ip + 20, total - 20)) != 0xffff)
            return V_DROP;
    }
    if (!arp_mac_of(next_hop(src)))
        return V_LWIP;
    return V_ANSWER;
}

/* What is wrong with the frame sent in answer to query f ("" if nothing). */
static const char *sent_problem(const uint8_t *f, size_t n)
{
    const uint8_t *q = f + ETH;
    uint32_t src = (uint32_t)get16(q + 12) << 16 | get16(q + 14);
    const struct eth_addr *mac = arp_mac_of(next_hop(src));
    const uint8_t *ip = sent + ETH, *u = ip + 20;
    if (sent_len != ETH + 28 + n)
        return "frame length";
    if (!mac || memcmp(sent, mac->addr, 6) || memcmp(sent + 6, our_mac, 6) || get16(sent + 12) != 0x0800)
        return "Ethernet header";
    if (ip[0] != 0x45 || ip[1] != 0 || get16(ip + 2) != 28 + n || get16(ip + 6) != 0 || ip[8] != 255 ||
        ip[9] != 17)
        return "IP header fields";
    if (memcmp(ip + 12, q + 16, 4) || memcmp(ip + 16, q + 12, 4))
        return "IP addresses";
    if (fold(sum16(0, ip, 20)) != 0xffff)
        return "IP checksum";
    if (get16(u) != 53 || get16(u + 2) != get16(q + 20) || get16(u + 4) != 8 + n)
        return "UDP header";
    uint8_t ph[12];
    memcpy(ph, ip + 12, 8);
    ph[8] = 0, ph[9] = 17, put16(ph + 10, (uint16_t)(8 + n));
    if (get16(u + 6) == 0 || fold(sum16(sum16(0, ph, 12), u, 8 + n)) != 0xffff)
        return "UDP checksum";
    if (memcmp(u + 8, last_answer, n))
        return "payload";
    return "";
}

/* Offers f (copied to a buffer of exactly len bytes); checks against the
 * model. Returns a description of what went wrong, "" if nothing. */
static const char *offer(const uint8_t *f, size_t len, bool has_ip)
{
    enum verdict want = model(f, len, has_ip);
    uint8_t *buf = malloc(len ? len : 1);
    memcpy(buf, f, len);
    cur_frame = buf, cur_len = len;
    unsigned calls0 = calls, sends0 = sends, bad0 = bad_calls;
    bool taken = udp_fast_input(&nif, buf, len);
    const char *why = "";
    size_t expect_n = answer_len > UDP_FAST_ANSWER_MAX ? UDP_FAST_ANSWER_MAX : answer_len;
    if (bad_calls != bad0)
        why = "the service was given a message outside the frame";
    else if (want == V_LWIP && (taken || calls != calls0 || sends != sends0))
        why = "taken, though lwIP must have it";
    else if (want == V_DROP && (calls != calls0 || sends != sends0))
        why = "not dropped (a bad UDP checksum)";     /* here or by lwIP: udp_fast.c leaves it to lwIP */
    else if (want == V_ANSWER && (!taken || calls != calls0 + 1 || sends != sends0 + (expect_n > 0)))
        why = "not answered";
    else if (want == V_ANSWER && last_query_len != get16(f + ETH + 2) - 28u)
        why = "the service got the wrong length";
    else if (want == V_ANSWER && (last_peer.family != 4 || memcmp(last_peer.addr, f + ETH + 12, 4) ||
                                  last_peer.port != get16(f + ETH + 20)))
        why = "the service got the wrong peer";
    else if (want == V_ANSWER && expect_n)
        why = sent_problem(f, expect_n);
    free(buf);
    return why;
}

/* ---- set-up ------------------------------------------------------------------------ */

static void setup_netif(bool with_ip)
{
    memset(&nif, 0, sizeof nif);
    memcpy(nif.hwaddr, our_mac, 6);
    nif.hwaddr_len = 6;
    nif.flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    if (with_ip) {
        IP_ADDR4(&nif.ip_addr, 192, 0, 2, 2);
        IP_ADDR4(&nif.netmask, 255, 255, 255, 0);
        IP_ADDR4(&nif.gw, 192, 0, 2, 1);
    } else {
        IP_ADDR4(&nif.ip_addr, 0, 0, 0, 0);
        IP_ADDR4(&nif.netmask, 0, 0, 0, 0);
        IP_ADDR4(&nif.gw, 0, 0, 0, 0);
    }
}

static void arp_init(void)
{
    memset(arp, 0, sizeof arp);
    arp_set(0, 0xc0000233u, 1);     /* 192.0.2.51, on the link */
    arp_set(1, GW_IP, 2);           /* the router */
    arp_set(2, 0xa9fe0107u, 3);     /* 169.254.1.7, link-local: on the link too */
    arp_set(3, 0xc6336407u, 4);     /* 198.51.100.7, beyond the router, yet in the cache */
}

static uint32_t rnd(void)
{
    static uint64_t s = 0x9e3779b97f4a7c15u;
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    return (uint32_t)(s >> 16);
}

static const uint32_t sources[] = {
    0xc0000233u,    /* 192.0.2.51: in the cache */
    0xc0000234u,    /* 192.0.2.52: not */
    0xc6336407u,    /* 198.51.100.7: through the router */
    0xcb007101u,    /* 203.0.113.1: through the router */
    0xa9fe0107u,    /* 169.254.1.7: link-local, in the cache */
    0xa9fe0108u,    /* 169.254.1.8: link-local, not */
    0xc00002ffu,    /* the subnet's broadcast */
    0xffffffffu, 0x00000000u, 0xe0000001u, 0xefffffffu,
    0xc0000202u,    /* our own address */
    0xc0000200u,    /* the subnet's network address */
};

int main(void)
{
    setup_netif(true);
    arp_init();
    udp_fast_register(53, service);
    uint8_t f[2048];
    size_t n;
    const char *why;

    /* Plain queries: on the link, through the router, link-local. */
    answer_len = 100;
    n = make_query(f, 0xc0000233u, 40000, 33);
    why = offer(f, n, true);
    CHECK("a plain query from a client in the ARP cache is answered, the frame right", !*why);
    CHECK("... to the client's MAC", sends && !memcmp(sent, arp[0].mac.addr, 6));
    n = make_query(f, 0xc6336407u, 40001, 40);
    why = offer(f, n, true);
    CHECK("a client beyond the router, itself in the ARP cache, is answered to the router's MAC",
          !*why && !memcmp(sent, arp[1].mac.addr, 6));
    n = make_query(f, 0xa9fe0107u, 40002, 40);
    why = offer(f, n, true);
    CHECK("a link-local client (169.254/16) is answered on the link, to its own MAC (etharp_output)",
          !*why && !memcmp(sent, arp[2].mac.addr, 6));
    n = make_query(f, 0xc0000234u, 40003, 40);
    CHECK("a client not in the ARP cache goes to lwIP", !udp_fast_input(&nif, f, n));

    /* Renewal: an entry the fast path uses is asked about again once a
     * minute (lwIP would renew it itself only for what it sends). */
    unsigned r0 = arp_requests;
    n = make_query(f, 0xc0000233u, 40010, 30);
    offer(f, n, true);
    CHECK("no ARP request within a minute of the last", arp_requests == r0);
    clock_ms += 60000;
    why = offer(f, n, true);
    CHECK("a minute on, the entry in use is asked about again, and the query still answered here",
          !*why && arp_requests == r0 + 1 && ip4_addr_get_u32(&arp_requested) == lwip_htonl(0xc0000233u));
    why = offer(f, n, true);
    CHECK("... once a minute, not per query", !*why && arp_requests == r0 + 1);
    n = make_query(f, 0xc6336407u, 40011, 30);
    clock_ms += 60000;
    why = offer(f, n, true);
    CHECK("for a client beyond the router, the router's entry is the one asked about",
          !*why && ip4_addr_get_u32(&arp_requested) == lwip_htonl(GW_IP));

    /* Answer sizes: none, the largest, a UDP sum of zero. */
    answer_len = 0;
    n = make_query(f, 0xc0000233u, 40004, 40);
    unsigned s0 = sends;
    CHECK("no answer from the service: taken, nothing sent", udp_fast_input(&nif, f, n) && sends == s0);
    answer_len = UDP_FAST_ANSWER_MAX;
    why = offer(f, n, true);
    CHECK("an answer of UDP_FAST_ANSWER_MAX bytes: a frame of 1274 bytes, right", !*why && sent_len == 1274);
    answer_len = 64;
    answer_zero_sum = true;
    why = offer(f, n, true);
    CHECK("an answer whose UDP sum is zero is sent with checksum 0xffff", !*why && get16(sent + ETH + 26) == 0xffff);
    answer_zero_sum = false;

    /* Ethernet padding: the IP length says where the datagram ends. */
    answer_len = 50;
    n = make_query(f, 0xc0000233u, 40005, 20);
    memset(f + n, 0xee, 26);
    why = offer(f, n + 26, true);
    CHECK("padding after the datagram is not part of the message", !*why && last_query_len == 20);

    /* The ARP hint must not outlive its entry. */
    n = make_query(f, 0xc0000233u, 40006, 30);
    why = offer(f, n, true);
    arp_set(0, 0xc0000235u, 9);     /* slot 0 now holds 192.0.2.53 */
    CHECK("after the client's ARP slot went to another address, its query goes to lwIP",
          !udp_fast_input(&nif, f, n));
    n = make_query(f, 0xc0000235u, 40007, 30);
    why = offer(f, n, true);
    CHECK("... and the slot's new address is answered to its new MAC", !*why && !memcmp(sent, arp[0].mac.addr, 6));
    arp[0].mac.addr[5] = 0x77;      /* the same address, a new MAC */
    why = offer(f, n, true);
    CHECK("a MAC changed in the ARP cache is used at once", !*why && sent[5] == 0x77);
    arp_init();

    /* Without an IPv4 address: nothing for the fast path, even to 0.0.0.0. */
    setup_netif(false);
    n = make_query(f, 0xc0000233u, 40008, 30);
    put32(f + ETH + 16, 0);
    ip_csum(f);
    udp_csum(f);
    CHECK("no IPv4 address: a query to 0.0.0.0 goes to lwIP", !udp_fast_input(&nif, f, n));
    setup_netif(true);

    /* Random and mutated frames against the model. */
    unsigned fails = 0, answered = 0, dropped = 0, to_lwip = 0;
    const char *first = NULL;
    for (unsigned i = 0; i < 300000; i++) {
        answer_len = rnd() % 4 == 0 ? 0 : rnd() % (UDP_FAST_ANSWER_MAX + 100);
        answer_zero_sum = rnd() % 8 == 0;
        uint32_t src = sources[rnd() % (sizeof sources / sizeof sources[0])];
        size_t len = make_query(f, src, (uint16_t)rnd(), rnd() % 5 == 0 ? rnd() % 1470 : rnd() % 80);
        unsigned kind = rnd() % 12;
        if (kind == 0) {                                    /* random bytes after the MAC */
            for (size_t k = 12; k < len; k++)
                f[k] = (uint8_t)rnd();
        } else if (kind == 1) {                             /* flipped bytes, checksums redone or not */
            for (unsigned k = rnd() % 4 + 1; k--;)
                f[rnd() % len] ^= (uint8_t)(1 + rnd() % 255);
            if (rnd() % 2)
                ip_csum(f);
            if (rnd() % 2 && (f[ETH] & 0x0f) >= 5 && get16(f + ETH + 2) >= (f[ETH] & 0x0fu) * 4 + 8u &&
                ETH + (size_t)get16(f + ETH + 2) <= len)
                udp_csum(f);
        } else if (kind == 2) {                             /* IP total length */
            put16(f + ETH + 2, (uint16_t)(rnd() % 1600));
            ip_csum(f);
        } else if (kind == 3) {                             /* UDP length */
            put16(f + ETH + 24, (uint16_t)(rnd() % 4 ? get16(f + ETH + 24) + rnd() % 9 - 4 : rnd()));
            if (rnd() % 2)
                put16(f + ETH + 26, 0);
        } else if (kind == 4) {                             /* cut short */
            len = rnd() % (len + 1);
        } else if (kind == 5) {                             /* padded */
            size_t pad = rnd() % 60;
            memset(f + len, (int)rnd(), pad);
            len += pad;
        } else if (kind == 6) {                             /* flags, fragments, IHL, version */
            uint16_t v[] = {0x2000, 0x0001, 0x8000, 0x4000, 0x3fff, 0xffff};
            put16(f + ETH + 6, v[rnd() % 6]);
            if (rnd() % 3 == 0)
                f[ETH] = (uint8_t)rnd();
            ip_csum(f);
        } else if (kind == 7) {                             /* destination MAC, EtherType, address */
            if (rnd() % 2)
                f[rnd() % 6] ^= 1;
            else if (rnd() % 2)
                put16(f + 12, rnd() % 2 ? 0x86dd : 0x8100);
            else {
                put32(f + ETH + 16, rnd() % 2 ? 0xc0000203u : 0xc00002ffu);
                ip_csum(f);
                udp_csum(f);
            }
        } else if (kind == 8) {                             /* UDP checksum wrong or none */
            put16(f + ETH + 26, rnd() % 2 ? 0 : (uint16_t)(get16(f + ETH + 26) ^ (1 + rnd() % 0xfffe)));
        } else if (kind == 9) {                             /* another port or protocol */
            if (rnd() % 2)
                put16(f + ETH + 22, (uint16_t)rnd());
            else
                f[ETH + 9] = (uint8_t)rnd();
            ip_csum(f);
        }                                                   /* 10, 11: as made */
        enum verdict v = model(f, len, true);
        why = offer(f, len, true);
        answered += v == V_ANSWER, dropped += v == V_DROP, to_lwip += v == V_LWIP;
        if (*why && fails++ == 0) {
            first = why;
            printf("# first mismatch at frame %u (kind %u, %zu bytes): %s; frame:", i, kind, len, why);
            for (size_t k = 0; k < len && k < 80; k++)
                printf(" %02x", f[k]);
            printf("\n");
        }
    }
    printf("# 300000 frames: %u answered, %u dropped (bad UDP checksum), %u to lwIP; %u ARP lookups\n", answered,
           dropped, to_lwip, arp_lookups);
    CHECK("300000 random and mutated frames: each answered, dropped or left to lwIP as the model says, "
          "every frame sent right, nothing read outside the frame",
          fails == 0);
    if (fails)
        printf("# %u mismatches, the first: %s\n", fails, first);
    CHECK("the random frames reached every verdict", answered > 1000 && dropped > 1000 && to_lwip > 1000);
    return CHECK_DONE();
}
