/* Front matter fields: see front_matter.h. */
#include "front_matter.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "diag.h"
#include "fm_syntax.h"
#include "util.h"

/* Does the line at p (of the text's end `end`) hold exactly `fence`? */
static int is_fence(const char *p, const char *end, const char *fence)
{
    size_t n = strlen(fence);
    if ((size_t)(end - p) < n || memcmp(p, fence, n) != 0)
        return 0;
    p += n;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p == end || *p == '\n' || (*p == '\r' && (p + 1 == end || p[1] == '\n'));
}

/* A string field: TOML wants it quoted (a bare word there is a number, a
 * boolean or a date); YAML's plain scalars are text. */
static const char *as_text(const struct fm_value *v, int toml, char **out)
{
    if (v->kind == FM_LIST || (toml && v->kind == FM_BARE))
        return toml ? "must be a quoted string" : "must be text, not a list";
    if (v->text[0] == '\0')
        return "is empty";
    *out = xstrdup(v->text);
    return NULL;
}

static const char *as_date(const struct fm_value *v, int64_t *out)
{
    if (v->kind == FM_LIST)
        return "must be a date, not a list";
    const char *why;
    return date_parse(v->text, out, &why) == 0 ? NULL : why;
}

static const char *as_bool(const struct fm_value *v, int *out)
{
    if (v->kind == FM_BARE && strcmp(v->text, "true") == 0)
        *out = 1;
    else if (v->kind == FM_BARE && strcmp(v->text, "false") == 0)
        *out = 0;
    else
        return "must be true or false (unquoted)";
    return NULL;
}

static const char *as_weight(const struct fm_value *v, long *out)
{
    if (v->kind != FM_BARE)
        return "must be a whole number (unquoted)";
    char *end;
    errno = 0;
    long n = strtol(v->text, &end, 10);
    if (errno || end == v->text || *end != '\0' || n < -1000000000L || n > 1000000000L)
        return "must be a whole number between -1000000000 and 1000000000";
    *out = n;
    return NULL;
}

static const char *as_template(const struct fm_value *v, int toml, char **out)
{
    const char *why = as_text(v, toml, out);
    if (why)
        return why;
    const char *name = *out;
    size_t n = strlen(name);
    int plain = name[0] == '_' && n > 5 && strcmp(name + n - 5, ".html") == 0 && !strchr(name, '/');
    if (!plain) {
        free(*out);
        *out = NULL;
        return "must name a file of the site's top directory starting with _ and ending with .html, "
               "such as \"_section.html\"";
    }
    return NULL;
}

static const char *as_aliases(const struct fm_value *v, unsigned line, struct page_meta *meta)
{
    if (v->kind != FM_LIST)
        return "must be a list of URL paths, such as [\"/old/path\"]";
    for (size_t i = 0; i < v->count; i++) {
        const struct fm_value *item = &v->items[i];
        if (item->kind == FM_LIST || item->text[0] != '/')
            return "must be a list of URL paths starting with /";
        meta->aliases = xrealloc(meta->aliases, (meta->alias_count + 1) * sizeof *meta->aliases);
        meta->aliases[meta->alias_count++] = (struct page_alias){xstrdup(item->text), line};
    }
    return NULL;
}

static const char *const known_fields = "title, description, date, updated, draft, weight, template and aliases";

/* Gives one entry its meaning; NULL or what is wrong with it. */
static const char *apply(const struct fm_entry *e, int toml, struct page_meta *meta)
{
    const struct fm_value *v = &e->value;
    if (strcmp(e->key, "title") == 0)
        return as_text(v, toml, &meta->title);
    if (strcmp(e->key, "description") == 0)
        return as_text(v, toml, &meta->description);
    if (strcmp(e->key, "date") == 0) {
        const char *why = as_date(v, &meta->date);
        meta->has_date = !why;
        return why;
    }
    if (strcmp(e->key, "updated") == 0) {
        const char *why = as_date(v, &meta->updated);
        meta->has_updated = !why;
        return why;
    }
    if (strcmp(e->key, "draft") == 0)
        return as_bool(v, &meta->draft);
    if (strcmp(e->key, "weight") == 0) {
        const char *why = as_weight(v, &meta->weight);
        meta->has_weight = !why;
        return why;
    }
    if (strcmp(e->key, "template") == 0) {
        meta->template_line = e->line;
        return as_template(v, toml, &meta->template_name);
    }
    if (strcmp(e->key, "aliases") == 0)
        return as_aliases(v, e->line, meta);
    return "is not a front matter field";
}

unsigned front_matter_read(const char *file, char *text, size_t len, struct page_meta *meta)
{
    memset(meta, 0, sizeof *meta);
    const char *end = text + len;
    int toml = is_fence(text, end, "+++");
    if (!toml && !is_fence(text, end, "---"))
        return 0;
    const char *fence = toml ? "+++" : "---";
    /* The block: from the line after the opening fence to the closing one. */
    const char *body = memchr(text, '\n', len);
    body = body ? body + 1 : end;
    const char *close = NULL;
    for (const char *p = body; p < end;) {
        if (is_fence(p, end, fence)) {
            close = p;
            break;
        }
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    if (!close) {
        diag_error(file, 1, "front matter opened by %s is not closed by a %s line", fence, fence);
        return 1;
    }
    struct fm_entries entries = {0};
    size_t block_len = (size_t)(close - body);
    unsigned errors = toml ? fm_toml_parse(file, 2, body, block_len, &entries)
                           : fm_yaml_parse(file, 2, body, block_len, &entries);
    unsigned updated_line = 1;
    for (size_t i = 0; i < entries.count && errors == 0; i++) {
        const struct fm_entry *e = &entries.items[i];
        if (strcmp(e->key, "updated") == 0)
            updated_line = e->line;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(entries.items[j].key, e->key) == 0) {
                diag_error(file, e->line, "front matter field %s given twice (first at line %u)", e->key,
                           entries.items[j].line);
                errors++;
                goto next;
            }
        }
        const char *why = apply(e, toml, meta);
        if (why) {
            if (strcmp(why, "is not a front matter field") == 0)
                diag_error(file, e->line, "%s is not a front matter field; crunch knows %s", e->key, known_fields);
            else
                diag_error(file, e->line, "front matter field %s %s", e->key, why);
            errors++;
        }
    next:;
    }
    if (errors == 0 && meta->has_date && meta->has_updated && meta->updated < meta->date) {
        diag_error(file, updated_line, "front matter field updated is earlier than date");
        errors++;
    }
    fm_entries_free(&entries);
    /* Blank the block out, fences included, keeping the newlines. */
    const char *after = memchr(close, '\n', (size_t)(end - close));
    size_t blank_len = after ? (size_t)(after - text) : len;
    for (size_t i = 0; i < blank_len; i++)
        if (text[i] != '\n')
            text[i] = ' ';
    return errors;
}

void page_meta_free(struct page_meta *meta)
{
    free(meta->title);
    free(meta->description);
    free(meta->template_name);
    for (size_t i = 0; i < meta->alias_count; i++)
        free(meta->aliases[i].path);
    free(meta->aliases);
    memset(meta, 0, sizeof *meta);
}
