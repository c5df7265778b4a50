/* The site's _redirects file: see redirects.h. */
#include "redirects.h"

#include <stdlib.h>
#include <string.h>

#include "content/blob_format.h"
#include "diag.h"
#include "rules_file.h"
#include "content/site_path.h"
#include "util.h"

struct load_state {
    struct http_files *files;
    unsigned errors;
};

static const void *published_exactly(void *ctx, const char *path, size_t len)
{
    return http_files_find(ctx, path, len) >= 0 ? ctx : NULL;
}

static int is_published(const struct http_files *files, const char *path, size_t len)
{
    const void *found;
    return site_path_resolve(path, len, published_exactly, (void *)files, &found) != SITE_PATH_NONE;
}

/* Why a source path could never match a request (unihost normalises the
 * request path first), or NULL when it can. */
static const char *source_problem(const char *from)
{
    if (from[0] != '/')
        return "must be a URL path starting with /";
    if (strchr(from, '*') || strchr(from, ':'))
        return "uses a splat (*) or a :placeholder, which unihost does not support: list each path";
    if (strpbrk(from, "?#%\\"))
        return "holds ?, #, % or \\: give the decoded path only (queries are not matched)";
    if (strstr(from, "//") || strstr(from, "/./") || strstr(from, "/../"))
        return "holds an empty, . or .. segment, which never reaches unihost's lookup";
    size_t n = strlen(from);
    if ((n >= 2 && strcmp(from + n - 2, "/.") == 0) || (n >= 3 && strcmp(from + n - 3, "/..") == 0))
        return "ends with a . or .. segment, which never reaches unihost's lookup";
    return NULL;
}

unsigned redirects_add(struct http_files *files, const char *path, unsigned line, const char *from, const char *to,
                       unsigned status)
{
    /* What _redirects' reader checks of every line: a Location header
     * takes no control byte, nor one a client would read as another
     * charset. */
    for (const char *c = from; *c; c++) {
        if (*c <= ' ' || *c > '~') {
            diag_error(path, line, "redirect source %s holds a space or a byte that is not printable "
                       "ASCII: percent-encode it", from);
            return 1;
        }
    }
    const char *problem = source_problem(from);
    if (problem) {
        diag_error(path, line, "redirect source %s %s", from, problem);
        return 1;
    }
    if (is_published(files, from, strlen(from))) {
        diag_error(path, line, "redirect source %s is a published page or file; the redirect "
                   "would never be used", from);
        return 1;
    }
    if (strlen(to) > BLOB_HTTP_REDIRECT_TARGET_MAX) {
        diag_error(path, line, "redirect target is longer than %u bytes", BLOB_HTTP_REDIRECT_TARGET_MAX);
        return 1;
    }
    if (to[0] == '/' && to[1] != '/') {
        size_t target_len = strcspn(to, "?#");
        if (!is_published(files, to, target_len)) {
            diag_error(path, line, "redirect target %.*s, which the site does not publish",
                       (int)target_len, to);
            return 1;
        }
    } else if (strncmp(to, "http://", 7) != 0 && strncmp(to, "https://", 8) != 0) {
        diag_error(path, line, "redirect target %s must be a path starting with / or an http:// "
                   "or https:// URL", to);
        return 1;
    }
    for (size_t i = 0; i < files->redirect_count; i++) {
        if (strcmp(files->redirects[i].from, from) == 0) {
            diag_error(path, line, "duplicate redirect source %s (first at line %u)", from,
                       files->redirects[i].line);
            return 1;
        }
    }
    files->redirects = xrealloc(files->redirects, (files->redirect_count + 1) * sizeof *files->redirects);
    files->redirects[files->redirect_count++] = (struct http_redirect){xstrdup(from), xstrdup(to), status, line};
    return 0;
}

static void parse_rule(void *ctx, const char *path, struct rules_line *l)
{
    struct load_state *st = ctx;
    if (l->field_count < 2) {
        diag_error(path, l->number, "a redirect needs a source and a target: FROM TO [STATUS]");
        st->errors++;
        return;
    }
    if (l->field_count > 3) {
        diag_error(path, l->number, "too many fields: FROM TO [STATUS] (query, country and role "
                   "conditions are not supported)");
        st->errors++;
        return;
    }
    const char *from = l->field[0], *to = l->field[1];
    unsigned status = 301;
    if (l->field_count == 3) {
        const char *s = l->field[2];
        if (strcmp(s, "301") == 0 || strcmp(s, "302") == 0 || strcmp(s, "307") == 0 || strcmp(s, "308") == 0) {
            status = (unsigned)atoi(s);
        } else {
            diag_error(path, l->number, "status %s is not supported: use 301 (the default), 302, 307 or 308", s);
            st->errors++;
            return;
        }
    }
    st->errors += redirects_add(st->files, path, l->number, from, to, status);
}

static int by_source(const void *a, const void *b)
{
    const struct http_redirect *x = a, *y = b;
    return path_order(x->from, strlen(x->from), y->from, strlen(y->from));
}

void redirects_sort(struct http_files *files)
{
    if (files->redirect_count > 1)
        qsort(files->redirects, files->redirect_count, sizeof *files->redirects, by_source);
}

unsigned redirects_load(const char *path, struct http_files *files)
{
    struct load_state st = {files, 0};
    st.errors += rules_file_each(path, parse_rule, &st);
    redirects_sort(files);
    return st.errors;
}

/* By binary search: a large site's every link may be looked up here. */
int redirects_has_source(const struct http_files *files, const char *path, size_t len)
{
    size_t lo = 0, hi = files->redirect_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *from = files->redirects[mid].from;
        int c = path_order(from, strlen(from), path, len);
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}
