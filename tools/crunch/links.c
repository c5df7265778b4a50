/* Link targets: see links.h. */
#include "links.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* RFC 3986 scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
static int has_scheme(const char *url)
{
    if (!isalpha((unsigned char)url[0]))
        return 0;
    for (const char *p = url + 1; *p; p++) {
        if (*p == ':')
            return 1;
        if (!isalnum((unsigned char)*p) && *p != '+' && *p != '-' && *p != '.')
            return 0;
    }
    return 0;
}

/*
 * Removes "." and ".." segments and collapses '/' runs. The result ends
 * with '/' when the input did or its last segment was "." or "..".
 */
static char *normalize_path(const char *path)
{
    size_t n = strlen(path);
    char *out = xmalloc(n + 2);
    size_t len = 0;
    out[len++] = '/';   /* invariant: out is "/" then segments, each followed by '/' */
    int ends_as_dir = n > 0 && path[n - 1] == '/';
    const char *p = path;
    while (*p) {
        if (*p == '/') {
            p++;
            continue;
        }
        size_t seg = strcspn(p, "/");
        int last = p[seg] == '\0';
        if (seg == 1 && p[0] == '.') {
            ends_as_dir |= last;
        } else if (seg == 2 && p[0] == '.' && p[1] == '.') {
            /* Like a browser: ".." above the root stays at the root. */
            if (len > 1) {
                len--;
                while (out[len - 1] != '/')
                    len--;
            }
            ends_as_dir |= last;
        } else {
            memcpy(out + len, p, seg);
            len += seg;
            out[len++] = '/';
        }
        p += seg;
    }
    if (len > 1 && !ends_as_dir)
        len--;
    out[len] = '\0';
    return out;
}

char *link_target_path(const char *page_path, const char *url)
{
    if (url[0] == '\0' || url[0] == '#' || url[0] == '?' ||
        (url[0] == '/' && url[1] == '/') || has_scheme(url))
        return NULL;
    size_t keep = strcspn(url, "?#");
    char *bare = xstrndup(url, keep);
    char *joined;
    if (bare[0] == '/') {
        joined = bare;
    } else {
        const char *slash = strrchr(page_path, '/');
        size_t dir_len = slash ? (size_t)(slash - page_path) + 1 : 0;
        joined = xasprintf("%.*s%s", (int)dir_len, page_path, bare);
        free(bare);
    }
    char *normal = normalize_path(joined);
    free(joined);
    return normal;
}
