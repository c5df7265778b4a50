/* The URL path -> published file rule: see site_path.h. */
#include "content/site_path.h"

#include <string.h>

#define SITE_PATH_MAX 2048

static const void *try_suffix(const char *path, size_t len, const char *suffix,
                              site_path_lookup_fn lookup, void *ctx)
{
    char buf[SITE_PATH_MAX + 16];
    size_t n = strlen(suffix);
    if (len + n > sizeof buf)
        return NULL;
    memcpy(buf, path, len);
    memcpy(buf + len, suffix, n);
    return lookup(ctx, buf, len + n);
}

enum site_path_match site_path_resolve(const char *path, size_t len, site_path_lookup_fn lookup,
                                       void *ctx, const void **found)
{
    *found = NULL;
    if (len == 0 || path[0] != '/' || len > SITE_PATH_MAX)
        return SITE_PATH_NONE;
    bool dir = path[len - 1] == '/';
    if (!dir && (*found = lookup(ctx, path, len)) != NULL)
        return SITE_PATH_FILE;
    if (!dir && (*found = try_suffix(path, len, ".html", lookup, ctx)) != NULL)
        return SITE_PATH_FILE;
    if (dir && (*found = try_suffix(path, len, "index.html", lookup, ctx)) != NULL)
        return SITE_PATH_FILE;
    if (!dir && try_suffix(path, len, "/index.html", lookup, ctx) != NULL)
        return SITE_PATH_ADD_SLASH;
    return SITE_PATH_NONE;
}
