/* Extension -> Content-Type table: see mime.h. */
#include "mime.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

struct mime_entry {
    const char *extension;
    const char *content_type;
    int compressible;       /* text-like; binary formats are already compressed */
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
