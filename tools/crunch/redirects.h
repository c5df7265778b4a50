/*
 * The site's redirects: site/_redirects, in Netlify's format, one rule a
 * line: `FROM TO [STATUS]`. FROM is an exact URL path; TO is a path on the
 * site or an http(s) URL; STATUS is 301 (the default), 302, 307 or 308.
 * Blank lines and lines starting with '#' are ignored.
 */
#ifndef CRUNCH_REDIRECTS_H
#define CRUNCH_REDIRECTS_H

#include "http_file.h"

/*
 * Parses the file at path (a missing file means no redirects) into
 * files->redirects, sorted by source, checking each rule against the
 * published files: a source that is already published, or a local target
 * that is not, is an error. Reports with diag; returns the error count.
 */
unsigned redirects_load(const char *path, struct http_files *files);

/*
 * Adds one redirect (a rule of `path` at `line`, or a page's alias),
 * checked as a _redirects rule is; returns 1 if it is refused (reported
 * with diag), else 0. Call redirects_sort() after the last one.
 */
unsigned redirects_add(struct http_files *files, const char *path, unsigned line, const char *from, const char *to,
                       unsigned status);

/* Sorts files->redirects by source, as the blob and the lookup need. */
void redirects_sort(struct http_files *files);

/* Is there a redirect from exactly path[0..len)? (files->redirects sorted) */
int redirects_has_source(const struct http_files *files, const char *path, size_t len);

#endif
