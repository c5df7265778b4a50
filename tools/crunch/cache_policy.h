/*
 * The site's caching policy: site/_cache, one rule a line:
 * `PATTERN  CACHE-CONTROL-VALUE`. PATTERN is a URL path of a published file
 * (pages by their .html path) in which '*' matches any run of characters,
 * '/' included; the first rule that matches a file gives its Cache-Control.
 * Files no rule matches get the defaults: HTML `no-cache` (revalidate every
 * time: pages change with the site), everything else
 * `public, max-age=3600`. Blank lines and lines starting with '#' are
 * ignored.
 */
#ifndef CRUNCH_CACHE_POLICY_H
#define CRUNCH_CACHE_POLICY_H

#include "http_file.h"

#define CACHE_DEFAULT_HTML "no-cache"
#define CACHE_DEFAULT_OTHER "public, max-age=3600"

/* Does pattern (with '*' wildcards) match the whole of path? */
int cache_pattern_matches(const char *pattern, const char *path);

/*
 * Reads the rules at path (a missing file means defaults only) and sets
 * every file's cache_control. Reports with diag; returns the error count.
 */
unsigned cache_policy_apply(const char *path, struct http_files *files);

#endif
