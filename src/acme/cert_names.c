/* The dNSNames of a certificate's subjectAltName (cert_names.h). */
#include "acme/cert_names.h"

#include <string.h>

#include "acme/der_read.h"

#define TAG_SEQUENCE 0x30
#define TAG_OID 0x06
#define TAG_BOOLEAN 0x01
#define TAG_OCTET_STRING 0x04
#define TAG_VERSION 0xA0        /* [0] EXPLICIT */
#define TAG_EXTENSIONS 0xA3     /* [3] EXPLICIT */
#define TAG_DNS_NAME 0x82       /* GeneralName's [2] IMPLICIT IA5String */

static const uint8_t oid_subject_alt_name[] = { 0x55, 0x1d, 0x11 };    /* 2.5.29.17 */

/* The subjectAltName's GeneralNames (the contents of its extnValue), or
 * false if the certificate has none or does not read. */
static bool subject_alt_name(const uint8_t *der, size_t len, struct der_cursor *names)
{
    struct der_cursor c = { der, der + len }, cert, tbs, field;
    uint8_t tag;
    if (!der_next(&c, &tag, &cert) || tag != TAG_SEQUENCE || !der_next(&cert, &tag, &tbs) || tag != TAG_SEQUENCE)
        return false;
    /* version, serialNumber, signature, issuer, validity, subject,
     * subjectPublicKeyInfo; then the optional unique IDs and [3]. */
    while (der_next(&tbs, &tag, &field)) {
        if (tag != TAG_EXTENSIONS)
            continue;
        struct der_cursor list, extension;
        if (!der_next(&field, &tag, &list) || tag != TAG_SEQUENCE)
            return false;
        while (der_next(&list, &tag, &extension)) {
            struct der_cursor oid, value;
            if (tag != TAG_SEQUENCE || !der_next(&extension, &tag, &oid) || tag != TAG_OID)
                return false;
            if (!der_next(&extension, &tag, &value))
                return false;
            if (tag == TAG_BOOLEAN && !der_next(&extension, &tag, &value))     /* critical */
                return false;
            if (tag != TAG_OCTET_STRING)
                return false;
            if ((size_t)(oid.end - oid.p) != sizeof oid_subject_alt_name ||
                memcmp(oid.p, oid_subject_alt_name, sizeof oid_subject_alt_name) != 0)
                continue;
            return der_next(&value, &tag, names) && tag == TAG_SEQUENCE;
        }
        return false;
    }
    return false;
}

static bool same_name(const uint8_t *a, size_t a_len, const char *b)
{
    if (a_len != strlen(b))
        return false;
    for (size_t i = 0; i < a_len; i++) {
        unsigned char x = a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

bool cert_names_lists(const uint8_t *der, size_t len, const char *name)
{
    struct der_cursor names, entry;
    uint8_t tag;
    if (!subject_alt_name(der, len, &names))
        return false;
    while (der_next(&names, &tag, &entry))
        if (tag == TAG_DNS_NAME && same_name(entry.p, (size_t)(entry.end - entry.p), name))
            return true;
    return false;
}
