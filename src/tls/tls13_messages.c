/* TLS 1.3 handshake messages: see tls13_messages.h. */
#include "tls/tls13_messages.h"

#include <string.h>

/* ---- reading ------------------------------------------------------------------ */

/* A bounded reader: every read checks what is left, and a short read
 * marks the reader bad (so one check at the end covers them all). */
struct reader {
    const uint8_t *p;
    size_t left;
    bool bad;
};

static bool take(struct reader *r, size_t n, const uint8_t **out)
{
    if (r->bad || n > r->left) {
        r->bad = true;
        return false;
    }
    *out = r->p;
    r->p += n;
    r->left -= n;
    return true;
}

static unsigned read_u8(struct reader *r)
{
    const uint8_t *p;
    return take(r, 1, &p) ? p[0] : 0;
}

static unsigned read_u16(struct reader *r)
{
    const uint8_t *p;
    return take(r, 2, &p) ? (unsigned)p[0] << 8 | p[1] : 0;
}

/* A length-prefixed block as its own reader; `bytes` length bytes. */
static struct reader read_block(struct reader *r, int bytes)
{
    size_t n = bytes == 1 ? read_u8(r) : read_u16(r);
    struct reader sub = {NULL, 0, true};
    const uint8_t *p;
    if (take(r, n, &p))
        sub = (struct reader){p, n, false};
    return sub;
}

static bool done(const struct reader *r)
{
    return !r->bad && r->left == 0;
}

enum {
    EXT_SERVER_NAME = 0,
    EXT_SUPPORTED_GROUPS = 10,
    EXT_SIGNATURE_ALGORITHMS = 13,
    EXT_ALPN = 16,
    EXT_RECORD_SIZE_LIMIT = 28,
    EXT_PRE_SHARED_KEY = 41,
    EXT_EARLY_DATA = 42,
    EXT_SUPPORTED_VERSIONS = 43,
    EXT_COOKIE = 44,
    EXT_PSK_KEY_EXCHANGE_MODES = 45,
    EXT_KEY_SHARE = 51,
};

static unsigned suite_bit(unsigned id)
{
    switch (id) {
    case 0x1301: return TLS13_SUITE_AES_128_GCM_SHA256;
    case 0x1302: return TLS13_SUITE_AES_256_GCM_SHA384;
    case 0x1303: return TLS13_SUITE_CHACHA20_POLY1305_SHA256;
    default: return 0;
    }
}

static unsigned group_bit(unsigned id)
{
    return id == TLS13_GROUP_X25519 ? TLS13_GROUP_BIT_X25519
         : id == TLS13_GROUP_SECP256R1 ? TLS13_GROUP_BIT_SECP256R1 : 0;
}

static int parse_server_name(struct reader e, struct tls13_client_hello *ch)
{
    struct reader list = read_block(&e, 2);
    if (!done(&e) || list.left == 0)
        return TLS13_ALERT_DECODE_ERROR;
    while (list.left > 0 && !list.bad) {
        unsigned type = read_u8(&list);
        struct reader name = read_block(&list, 2);
        if (name.bad)
            break;
        /* One host_name (RFC 6066 3); a name too long to be a DNS name,
         * or holding a NUL, is refused rather than cut. */
        if (type == 0) {
            if (ch->sni[0] || name.left == 0 || name.left > TLS13_SNI_MAX ||
                memchr(name.p, 0, name.left))
                return TLS13_ALERT_ILLEGAL_PARAMETER;
            memcpy(ch->sni, name.p, name.left);
            ch->sni[name.left] = 0;
        }
    }
    return done(&list) ? 0 : TLS13_ALERT_DECODE_ERROR;
}

static int parse_groups(struct reader e, struct tls13_client_hello *ch)
{
    struct reader list = read_block(&e, 2);
    if (!done(&e) || list.left == 0 || list.left % 2)
        return TLS13_ALERT_DECODE_ERROR;
    while (list.left > 0)
        ch->groups |= group_bit(read_u16(&list));
    return 0;
}

