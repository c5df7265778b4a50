/*
 * The site pass: walks the site directory, renders every Markdown page
 * into the template, checks the links of every page, and collects every
 * published file.
 */
#ifndef CRUNCH_SITE_H
#define CRUNCH_SITE_H

#include <stdint.h>

#include "http_file.h"

struct site_summary {
    unsigned pages;
    unsigned assets;
};

/*
 * Loads the site under dir into out (sorted by path). mtime_limit, when
 * not NULL, caps every Last-Modified time (SOURCE_DATE_EPOCH). Reports
 * every problem with diag and returns the number of errors.
 */
unsigned site_load(const char *dir, const uint64_t *mtime_limit,
                   struct http_files *out, struct site_summary *summary);

#endif
