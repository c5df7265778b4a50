/*
 * The signature that lets a pushed blob in (--manage, docs/xen.md): ECDSA
 * P-256 over the SHA-256 of the whole blob file, by the private half of a
 * key whose public half unihost was given at start-up (--manage-key FILE on
 * unix, built into the image on Xen). The signature is DER (what
 * `openssl dgst -sha256 -sign` writes); on the wire it travels in base64.
 *
 * Nothing here allocates or does I/O: the key arrives as PEM bytes, the
 * hash as 32 bytes the caller computed while the blob arrived.
 */
#ifndef UNIHOST_CRYPTO_BLOB_SIGNATURE_H
#define UNIHOST_CRYPTO_BLOB_SIGNATURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A P-256 public key: the uncompressed point (0x04, X, Y). */
#define BLOB_KEY_POINT_BYTES 65
/* The largest DER ECDSA P-256 signature: SEQUENCE of two INTEGERs of up
 * to 33 bytes each. */
#define BLOB_SIGNATURE_MAX 72

struct blob_key {
    uint8_t point[BLOB_KEY_POINT_BYTES];
    /* The first 8 bytes of the SHA-256 of the key's DER
     * SubjectPublicKeyInfo, in hex: what the log names the key by
     * (`openssl pkey -pubin -outform DER | sha256sum` shows the same). */
    char fingerprint[17];
};

/*
 * Reads a PEM "PUBLIC KEY" block (an EC P-256 SubjectPublicKeyInfo, as
 * `openssl ec -pubout` writes it, the point uncompressed) and checks that
 * the point is on the curve. Returns 0, or -1 with a sentence in err
 * naming `name` (the file, or "the embedded key").
 */
int blob_key_from_pem(struct blob_key *key, const char *pem, size_t len, const char *name, char *err,
                      size_t err_size);

/* True if `sig` (DER) is the key's signature over the SHA-256 `hash`. */
bool blob_signature_verify(const struct blob_key *key, const uint8_t hash[32], const uint8_t *sig, size_t sig_len);

/*
 * Decodes standard base64 (RFC 4648 section 4, padding optional, no
 * whitespace) into out; returns the decoded length, or -1 if `text` is not
 * base64 or decodes to more than `out_size` bytes.
 */
long blob_signature_base64(const char *text, size_t len, uint8_t *out, size_t out_size);

#endif
