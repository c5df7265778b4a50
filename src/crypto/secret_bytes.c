/* Comparing and wiping secret-derived bytes: see secret_bytes.h. */
#include "crypto/secret_bytes.h"

#include <stdint.h>

bool secret_equal(const void *a, const void *b, size_t n)
{
    /* Volatile reads keep the compiler from turning the loop back into an
     * early exit once it sees the result can no longer change. */
    const volatile uint8_t *x = a, *y = b;
    uint8_t diff = 0;
    for (size_t i = 0; i < n; i++)
        diff |= (uint8_t)(x[i] ^ y[i]);
    return diff == 0;
}

void secret_wipe(void *p, size_t n)
{
    volatile uint8_t *v = p;
    for (size_t i = 0; i < n; i++)
        v[i] = 0;
}
