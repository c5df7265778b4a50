/* The log: see log.h. Lines longer than the buffer are cut, never split. */
#include "core/log.h"

#include <stdio.h>
#include <string.h>

#include "core/platform.h"

void log_vprintf(const char *fmt, va_list ap)
{
    char buf[512];
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    if (n < 0)
        return;
    plat_console_write(buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

void log_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vprintf(fmt, ap);
    va_end(ap);
}

void log_line(const char *fmt, ...)
{
    char buf[512];
    const char prefix[] = "unihost: ";
    memcpy(buf, prefix, sizeof prefix - 1);
    size_t used = sizeof prefix - 1;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + used, sizeof buf - used - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    used += (size_t)n < sizeof buf - used - 1 ? (size_t)n : sizeof buf - used - 2;
    buf[used++] = '\n';
    plat_console_write(buf, used);
}
