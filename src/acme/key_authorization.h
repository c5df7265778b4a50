/*
 * What a challenge publishes (RFC 8555 section 8): the key authorisation
 * token "." thumbprint(account key), served as it is for HTTP-01 (section
 * 8.3), and its SHA-256 in base64url as the TXT record of DNS-01 (section
 * 8.4).
 */
#ifndef UNIHOST_ACME_KEY_AUTHORIZATION_H
#define UNIHOST_ACME_KEY_AUTHORIZATION_H

#include <stddef.h>

#include "acme/jwk.h"

/* Writes token "." thumbprint and a NUL into out. Returns its length, or
 * -1 if it does not fit (cap must exceed strlen(token) + 44). */
long key_authorization(const char *token, const struct p256_key *account_key, char *out, size_t cap);

/* The DNS-01 TXT value for a key authorisation: 43 characters and a NUL. */
#define DNS01_VALUE_LEN 43
void dns01_txt_value(const char *key_authorization, char out[DNS01_VALUE_LEN + 1]);

#endif
