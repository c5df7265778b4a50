/*
 * What the ACME client keeps across restarts (--state-dir on tap), so
 * that a restart neither makes a new account nor orders a certificate
 * that is not due: the account key, and the issued chain with its key.
 * The service (core/acme_service.c) reads and writes them through
 * struct acme_storage, which each platform implements (src/unix/
 * state_dir.c: files in a directory); what is read back is checked here,
 * with no I/O, before it is used.
 */
#ifndef UNIHOST_ACME_STATE_H
#define UNIHOST_ACME_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acme/jwk.h"

/* The items kept, by name (PEM text each). */
#define ACME_STATE_ACCOUNT_KEY "account-key.pem"            /* the account's P-256 key */
#define ACME_STATE_CHAIN "certificate.pem"                  /* the chain as the CA sent it, leaf first */
#define ACME_STATE_CERTIFICATE_KEY "certificate-key.pem"    /* the leaf's P-256 key */

/* Where the items live. Each call is whole: an item saved is either the
 * old one or the new one, never a mixture (on unix: a temporary file,
 * fsync, rename). */
struct acme_storage {
    /* The item whole into buf[0..cap). Returns its length; 0 if there is
     * no such item; -1, with a sentence in err, if it cannot be read (or
     * is larger than cap). */
    long (*load)(void *ctx, const char *name, char *buf, size_t cap, char *err, size_t err_size);
    /* Replaces the item with bytes[0..len), readable by unihost only.
     * Returns 0, or -1 with a sentence in err (the old item stays). */
    int (*save)(void *ctx, const char *name, const void *bytes, size_t len, char *err, size_t err_size);
    void *ctx;
    const char *where;      /* for log lines, e.g. the directory */
};

/*
 * Whether a kept chain and key can be served again for `names` at `now`:
 * the key is a P-256 private key (SEC1 or PKCS#8 PEM), the chain's first
 * certificate carries that key's public half, lists every one of the
 * names in its subjectAltName, and has not expired. Returns true with the
 * leaf's validity in *not_before and *not_after (for the renewal
 * schedule), or false with a sentence in err saying what is wrong.
 *
 * A certificate past its renewal point but not expired passes: it is
 * still good to serve while the renewal it is due for runs.
 */
bool acme_state_certificate_usable(const char *chain_pem, size_t chain_len, const char *key_pem, size_t key_len,
                                   const char *const *names, size_t name_count, int64_t now, int64_t *not_before,
                                   int64_t *not_after, char *err, size_t err_size);

/* An account key given as PEM (--acme-account-key, or the kept one): a
 * P-256 private key, "EC PRIVATE KEY" (SEC1) or "PRIVATE KEY" (PKCS#8).
 * Returns false, with a sentence in err, for anything else. */
bool acme_state_account_key(struct p256_key *key, const char *pem, size_t len, char *err, size_t err_size);

#endif
