/* A certificate's fields and extensions from its DER (cert_der.h). */
#include "acme/cert_der.h"

#include <string.h>

#define TAG_SEQUENCE 0x30
#define TAG_INTEGER 0x02
#define TAG_OID 0x06
#define TAG_BOOLEAN 0x01
#define TAG_OCTET_STRING 0x04
#define TAG_VERSION 0xA0        /* [0] EXPLICIT */
#define TAG_EXTENSIONS 0xA3     /* [3] EXPLICIT */

bool cert_der_fields(const uint8_t *der, size_t len, struct cert_fields *f, struct der_cursor *rest)
{
    struct der_cursor c = { der, der + len }, cert, skip;
    uint8_t tag;
    if (!der_next(&c, &tag, &cert) || tag != TAG_SEQUENCE || !der_next(&cert, &tag, rest) || tag != TAG_SEQUENCE)
        return false;
    if (!der_next(rest, &tag, &f->serial))          /* [0] version, or the serial number */
        return false;
    if (tag == TAG_VERSION && (!der_next(rest, &tag, &f->serial) || tag != TAG_INTEGER))
        return false;
    else if (tag != TAG_VERSION && tag != TAG_INTEGER)
        return false;
    return der_next(rest, &tag, &skip) && tag == TAG_SEQUENCE &&        /* signature algorithm */
           der_next(rest, &tag, &f->issuer) && tag == TAG_SEQUENCE &&
           der_next(rest, &tag, &f->validity) && tag == TAG_SEQUENCE &&
           der_next(rest, &tag, &f->subject) && tag == TAG_SEQUENCE &&
           der_next(rest, &tag, &skip) && tag == TAG_SEQUENCE;          /* subjectPublicKeyInfo */
}

bool cert_der_extension(const uint8_t *der, size_t len, const uint8_t *oid, size_t oid_len, struct der_cursor *value)
{
    struct cert_fields f;
    struct der_cursor rest, field, list, extension;
    uint8_t tag;
    bool found = false;
    if (!cert_der_fields(der, len, &f, &rest))
        return false;
    while (rest.p < rest.end) {
        if (!der_next(&rest, &tag, &field))
            return false;
        if (tag != TAG_EXTENSIONS)          /* issuerUniqueID [1], subjectUniqueID [2] */
            continue;
        if (!der_next(&field, &tag, &list) || tag != TAG_SEQUENCE)
            return false;
        while (list.p < list.end) {
            struct der_cursor id, item;
            if (!der_next(&list, &tag, &extension) || tag != TAG_SEQUENCE || !der_next(&extension, &tag, &id) ||
                tag != TAG_OID || !der_next(&extension, &tag, &item))
                return false;
            if (tag == TAG_BOOLEAN && !der_next(&extension, &tag, &item))   /* critical */
                return false;
            if (tag != TAG_OCTET_STRING)
                return false;
            if ((size_t)(id.end - id.p) != oid_len || memcmp(id.p, oid, oid_len) != 0)
                continue;
            if (found)
                return false;
            *value = item;
            found = true;
        }
    }
    return found;
}
