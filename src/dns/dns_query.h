/*
 * Parsing a DNS query message into the facts the engine answers from.
 * Reads only inside the given bytes; allocates nothing.
 */
#ifndef UNIHOST_DNS_QUERY_H
#define UNIHOST_DNS_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/dns_name.h"

enum dns_parse_result {
    DNS_PARSE_OK,           /* a well-formed query */
    DNS_PARSE_DROP,         /* not worth an answer (too short for a header, or a response) */
    DNS_PARSE_FORMERR,      /* answer FORMERR (question echoed if question_len > 0) */
    DNS_PARSE_NOTIMP,       /* opcode we do not implement */
    DNS_PARSE_BADVERS,      /* EDNS version we do not speak */
    DNS_PARSE_COOKIE_PROBE, /* no question, only a cookie: answered with ours (RFC 7873 5.4) */
    DNS_PARSE_TSIG_ERROR,   /* the engine's: a TSIG that failed verification (never from the parser) */
};

/* EDNS options we act on (RFC 6891 6.1.2: the others are ignored). */
#define DNS_OPTION_NSID 3
#define DNS_OPTION_COOKIE 10

struct dns_query {
    uint16_t id;
    uint16_t flags;                 /* as received */
    size_t question_len;            /* bytes of the question section (0: none usable) */
    const uint8_t *qname;           /* wire name inside the message, client's case */
    size_t qname_len;
    uint16_t qtype, qclass;
    bool has_edns;
    uint16_t edns_payload;          /* client's UDP payload size (>= 512 when has_edns) */
    bool edns_do;                   /* DNSSEC OK */
    bool nsid;                      /* the NSID option, asked for (RFC 5001) */
    const uint8_t *cookie;          /* the COOKIE option's data, inside the message; */
    uint16_t cookie_len;            /*   NULL when absent (its length not yet judged) */
    size_t tsig_off;                /* where the TSIG record starts (0: none); it is the last record */
};

/* Where a query came from: the transport, and the client as the transfer
 * ACLs compare it. */
enum dns_transport { DNS_OVER_UDP, DNS_OVER_TCP };

struct dns_peer {
    uint8_t family;                 /* 4 or 6 */
    uint8_t addr[16];               /* network byte order; IPv4 in the first 4 bytes */
};

enum dns_parse_result dns_query_parse(const uint8_t *msg, size_t len, struct dns_query *q);

#endif
