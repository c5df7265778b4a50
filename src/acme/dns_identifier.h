/*
 * Which names the ACME client will put in an order and a CSR: DNS names
 * as a CA expects them (RFC 8555 section 7.1.4, RFC 5280's dNSName): lower
 * case letters, digits and hyphens, labels of 1 to 63 characters not
 * starting or ending with a hyphen, at least two labels, 253 characters
 * at most, no trailing dot; a wildcard only as a whole first label
 * ("*.example.org"). Refused rather than fixed up, so that what a user
 * configured is what is asked for.
 */
#ifndef UNIHOST_ACME_DNS_IDENTIFIER_H
#define UNIHOST_ACME_DNS_IDENTIFIER_H

#include <stdbool.h>

#define DNS_IDENTIFIER_MAX 253

bool dns_identifier_valid(const char *name);

/* Is it a wildcard ("*." and a valid name)? */
bool dns_identifier_is_wildcard(const char *name);

#endif
