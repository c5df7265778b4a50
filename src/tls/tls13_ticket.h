/*
 * TLS 1.3 session tickets (RFC 8446 4.6.1): what a resumption needs (the
 * PSK, its suite, when it was issued), sealed with ChaCha20-Poly1305 under
 * a server key only the server knows, so the server keeps no per-session
 * state. Keys are drawn from a generator fed by every connection's seed,
 * rotate every TLS13_TICKET_KEY_PERIOD_S, and the one before is still
 * accepted; a ticket is accepted for TLS13_TICKET_LIFETIME_S after it was
 * issued, never more.
 */
#ifndef UNIHOST_TLS13_TICKET_H
#define UNIHOST_TLS13_TICKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

#include "tls/tls13_key_schedule.h"
#include "tls/tls13_record.h"

#define TLS13_TICKET_LIFETIME_S (24 * 3600)     /* Mozilla's guidelines: a day */
#define TLS13_TICKET_KEY_PERIOD_S (24 * 3600)   /* a key seals for a day, opens for two */
#define TLS13_TICKET_MAX 128                    /* the bytes of a ticket this server issues, at most */

/* What a ticket carries. */
struct tls13_ticket_contents {
    uint16_t suite;
    uint64_t issued_s;
    uint32_t age_add;
    uint8_t psk[TLS13_HASH_MAX];
    size_t psk_len;
};

struct tls13_tickets {
    const struct tls13_aead_impl *impl;
    uint64_t (*now_s)(void);            /* monotonic seconds */
    br_hmac_drbg_context rng;
    bool seeded;
    struct {
        uint8_t key[32];
        uint8_t id;
        uint64_t born_s;
        bool live;
    } current, previous;
};

void tls13_tickets_init(struct tls13_tickets *t, const struct tls13_aead_impl *impl,
                        uint64_t (*now_s)(void));

/* Mixes a connection's seed into the key generator (domain-separated from
 * the connection's own use of it). */
void tls13_tickets_add_entropy(struct tls13_tickets *t, const void *seed, size_t len);

/* Seals c into out (TLS13_TICKET_MAX bytes); returns its length, 0 if the
 * generator was never seeded. Rotates the key when it is due. */
size_t tls13_ticket_seal(struct tls13_tickets *t, const struct tls13_ticket_contents *c, uint8_t *out);

/* Opens a ticket a client presents: true and *c filled if it is one of
 * ours, intact, under a live key, and within its lifetime. */
bool tls13_ticket_open(struct tls13_tickets *t, const uint8_t *ticket, size_t len,
                       struct tls13_ticket_contents *c);

/* A random 32-bit number (a ticket's age_add). */
uint32_t tls13_tickets_random32(struct tls13_tickets *t);

void tls13_tickets_wipe(struct tls13_tickets *t);

#endif
