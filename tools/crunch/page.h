/*
 * One Markdown page between the site pass's stages: its front matter, its
 * headings and links (read from the parse), its rendered body; what the
 * sitemap, the feeds and section lists are made from.
 */
#ifndef CRUNCH_PAGE_H
#define CRUNCH_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include "front_matter.h"
#include "headings.h"
#include "util.h"

struct page_link {
    char *url;
    unsigned line;
    int is_image;
};

struct page {
    char *path;             /* published path, "/news/first.html" */
    char *clean;            /* clean URL path, "/news/first", "/news/" for an index */
    char *dir;              /* URL path of its directory, "/news/"; for an index, the parent's */
    const char *source;     /* the Markdown file */
    char *text;             /* its Markdown, front matter blanked, until rendered */
    size_t text_len;
    struct page_meta meta;
    char *title;            /* front matter's, else the first level-1 heading's */
    struct headings headings;
    char *html;             /* the body rendered, with heading ids */
    struct page_link *links;
    size_t link_count;
    uint64_t mtime;
    long feed;              /* index of the feed of its section (site_config.feeds), or -1 */
};

struct pages {
    struct page *items;     /* sorted by path once collected */
    size_t count;
};

/* Sorts by path, as http_files_sort() sorts the published files. */
void pages_sort(struct pages *pages);

void pages_free(struct pages *pages);

/* The page published at exactly this path, or NULL (pages sorted). */
struct page *pages_find(const struct pages *pages, const char *path, size_t len);

/* Pages whose `dir` is dir, in navigation order: weight (lower first, pages
 * without one last), then date (newest first, undated last), then title. */
size_t pages_in_dir(const struct pages *pages, const char *dir, struct page ***out);

/* "<ul class="pages">" of the pages listed in a section's index; nothing
 * when it has none. */
void pages_list_html(struct page *const *list, size_t count, struct buf *out);

#endif
