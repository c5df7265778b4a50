/*
 * A small JSON reader for the test-vector runners (RFC 8259, enough of it
 * for Wycheproof's files): objects, arrays, strings with every escape
 * (\uXXXX kept as UTF-8, surrogate pairs joined), numbers kept as their
 * text, true, false and null. It builds a tree of malloc'd nodes that
 * json_free() releases. Written for the tests, not for hostile input:
 * the vectors are our own copied files, so an error just says where
 * parsing stopped. Header-only (static functions) because each test
 * program is built from one source file.
 */
#ifndef UNIHOST_TEST_JSON_MINI_H
#define UNIHOST_TEST_JSON_MINI_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

typedef struct json {
    enum json_type type;
    char *key;              /* the member's name, in an object; else NULL */
    char *text;             /* a string's decoded bytes or a number's text (NUL-terminated) */
    size_t len;             /* text's length (strings may hold NUL bytes) */
    int boolean;
    struct json *child;     /* first element or member */
    struct json *next;      /* next sibling */
} json;

typedef struct {
    const char *p, *end;
    const char *error;      /* the first failure's reason */
} json_reader;

static json *json_value(json_reader *r, int depth);

static void json_free(json *j)
{
    while (j) {
        json *next = j->next;
        json_free(j->child);
        free(j->key);
        free(j->text);
        free(j);
        j = next;
    }
}

static void json_skip_space(json_reader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static json *json_fail(json_reader *r, const char *why)
{
    if (!r->error)
        r->error = why;
    return NULL;
}

static int json_hex4(const char *s, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return 0;
    }
    *out = v;
    return 1;
}

static size_t json_put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | cp >> 12);
        o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | cp >> 18);
    o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* A string at r->p (on its opening quote), decoded into a new buffer. The
 * decoded form is never longer than the source, so one allocation of the
 * source's length suffices. */
static char *json_string(json_reader *r, size_t *len_out)
{
    const char *s = ++r->p;
    const char *q = s;
    while (q < r->end && *q != '"')
        q += (*q == '\\') ? 2 : 1;
    if (q >= r->end)
        return (char *)json_fail(r, "unterminated string");
    char *out = malloc((size_t)(q - s) + 1);
    if (!out)
        return (char *)json_fail(r, "out of memory");
    size_t n = 0;
    while (s < q) {
        if ((unsigned char)*s < 0x20) {
            free(out);
            return (char *)json_fail(r, "control character in a string");
        }
        if (*s != '\\') {
            out[n++] = *s++;
            continue;
        }
        char e = s[1];
        s += 2;
        switch (e) {
        case '"': out[n++] = '"'; break;
        case '\\': out[n++] = '\\'; break;
        case '/': out[n++] = '/'; break;
        case 'b': out[n++] = '\b'; break;
        case 'f': out[n++] = '\f'; break;
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case 'u': {
            unsigned cp, lo;
            if (q - s < 4 || !json_hex4(s, &cp)) {
                free(out);
                return (char *)json_fail(r, "bad \\u escape");
            }
            s += 4;
            /* A high surrogate followed by a low one is one code point. */
            if (cp >= 0xd800 && cp < 0xdc00 && q - s >= 6 && s[0] == '\\' && s[1] == 'u' &&
                json_hex4(s + 2, &lo) && lo >= 0xdc00 && lo < 0xe000) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                s += 6;
            }
            n += json_put_utf8(out + n, cp);    /* 6 or 12 source bytes give at most 4 */
            break;
        }
        default:
            free(out);
            return (char *)json_fail(r, "bad escape");
        }
    }
    out[n] = '\0';
    r->p = q + 1;
    *len_out = n;
    return out;
}

static json *json_node(json_reader *r, enum json_type type)
{
    json *j = calloc(1, sizeof *j);
    if (!j)
        return json_fail(r, "out of memory");
    j->type = type;
    return j;
}

static int json_literal(json_reader *r, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
        return 0;
    r->p += n;
    return 1;
}

/* The members of an object or elements of an array, r->p past the opening
 * bracket; closing is '}' or ']'. */
