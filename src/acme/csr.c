/* PKCS#10 certificate signing requests for ACME (csr.h). */
#include "acme/csr.h"

#include <stdbool.h>
#include <string.h>

#include <bearssl.h>

#include "acme/der_write.h"
#include "acme/dns_identifier.h"
#include "crypto/p256.h"

#define TAG_INTEGER 0x02
#define TAG_BIT_STRING 0x03
#define TAG_OCTET_STRING 0x04
#define TAG_OID 0x06
#define TAG_UTF8_STRING 0x0C
#define TAG_SEQUENCE 0x30
#define TAG_SET 0x31
#define TAG_ATTRIBUTES 0xA0     /* [0] IMPLICIT SET OF Attribute */
#define TAG_DNS_NAME 0x82       /* GeneralName's [2] IMPLICIT IA5String */

static const uint8_t oid_common_name[] = { TAG_OID, 3, 0x55, 0x04, 0x03 };
static const uint8_t oid_ec_public_key[] = { TAG_OID, 7, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };
static const uint8_t oid_prime256v1[] = { TAG_OID, 8, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
static const uint8_t oid_extension_request[] = { TAG_OID, 9, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x0e };
static const uint8_t oid_subject_alt_name[] = { TAG_OID, 3, 0x55, 0x1d, 0x11 };
/* AlgorithmIdentifier { ecdsa-with-SHA256 }, parameters absent (RFC 5758). */
static const uint8_t ecdsa_with_sha256[] = { TAG_SEQUENCE, 10, TAG_OID, 8, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02 };
static const uint8_t version_1[] = { TAG_INTEGER, 1, 0 };

/* CertificationRequestInfo, back to front. */
static void write_request_info(struct der_out *d, const struct p256_key *key, const char *const *names, size_t count)
{
    size_t info = der_mark(d);

    /* attributes: one extensionRequest holding subjectAltName */
    size_t attributes = der_mark(d);
    size_t attribute = der_mark(d);
    size_t values = der_mark(d);
    size_t extensions = der_mark(d);
    size_t extension = der_mark(d);
    size_t octets = der_mark(d);
    size_t general_names = der_mark(d);
    for (size_t i = count; i-- > 0;) {
        size_t name = der_mark(d);
        der_put(d, names[i], strlen(names[i]));
        der_wrap(d, TAG_DNS_NAME, name);
    }
    der_wrap(d, TAG_SEQUENCE, general_names);
    der_wrap(d, TAG_OCTET_STRING, octets);
    der_put(d, oid_subject_alt_name, sizeof oid_subject_alt_name);
    der_wrap(d, TAG_SEQUENCE, extension);
    der_wrap(d, TAG_SEQUENCE, extensions);
    der_wrap(d, TAG_SET, values);
    der_put(d, oid_extension_request, sizeof oid_extension_request);
    der_wrap(d, TAG_SEQUENCE, attribute);
    der_wrap(d, TAG_ATTRIBUTES, attributes);

    /* subjectPKInfo */
    size_t spki = der_mark(d);
    size_t bits = der_mark(d);
    der_put(d, key->point, 65);
    der_put(d, "", 1);      /* no unused bits */
    der_wrap(d, TAG_BIT_STRING, bits);
    size_t algorithm = der_mark(d);
    der_put(d, oid_prime256v1, sizeof oid_prime256v1);
    der_put(d, oid_ec_public_key, sizeof oid_ec_public_key);
    der_wrap(d, TAG_SEQUENCE, algorithm);
    der_wrap(d, TAG_SEQUENCE, spki);

    /* subject: CN = the first name, or empty when the name is longer than
     * a CN may be (ub-common-name, 64): the CA reads the names from the
     * subjectAltName anyway */
    size_t subject = der_mark(d);
    if (strlen(names[0]) <= 64) {
        size_t rdn = der_mark(d);
        size_t atv = der_mark(d);
        size_t value = der_mark(d);
        der_put(d, names[0], strlen(names[0]));
        der_wrap(d, TAG_UTF8_STRING, value);
        der_put(d, oid_common_name, sizeof oid_common_name);
        der_wrap(d, TAG_SEQUENCE, atv);
        der_wrap(d, TAG_SET, rdn);
    }
    der_wrap(d, TAG_SEQUENCE, subject);

    der_put(d, version_1, sizeof version_1);
    der_wrap(d, TAG_SEQUENCE, info);
}

size_t csr_write(uint8_t *out, size_t cap, const struct p256_key *key, const char *const *names, size_t name_count)
{
    if (name_count == 0)
        return 0;
    for (size_t i = 0; i < name_count; i++)
        if (!dns_identifier_valid(names[i]))
            return 0;

    struct der_out d;
    der_out_init(&d, out, cap);
    write_request_info(&d, key, names, name_count);
    if (d.overflow)
        return 0;
    size_t info_len = der_mark(&d);

    uint8_t digest[32];
    br_sha256_context h;
    br_sha256_init(&h);
    br_sha256_update(&h, out + d.start, info_len);
    br_sha256_out(&h, digest);
    br_ec_private_key sk = { .curve = BR_EC_secp256r1, .x = (unsigned char *)key->secret, .xlen = 32 };
    uint8_t signature[80];      /* raw 64 bytes, then their DER form (72 at most) */
    if (p256_ecdsa_sign_raw(&br_sha256_vtable, digest, &sk, signature) != 64)
        return 0;
    size_t signature_len = br_ecdsa_raw_to_asn1(signature, 64);

    /* The whole request: SEQUENCE { info, algorithm, BIT STRING { 0, signature } }.
     * Its header goes at the front of out, the info right after it. */
    uint8_t bits_head[3] = { TAG_BIT_STRING, (uint8_t)(signature_len + 1), 0 };
    size_t body = info_len + sizeof ecdsa_with_sha256 + sizeof bits_head + signature_len;
    uint8_t head[4];
    size_t head_len = 0;
    head[head_len++] = TAG_SEQUENCE;
    if (body < 0x80) {
        head[head_len++] = (uint8_t)body;
    } else if (body < 0x100) {
        head[head_len++] = 0x81;
        head[head_len++] = (uint8_t)body;
    } else {
        head[head_len++] = 0x82;
        head[head_len++] = (uint8_t)(body >> 8);
        head[head_len++] = (uint8_t)body;
    }
    if (body > 0xFFFF || head_len + body > cap)
        return 0;
    memmove(out + head_len, out + d.start, info_len);
    memcpy(out, head, head_len);
    size_t n = head_len + info_len;
    memcpy(out + n, ecdsa_with_sha256, sizeof ecdsa_with_sha256);
    n += sizeof ecdsa_with_sha256;
    memcpy(out + n, bits_head, sizeof bits_head);
    n += sizeof bits_head;
    memcpy(out + n, signature, signature_len);
    return n + signature_len;
}
