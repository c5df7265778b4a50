/* TLS 1.3 session tickets: see tls13_ticket.h. */
#include "tls/tls13_ticket.h"

#include "crypto/secret_bytes.h"
#include "crypto/sha256_ni.h"

#include <string.h>

/* A ticket: key id (1), nonce (12), sealed contents, tag (16). The
 * contents: version 1 (1), suite (2), issued (8), age_add (4), PSK length
 * (1), PSK. */
#define TICKET_VERSION 1
#define TICKET_HEAD 13
#define CONTENTS_FIXED 16

static const char personalization[] = "unihost TLS 1.3 ticket keys";

void tls13_tickets_init(struct tls13_tickets *t, const struct tls13_aead_impl *impl,
                        uint64_t (*now_s)(void))
{
    secret_wipe(t, sizeof *t);
    t->impl = impl;
    t->now_s = now_s;
}

void tls13_tickets_add_entropy(struct tls13_tickets *t, const void *seed, size_t len)
{
    /* The personalization string keeps the generator's state apart from
     * the connection's own generator seeded with the same bytes. */
    if (!t->seeded) {
        br_hmac_drbg_init(&t->rng, sha256_fast(), personalization, sizeof personalization - 1);
        t->seeded = true;
    }
    br_hmac_drbg_update(&t->rng, seed, len);
}

uint32_t tls13_tickets_random32(struct tls13_tickets *t)
{
    uint8_t b[4];
    br_hmac_drbg_generate(&t->rng, b, sizeof b);
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static void rotate_if_due(struct tls13_tickets *t, uint64_t now)
{
    if (t->current.live && now - t->current.born_s < TLS13_TICKET_KEY_PERIOD_S)
        return;
    t->previous = t->current;
    br_hmac_drbg_generate(&t->rng, t->current.key, sizeof t->current.key);
    t->current.id = (uint8_t)(t->previous.id + 1);
    t->current.born_s = now;
    t->current.live = true;
}

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static uint64_t get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

size_t tls13_ticket_seal(struct tls13_tickets *t, const struct tls13_ticket_contents *c, uint8_t *out)
{
    if (!t->seeded || c->psk_len > TLS13_HASH_MAX)
        return 0;
    uint64_t now = t->now_s();
    rotate_if_due(t, now);
    out[0] = t->current.id;
    br_hmac_drbg_generate(&t->rng, out + 1, 12);
    uint8_t *body = out + TICKET_HEAD;
    body[0] = TICKET_VERSION;
    body[1] = (uint8_t)(c->suite >> 8);
    body[2] = (uint8_t)c->suite;
    put_u64(body + 3, c->issued_s);
    body[11] = (uint8_t)(c->age_add >> 24);
    body[12] = (uint8_t)(c->age_add >> 16);
    body[13] = (uint8_t)(c->age_add >> 8);
    body[14] = (uint8_t)c->age_add;
    body[15] = (uint8_t)c->psk_len;
    memcpy(body + CONTENTS_FIXED, c->psk, c->psk_len);
    size_t body_len = CONTENTS_FIXED + c->psk_len;
    t->impl->poly1305(t->current.key, out + 1, body, body_len, out, 1, body + body_len,
                      t->impl->chacha20, 1);
    return TICKET_HEAD + body_len + 16;
}

bool tls13_ticket_open(struct tls13_tickets *t, const uint8_t *ticket, size_t len,
                       struct tls13_ticket_contents *c)
{
    if (!t->seeded || len < TICKET_HEAD + CONTENTS_FIXED + 16 || len > TLS13_TICKET_MAX)
        return false;
    uint64_t now = t->now_s();
    const uint8_t *key = NULL;
    if (t->current.live && ticket[0] == t->current.id)
        key = t->current.key;
    else if (t->previous.live && ticket[0] == t->previous.id &&
             now - t->previous.born_s < 2 * (uint64_t)TLS13_TICKET_KEY_PERIOD_S)
        key = t->previous.key;
    if (!key)
        return false;
    uint8_t body[TLS13_TICKET_MAX], tag[16];
    size_t body_len = len - TICKET_HEAD - 16;
    memcpy(body, ticket + TICKET_HEAD, body_len);
    t->impl->poly1305(key, ticket + 1, body, body_len, ticket, 1, tag, t->impl->chacha20, 0);
    bool ok = secret_equal(tag, ticket + len - 16, 16) && body[0] == TICKET_VERSION &&
              body[15] <= TLS13_HASH_MAX && CONTENTS_FIXED + (size_t)body[15] == body_len;
    if (ok) {
        c->suite = (uint16_t)(body[1] << 8 | body[2]);
        c->issued_s = get_u64(body + 3);
        c->age_add = (uint32_t)body[11] << 24 | (uint32_t)body[12] << 16 | (uint32_t)body[13] << 8 | body[14];
        c->psk_len = body[15];
        memcpy(c->psk, body + CONTENTS_FIXED, c->psk_len);
        ok = c->issued_s <= now && now - c->issued_s <= TLS13_TICKET_LIFETIME_S;
    }
    secret_wipe(body, sizeof body);
    secret_wipe(tag, sizeof tag);
    if (!ok)
        secret_wipe(c, sizeof *c);      /* an expired ticket's PSK is not the caller's to keep */
    return ok;
}

void tls13_tickets_wipe(struct tls13_tickets *t)
{
    secret_wipe(t, sizeof *t);
}
