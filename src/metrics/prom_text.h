/*
 * The Prometheus text exposition format (version 0.0.4), written into a
 * caller's buffer: no I/O, no allocation, no libc formatting, so the same
 * code runs on unix, on Xen and in the unit tests.
 *
 * A metric family is announced once (# HELP, # TYPE), then its samples
 * follow, each a name, labels and an unsigned integer value:
 *
 *   # HELP unihost_http_requests_total HTTP responses, by scheme and status class.
 *   # TYPE unihost_http_requests_total counter
 *   unihost_http_requests_total{scheme="https",class="2xx"} 12
 *
 * Label values are escaped as the format asks (backslash, double quote and
 * line feed), so any bytes may be given, a zone's apex among them; names
 * and HELP text are the caller's constants. Text that does not fit sets
 * `full` and the buffer keeps only whole lines before it: a reader never
 * sees half a sample, and the caller knows the page was cut.
 */
#ifndef UNIHOST_PROM_TEXT_H
#define UNIHOST_PROM_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct prom_text {
    char *buf;
    size_t size, len;
    bool full;                  /* something did not fit, and was left out */
};

/* A label: name (a constant) and value (any bytes, value_len of them). */
struct prom_label {
    const char *name;
    const char *value;
    size_t value_len;
};

/* A label whose value is a C string. */
#define PROM_LABEL(n, v) ((struct prom_label){(n), (v), __builtin_strlen(v)})

void prom_text_init(struct prom_text *t, char *buf, size_t size);

/* "# HELP name help" and "# TYPE name type" (type: "counter", "gauge"). */
void prom_family(struct prom_text *t, const char *name, const char *type, const char *help);

/* One sample line: name{labels} value. */
void prom_sample(struct prom_text *t, const char *name, const struct prom_label *labels, size_t label_count,
                 uint64_t value);

#endif