static int parse_signature_algorithms(struct reader e, struct tls13_client_hello *ch)
{
    struct reader list = read_block(&e, 2);
    if (!done(&e) || list.left == 0 || list.left % 2)
        return TLS13_ALERT_DECODE_ERROR;
    while (list.left > 0)
        if (read_u16(&list) == TLS13_SIG_ECDSA_SECP256R1_SHA256)
            ch->ecdsa_p256_sha256 = true;
    ch->has_signature_algorithms = true;
    return 0;
}

static int parse_alpn(struct reader e, struct tls13_client_hello *ch)
{
    struct reader list = read_block(&e, 2);
    if (!done(&e) || list.left == 0)
        return TLS13_ALERT_DECODE_ERROR;
    while (list.left > 0 && !list.bad) {
        struct reader name = read_block(&list, 1);
        if (name.bad || name.left == 0)
            return TLS13_ALERT_DECODE_ERROR;
        if (name.left == 8 && memcmp(name.p, "http/1.1", 8) == 0)
            ch->alpn_http11 = true;
    }
    ch->alpn_offered = true;
    return done(&list) ? 0 : TLS13_ALERT_DECODE_ERROR;
}

static int parse_supported_versions(struct reader e, struct tls13_client_hello *ch)
{
    struct reader list = read_block(&e, 1);
    if (!done(&e) || list.left < 2 || list.left % 2)
        return TLS13_ALERT_DECODE_ERROR;
    while (list.left > 0)
        if (read_u16(&list) == 0x0304)
            ch->offers_tls13 = true;
    return 0;
}

static int parse_key_share(struct reader e, struct tls13_client_hello *ch)
{
    struct reader list = read_block(&e, 2);
    if (!done(&e))
        return TLS13_ALERT_DECODE_ERROR;
    while (list.left > 0 && !list.bad) {
        unsigned group = read_u16(&list);
        struct reader share = read_block(&list, 2);
        if (share.bad || share.left == 0)
            return TLS13_ALERT_DECODE_ERROR;
        unsigned bit = group_bit(group);
        /* Each group at most once (RFC 8446 4.2.8). */
        if (bit & ch->shares)
            return TLS13_ALERT_ILLEGAL_PARAMETER;
        if (bit == TLS13_GROUP_BIT_X25519) {
            if (share.left != 32)
                return TLS13_ALERT_ILLEGAL_PARAMETER;
            memcpy(ch->x25519_share, share.p, 32);
        } else if (bit == TLS13_GROUP_BIT_SECP256R1) {
            if (share.left != 65 || share.p[0] != 4)
                return TLS13_ALERT_ILLEGAL_PARAMETER;
            memcpy(ch->p256_share, share.p, 65);
        }
        ch->shares |= bit;
    }
    return done(&list) ? 0 : TLS13_ALERT_DECODE_ERROR;
}

static int parse_psk_modes(struct reader e, struct tls13_client_hello *ch)
{
    struct reader list = read_block(&e, 1);
    if (!done(&e) || list.left == 0)
        return TLS13_ALERT_DECODE_ERROR;
    while (list.left > 0)
        if (read_u8(&list) == 1)
            ch->psk_dhe_ke = true;
    return 0;
}

/* pre_shared_key: identities, then binders, one binder per identity
 * (RFC 8446 4.2.11: a count that differs is illegal_parameter); the first
 * of each is kept. `at` is where this extension's body starts in the
 * message. */
