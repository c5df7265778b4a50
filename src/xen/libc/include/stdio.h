/*
 * The Xen guest's own libc subset: formatting into buffers only. There are
 * no streams; `stderr` and fprintf exist so that third-party debug code
 * (llhttp__debug) compiles -- --gc-sections drops it, and if it were ever
 * linked its output would go to the console.
 */
#ifndef UNIHOST_XEN_LIBC_STDIO_H
#define UNIHOST_XEN_LIBC_STDIO_H

#include <stdarg.h>
#include <stddef.h>

typedef struct unihost_xen_file FILE;
extern FILE *const stderr;
#define stderr stderr

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
    __attribute__((format(printf, 3, 4)));
int fprintf(FILE *f, const char *restrict fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
