/* The Prometheus text format: see prom_text.h. */
#include "metrics/prom_text.h"

#include <string.h>

void prom_text_init(struct prom_text *t, char *buf, size_t size)
{
    *t = (struct prom_text){.buf = buf, .size = size};
}

/* Appends bytes to the line being written at *at; false when they do not fit. */
static bool put(struct prom_text *t, size_t *at, const char *s, size_t n)
{
    if (n > t->size - *at)
        return false;
    memcpy(t->buf + *at, s, n);
    *at += n;
    return true;
}

static bool put_str(struct prom_text *t, size_t *at, const char *s)
{
    return put(t, at, s, strlen(s));
}

static bool put_u64(struct prom_text *t, size_t *at, uint64_t v)
{
    char digits[20];
    size_t n = 0;
    do {
        digits[sizeof digits - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return put(t, at, digits + sizeof digits - n, n);
}

/* A label value: \ " and line feed escaped (the format's three escapes). */
static bool put_escaped(struct prom_text *t, size_t *at, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = c == '\\' ? put(t, at, "\\\\", 2) : c == '"' ? put(t, at, "\\\"", 2)
                  : c == '\n' ? put(t, at, "\\n", 2) : put(t, at, &c, 1);
        if (!ok)
            return false;
    }
    return true;
}

/* A whole line is kept, or none of it. */
static void end_line(struct prom_text *t, size_t at, bool ok)
{
    if (ok && put(t, &at, "\n", 1))
        t->len = at;
    else
        t->full = true;
}

void prom_family(struct prom_text *t, const char *name, const char *type, const char *help)
{
    if (t->full)
        return;
    size_t at = t->len;
    bool ok = put_str(t, &at, "# HELP ") && put_str(t, &at, name) && put_str(t, &at, " ") && put_str(t, &at, help);
    end_line(t, at, ok);
    if (t->full)
        return;
    at = t->len;
    ok = put_str(t, &at, "# TYPE ") && put_str(t, &at, name) && put_str(t, &at, " ") && put_str(t, &at, type);
    end_line(t, at, ok);
}

void prom_sample(struct prom_text *t, const char *name, const struct prom_label *labels, size_t label_count,
                 uint64_t value)
{
    if (t->full)
        return;
    size_t at = t->len;
    bool ok = put_str(t, &at, name);
    for (size_t i = 0; ok && i < label_count; i++)
        ok = put(t, &at, i ? "," : "{", 1) && put_str(t, &at, labels[i].name) && put(t, &at, "=\"", 2) &&
             put_escaped(t, &at, labels[i].value, labels[i].value_len) && put(t, &at, "\"", 1);
    if (ok && label_count)
        ok = put(t, &at, "}", 1);
    ok = ok && put(t, &at, " ", 1) && put_u64(t, &at, value);
    end_line(t, at, ok);
}
