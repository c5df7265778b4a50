/* Request target -> blob path: see http_path.h. */
#include "http_path.h"

#include <stdbool.h>
#include <string.h>

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Removes "." and ".." segments in place (RFC 3986 5.2.4); ".." never
 * climbs above "/". The output never overtakes the input, so in place works. */
static size_t remove_dot_segments(char *p, size_t len)
{
    size_t out = 0;
    for (size_t i = 0; i < len;) {
        size_t end = i + 1;             /* p[i] is '/'; the segment runs to the next one */
        while (end < len && p[end] != '/')
            end++;
        size_t seg = end - i - 1;
        bool last = end == len;
        if (seg == 1 && p[i + 1] == '.') {
            if (last)
                p[out++] = '/';
        } else if (seg == 2 && p[i + 1] == '.' && p[i + 2] == '.') {
            while (out > 0 && p[out - 1] != '/')
                out--;                  /* back to the start of the last segment */
            if (out > 0)
                out--;                  /* and its slash */
            if (last)
                p[out++] = '/';
        } else {
            memmove(p + out, p + i, end - i);
            out += end - i;
        }
        i = end;
    }
    if (out == 0)
        p[out++] = '/';
    return out;
}

size_t http_path_normalize(const char *target, size_t len, char *out, size_t out_size)
{
    /* absolute-form: "http://host/path" -> "/path" (RFC 9112 3.2.2) */
    if (len > 7 && (strncmp(target, "http://", 7) == 0 || (len > 8 && strncmp(target, "https://", 8) == 0))) {
        const char *host = memchr(target, ':', len) + 3;
        const char *slash = memchr(host, '/', len - (size_t)(host - target));
        if (!slash)
            return 0;
        len -= (size_t)(slash - target);
        target = slash;
    }
    if (len == 0 || target[0] != '/')
        return 0;
    const char *q = memchr(target, '?', len);
    if (q)
        len = (size_t)(q - target);
    const char *hash = memchr(target, '#', len);
    if (hash)
        len = (size_t)(hash - target);

    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = target[i];
        if (c == '%') {
            if (i + 2 >= len)
                return 0;
            int hi = hex_value(target[i + 1]), lo = hex_value(target[i + 2]);
            if (hi < 0 || lo < 0)
                return 0;
            c = (char)(hi * 16 + lo);
            if (c == '\0' || c == '/' || c == '\\')
                return 0;   /* an encoded separator or NUL is never a file name */
            i += 2;
        } else if (c == '\0') {
            return 0;
        }
        if (n + 1 >= out_size)
            return 0;
        out[n++] = c;
    }
    return remove_dot_segments(out, n);
}
