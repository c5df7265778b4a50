/*
 * ACME problem documents (RFC 8555 section 6.7, RFC 7807) turned into one
 * log line: the HTTP status, the error type, the detail and each
 * subproblem's identifier and detail. Everything from the CA is
 * untrusted text: control characters and quotes are replaced, and the
 * line is cut to the caller's buffer.
 */
#ifndef UNIHOST_ACME_PROBLEM_H
#define UNIHOST_ACME_PROBLEM_H

#include <stdbool.h>
#include <stddef.h>

#include "acme/json_read.h"

/* Describes the problem object at index `problem` of doc (doc may be NULL
 * when the body was not JSON) into out[0..cap), NUL-terminated, prefixed
 * with `what` (e.g. "newOrder"). */
void acme_problem_describe(const struct json_doc *doc, long problem, int status, const char *what, char *out,
                           size_t cap);

/* Is the problem's type urn:ietf:params:acme:error:NAME? */
bool acme_problem_is(const struct json_doc *doc, long problem, const char *name);

#endif