static int parse_pre_shared_key(struct reader e, size_t at, struct tls13_client_hello *ch)
{
    size_t start_left = e.left;
    struct reader ids = read_block(&e, 2);
    if (ids.bad || ids.left == 0)
        return TLS13_ALERT_DECODE_ERROR;
    bool first = true;
    size_t identities = 0, binder_count = 0;
    while (ids.left > 0 && !ids.bad) {
        identities++;
        struct reader id = read_block(&ids, 2);
        const uint8_t *age;
        if (id.bad || id.left == 0 || !take(&ids, 4, &age))
            return TLS13_ALERT_DECODE_ERROR;
        if (first && id.left <= sizeof ch->psk_identity) {
            memcpy(ch->psk_identity, id.p, id.left);
            ch->psk_identity_len = id.left;
            ch->psk_obfuscated_age = (uint32_t)age[0] << 24 | (uint32_t)age[1] << 16 | (uint32_t)age[2] << 8 | age[3];
        }
        first = false;
    }
    ch->binders_at = at + (start_left - e.left);
    struct reader binders = read_block(&e, 2);
    if (!done(&e) || binders.bad || binders.left == 0)
        return TLS13_ALERT_DECODE_ERROR;
    first = true;
    while (binders.left > 0 && !binders.bad) {
        binder_count++;
        struct reader b = read_block(&binders, 1);
        if (b.bad || b.left < 32)
            return TLS13_ALERT_DECODE_ERROR;
        if (first && b.left <= sizeof ch->psk_binder) {
            memcpy(ch->psk_binder, b.p, b.left);
            ch->psk_binder_len = b.left;
        }
        first = false;
    }
    if (!done(&binders))
        return TLS13_ALERT_DECODE_ERROR;
    return binder_count == identities ? 0 : TLS13_ALERT_ILLEGAL_PARAMETER;
}

static int parse_record_size_limit(struct reader e, struct tls13_client_hello *ch)
{
    unsigned limit = read_u16(&e);
    if (!done(&e))
        return TLS13_ALERT_DECODE_ERROR;
    if (limit < 64)         /* RFC 8449 4 */
        return TLS13_ALERT_ILLEGAL_PARAMETER;
    ch->record_size_limit = (uint16_t)limit;
    return 0;
}

/* A bit per extension type the parser knows, to refuse duplicates. */
static int seen_bit(unsigned type)
{
    switch (type) {
    case EXT_SERVER_NAME: return 0;
    case EXT_SUPPORTED_GROUPS: return 1;
    case EXT_SIGNATURE_ALGORITHMS: return 2;
    case EXT_ALPN: return 3;
    case EXT_RECORD_SIZE_LIMIT: return 4;
    case EXT_PRE_SHARED_KEY: return 5;
    case EXT_EARLY_DATA: return 6;
    case EXT_SUPPORTED_VERSIONS: return 7;
    case EXT_COOKIE: return 8;
    case EXT_PSK_KEY_EXCHANGE_MODES: return 9;
    case EXT_KEY_SHARE: return 10;
    default: return -1;
    }
}

#define EXTENSIONS_MAX 64       /* more is no real client: decode_error */

