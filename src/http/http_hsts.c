/* Strict-Transport-Security: see http_hsts.h. */
#include "http_hsts.h"

#include <stdio.h>
#include <string.h>

size_t hsts_line(char line[HSTS_LINE_MAX], uint32_t max_age)
{
    int n = snprintf(line, HSTS_LINE_MAX, "Strict-Transport-Security: max-age=%lu\r\n", (unsigned long)max_age);
    return n > 0 && n < HSTS_LINE_MAX ? (size_t)n : 0;
}

size_t hsts_insert_at(const uint8_t *head, size_t len)
{
    if (len < 13 || memcmp(head, "HTTP/1.", 7) != 0)
        return 0;
    for (size_t i = 0; i + 4 <= len; i++)
        if (memcmp(head + i, "\r\n\r\n", 4) == 0)
            return i + 2;
    return 0;
}
