/* The Range header: see http_range.h. */
#include "http/http_range.h"

#include <stdbool.h>
#include <strings.h>

static void skip_ows(const char *v, size_t len, size_t *i)
{
    while (*i < len && (v[*i] == ' ' || v[*i] == '\t'))
        (*i)++;
}

/* Reads 1*DIGIT, saturating at UINT64_MAX (a position past any blob).
 * Returns false when there is no digit. */
static bool read_number(const char *v, size_t len, size_t *i, uint64_t *out)
{
    size_t start = *i;
    uint64_t n = 0;
    while (*i < len && v[*i] >= '0' && v[*i] <= '9') {
        unsigned d = (unsigned)(v[*i] - '0');
        n = n > (UINT64_MAX - d) / 10 ? UINT64_MAX : n * 10 + d;
        (*i)++;
    }
    *out = n;
    return *i > start;
}

enum http_range_result http_range_parse(const char *v, size_t len, uint64_t size, uint64_t *first,
                                        uint64_t *last)
{
    size_t i = 0;
    skip_ows(v, len, &i);
    if (len - i < 6 || strncasecmp(v + i, "bytes", 5) != 0)
        return HTTP_RANGE_IGNORE;
    i += 5;
    skip_ows(v, len, &i);
    if (i >= len || v[i] != '=')
        return HTTP_RANGE_IGNORE;
    i++;
    skip_ows(v, len, &i);
    uint64_t a = 0, b = 0;
    bool has_first = read_number(v, len, &i, &a);
    if (i >= len || v[i] != '-')
        return HTTP_RANGE_IGNORE;
    i++;
    bool has_last = read_number(v, len, &i, &b);
    skip_ows(v, len, &i);
    if (i != len || (!has_first && !has_last))
        return HTTP_RANGE_IGNORE;       /* several ranges, or not a range at all */
    if (!has_first) {                   /* suffix: the last b bytes */
        if (b == 0 || size == 0)
            return HTTP_RANGE_UNSATISFIABLE;
        *first = b >= size ? 0 : size - b;
        *last = size - 1;
        return HTTP_RANGE_OK;
    }
    if (has_last && b < a)
        return HTTP_RANGE_IGNORE;       /* invalid range-spec (RFC 9110 14.1.1) */
    if (a >= size)
        return HTTP_RANGE_UNSATISFIABLE;
    *first = a;
    *last = has_last && b < size ? b : size - 1;
    return HTTP_RANGE_OK;
}
