/*
 * JSON as a tree, for the test-vector runners (Wycheproof's files): the
 * text is read by the ACME client's strict reader (src/acme/json_read.c),
 * so the vectors are also a large real-world corpus for it, and its tokens
 * are turned into a tree of malloc'd nodes that json_free() releases:
 * objects, arrays, strings (decoded, UTF-8), numbers kept as their text,
 * true, false and null. Header-only (static functions) because each test
 * program is built from one source file.
 */
#ifndef UNIHOST_TEST_JSON_MINI_H
#define UNIHOST_TEST_JSON_MINI_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acme/json_read.h"

typedef struct json {
    enum json_type type;    /* json_read.h's: JSON_NULL .. JSON_OBJECT */
    char *key;              /* the member's name, in an object; else NULL */
    char *text;             /* a string's decoded bytes or a number's text (NUL-terminated) */
    size_t len;             /* text's length */
    int boolean;            /* JSON_TRUE */
    struct json *child;     /* first element or member */
    struct json *next;      /* next sibling */
} json;

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

/* The decoded string at token i, malloc'd, or NULL (a \u0000 in it). */
static char *json_mini_string(const struct json_doc *doc, size_t i, size_t *len)
{
    size_t cap = json_at(doc, i)->len + 1;     /* decoding never lengthens */
    char *s = malloc(cap);
    long n = s ? json_string(doc, i, s, cap) : -1;
    if (n < 0) {
        free(s);
        return NULL;
    }
    *len = (size_t)n;
    return s;
}

/* The tree of the value at token i (and its subtree), or NULL. */
static json *json_mini_node(const struct json_doc *doc, size_t i)
{
    const struct json_token *t = json_at(doc, i);
    json *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->type = (enum json_type)t->type;
    j->boolean = t->type == JSON_TRUE;
    if (t->type == JSON_STRING) {
        if (!(j->text = json_mini_string(doc, i, &j->len))) {
            free(j);
            return NULL;
        }
    } else if (t->type == JSON_NUMBER) {
        j->text = malloc(t->len + 1);
        if (!j->text) {
            free(j);
            return NULL;
        }
        memcpy(j->text, doc->text + t->start, t->len);
        j->text[t->len] = '\0';
        j->len = t->len;
    }
    json **tail = &j->child;
    for (size_t c = i + 1; c < t->next; c = json_at(doc, c)->next) {
        char *key = NULL;
        size_t key_len;
        if (t->type == JSON_OBJECT && !(key = json_mini_string(doc, c++, &key_len))) {
            json_free(j);
            return NULL;
        }
        json *child = json_mini_node(doc, c);
        if (!child) {
            free(key);
            json_free(j);
            return NULL;
        }
        child->key = key;
        *tail = child;
        tail = &child->next;
    }
    return j;
}

/* The tree of text[0..len), or NULL with *error saying why. */
static json *json_parse(const char *text, size_t len, const char **error)
{
    /* every value and member name starts at a byte of its own */
    struct json_token *tokens = malloc((len + 1) * sizeof *tokens);
    struct json_doc doc;
    struct json_error err;
    json *root = NULL;
    if (!tokens)
        err.why = "out of memory";
    else if (json_read(&doc, text, len, tokens, len + 1, &err) &&
             !(root = json_mini_node(&doc, 0)))
        err.why = "a string holds \\u0000, or out of memory";
    free(tokens);
    if (!root && error)
        *error = err.why;
    return root;
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
