/* Strict-Transport-Security: see http_hsts.h. */
#include "http/http_hsts.h"

#include <stdio.h>

size_t hsts_line(char line[HSTS_LINE_MAX], uint32_t max_age)
{
    int n = snprintf(line, HSTS_LINE_MAX, "Strict-Transport-Security: max-age=%lu\r\n", (unsigned long)max_age);
    return n > 0 && n < HSTS_LINE_MAX ? (size_t)n : 0;
}
