/* The development blob's additions: see dev_reload.h. */
#include "dev_reload.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <bearssl.h>

#include "mime.h"
#include "util.h"

/*
 * The page's side of the loop. Its tag names the build the page is of;
 * each event names the build served now (the first one as the stream
 * opens, then one at each swap). Another build means the page is out of
 * date: reload. Comparing with the page's own build, rather than with the
 * first event, also catches a swap between the page's load and the
 * stream's opening; the stream's reconnections (unihost closes idle
 * connections) catch one while it was closed. data-unihost-live tells
 * the tests the stream is open and the page current.
 */
static const char live_script[] =
    "// unihost's live reload, in development blobs only (crunch --dev).\n"
    "(function () {\n"
    "  var build = document.currentScript.getAttribute(\"data-build\");\n"
    "  var source = new EventSource(\"" BLOB_LIVE_PATH "\");\n"
    "  source.onmessage = function (event) {\n"
    "    if (event.data === build) {\n"
    "      document.documentElement.setAttribute(\"data-unihost-live\", build);\n"
    "    } else {\n"
    "      source.close();\n"
    "      location.reload();\n"
    "    }\n"
    "  };\n"
    "})();\n";

/* The build identity in hex, as the event stream sends it. */
static void id_hex(const uint8_t id[BLOB_BUILD_ID_LEN], char out[2 * BLOB_BUILD_ID_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < BLOB_BUILD_ID_LEN; i++) {
        out[2 * i] = hex[id[i] >> 4];
        out[2 * i + 1] = hex[id[i] & 15];
    }
    out[2 * BLOB_BUILD_ID_LEN] = '\0';
}

static char *script_tag(const uint8_t id[BLOB_BUILD_ID_LEN])
{
    char hex[2 * BLOB_BUILD_ID_LEN + 1];
    id_hex(id, hex);
    return xasprintf("<script src=\"%s\" data-build=\"%s\"></script>\n", BLOB_LIVE_SCRIPT_PATH, hex);
}

static void digest_part(br_sha256_context *ctx, const void *data, size_t len)
{
    uint8_t n[8];
    for (int i = 0; i < 8; i++)
        n[i] = (uint8_t)((uint64_t)len >> (8 * i));
    br_sha256_update(ctx, n, sizeof n);     /* lengths first: no two lists give the same bytes */
    br_sha256_update(ctx, data, len);
}

static void digest_out(br_sha256_context *ctx, uint8_t id[BLOB_BUILD_ID_LEN])
{
    uint8_t digest[32];
    br_sha256_out(ctx, digest);
    memcpy(id, digest, BLOB_BUILD_ID_LEN);
}

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
static void inject_tag(struct http_file *f, const char *tag)
{
    const uint8_t *end = find_body_end(f->body, f->body_len);
    size_t at = end ? (size_t)(end - f->body) : f->body_len;
    struct buf out = {0};
    buf_append(&out, f->body, at);
    buf_append_str(&out, tag);
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

void dev_reload_apply(struct http_files *files, uint8_t id[BLOB_BUILD_ID_LEN])
{
    br_sha256_context ctx;
    br_sha256_init(&ctx);
    for (size_t i = 0; i < files->count; i++) {
        digest_part(&ctx, files->items[i].path, strlen(files->items[i].path));
        digest_part(&ctx, files->items[i].body, files->items[i].body_len);
    }
    digest_out(&ctx, id);
    char *tag = script_tag(id);
    for (size_t i = 0; i < files->count; i++)
        if (files->items[i].is_page && files->items[i].body)
            inject_tag(&files->items[i], tag);
    free(tag);
    add_file(files, BLOB_LIVE_SCRIPT_PATH, "(crunch --dev)", live_script);
    no_cache_everywhere(files);
    http_files_sort(files);
}

void dev_reload_error_site(struct http_files *files, const char *messages, unsigned errors,
                           uint8_t id[BLOB_BUILD_ID_LEN])
{
    http_files_free(files);
    br_sha256_context ctx;
    br_sha256_init(&ctx);
    digest_part(&ctx, "error page", 10);   /* never a site's identity */
    digest_part(&ctx, messages, strlen(messages));
    digest_out(&ctx, id);
    char *tag = script_tag(id);
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
    buf_append_str(&page, "</pre>\n");
    buf_append_str(&page, tag);
    buf_append_str(&page, "</body>\n</html>\n");
    buf_append(&page, "", 1);
    add_file(files, "/404.html", "(crunch --dev)", (const char *)page.data);
    add_file(files, BLOB_LIVE_SCRIPT_PATH, "(crunch --dev)", live_script);
    no_cache_everywhere(files);
    http_files_sort(files);
    free(page.data);
    free(count);
    free(tag);
}
