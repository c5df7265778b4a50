/* The runtime `_acme-challenge` TXT records: see dns_challenge.h. */
#include "dns/dns_challenge.h"

#include <string.h>

/* The first label every record's name has (RFC 8555 8.4), in wire form. */
static const uint8_t challenge_label[] = "\017_acme-challenge";
#define CHALLENGE_LABEL_LEN 16

size_t dns_challenge_name(const char *text, uint8_t wire[DNS_NAME_MAX])
{
    size_t wire_len = dns_name_from_host(text, wire);
    if (wire_len <= CHALLENGE_LABEL_LEN + 1 || memcmp(wire, challenge_label, CHALLENGE_LABEL_LEN) != 0)
        return 0;
    return wire_len;
}

static struct dns_challenge *find(struct dns_challenges *t, const uint8_t *name, size_t name_len,
                                  const uint8_t *value, size_t value_len)
{
    for (size_t i = 0; i < t->count; i++) {
        struct dns_challenge *r = &t->records[i];
        if (r->value_len == value_len && memcmp(r->value, value, value_len) == 0 &&
            dns_name_equal(r->name, r->name_len, name, name_len))
            return r;
    }
    return NULL;
}

void dns_challenges_init(struct dns_challenges *t)
{
    t->count = 0;
}

enum dns_challenge_result dns_challenges_add(struct dns_challenges *t, const char *name, const uint8_t *value,
                                             size_t value_len)
{
    uint8_t wire[DNS_NAME_MAX];
    size_t wire_len = dns_challenge_name(name, wire);
    if (wire_len == 0)
        return DNS_CHALLENGE_BAD_NAME;
    if (value_len == 0 || value_len > DNS_CHALLENGE_VALUE_MAX)
        return DNS_CHALLENGE_BAD_VALUE;
    if (find(t, wire, wire_len, value, value_len))
        return DNS_CHALLENGE_OK;
    if (t->count == DNS_CHALLENGE_CAPACITY)
        return DNS_CHALLENGE_FULL;
    struct dns_challenge *r = &t->records[t->count++];
    memcpy(r->name, wire, wire_len);
    r->name_len = wire_len;
    memcpy(r->value, value, value_len);
    r->value_len = value_len;
    return DNS_CHALLENGE_OK;
}

enum dns_challenge_result dns_challenges_remove(struct dns_challenges *t, const char *name, const uint8_t *value,
                                                size_t value_len)
{
    uint8_t wire[DNS_NAME_MAX];
    size_t wire_len = dns_challenge_name(name, wire);
    if (wire_len == 0)
        return DNS_CHALLENGE_BAD_NAME;
    struct dns_challenge *r = value_len <= DNS_CHALLENGE_VALUE_MAX ? find(t, wire, wire_len, value, value_len)
                                                                   : NULL;
    if (!r)
        return DNS_CHALLENGE_NOT_FOUND;
    /* Order is not kept: the last record takes the freed slot. An RRset
     * has no order (RFC 2181 5). */
    *r = t->records[--t->count];
    return DNS_CHALLENGE_OK;
}

void dns_challenges_clear(struct dns_challenges *t)
{
    t->count = 0;
}

const struct dns_challenge *dns_challenges_next(const struct dns_challenges *t, const uint8_t *name,
                                                size_t name_len, size_t *at)
{
    if (t->count == 0 || name_len <= CHALLENGE_LABEL_LEN + 1 ||
        !dns_name_equal(name, CHALLENGE_LABEL_LEN, challenge_label, CHALLENGE_LABEL_LEN))
        return NULL;
    for (; *at < t->count; (*at)++) {
        const struct dns_challenge *r = &t->records[*at];
        if (dns_name_equal(r->name, r->name_len, name, name_len)) {
            (*at)++;
            return r;
        }
    }
    return NULL;
}

const char *dns_challenge_result_text(enum dns_challenge_result r)
{
    switch (r) {
    case DNS_CHALLENGE_OK: return "ok";
    case DNS_CHALLENGE_FULL: return "the table of _acme-challenge records is full";
    case DNS_CHALLENGE_BAD_NAME: return "not an _acme-challenge name";
    case DNS_CHALLENGE_BAD_VALUE: return "a TXT value must be 1 to 255 bytes";
    case DNS_CHALLENGE_NOT_FOUND: return "no such _acme-challenge record";
    }
    return "?";
}
