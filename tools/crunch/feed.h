/*
 * An Atom 1.0 feed (RFC 4287) of a section, SECTION/atom.xml, for each
 * section the site's _config.toml names in `feeds` (site_config.h).
 */
#ifndef CRUNCH_FEED_H
#define CRUNCH_FEED_H

#include "page.h"
#include "util.h"

/* The feed of a section's pages (every one has a date), newest first:
 * each entry with its title, link, date, updated, description as summary
 * and body as HTML content. */
void feed_write(struct page *const *entries, size_t count, const char *section, const char *title,
                const char *author, const char *base_url, struct buf *out);

#endif
