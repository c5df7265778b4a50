/* Problem documents as log lines (acme_problem.h). */
#include "acme/acme_problem.h"

#include <stdio.h>
#include <string.h>

#define ACME_ERROR_PREFIX "urn:ietf:params:acme:error:"

struct line {
    char *buf;
    size_t cap, len;
};

/* Appends s, with anything but printable ASCII (and the double quote,
 * which would confuse a log reader) replaced by '?'. */
static void put(struct line *l, const char *s)
{
    for (; *s && l->len + 1 < l->cap; s++) {
        unsigned char c = (unsigned char)*s;
        l->buf[l->len++] = c >= 0x20 && c < 0x7f && c != '"' ? (char)c : '?';
    }
    l->buf[l->len] = '\0';
}

static void put_member(struct line *l, const struct json_doc *doc, long obj, const char *name, const char *before)
{
    char text[256];
    long i = json_member_typed(doc, (size_t)obj, name, JSON_STRING);
    if (i < 0 || json_string(doc, (size_t)i, text, sizeof text) < 0)
        return;
    put(l, before);
    const char *shown = text;
    if (strcmp(name, "type") == 0 && strncmp(text, ACME_ERROR_PREFIX, strlen(ACME_ERROR_PREFIX)) == 0)
        shown = text + strlen(ACME_ERROR_PREFIX);   /* "rateLimited" says it all */
    put(l, shown);
}

void acme_problem_describe(const struct json_doc *doc, long problem, int status, const char *what, char *out,
                           size_t cap)
{
    struct line l = { out, cap, 0 };
    if (cap == 0)
        return;
    out[0] = '\0';
    char head[64];
    snprintf(head, sizeof head, status ? ": HTTP %d" : ": no response", status);
    put(&l, what);
    put(&l, head);
    if (!doc || problem < 0 || json_at(doc, (size_t)problem)->type != JSON_OBJECT)
        return;
    put_member(&l, doc, problem, "type", ", ");
    put_member(&l, doc, problem, "detail", ": ");
    long subs = json_member_typed(doc, (size_t)problem, "subproblems", JSON_ARRAY);
    for (size_t k = 0; subs >= 0 && k < json_at(doc, (size_t)subs)->count; k++) {
        long sub = json_element(doc, (size_t)subs, k);
        if (json_at(doc, (size_t)sub)->type != JSON_OBJECT)
            continue;
        put(&l, "; ");
        long id = json_member_typed(doc, (size_t)sub, "identifier", JSON_OBJECT);
        if (id >= 0)
            put_member(&l, doc, id, "value", "");
        put_member(&l, doc, sub, "type", " ");
        put_member(&l, doc, sub, "detail", ": ");
    }
}

bool acme_problem_is(const struct json_doc *doc, long problem, const char *name)
{
    char type[128];
    if (!doc || problem < 0)
        return false;
    long i = json_member_typed(doc, (size_t)problem, "type", JSON_STRING);
    if (i < 0 || json_string(doc, (size_t)i, type, sizeof type) < 0)
        return false;
    size_t n = strlen(ACME_ERROR_PREFIX);
    return strncmp(type, ACME_ERROR_PREFIX, n) == 0 && strcmp(type + n, name) == 0;
}
