/* The dNSNames of a certificate's subjectAltName (cert_names.h). */
#include "acme/cert_names.h"

#include <string.h>

#include "acme/cert_der.h"

#define TAG_SEQUENCE 0x30
#define TAG_DNS_NAME 0x82       /* GeneralName's [2] IMPLICIT IA5String */

static const uint8_t oid_subject_alt_name[] = { 0x55, 0x1d, 0x11 };    /* 2.5.29.17 */

/* The subjectAltName's GeneralNames (the contents of its extnValue), or
 * false if the certificate has none or does not read. */
static bool subject_alt_name(const uint8_t *der, size_t len, struct der_cursor *names)
{
    struct der_cursor value;
    uint8_t tag;
    return cert_der_extension(der, len, oid_subject_alt_name, sizeof oid_subject_alt_name, &value) &&
           der_next(&value, &tag, names) && tag == TAG_SEQUENCE;
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
