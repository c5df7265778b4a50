/* The runtime `_acme-challenge` TXT records: see dns_challenge.h. */
#include "dns/dns_challenge.h"

#include <string.h>

/* The first label every record's name has (RFC 8555 8.4), in wire form. */
static const uint8_t challenge_label[] = "\017_acme-challenge";
#define CHALLENGE_LABEL_LEN 16

static uint8_t lower(uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* Letters, digits, '-' and '_': host names and the underscore labels of
 * service names. Anything else would be a name no CA asks about, and a
 * dot or a backslash escape in text we do not need to read. */
static bool name_char(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

size_t dns_challenge_name(const char *text, uint8_t wire[DNS_NAME_MAX])
{
    size_t len = strlen(text);
    if (len > 0 && text[len - 1] == '.')
        len--;
    size_t at = 0, label_len = 0;       /* the current label's length byte, and its bytes so far */
    for (size_t i = 0; i <= len; i++) {
        if (i == len || text[i] == '.') {
            if (label_len == 0 || label_len > 63)
                return 0;
            wire[at] = (uint8_t)label_len;
            at += 1 + label_len;
            label_len = 0;
            continue;
        }
        uint8_t c = lower((uint8_t)text[i]);
        if (!name_char(c) || at + 1 + label_len >= DNS_NAME_MAX - 1)    /* keep room for the root label */
            return 0;
        wire[at + 1 + label_len++] = c;
    }
    wire[at] = 0;
    size_t wire_len = at + 1;
    if (wire_len <= CHALLENGE_LABEL_LEN + 1 || memcmp(wire, challenge_label, CHALLENGE_LABEL_LEN) != 0)
        return 0;
    return wire_len;
}

static bool same_name(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
    if (a_len != b_len)
        return false;
    for (size_t i = 0; i < a_len; i++)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return true;
}

static struct dns_challenge *find(struct dns_challenges *t, const uint8_t *name, size_t name_len,
                                  const uint8_t *value, size_t value_len)
{
    for (size_t i = 0; i < t->count; i++) {
        struct dns_challenge *r = &t->records[i];
        if (r->value_len == value_len && memcmp(r->value, value, value_len) == 0 &&
            same_name(r->name, r->name_len, name, name_len))
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
        !same_name(name, CHALLENGE_LABEL_LEN, challenge_label, CHALLENGE_LABEL_LEN))
        return NULL;
    for (; *at < t->count; (*at)++) {
        const struct dns_challenge *r = &t->records[*at];
        if (same_name(r->name, r->name_len, name, name_len)) {
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
