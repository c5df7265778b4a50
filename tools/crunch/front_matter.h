/*
 * A page's front matter: the block at its very top, TOML between "+++"
 * lines or YAML between "---" lines (fm_syntax.h), and what its fields
 * mean. Known fields: title, description, date, updated, draft, weight,
 * template, aliases; any other is an error, as is a value of the wrong
 * kind, so a typo never goes unnoticed.
 */
#ifndef CRUNCH_FRONT_MATTER_H
#define CRUNCH_FRONT_MATTER_H

#include <stddef.h>
#include <stdint.h>

struct page_alias {
    char *path;
    unsigned line;
};

struct page_meta {
    char *title;                /* NULL: the first level-1 heading gives it */
    char *description;          /* NULL: none */
    int has_date, has_updated;
    int64_t date, updated;      /* seconds since the epoch */
    int draft;
    int has_weight;
    long weight;                /* navigation order: lower first */
    char *template_name;        /* NULL: _template.html */
    unsigned template_line;
    struct page_alias *aliases;
    size_t alias_count;
};

/*
 * Reads the front matter at the top of text[0..len), if any, into meta,
 * and blanks it out in text (every byte but the newlines becomes a space)
 * so the Markdown parser sees blank lines there and its line numbers stay
 * the file's. Reports problems as file:line with diag; returns the number
 * of errors (meta holds the fields that were right).
 */
unsigned front_matter_read(const char *file, char *text, size_t len, struct page_meta *meta);

void page_meta_free(struct page_meta *meta);

#endif
