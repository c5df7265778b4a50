/*
 * TOML front matter, the subset of fm_syntax.h: `key = value` lines, with
 * bare keys; values that are basic ("...") or literal ('...') strings on
 * one line, bare words (integers, booleans, dates and times), or arrays of
 * those on one line. Tables, inline tables, dotted or quoted keys and
 * multi-line strings are refused with their line.
 */
#include "fm_syntax.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static int is_bare_key_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '-';
}

/* Characters of an unquoted value: numbers, booleans, dates and times. */
static int is_bare_value_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '+' || c == ':' || c == '.';
}

/* Reads one string or bare value at *p into v; NULL or the reason it cannot. */
static const char *read_scalar(const char **p, const char *end, struct fm_value *v)
{
    const char *s = *p;
    if (s >= end)
        return "a value is missing";
    if (*s == '"') {
        if (end - s >= 3 && s[1] == '"' && s[2] == '"')
            return "multi-line strings (\"\"\") are not supported";
        const char *why = NULL;
        v->text = fm_read_double_quoted(p, end, &why);
        v->kind = FM_QUOTED;
        return v->text ? NULL : why;
    }
    if (*s == '\'') {
        if (end - s >= 3 && s[1] == '\'' && s[2] == '\'')
            return "multi-line strings (''') are not supported";
        const char *close = s + 1;
        while (close < end && *close != '\'' && *close != '\n')
            close++;
        if (close >= end || *close != '\'')
            return "a string is not closed by ' on its line";
        v->kind = FM_QUOTED;
        v->text = xstrndup(s + 1, (size_t)(close - s - 1));
        *p = close + 1;
        return NULL;
    }
    if (*s == '{')
        return "inline tables ({...}) are not supported";
    if (*s == '[')
        return "arrays inside arrays are not supported";
    const char *e = s;
    while (e < end && is_bare_value_char(*e))
        e++;
    /* TOML lets a space stand for the T of a date and time. */
    if (e - s == 10 && e + 1 < end && *e == ' ' && isdigit((unsigned char)e[1])) {
        e++;
        while (e < end && is_bare_value_char(*e))
            e++;
    }
    if (e == s)
        return "a value must be a \"string\", a number, true, false, a date, or an array of those";
    v->kind = FM_BARE;
    v->text = xstrndup(s, (size_t)(e - s));
    *p = e;
    return NULL;
}

/* One line (without its newline); NULL or the reason it is refused. */
static const char *parse_line(void *ctx, const char *s, const char *end, unsigned line)
{
    struct fm_entries *out = ctx;
    s = fm_skip_blanks(s, end);
    if (s == end || *s == '#')
        return NULL;
    if (*s == '[')
        return "tables ([name]) are not supported: front matter is flat `key = value` lines";
    const char *key = s;
    while (s < end && is_bare_key_char(*s))
        s++;
    size_t key_len = (size_t)(s - key);
    if (key_len == 0)
        return "expected `key = value` (keys are letters, digits, _ and -; quoted keys are not supported)";
    if (s < end && *s == '.')
        return "dotted keys are not supported";
    s = fm_skip_blanks(s, end);
    if (s >= end || *s != '=')
        return "expected `key = value`";
    s = fm_skip_blanks(s + 1, end);
    struct fm_entry *e = fm_entries_add(out, key, key_len, line);
    const char *why = s < end && *s == '[' ? fm_read_bracket_list(&s, end, read_scalar, &e->value) : read_scalar(&s, end, &e->value);
    if (why)
        return why;
    s = fm_skip_blanks(s, end);
    if (s < end && *s != '#')
        return "unexpected text after the value";
    return NULL;
}

unsigned fm_toml_parse(const char *file, unsigned first_line, const char *text, size_t len, struct fm_entries *out)
{
    return fm_each_line(file, first_line, text, len, "TOML", parse_line, out);
}
