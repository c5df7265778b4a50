/* Extension -> Content-Type table: see mime.h. */
#include "mime.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

struct mime_entry {
    const char *extension;
    const char *content_type;
    int compressible;       /* text-like; 0 for formats that are already compressed
                               (images, fonts, media, archives): gzip would only
                               cost CPU and bytes there */
};

static const struct mime_entry mime_table[] = {
    {"html", "text/html; charset=utf-8", 1},
    {"htm", "text/html; charset=utf-8", 1},
    {"css", "text/css; charset=utf-8", 1},
    {"js", "text/javascript; charset=utf-8", 1},
    {"mjs", "text/javascript; charset=utf-8", 1},
    {"json", "application/json", 1},
    {"xml", "application/xml", 1},
    {"txt", "text/plain; charset=utf-8", 1},
    {"md", "text/markdown; charset=utf-8", 1},
    {"svg", "image/svg+xml", 1},
    {"webmanifest", "application/manifest+json", 1},
    {"wasm", "application/wasm", 1},
    {"png", "image/png", 0},
    {"jpg", "image/jpeg", 0},
    {"jpeg", "image/jpeg", 0},
    {"gif", "image/gif", 0},
    {"webp", "image/webp", 0},
    {"ico", "image/x-icon", 0},
    {"woff2", "font/woff2", 0},
    {"woff", "font/woff", 0},
    {"pdf", "application/pdf", 0},
    {"avif", "image/avif", 0},
    {"mp4", "video/mp4", 0},
    {"webm", "video/webm", 0},
    {"mp3", "audio/mpeg", 0},
    {"zip", "application/zip", 0},
    {"gz", "application/gzip", 0},
};

const char *mime_type_for(const char *path, int *compressible)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    const char *dot = strrchr(name, '.');
    if (dot && dot != name) {
        for (size_t i = 0; i < sizeof mime_table / sizeof mime_table[0]; i++) {
            if (strcasecmp(dot + 1, mime_table[i].extension) == 0) {
                *compressible = mime_table[i].compressible;
                return mime_table[i].content_type;
            }
        }
    }
    *compressible = 0;
    return "application/octet-stream";
}
