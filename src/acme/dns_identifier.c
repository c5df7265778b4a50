/* The DNS names the ACME client asks certificates for (dns_identifier.h). */
#include "acme/dns_identifier.h"

#include <string.h>

static bool label_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

bool dns_identifier_valid(const char *name)
{
    size_t len = strlen(name);
    if (len > DNS_IDENTIFIER_MAX)
        return false;
    const char *p = name;
    if (p[0] == '*' && p[1] == '.')
        p += 2;
    size_t labels = 0;
    for (;;) {
        const char *label = p;
        while (label_char(*p))
            p++;
        size_t n = (size_t)(p - label);
        if (n == 0 || n > 63 || label[0] == '-' || p[-1] == '-')
            return false;
        labels++;
        if (*p == '\0')
            break;
        if (*p != '.')
            return false;
        p++;
    }
    return labels >= 2;
}

bool dns_identifier_is_wildcard(const char *name)
{
    return name[0] == '*' && dns_identifier_valid(name);
}
