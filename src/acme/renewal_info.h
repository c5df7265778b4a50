/*
 * A RenewalInfo object (RFC 9773 section 4.2), the CA's answer to
 * GET renewalInfo/<CertID>:
 *
 *   {"suggestedWindow": {"start": "2025-01-02T04:00:00Z",
 *                        "end": "2025-01-03T04:00:00Z"},
 *    "explanationURL": "https://acme.example.com/docs/ari"}
 *
 * Both times are RFC 3339 date-times (rfc3339.h), and a window whose end
 * is not after its start is invalid: the RFC has the client treat it as
 * no answer at all. explanationURL is optional; when present it must be a
 * printable URL without spaces (it is logged for the operator). Members
 * the RFC does not define are ignored, as JSON extensions are.
 */
#ifndef UNIHOST_ACME_RENEWAL_INFO_H
#define UNIHOST_ACME_RENEWAL_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acme/json_read.h"

#define RENEWAL_INFO_URL_MAX 256

struct renewal_info {
    int64_t start, end;                         /* seconds since the epoch; start < end */
    char explanation_url[RENEWAL_INFO_URL_MAX]; /* "" when absent */
};

/* Parses body[0..len) with tokens[0..max_tokens) for the JSON reader.
 * Returns true and fills *info, or false with why[0..why_cap) saying
 * what is wrong. */
bool renewal_info_parse(const char *body, size_t len, struct json_token *tokens, size_t max_tokens,
                        struct renewal_info *info, char *why, size_t why_cap);

#endif