static json *json_container(json_reader *r, json *j, char closing, int depth)
{
    json **tail = &j->child;
    json_skip_space(r);
    if (r->p < r->end && *r->p == closing) {
        r->p++;
        return j;
    }
    for (;;) {
        char *key = NULL;
        if (closing == '}') {
            json_skip_space(r);
            size_t klen;
            if (r->p >= r->end || *r->p != '"' || !(key = json_string(r, &klen))) {
                json_free(j);
                return json_fail(r, "expected a member name");
            }
            json_skip_space(r);
            if (r->p >= r->end || *r->p != ':') {
                free(key);
                json_free(j);
                return json_fail(r, "expected ':'");
            }
            r->p++;
        }
        json *v = json_value(r, depth + 1);
        if (!v) {
            free(key);
            json_free(j);
            return NULL;
        }
        v->key = key;
        *tail = v;
        tail = &v->next;
        json_skip_space(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        if (r->p < r->end && *r->p == closing) {
            r->p++;
            return j;
        }
        json_free(j);
        return json_fail(r, "expected ',' or a closing bracket");
    }
}

static json *json_value(json_reader *r, int depth)
{
    if (depth > 64)
        return json_fail(r, "nested too deeply");
    json_skip_space(r);
    if (r->p >= r->end)
        return json_fail(r, "unexpected end");
    char c = *r->p;
    json *j;
    if (c == '{' || c == '[') {
        if (!(j = json_node(r, c == '{' ? JSON_OBJECT : JSON_ARRAY)))
            return NULL;
        r->p++;
        return json_container(r, j, c == '{' ? '}' : ']', depth);
    }
    if (c == '"') {
        size_t len;
        char *s = json_string(r, &len);
        if (!s || !(j = json_node(r, JSON_STRING))) {
            free(s);
            return NULL;
        }
        j->text = s;
        j->len = len;
        return j;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        const char *s = r->p;
        while (r->p < r->end && strchr("+-0123456789.eE", *r->p))
            r->p++;
        if (!(j = json_node(r, JSON_NUMBER)))
            return NULL;
        j->len = (size_t)(r->p - s);
        if (!(j->text = malloc(j->len + 1))) {
            free(j);
            return json_fail(r, "out of memory");
        }
        memcpy(j->text, s, j->len);
        j->text[j->len] = '\0';
        return j;
    }
    if (json_literal(r, "true") || json_literal(r, "false")) {
        if (!(j = json_node(r, JSON_BOOL)))
            return NULL;
        j->boolean = r->p[-1] == 'e' && r->p[-2] == 'u';
        return j;
    }
    if (json_literal(r, "null"))
        return json_node(r, JSON_NULL);
    return json_fail(r, "unexpected character");
}

/* The whole text as one value; NULL (and *error set) if it is not one. */
static json *json_parse(const char *text, size_t len, const char **error)
{
    json_reader r = {text, text + len, NULL};
    json *j = json_value(&r, 0);
    json_skip_space(&r);
    if (j && r.p != r.end) {
        json_free(j);
        j = json_fail(&r, "trailing text");
    }
    if (!j && error)
        *error = r.error;
    return j;
}

/* An object's member by name, or NULL. */
static json *json_get(const json *obj, const char *key)
{
    if (!obj || obj->type != JSON_OBJECT)
        return NULL;
    for (json *m = obj->child; m; m = m->next)
        if (strcmp(m->key, key) == 0)
            return m;
    return NULL;
}

/* A string member's text, or "" when absent or not a string. */
static const char *json_str(const json *obj, const char *key)
{
    const json *m = json_get(obj, key);
    return m && m->type == JSON_STRING ? m->text : "";
}

/* A number member as a long, or -1 when absent or not a number. */
static long json_long(const json *obj, const char *key)
{
    const json *m = json_get(obj, key);
    return m && m->type == JSON_NUMBER ? strtol(m->text, NULL, 10) : -1;
}

/* Whether a string array member (a test's "flags") holds name. */
static int json_has_flag(const json *obj, const char *key, const char *name)
{
    const json *m = json_get(obj, key);
    if (!m || m->type != JSON_ARRAY)
        return 0;
    for (const json *e = m->child; e; e = e->next)
        if (e->type == JSON_STRING && strcmp(e->text, name) == 0)
            return 1;
    return 0;
}

/* The file's bytes, NUL-terminated, or NULL. */
static char *json_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

#endif