int tls13_parse_client_hello(const uint8_t *body, size_t len, struct tls13_client_hello *ch)
{
    memset(ch, 0, sizeof *ch);
    struct reader r = {body, len, false};
    const uint8_t *p;
    read_u16(&r);                                   /* legacy_version */
    if (take(&r, 32, &p))
        memcpy(ch->random, p, 32);
    struct reader sid = read_block(&r, 1);
    if (sid.bad || sid.left > 32)
        return TLS13_ALERT_DECODE_ERROR;
    memcpy(ch->session_id, sid.p, sid.left);
    ch->session_id_len = sid.left;
    struct reader suites = read_block(&r, 2);
    if (suites.bad || suites.left == 0 || suites.left % 2)
        return TLS13_ALERT_DECODE_ERROR;
    while (suites.left > 0) {
        unsigned id = read_u16(&suites);
        unsigned bit = suite_bit(id);
        if (bit && !ch->first_suite)
            ch->first_suite = (uint16_t)id;
        ch->suites |= bit;
    }
    struct reader compression = read_block(&r, 1);
    if (compression.bad || compression.left == 0)
        return TLS13_ALERT_DECODE_ERROR;
    bool null_compression = compression.left == 1 && compression.p[0] == 0;
    if (r.left == 0 && !r.bad)
        return 0;           /* no extensions: not TLS 1.3; the 1.2 engine decides */
    struct reader exts = read_block(&r, 2);
    if (!done(&r) || exts.bad)
        return TLS13_ALERT_DECODE_ERROR;

    unsigned seen = 0;
    int count = 0;
    bool psk_last_ok = true;
    while (exts.left > 0) {
        unsigned type = read_u16(&exts);
        struct reader e = read_block(&exts, 2);
        if (e.bad || ++count > EXTENSIONS_MAX)
            return TLS13_ALERT_DECODE_ERROR;
        int bit = seen_bit(type);
        if (bit >= 0) {
            if (seen & (1u << bit))
                return TLS13_ALERT_ILLEGAL_PARAMETER;   /* RFC 8446 4.2: no duplicates */
            seen |= 1u << bit;
        }
        if (type == EXT_PRE_SHARED_KEY)
            psk_last_ok = exts.left == 0;
        int alert = 0;
        switch (type) {
        case EXT_SERVER_NAME: alert = parse_server_name(e, ch); break;
        case EXT_SUPPORTED_GROUPS: alert = parse_groups(e, ch); break;
        case EXT_SIGNATURE_ALGORITHMS: alert = parse_signature_algorithms(e, ch); break;
        case EXT_ALPN: alert = parse_alpn(e, ch); break;
        case EXT_RECORD_SIZE_LIMIT: alert = parse_record_size_limit(e, ch); break;
        case EXT_SUPPORTED_VERSIONS: alert = parse_supported_versions(e, ch); break;
        case EXT_KEY_SHARE: alert = parse_key_share(e, ch); break;
        case EXT_PRE_SHARED_KEY:
            ch->psk_offered = true;
            alert = parse_pre_shared_key(e, 4 + (size_t)(e.p - body), ch);
            break;
        case EXT_PSK_KEY_EXCHANGE_MODES: alert = parse_psk_modes(e, ch); break;
        case EXT_EARLY_DATA: ch->early_data = true; break;
        case EXT_COOKIE: ch->has_cookie = true; break;
        default: break;     /* unknown extensions are ignored (RFC 8446 4.2) */
        }
        if (alert)
            return alert;
    }
    if (!ch->offers_tls13)
        return 0;
    /* What TLS 1.3 itself requires of the hello. */
    if (!null_compression)
        return TLS13_ALERT_ILLEGAL_PARAMETER;
    if (!psk_last_ok)
        return TLS13_ALERT_ILLEGAL_PARAMETER;   /* pre_shared_key must come last (4.2.11) */
    if (!ch->has_signature_algorithms || !(seen & (1u << seen_bit(EXT_SUPPORTED_GROUPS))) ||
        !(seen & (1u << seen_bit(EXT_KEY_SHARE))))
        return TLS13_ALERT_MISSING_EXTENSION;   /* 9.2: no PSK, so all three */
    if (ch->psk_offered && !(seen & (1u << seen_bit(EXT_PSK_KEY_EXCHANGE_MODES))))
        return TLS13_ALERT_MISSING_EXTENSION;   /* 4.2.9: a PSK says how it may be used */
    return 0;
}

/* ---- writing ------------------------------------------------------------------ */

void tls13_put(struct tls13_writer *w, const void *data, size_t n)
{
    if (w->overflow || n > w->cap - w->len) {
        w->overflow = true;
        return;
    }
    if (n)
        memcpy(w->buf + w->len, data, n);
    w->len += n;
}

void tls13_put_u8(struct tls13_writer *w, unsigned v)
{
    uint8_t b = (uint8_t)v;
    tls13_put(w, &b, 1);
}

