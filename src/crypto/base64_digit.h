/*
 * The value of one base64 digit (RFC 4648): the two alphabets differ only
 * in their last two digits, '+' '/' for base64 (section 4: pushed blobs'
 * signatures, blob_signature.c) and '-' '_' for base64url (section 5:
 * ACME, acme/base64url.c). Header-only: both decoders are a few lines
 * around it.
 */
#ifndef UNIHOST_CRYPTO_BASE64_DIGIT_H
#define UNIHOST_CRYPTO_BASE64_DIGIT_H

/* 0..63 for a digit of the alphabet whose values 62 and 63 are c62 and
 * c63, or -1. */
static inline int base64_digit(char c, char c62, char c63)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == c62)
        return 62;
    if (c == c63)
        return 63;
    return -1;
}

#endif
