/* The list of published files: see http_file.h. */
#include "http_file.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

struct http_file *http_files_add(struct http_files *files)
{
    if (files->count == files->cap) {
        files->cap = files->cap ? files->cap * 2 : 16;
        files->items = xrealloc(files->items, files->cap * sizeof *files->items);
    }
    struct http_file *f = &files->items[files->count++];
    memset(f, 0, sizeof *f);
    return f;
}

static int compare_paths(const char *a, size_t alen, const char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    if (c != 0)
        return c;
    return (alen > blen) - (alen < blen);
}

static int by_path(const void *a, const void *b)
{
    const struct http_file *x = a, *y = b;
    return compare_paths(x->path, strlen(x->path), y->path, strlen(y->path));
}

void http_files_sort(struct http_files *files)
{
    if (files->count > 1)
        qsort(files->items, files->count, sizeof *files->items, by_path);
}

long http_files_find(const struct http_files *files, const char *path, size_t len)
{
    size_t lo = 0, hi = files->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *p = files->items[mid].path;
        int c = compare_paths(p, strlen(p), path, len);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

void http_files_free(struct http_files *files)
{
    for (size_t i = 0; i < files->count; i++) {
        free(files->items[i].path);
        free(files->items[i].source);
        free(files->items[i].body);
        free(files->items[i].cache_control_owned);
    }
    free(files->items);
    for (size_t i = 0; i < files->redirect_count; i++) {
        free(files->redirects[i].from);
        free(files->redirects[i].to);
    }
    free(files->redirects);
    memset(files, 0, sizeof *files);
}
