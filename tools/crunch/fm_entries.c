/* The entry list both front matter parsers fill: see fm_syntax.h. */
#include "fm_syntax.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "util.h"

struct fm_entry *fm_entries_add(struct fm_entries *e, const char *key, size_t key_len, unsigned line)
{
    e->items = xrealloc(e->items, (e->count + 1) * sizeof *e->items);
    struct fm_entry *n = &e->items[e->count++];
    n->key = xstrndup(key, key_len);
    n->line = line;
    n->value = (struct fm_value){FM_BARE, NULL, NULL, 0};
    return n;
}

struct fm_value *fm_list_add(struct fm_value *list)
{
    list->items = xrealloc(list->items, (list->count + 1) * sizeof *list->items);
    struct fm_value *v = &list->items[list->count++];
    *v = (struct fm_value){FM_BARE, NULL, NULL, 0};
    return v;
}

static void value_free(struct fm_value *v)
{
    free(v->text);
    for (size_t i = 0; i < v->count; i++)
        value_free(&v->items[i]);
    free(v->items);
}

void fm_entries_free(struct fm_entries *e)
{
    for (size_t i = 0; i < e->count; i++) {
        free(e->items[i].key);
        value_free(&e->items[i].value);
    }
    free(e->items);
    e->items = NULL;
    e->count = 0;
}

/* Appends code point cp as UTF-8; 0 if it is not a Unicode scalar value. */
static int append_utf8(struct buf *b, unsigned long cp)
{
    uint8_t out[4];
    size_t n;
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        return 0;
    if (cp < 0x80) {
        out[0] = (uint8_t)cp;
        n = 1;
    } else if (cp < 0x800) {
        out[0] = (uint8_t)(0xC0 | cp >> 6);
        out[1] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        out[0] = (uint8_t)(0xE0 | cp >> 12);
        out[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        out[0] = (uint8_t)(0xF0 | cp >> 18);
        out[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3F));
        out[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
        out[3] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 4;
    }
    buf_append(b, out, n);
    return 1;
}

char *fm_read_double_quoted(const char **p, const char *end, const char **why)
{
    struct buf b = {0};
    const char *s = *p + 1;
    for (;;) {
        if (s >= end || *s == '\n' || *s == '\r') {
            *why = "a string is not closed by \" on its line (multi-line strings are not supported)";
            free(b.data);
            return NULL;
        }
        if (*s == '"')
            break;
        if ((unsigned char)*s < 0x20 && *s != '\t') {
            *why = "a string holds a control character: write it as an escape";
            free(b.data);
            return NULL;
        }
        if (*s != '\\') {
            buf_append(&b, s++, 1);
            continue;
        }
        s++;
        static const char escaped[] = "\"\\/bfnrt", decoded[] = "\"\\/\b\f\n\r\t";
        const char *simple = s < end && *s ? strchr(escaped, *s) : NULL;
        if (simple) {
            buf_append(&b, &decoded[simple - escaped], 1);
            s++;
            continue;
        }
        int hex_len = s < end && *s == 'u' ? 4 : s < end && *s == 'U' ? 8 : 0;
        unsigned long cp = 0;
        int ok = hex_len > 0 && end - s > hex_len;
        for (int i = 1; ok && i <= hex_len; i++) {
            int c = s[i];
            ok = isxdigit(c);
            cp = cp * 16 + (unsigned long)(isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10));
        }
        if (!ok || !append_utf8(&b, cp)) {
            *why = "a string holds an unknown escape (known: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX \\UXXXXXXXX)";
            free(b.data);
            return NULL;
        }
        s += 1 + hex_len;
    }
    *p = s + 1;
    buf_append(&b, "", 1);
    return (char *)b.data;
}

const char *fm_skip_blanks(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

const char *fm_read_bracket_list(const char **p, const char *end, fm_item_reader read_item, struct fm_value *v)
{
    const char *s = fm_skip_blanks(*p + 1, end);
    v->kind = FM_LIST;
    while (s < end && *s != ']') {
        const char *why = read_item(&s, end, fm_list_add(v));
        if (why)
            return why;
        s = fm_skip_blanks(s, end);
        if (s < end && *s == ',')
            s = fm_skip_blanks(s + 1, end);
        else if (s < end && *s != ']')
            return "list items must be separated by commas";
    }
    if (s >= end)
        return "a list must be closed by ] on its line";
    *p = s + 1;
    return NULL;
}

unsigned fm_each_line(const char *file, unsigned first_line, const char *text, size_t len, const char *syntax,
                      const char *(*parse_line)(void *ctx, const char *s, const char *end, unsigned line),
                      void *ctx)
{
    unsigned errors = 0, line = first_line;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl ? nl : end;
        const char *content_end = line_end > p && line_end[-1] == '\r' ? line_end - 1 : line_end;
        const char *why = parse_line(ctx, p, content_end, line);
        if (why) {
            diag_error(file, line, "front matter (%s): %s", syntax, why);
            errors++;
        }
        line++;
        p = nl ? nl + 1 : end;
    }
    return errors;
}
