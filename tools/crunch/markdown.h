/*
 * Markdown to HTML for a page: cmark-gfm, CommonMark with GitHub's table,
 * strikethrough and autolink extensions, in safe mode (raw HTML and
 * javascript: URLs left out). Collects what the site pass checks and
 * what the template shows: the first level-1 heading, every heading (with
 * its anchor id), every link and image.
 */
#ifndef CRUNCH_MARKDOWN_H
#define CRUNCH_MARKDOWN_H

#include <stddef.h>

#include "page.h"

/*
 * Renders text[0..len) into page->html, and fills page->headings and
 * page->links; *h1 gets the first level-1 heading's text (malloc'ed, or
 * NULL) and *h1_line its line. Returns 0, or -1 on an internal error
 * (said on stderr).
 */
int markdown_render(const char *text, size_t len, struct page *page, char **h1, unsigned *h1_line);

#endif
