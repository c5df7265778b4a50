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
};

struct http_files {
    struct http_file *items;
    size_t count, cap;
};

struct http_file *http_files_add(struct http_files *files);
/* Sorts by path as the blob requires: memcmp, the shorter first on a tie. */
void http_files_sort(struct http_files *files);
/* Index of the file with exactly this path, or -1 (files must be sorted). */
long http_files_find(const struct http_files *files, const char *path, size_t len);
void http_files_free(struct http_files *files);

#endif
