/*
 * Heading anchors and the table of contents. Every heading of a page gets
 * an id made from its text (GitHub's way: lower case, spaces as '-',
 * punctuation dropped, so ids are stable as long as the text is), a repeat
 * numbered "-1", "-2", ...; links to "page#id" are checked against them.
 */
#ifndef CRUNCH_HEADINGS_H
#define CRUNCH_HEADINGS_H

#include <stddef.h>

#include "util.h"

struct heading {
    int level;          /* 1 to 6 */
    char *text;         /* plain text */
    char *id;
};

struct headings {
    struct heading *items;
    size_t count;
};

/* Adds a heading, giving it an id unique among those already added. */
void headings_add(struct headings *h, int level, const char *text);

/* Whether a heading has this id (already percent-decoded). */
int headings_has_id(const struct headings *h, const char *id, size_t len);

/*
 * Copies cmark's HTML to out with each heading's id added: the n-th "<hN>"
 * tag is the n-th heading in document order, since raw HTML is never
 * rendered (safe mode) and text is escaped, so no other "<hN>" can occur.
 * Returns 0, or -1 if the tags and the headings do not match.
 */
int headings_add_ids(const struct headings *h, const char *html, struct buf *out);

/* The table of contents, levels 2 and 3 as a nested list in a
 * <nav class="toc">; nothing when the page has neither. */
void headings_toc(const struct headings *h, struct buf *out);

void headings_free(struct headings *h);

#endif
