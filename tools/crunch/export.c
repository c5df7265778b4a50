/* Exporting published files to a directory: see export.h. */
#include "export.h"

#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "util.h"

unsigned export_files(const char *dir, const struct http_files *files)
{
    unsigned failures = 0;
    for (size_t i = 0; i < files->count; i++) {
        const struct http_file *f = &files->items[i];
        /* f->path starts with '/', so this is dir + path without a double slash. */
        char *target = path_join(dir, f->path + 1);
        int err = make_parent_dirs(target);
        if (!err)
            err = write_file_atomic(target, f->body, f->body_len);
        if (err) {
            diag_error(target, 0, "cannot write the exported file: %s", strerror(err));
            failures++;
        }
        free(target);
    }
    return failures;
}
