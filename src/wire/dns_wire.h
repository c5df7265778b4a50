/*
 * DNS wire format (RFC 1035, 6891): message constants, type numbers and
 * big-endian integers. src/wire/ sits below both the content blob
 * (content/, whose format stores names and RDATA in wire form and checks
 * them at load) and the DNS engine (dns/), and crunch writes with it: the
 * one layer that every reader and the writer of DNS bytes share, so that
 * content/ needs nothing from dns/ and the folders form no cycle.
 */
#ifndef UNIHOST_DNS_WIRE_H
#define UNIHOST_DNS_WIRE_H

#include <stdint.h>

#define DNS_HEADER_SIZE 12
#define DNS_UDP_MAX_PLAIN 512       /* RFC 1035 4.2.1, without EDNS */
#define DNS_EDNS_PAYLOAD 1232       /* what unihost advertises (DNS flag day 2020) */
#define DNS_TCP_MAX 65535

/* Header flag bits (second 16-bit word). */
#define DNS_FLAG_QR 0x8000u
#define DNS_FLAG_AA 0x0400u
#define DNS_FLAG_TC 0x0200u
#define DNS_FLAG_RD 0x0100u
#define DNS_FLAG_RA 0x0080u
#define DNS_FLAG_AD 0x0020u
#define DNS_FLAG_CD 0x0010u
#define DNS_OPCODE(flags) (((flags) >> 11) & 0xfu)

enum dns_rcode {
    DNS_RCODE_NOERROR = 0,
    DNS_RCODE_FORMERR = 1,
    DNS_RCODE_SERVFAIL = 2,
    DNS_RCODE_NXDOMAIN = 3,
    DNS_RCODE_NOTIMP = 4,
    DNS_RCODE_REFUSED = 5,
    DNS_RCODE_NOTAUTH = 9,
    DNS_RCODE_BADVERS = 16,     /* extended: needs OPT */
    DNS_RCODE_BADCOOKIE = 23,   /* extended: needs OPT (RFC 7873) */
};

enum dns_type {
    DNS_TYPE_A = 1,
    DNS_TYPE_NS = 2,
    DNS_TYPE_CNAME = 5,
    DNS_TYPE_SOA = 6,
    DNS_TYPE_MX = 15,
    DNS_TYPE_TXT = 16,
    DNS_TYPE_AAAA = 28,
    DNS_TYPE_SRV = 33,
    DNS_TYPE_OPT = 41,
    DNS_TYPE_DS = 43,
    DNS_TYPE_RRSIG = 46,
    DNS_TYPE_NSEC = 47,
    DNS_TYPE_DNSKEY = 48,
    DNS_TYPE_NSEC3 = 50,
    DNS_TYPE_NSEC3PARAM = 51,
    DNS_TYPE_TSIG = 250,        /* RFC 8945: only ever the last additional record */
    DNS_TYPE_IXFR = 251,
    DNS_TYPE_AXFR = 252,
    DNS_TYPE_ANY = 255,
};

#define DNS_CLASS_IN 1
#define DNS_CLASS_CH 3
#define DNS_CLASS_ANY 255
#define DNS_EDNS_DO 0x8000u         /* in the OPT TTL's low 16 bits */

/*
 * Where the domain name a record points at starts inside its RDATA, for the
 * types whose target unihost reads (additional-section addresses, CNAME
 * chains): NS and CNAME are one name, MX has a 2-byte preference before it,
 * SRV priority, weight and port. -1 for every other type. The blob reader
 * checks these names with the same offsets the engine reads them at.
 */
static inline int dns_rdata_target_offset(uint16_t type)
{
    switch (type) {
    case DNS_TYPE_NS:
    case DNS_TYPE_CNAME:
        return 0;
    case DNS_TYPE_MX:
        return 2;
    case DNS_TYPE_SRV:
        return 6;
    default:
        return -1;
    }
}

static inline uint16_t dns_get16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t dns_get32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline void dns_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void dns_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

#endif
