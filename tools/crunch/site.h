/*
 * The site pass: walks the site directory, reads every Markdown page's
 * front matter, renders every page into its template, checks the links
 * (and heading anchors) of every page, generates the sitemap, robots.txt
 * line and feeds when the site has a base URL, and collects every
 * published file.
 */
#ifndef CRUNCH_SITE_H
#define CRUNCH_SITE_H

#include <stdint.h>

#include "http_file.h"

struct site_options {
    const uint64_t *mtime_limit;    /* caps every Last-Modified time (SOURCE_DATE_EPOCH), or NULL */
    int drafts;                     /* publish pages whose front matter says draft = true */
};

struct site_summary {
    unsigned pages;
    unsigned assets;                /* every other file, generated ones included */
    unsigned drafts;                /* pages left out as drafts */
};

/*
 * Loads the site under dir into out (sorted by path). Reports every
 * problem with diag and returns the number of errors.
 */
unsigned site_load(const char *dir, const struct site_options *opt, struct http_files *out,
                   struct site_summary *summary);

#endif
