/* strtoul for the Xen guest (tested against the host's in test_xen_libc.c). */
#include <stdlib.h>

#include <limits.h>

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

/* As C11 7.22.1.4 for the "C" locale, without errno (nothing reads it):
 * out-of-range values saturate at ULONG_MAX. */
unsigned long strtoul(const char *restrict s, char **restrict end, int base)
{
    const char *p = s;
    while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
        p++;
    int negative = 0;
    if (*p == '+' || *p == '-')
        negative = *p++ == '-';
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        digit_value(p[2]) < 16) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = p[0] == '0' ? 8 : 10;
    }
    const char *digits = p;
    unsigned long value = 0;
    int overflow = 0;
    for (int d; (d = digit_value(*p)) < base; p++) {
        if (value > (ULONG_MAX - (unsigned long)d) / (unsigned long)base)
            overflow = 1;
        value = value * (unsigned long)base + (unsigned long)d;
    }
    if (end)
        *end = (char *)(p == digits ? s : p);
    if (overflow)
        return ULONG_MAX;
    return negative ? -value : value;
}
