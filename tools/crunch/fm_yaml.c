/*
 * YAML front matter, the subset of fm_syntax.h: `key: value` lines at the
 * left margin; values that are plain scalars, "double-quoted" or
 * 'single-quoted' scalars on one line, flow sequences [a, b] on one line,
 * or a block sequence of "- item" lines under a key with no value. Nested
 * mappings, block scalars (| and >), anchors, aliases, tags and flow
 * mappings are refused with their line.
 */
#include "fm_syntax.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Reads one scalar at *p into v, stopping at any of `stops` (for items of a
 * flow sequence) or the end of the line; NULL or the reason it cannot. */
static const char *read_scalar(const char **p, const char *end, const char *stops, struct fm_value *v)
{
    const char *s = *p;
    if (s >= end)
        return "a value is missing";
    switch (*s) {
    case '"': {
        const char *why = NULL;
        v->kind = FM_QUOTED;
        v->text = fm_read_double_quoted(p, end, &why);
        return v->text ? NULL : why;
    }
    case '\'': {
        struct buf b = {0};
        for (s++;; s++) {
            if (s >= end) {
                free(b.data);
                return "a string is not closed by ' on its line (multi-line strings are not supported)";
            }
            if (*s == '\'' && s + 1 < end && s[1] == '\'') {
                buf_append(&b, "'", 1);     /* '' is a quote inside */
                s++;
            } else if (*s == '\'') {
                break;
            } else {
                buf_append(&b, s, 1);
            }
        }
        buf_append(&b, "", 1);
        v->kind = FM_QUOTED;
        v->text = (char *)b.data;
        *p = s + 1;
        return NULL;
    }
    case '|':
    case '>':
        return "block scalars (| and >) are not supported: write the value on one line";
    case '&':
    case '*':
        return "anchors (&) and aliases (*) are not supported";
    case '!':
        return "tags (!) are not supported";
    case '{':
        return "flow mappings ({...}) are not supported";
    case '[':
        return "sequences inside sequences are not supported";
    default:
        break;
    }
    /* A plain scalar: up to a stop, or a " #" comment; trailing blanks dropped. */
    const char *e = s;
    while (e < end && !strchr(stops, *e) && !(*e == '#' && e > s && (e[-1] == ' ' || e[-1] == '\t')))
        e++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    for (const char *c = s; c < e; c++)
        if (*c == ':' && (c + 1 == e || c[1] == ' '))
            return "a plain value holds \": \": quote it, or it reads as a nested mapping";
    v->kind = FM_BARE;
    v->text = xstrndup(s, (size_t)(e - s));
    *p = e;
    return NULL;
}

/* An item of a flow sequence [a, b]: a plain one ends at ',' or ']'. */
static const char *read_flow_item(const char **p, const char *end, struct fm_value *v)
{
    return read_scalar(p, end, ",]", v);
}

/* Whether what follows a value is only blanks and a comment. */
static int only_comment(const char *s, const char *end)
{
    s = fm_skip_blanks(s, end);
    return s == end || *s == '#';
}

struct yaml_state {
    struct fm_entries *out;
    struct fm_entry *list;      /* the entry whose "- item" lines are being read, or NULL */
};

/* One line (without its newline); NULL or the reason it is refused. */
static const char *parse_line(void *ctx, const char *s, const char *end, unsigned line)
{
    struct yaml_state *st = ctx;
    struct fm_entries *out = st->out;
    struct fm_entry **list = &st->list;
    const char *t = fm_skip_blanks(s, end);
    if (t == end || *t == '#')
        return NULL;
    if (*t == '-' && (t + 1 == end || t[1] == ' ')) {
        if (!*list)
            return "a \"- item\" line must follow a `key:` line with no value";
        const char *item = fm_skip_blanks(t + 1, end);
        const char *why = read_scalar(&item, end, "", fm_list_add(&(*list)->value));
        if (why)
            return why;
        return only_comment(item, end) ? NULL : "unexpected text after the value";
    }
    *list = NULL;
    if (t != s)
        return "an indented line: nested mappings are not supported";
    const char *key = s;
    while (s < end && (isalnum((unsigned char)*s) || *s == '_' || *s == '-'))
        s++;
    size_t key_len = (size_t)(s - key);
    if (key_len == 0 || s >= end || *s != ':' || (s + 1 < end && s[1] != ' ' && s[1] != '\t'))
        return "expected `key: value` (keys are letters, digits, _ and -)";
    struct fm_entry *e = fm_entries_add(out, key, key_len, line);
    s = fm_skip_blanks(s + 1, end);
    if (s == end || *s == '#') {
        /* No value: "- item" lines may follow. */
        e->value.kind = FM_LIST;
        *list = e;
        return NULL;
    }
    const char *why = *s == '[' ? fm_read_bracket_list(&s, end, read_flow_item, &e->value) : read_scalar(&s, end, "", &e->value);
    if (why)
        return why;
    return only_comment(s, end) ? NULL : "unexpected text after the value";
}

unsigned fm_yaml_parse(const char *file, unsigned first_line, const char *text, size_t len, struct fm_entries *out)
{
    struct yaml_state st = {out, NULL};
    return fm_each_line(file, first_line, text, len, "YAML", parse_line, &st);
}
