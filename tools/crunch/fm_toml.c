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

#include "diag.h"
#include "util.h"

static const char *skip_blanks(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

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

static const char *read_array(const char **p, const char *end, struct fm_value *v)
{
    const char *s = skip_blanks(*p + 1, end);
    v->kind = FM_LIST;
    while (s < end && *s != ']') {
        const char *why = read_scalar(&s, end, fm_list_add(v));
        if (why)
            return why;
        s = skip_blanks(s, end);
        if (s < end && *s == ',')
            s = skip_blanks(s + 1, end);
        else if (s < end && *s != ']')
            return "array items must be separated by commas";
    }
    if (s >= end)
        return "an array must be closed by ] on its line";
    *p = s + 1;
    return NULL;
}

/* One line (without its newline); NULL or the reason it is refused. */
static const char *parse_line(const char *s, const char *end, unsigned line, struct fm_entries *out)
{
    s = skip_blanks(s, end);
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
    s = skip_blanks(s, end);
    if (s >= end || *s != '=')
        return "expected `key = value`";
    s = skip_blanks(s + 1, end);
    struct fm_entry *e = fm_entries_add(out, key, key_len, line);
    const char *why = s < end && *s == '[' ? read_array(&s, end, &e->value) : read_scalar(&s, end, &e->value);
    if (why)
        return why;
    s = skip_blanks(s, end);
    if (s < end && *s != '#')
        return "unexpected text after the value";
    return NULL;
}

unsigned fm_toml_parse(const char *file, unsigned first_line, const char *text, size_t len, struct fm_entries *out)
{
    unsigned errors = 0, line = first_line;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl ? nl : end;
        const char *content_end = line_end > p && line_end[-1] == '\r' ? line_end - 1 : line_end;
        const char *why = parse_line(p, content_end, line, out);
        if (why) {
            diag_error(file, line, "front matter (TOML): %s", why);
            errors++;
        }
        line++;
        p = nl ? nl + 1 : end;
    }
    return errors;
}
