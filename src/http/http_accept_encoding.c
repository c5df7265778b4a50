/* Reading Accept-Encoding and choosing a representation: see http_accept_encoding.h. */
#include "http/http_accept_encoding.h"

#include <string.h>
#include <strings.h>

/* An unlisted, unrefused identity ranks below every q above 0 (whose
 * ranks are 2 * q): a listed coding is always preferred to it. */
#define IDENTITY_BY_DEFAULT_RANK 1

void http_accept_encoding_init(struct http_accept_encoding *a)
{
    a->present = false;
    for (int c = 0; c < BLOB_HTTP_CODINGS; c++)
        a->q[c] = HTTP_QVALUE_UNLISTED;
    a->star = HTTP_QVALUE_UNLISTED;
}

static bool is_ows(char ch)
{
    return ch == ' ' || ch == '\t';
}

/*
 * qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) (RFC 9110
 * 12.4.2), in thousandths; -1 if `v` is not one.
 */
static int parse_qvalue(const char *v, size_t len)
{
    if (len == 0 || (v[0] != '0' && v[0] != '1'))
        return -1;
    int q = (v[0] - '0') * 1000;
    if (len == 1)
        return q;
    if (v[1] != '.' || len > 5)
        return -1;
    int scale = 100;
    for (size_t i = 2; i < len; i++, scale /= 10) {
        if (v[i] < '0' || v[i] > '9' || (q == 1000 && v[i] != '0'))
            return -1;
        q += (v[i] - '0') * scale;
    }
    return q;
}

/*
 * One list element, OWS already trimmed from both ends: a coding and an
 * optional weight (OWS ";" OWS "q=" qvalue). Returns the q, or -1 if the
 * element is malformed; *name_len is the coding's length.
 */
static int parse_element(const char *e, size_t len, size_t *name_len)
{
    size_t i = 0;
    while (i < len && e[i] != ';' && !is_ows(e[i]))
        i++;
    *name_len = i;
    while (i < len && is_ows(e[i]))
        i++;
    if (i == len)
        return *name_len > 0 ? 1000 : -1;
    if (*name_len == 0 || e[i] != ';')
        return -1;
    i++;
    while (i < len && is_ows(e[i]))
        i++;
    if (len - i < 2 || (e[i] != 'q' && e[i] != 'Q') || e[i + 1] != '=')
        return -1;
    return parse_qvalue(e + i + 2, len - i - 2);
}

static bool name_is(const char *name, size_t len, const char *known)
{
    return strlen(known) == len && strncasecmp(name, known, len) == 0;
}

void http_accept_encoding_add(struct http_accept_encoding *a, const char *value, size_t len, bool cut)
{
    a->present = true;
    if (cut) {
        /* Only whole elements: up to the last comma kept. */
        while (len > 0 && value[len - 1] != ',')
            len--;
    }
    for (size_t i = 0; i < len;) {
        size_t start = i;
        while (i < len && value[i] != ',')
            i++;
        size_t end = i++;
        while (start < end && is_ows(value[start]))
            start++;
        while (end > start && is_ows(value[end - 1]))
            end--;
        if (start == end)
            continue;           /* empty elements are allowed and mean nothing (RFC 9110 5.6.1) */
        size_t name_len;
        int q = parse_element(value + start, end - start, &name_len);
        if (q < 0)
            continue;
        const char *name = value + start;
        if (name_is(name, name_len, "gzip") || name_is(name, name_len, "x-gzip"))
            a->q[BLOB_HTTP_GZIP] = (int16_t)q;
        else if (name_is(name, name_len, "br"))
            a->q[BLOB_HTTP_BR] = (int16_t)q;
        else if (name_is(name, name_len, "identity"))
            a->q[BLOB_HTTP_IDENTITY] = (int16_t)q;
        else if (name_is(name, name_len, "*"))
            a->star = (int16_t)q;
    }
}

/* How much the request wants `coding`: 0 not at all, else higher is better. */
static int rank(const struct http_accept_encoding *a, enum blob_http_coding coding)
{
    if (a->q[coding] != HTTP_QVALUE_UNLISTED)
        return 2 * a->q[coding];
    if (a->star != HTTP_QVALUE_UNLISTED)
        return 2 * a->star;
    return coding == BLOB_HTTP_IDENTITY ? IDENTITY_BY_DEFAULT_RANK : 0;
}

enum blob_http_coding http_accept_encoding_choose(const struct http_accept_encoding *a, const struct blob *b,
                                                  const struct blob_http_file *f)
{
    if (!a->present)
        return BLOB_HTTP_IDENTITY;
    enum blob_http_coding best = BLOB_HTTP_IDENTITY;
    int best_rank = 0;
    uint32_t best_len = 0;
    for (int c = 0; c < BLOB_HTTP_CODINGS; c++) {
        struct blob_http_representation r = blob_http_representation(b, f, (enum blob_http_coding)c);
        int wanted = rank(a, (enum blob_http_coding)c);
        if (!r.present || wanted == 0)
            continue;
        if (wanted > best_rank || (wanted == best_rank && r.body.len < best_len)) {
            best = (enum blob_http_coding)c;
            best_rank = wanted;
            best_len = r.body.len;
        }
    }
    return best;
}
