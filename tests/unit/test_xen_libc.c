/* The Xen guest's snprintf and strtoul (src/xen/libc/), built hosted under
 * other names and compared with the host's C library on the same inputs. */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

int xen_snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
    __attribute__((format(printf, 3, 4)));
unsigned long xen_strtoul(const char *restrict s, char **restrict end, int base);

/* Formats with both, compares text and return value. */
#define SAME(fmt, ...)                                                                   \
    do {                                                                                 \
        char want[128], got[128];                                                        \
        int wn = snprintf(want, sizeof want, fmt, __VA_ARGS__);                          \
        int gn = xen_snprintf(got, sizeof got, fmt, __VA_ARGS__);                        \
        char name[200];                                                                  \
        snprintf(name, sizeof name, "snprintf \"%s\" gives \"%s\"", fmt, want);          \
        CHECK(name, wn == gn && strcmp(want, got) == 0);                                 \
        if (wn != gn || strcmp(want, got) != 0)                                          \
            printf("# got \"%s\" (%d), want (%d)\n", got, gn, wn);                      \
    } while (0)

static void same_strtoul(const char *s, int base)
{
    char *wend, *gend;
    unsigned long want = strtoul(s, &wend, base);
    unsigned long got = xen_strtoul(s, &gend, base);
    char name[160];
    snprintf(name, sizeof name, "strtoul(\"%s\", %d) = %lu, end at +%td", s, base, want, wend - s);
    CHECK(name, want == got && wend == gend);
}

int main(void)
{
    SAME("%s|%d|%u", "abc", -42, 42u);
    SAME("%02x:%02x:%02x", 0x0, 0x3e, 0xff);
    SAME("%zu bytes, %u files", (size_t)95584, 11u);
    SAME("[%5d|%-5d|%05d]", 42, 42, -42);
    SAME("[%x|%X|%#x|%o|%#o]", 0xbeefu, 0xbeefu, 0xbeefu, 8u, 8u);
    SAME("[%ld|%lu|%lld|%llu]", LONG_MIN, ULONG_MAX, LLONG_MIN, ULLONG_MAX);
    SAME("[%hd|%hhu|%hx]", (short)-3, (unsigned char)250, (unsigned short)0xffff);
    SAME("[%jd|%td]", (intmax_t)-7, (ptrdiff_t)-9);
    SAME("[%.3s|%10s|%-10s|%.*s]", "abcdef", "right", "left", 2, "xyz");
    SAME("[%c%c|%3c|%-3c]", 'o', 'k', 'x', 'y');
    SAME("[%+d|% d|%+d]", 5, 5, -5);
    SAME("[%.5d|%8.3d|%.0d]", 42, 7, 0);
    SAME("[%*d|%-*d]", 6, 1, 6, 2);
    SAME("%d%%", 100);
    SAME("[%p]", (void *)0x1234);
    SAME("[%s]", "");

    char small[8];
    int n = xen_snprintf(small, sizeof small, "%s", "0123456789");
    CHECK("snprintf: truncates, NUL-terminates, returns the full length",
          n == 10 && strcmp(small, "0123456") == 0);
    CHECK("snprintf: size 0 writes nothing and counts", xen_snprintf(NULL, 0, "%d", 12345) == 5);

    same_strtoul("24", 10);
    same_strtoul("  +17xyz", 10);
    same_strtoul("0x1F", 16);
    same_strtoul("0x1F", 0);
    same_strtoul("017", 0);
    same_strtoul("0xg", 16);
    same_strtoul("zz", 36);
    same_strtoul("", 10);
    same_strtoul("abc", 10);
    same_strtoul("-1", 10);
    same_strtoul("99999999999999999999999", 10);
    same_strtoul("18446744073709551615", 10);
    same_strtoul("3e", 16);
    return CHECK_DONE();
}
