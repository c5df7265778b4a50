/*
 * A page template (site/_template.html, or another _NAME.html a page's
 * front matter names): HTML with the placeholders {{title}} (the page
 * title, HTML-escaped), {{content}} (the rendered page), {{path}} (the
 * page's clean URL path, HTML-escaped), {{meta}} (the page's description
 * and feed as <meta> and <link> elements), {{toc}} (its table of contents)
 * and {{pages}} (on a directory's index, the list of its pages).
 */
#ifndef CRUNCH_TEMPLATE_H
#define CRUNCH_TEMPLATE_H

#include <stdint.h>

#include "util.h"

struct template;

/*
 * Reads and checks the template, reporting every problem with diag.
 * Returns NULL if it cannot be read or has errors.
 */
struct template *template_load(const char *path);

/* The template file's modification time. */
uint64_t template_mtime(const struct template *t);

/* What fills the placeholders for one page (the _html ones as they are). */
struct template_fields {
    const char *title;
    const char *content_html;
    const char *path;
    const char *meta_html;
    const char *toc_html;
    const char *pages_html;
};

/* Appends the template filled in for one page to out. */
void template_render(const struct template *t, struct buf *out, const struct template_fields *fields);

/* Whether the template has {{pages}}. */
int template_uses_pages(const struct template *t);

/* The template's text as read (for checking the links it holds). */
const uint8_t *template_text(const struct template *t, size_t *len);

void template_free(struct template *t);

#endif
