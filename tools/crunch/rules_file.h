/*
 * Line-by-line reading of the site's small rule files (_redirects, _cache):
 * whitespace-separated fields, '#' comment lines and blank lines skipped,
 * every byte checked to be printable ASCII so that nothing a rule file says
 * can end up as a control byte in a response header.
 */
#ifndef CRUNCH_RULES_FILE_H
#define CRUNCH_RULES_FILE_H

#include <stddef.h>

#define RULES_MAX_FIELDS 8

struct rules_line {
    unsigned number;                    /* 1-based */
    size_t field_count;                 /* up to RULES_MAX_FIELDS; more are counted, not kept */
    char *field[RULES_MAX_FIELDS];      /* NUL-terminated, inside the line's copy */
    const char *rest_after_first;       /* the line after the first field, trimmed */
};

/*
 * Calls fn for every rule line of the file at path. A missing file is no
 * rules (returns 0); an unreadable one or a line with bytes other than
 * printable ASCII, space and tab is reported with diag. Returns the number
 * of errors reported here (fn reports its own).
 */
unsigned rules_file_each(const char *path, void (*fn)(void *ctx, const char *path, struct rules_line *line),
                         void *ctx);

#endif
