/*
 * The two front matter syntaxes crunch reads, TOML (between "+++" lines)
 * and YAML (between "---" lines), each a documented subset: one
 * `key = value` (TOML) or `key: value` (YAML) a line, values that are
 * strings, bare words (numbers, true/false, dates) or one-level lists of
 * those. Anything outside the subset (tables, nested mappings, multi-line
 * strings, anchors...) is an error at its line, never silently read.
 * site/docs/crunch.md lists the subset; front_matter.h gives the entries
 * their meaning. _config.toml is read with the TOML half.
 */
#ifndef CRUNCH_FM_SYNTAX_H
#define CRUNCH_FM_SYNTAX_H

#include <stddef.h>

enum fm_value_kind {
    FM_QUOTED,      /* a quoted string: always text */
    FM_BARE,        /* unquoted: a number, true/false, a date (YAML: or plain text) */
    FM_LIST,        /* [a, b] or YAML's "- a" lines: items of the other two kinds */
};

struct fm_value {
    enum fm_value_kind kind;
    char *text;                 /* FM_QUOTED, FM_BARE: the value, escapes decoded */
    struct fm_value *items;     /* FM_LIST */
    size_t count;
};

struct fm_entry {
    char *key;
    unsigned line;
    struct fm_value value;
};

struct fm_entries {
    struct fm_entry *items;
    size_t count;
};

/*
 * Parse text[0..len), whose first line is line first_line of file, into
 * out (appended, in order; duplicates are the caller's to refuse). Report
 * every line outside the subset with diag; return the number of errors.
 */
unsigned fm_toml_parse(const char *file, unsigned first_line, const char *text, size_t len, struct fm_entries *out);
unsigned fm_yaml_parse(const char *file, unsigned first_line, const char *text, size_t len, struct fm_entries *out);

void fm_entries_free(struct fm_entries *e);

/* Shared by the two parsers: appends one entry (key copied, value moved). */
struct fm_entry *fm_entries_add(struct fm_entries *e, const char *key, size_t key_len, unsigned line);
/* Appends an item to a list value. */
struct fm_value *fm_list_add(struct fm_value *list);

/*
 * Reads a double-quoted string starting at *p (on the opening quote) up to
 * the closing quote on the same line, decoding the escapes TOML's basic
 * strings and YAML's double-quoted scalars share: \" \\ \/ \b \f \n \r
 * \t \uXXXX \UXXXXXXXX. On success *p is past the closing quote and the
 * text is returned (malloc'ed); else NULL with *why set.
 */
char *fm_read_double_quoted(const char **p, const char *end, const char **why);

/* Past spaces and tabs. */
const char *fm_skip_blanks(const char *p, const char *end);

/* Reads one item of a [a, b] list at *p; NULL or the reason it cannot. */
typedef const char *(*fm_item_reader)(const char **p, const char *end, struct fm_value *v);

/* Reads a one-line [a, b, ...] list at *p (on the '[') into v, each item
 * with read_item; NULL or the reason it cannot. */
const char *fm_read_bracket_list(const char **p, const char *end, fm_item_reader read_item, struct fm_value *v);

/* Calls parse_line for every line of text[0..len) (without its newline or
 * a CR before it), numbering them from first_line, and reports each reason
 * it returns as "file:line: front matter (SYNTAX): reason". Returns the
 * number of lines reported. */
unsigned fm_each_line(const char *file, unsigned first_line, const char *text, size_t len, const char *syntax,
                      const char *(*parse_line)(void *ctx, const char *s, const char *end, unsigned line),
                      void *ctx);

#endif
