/*
 * Handling bytes derived from a secret key: comparing them without the
 * time taken telling where they first differ (an attacker who can time
 * the answers could otherwise learn a MAC a byte at a time), and wiping
 * copies of them from memory before it is reused.
 *
 * Freestanding: no library calls, so the Xen guest links it too.
 */
#ifndef UNIHOST_SECRET_BYTES_H
#define UNIHOST_SECRET_BYTES_H

#include <stdbool.h>
#include <stddef.h>

/* Are a[0..n) and b[0..n) equal? Reads every byte of both whatever they
 * hold; the time depends on n only. */
bool secret_equal(const void *a, const void *b, size_t n);

/* Sets p[0..n) to zero through a volatile pointer, so the compiler cannot
 * drop the stores as dead when p's storage is about to go out of scope. */
void secret_wipe(void *p, size_t n);

#endif