void tls13_put_u16(struct tls13_writer *w, unsigned v)
{
    uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    tls13_put(w, b, 2);
}

void tls13_put_u24(struct tls13_writer *w, size_t v)
{
    uint8_t b[3] = {(uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    tls13_put(w, b, 3);
}

size_t tls13_begin(struct tls13_writer *w, int bytes)
{
    size_t mark = w->len;
    uint8_t zeros[3] = {0};
    tls13_put(w, zeros, (size_t)bytes);
    return mark;
}

void tls13_end(struct tls13_writer *w, size_t mark, int bytes)
{
    if (w->overflow)
        return;
    size_t n = w->len - mark - (size_t)bytes;
    for (int i = 0; i < bytes; i++)
        w->buf[mark + (size_t)i] = (uint8_t)(n >> (8 * (bytes - 1 - i)));
}

/* The random of a HelloRetryRequest: SHA-256 of "HelloRetryRequest". */
static const uint8_t hello_retry_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

static void write_hello(struct tls13_writer *w, const uint8_t random[32], const uint8_t *session_id,
                        size_t session_id_len, uint16_t suite, uint16_t group, const uint8_t *share,
                        size_t share_len, bool psk_chosen)
{
    tls13_put_u8(w, TLS13_HS_SERVER_HELLO);
    size_t msg = tls13_begin(w, 3);
    tls13_put_u16(w, 0x0303);                       /* legacy_version */
    tls13_put(w, random, 32);
    tls13_put_u8(w, session_id_len);                /* legacy_session_id_echo */
    tls13_put(w, session_id, session_id_len);
    tls13_put_u16(w, suite);
    tls13_put_u8(w, 0);                             /* legacy_compression_method */
    size_t exts = tls13_begin(w, 2);
    tls13_put_u16(w, EXT_KEY_SHARE);
    size_t ks = tls13_begin(w, 2);
    tls13_put_u16(w, group);
    if (share) {
        tls13_put_u16(w, share_len);
        tls13_put(w, share, share_len);
    }
    tls13_end(w, ks, 2);
    tls13_put_u16(w, EXT_SUPPORTED_VERSIONS);
    tls13_put_u16(w, 2);
    tls13_put_u16(w, 0x0304);
    if (psk_chosen) {
        tls13_put_u16(w, EXT_PRE_SHARED_KEY);
        tls13_put_u16(w, 2);
        tls13_put_u16(w, 0);                        /* selected_identity: the first */
    }
    tls13_end(w, exts, 2);
    tls13_end(w, msg, 3);
}

void tls13_write_server_hello(struct tls13_writer *w, const uint8_t random[32],
                              const uint8_t *session_id, size_t session_id_len, uint16_t suite,
                              uint16_t group, const uint8_t *share, size_t share_len)
{
    write_hello(w, random, session_id, session_id_len, suite, group, share, share_len, false);
}

void tls13_write_server_hello_psk(struct tls13_writer *w, const uint8_t random[32],
                                  const uint8_t *session_id, size_t session_id_len, uint16_t suite,
                                  uint16_t group, const uint8_t *share, size_t share_len, bool psk_chosen)
{
    write_hello(w, random, session_id, session_id_len, suite, group, share, share_len, psk_chosen);
}

void tls13_write_hello_retry_request(struct tls13_writer *w, const uint8_t *session_id,
                                     size_t session_id_len, uint16_t suite, uint16_t group)
{
    write_hello(w, hello_retry_random, session_id, session_id_len, suite, group, NULL, 0, false);
}

void tls13_write_encrypted_extensions(struct tls13_writer *w, const uint16_t *groups,
                                      size_t groups_len, uint16_t record_size_limit, bool sni_ack,
                                      const char *alpn)
{
    tls13_put_u8(w, TLS13_HS_ENCRYPTED_EXTENSIONS);
    size_t msg = tls13_begin(w, 3);
    size_t exts = tls13_begin(w, 2);
    if (groups_len) {
        tls13_put_u16(w, EXT_SUPPORTED_GROUPS);
        size_t e = tls13_begin(w, 2);
        size_t list = tls13_begin(w, 2);
        for (size_t i = 0; i < groups_len; i++)
            tls13_put_u16(w, groups[i]);
        tls13_end(w, list, 2);
        tls13_end(w, e, 2);
    }
    if (record_size_limit) {
        tls13_put_u16(w, EXT_RECORD_SIZE_LIMIT);
        tls13_put_u16(w, 2);
        tls13_put_u16(w, record_size_limit);
    }
    if (sni_ack) {
        tls13_put_u16(w, EXT_SERVER_NAME);
        tls13_put_u16(w, 0);
    }
    if (alpn) {
        size_t n = strlen(alpn);
        tls13_put_u16(w, EXT_ALPN);
        tls13_put_u16(w, n + 3);
        tls13_put_u16(w, n + 1);
        tls13_put_u8(w, n);
        tls13_put(w, alpn, n);
    }
    tls13_end(w, exts, 2);
    tls13_end(w, msg, 3);
}

void tls13_write_certificate(struct tls13_writer *w, const uint8_t *const *ders,
                             const size_t *der_lens, size_t count)
{
    tls13_put_u8(w, TLS13_HS_CERTIFICATE);
    size_t msg = tls13_begin(w, 3);
    tls13_put_u8(w, 0);                             /* certificate_request_context */
    size_t list = tls13_begin(w, 3);
    for (size_t i = 0; i < count; i++) {
        tls13_put_u24(w, der_lens[i]);
        tls13_put(w, ders[i], der_lens[i]);
        tls13_put_u16(w, 0);                        /* no extensions */
    }
    tls13_end(w, list, 3);
    tls13_end(w, msg, 3);
}

size_t tls13_certificate_verify_content(const uint8_t *transcript_hash, size_t hash_len,
                                        uint8_t *out)
{
    static const char context[] = "TLS 1.3, server CertificateVerify";
    memset(out, 0x20, 64);
    memcpy(out + 64, context, sizeof context);      /* with its terminating zero byte */
    memcpy(out + 64 + sizeof context, transcript_hash, hash_len);
    return 64 + sizeof context + hash_len;
}

void tls13_write_certificate_verify(struct tls13_writer *w, uint16_t scheme, const uint8_t *sig,
                                    size_t sig_len)
{
    tls13_put_u8(w, TLS13_HS_CERTIFICATE_VERIFY);
    size_t msg = tls13_begin(w, 3);
    tls13_put_u16(w, scheme);
    tls13_put_u16(w, sig_len);
    tls13_put(w, sig, sig_len);
    tls13_end(w, msg, 3);
}

void tls13_write_finished(struct tls13_writer *w, const uint8_t *verify_data, size_t len)
{
    tls13_put_u8(w, TLS13_HS_FINISHED);
    tls13_put_u24(w, len);
    tls13_put(w, verify_data, len);
}

void tls13_write_new_session_ticket(struct tls13_writer *w, uint32_t lifetime, uint32_t age_add,
                                    const uint8_t *nonce, size_t nonce_len, const uint8_t *ticket,
                                    size_t ticket_len)
{
    tls13_put_u8(w, TLS13_HS_NEW_SESSION_TICKET);
    size_t msg = tls13_begin(w, 3);
    tls13_put_u16(w, lifetime >> 16);
    tls13_put_u16(w, lifetime & 0xffff);
    tls13_put_u16(w, age_add >> 16);
    tls13_put_u16(w, age_add & 0xffff);
    tls13_put_u8(w, nonce_len);
    tls13_put(w, nonce, nonce_len);
    tls13_put_u16(w, ticket_len);
    tls13_put(w, ticket, ticket_len);
    tls13_put_u16(w, 0);                            /* no extensions: no early_data */
    tls13_end(w, msg, 3);
}
