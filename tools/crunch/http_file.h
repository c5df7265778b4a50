/*
 * One file the website publishes, as the site pass produces it and the
 * HTTP emitter and the exporter consume it.
 */
#ifndef CRUNCH_HTTP_FILE_H
#define CRUNCH_HTTP_FILE_H

#include <stddef.h>
#include <stdint.h>

struct http_file {
    char *path;                 /* URL path, starts with '/', e.g. "/docs/crunch.html" */
    char *source;               /* the input file, for diagnostics */
    const char *content_type;   /* static string from mime.c */
    int compressible;
    int is_page;                /* rendered from Markdown (else an asset copied as-is) */
    uint64_t mtime;
    uint8_t *body;              /* identity representation */
    size_t body_len;
    const char *cache_control;  /* static default or owned by the cache policy */
    char *cache_control_owned;
};

/* A redirect from the site's _redirects file. */
struct http_redirect {
    char *from;                 /* exact URL path */
    char *to;                   /* Location value */
    unsigned status;            /* 301, 302, 307 or 308 */
    unsigned line;              /* in the _redirects file, for diagnostics */
};

struct http_files {
    struct http_file *items;
    size_t count, cap;
    struct http_redirect *redirects;    /* sorted by `from` */
    size_t redirect_count;
};

struct http_file *http_files_add(struct http_files *files);
/* Sorts by path as the blob requires: memcmp, the shorter first on a tie. */
void http_files_sort(struct http_files *files);
/* Index of the file with exactly this path, or -1 (files must be sorted). */
long http_files_find(const struct http_files *files, const char *path, size_t len);
void http_files_free(struct http_files *files);

#endif
