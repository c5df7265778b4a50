/* The Xen guest's own libc subset: case-insensitive comparison. */
#ifndef UNIHOST_XEN_LIBC_STRINGS_H
#define UNIHOST_XEN_LIBC_STRINGS_H

#include <stddef.h>

int strcasecmp(const char *a, const char *b);
int strncasecmp(const char *a, const char *b, size_t n);

#endif
