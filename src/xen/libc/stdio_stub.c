/* fprintf to the console, for third-party debug code (see stdio.h). */
#include <stdio.h>

#include "../console.h"

FILE *const stderr = NULL;

int fprintf(FILE *f, const char *restrict fmt, ...)
{
    (void)f;
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n > 0)
        xen_console_write(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    return n;
}
