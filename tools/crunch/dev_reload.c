/* The development blob's additions: see dev_reload.h. */
#include "dev_reload.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "content/blob_format.h"
#include "mime.h"
#include "util.h"

#define SCRIPT_TAG "<script src=\"" BLOB_LIVE_SCRIPT_PATH "\"></script>\n"

/*
 * The page's side of the loop. The first event names the blob the page
 * came from (or a later one: a swap in the few milliseconds before the
 * stream opens goes unseen until the next); any other means the content
 * changed. The stream's reconnections (unihost closes idle connections)
 * bring the current hash, so a swap while disconnected is not missed.
 * data-unihost-live tells the tests the stream is open.
 */
static const char live_script[] =
    "// unihost's live reload, in development blobs only (crunch --dev).\n"
    "(function () {\n"
    "  var first = null;\n"
    "  var source = new EventSource(\"" BLOB_LIVE_PATH "\");\n"
    "  source.onmessage = function (event) {\n"
    "    if (first === null) {\n"
    "      first = event.data;\n"
    "      document.documentElement.setAttribute(\"data-unihost-live\", first);\n"
    "    } else if (event.data !== first) {\n"
    "      source.close();\n"
    "      location.reload();\n"
    "    }\n"
    "  };\n"
    "})();\n";

/* The last "</body>" (any case), or NULL. */
static const uint8_t *find_body_end(const uint8_t *text, size_t len)
{
    static const char tag[] = "</body>";
    const size_t n = sizeof tag - 1;
    for (size_t i = len; i >= n; i--)
        if (strncasecmp((const char *)text + i - n, tag, n) == 0)
            return text + i - n;
    return NULL;
}

/* The script's tag just before </body>, or at the end of a page without one. */
static void inject_tag(struct http_file *f)
{
    const uint8_t *end = find_body_end(f->body, f->body_len);
    size_t at = end ? (size_t)(end - f->body) : f->body_len;
    struct buf out = {0};
    buf_append(&out, f->body, at);
    buf_append_str(&out, SCRIPT_TAG);
    buf_append(&out, f->body + at, f->body_len - at);
    free(f->body);
    f->body = out.data;
    f->body_len = out.len;
}

static void add_file(struct http_files *files, const char *path, const char *source, const char *text)
{
    struct http_file *f = http_files_add(files);
    f->path = xstrdup(path);
    f->source = xstrdup(source);
    f->content_type = mime_type_for(f->path, &f->compressible);
    f->mtime = (uint64_t)time(NULL);
    f->body_len = strlen(text);
    f->body = (uint8_t *)xstrndup(text, f->body_len);
}

static void no_cache_everywhere(struct http_files *files)
{
    for (size_t i = 0; i < files->count; i++)
        files->items[i].cache_control = "no-cache";
}

void dev_reload_apply(struct http_files *files)
{
    for (size_t i = 0; i < files->count; i++)
        if (files->items[i].is_page && files->items[i].body)
            inject_tag(&files->items[i]);
    add_file(files, BLOB_LIVE_SCRIPT_PATH, "(crunch --dev)", live_script);
    no_cache_everywhere(files);
    http_files_sort(files);
}

void dev_reload_error_site(struct http_files *files, const char *messages, unsigned errors)
{
    http_files_free(files);
    struct buf page = {0};
    char *count = xasprintf("%u %s", errors, errors == 1 ? "error" : "errors");
    buf_append_str(&page,
                   "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<title>crunch: the site does not build</title>\n"
                   "<style>body{font-family:sans-serif;margin:2em;max-width:60em}"
                   "pre{background:#fff0f0;border:1px solid #c00;padding:1em;white-space:pre-wrap}</style>\n"
                   "</head>\n<body>\n<h1>crunch: the site does not build</h1>\n<p id=\"crunch-errors\">");
    buf_append_str(&page, count);
    buf_append_str(&page, ". This page goes back to the site by itself once they are fixed.</p>\n<pre>");
    buf_append_html_escaped(&page, messages, strlen(messages));
    buf_append_str(&page, "</pre>\n" SCRIPT_TAG "</body>\n</html>\n");
    buf_append(&page, "", 1);
    add_file(files, "/404.html", "(crunch --dev)", (const char *)page.data);
    add_file(files, BLOB_LIVE_SCRIPT_PATH, "(crunch --dev)", live_script);
    no_cache_everywhere(files);
    http_files_sort(files);
    free(page.data);
    free(count);
}
