/*
 * Small helpers shared by crunch's passes: allocation that exits on
 * failure (crunch is a batch tool; running out of memory is not an input
 * error worth recovering from), a growable byte buffer, and file I/O.
 */
#ifndef CRUNCH_UTIL_H
#define CRUNCH_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

/* The order of URL paths in the blob (and of crunch's lists kept like
 * it): bytes compared with memcmp, a prefix first. <0, 0 or >0. */
int path_order(const char *a, size_t a_len, const char *b, size_t b_len);

/* "a" + "/" + "b", without doubling a trailing slash of a. */
char *path_join(const char *a, const char *b);

struct buf {
    uint8_t *data;
    size_t len, cap;
};
void buf_append(struct buf *b, const void *data, size_t len);
void buf_append_str(struct buf *b, const char *s);
/* Makes room for at least `extra` more bytes (and the NUL) in one step, when
 * the size is known ahead: a page, a file. */
void buf_reserve(struct buf *b, size_t extra);
/* Appends s with &, <, >, " and ' replaced by HTML character references. */
void buf_append_html_escaped(struct buf *b, const char *s, size_t len);

/*
 * Reads a whole file into a malloc'ed buffer (NUL-terminated, the NUL not
 * counted in *len). Returns 0, or an errno value.
 */
int read_file(const char *path, uint8_t **data, size_t *len);

/* Creates every missing directory on the way to (but not) the last component of path. */
int make_parent_dirs(const char *path);

/*
 * Writes data to path.tmp, then renames it over path, so a reader never
 * sees a partial file. Returns 0, or an errno value (path.tmp removed).
 */
int write_file_atomic(const char *path, const void *data, size_t len);

#endif
