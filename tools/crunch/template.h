/*
 * The page template (site/_template.html): HTML with the placeholders
 * {{title}} (the page title, HTML-escaped), {{content}} (the rendered page)
 * and {{path}} (the page's clean URL path, HTML-escaped).
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

/* Appends the template filled in for one page to out. */
void template_render(const struct template *t, struct buf *out,
                     const char *title, const char *content_html, const char *path);

/* The template's text as read (for checking the links it holds). */
const uint8_t *template_text(const struct template *t, size_t *len);

void template_free(struct template *t);

#endif
