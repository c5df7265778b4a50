/* The Range header parser (src/http/http_range.c), value by value. */
#include <stdbool.h>
#include <string.h>

#include "check.h"
#include "http/http_range.h"

static bool is(const char *value, uint64_t size, enum http_range_result want, uint64_t first, uint64_t last)
{
    uint64_t a = 12345, b = 12345;
    enum http_range_result r = http_range_parse(value, strlen(value), size, &a, &b);
    return r == want && (r != HTTP_RANGE_OK || (a == first && b == last));
}

int main(void)
{
    CHECK("range: a-b", is("bytes=0-9", 100, HTTP_RANGE_OK, 0, 9));
    CHECK("range: a single byte", is("bytes=5-5", 100, HTTP_RANGE_OK, 5, 5));
    CHECK("range: a-", is("bytes=90-", 100, HTTP_RANGE_OK, 90, 99));
    CHECK("range: -n", is("bytes=-10", 100, HTTP_RANGE_OK, 90, 99));
    CHECK("range: -n longer than the file is the whole file", is("bytes=-1000", 100, HTTP_RANGE_OK, 0, 99));
    CHECK("range: last-pos past the end is cut", is("bytes=50-1000", 100, HTTP_RANGE_OK, 50, 99));
    CHECK("range: the last byte", is("bytes=99-99", 100, HTTP_RANGE_OK, 99, 99));
    CHECK("range: unit case-insensitive, spaces around", is(" Bytes = 1-2 ", 100, HTTP_RANGE_OK, 1, 2));
    CHECK("range: a huge number saturates", is("bytes=1-99999999999999999999999999", 100, HTTP_RANGE_OK, 1, 99));
    CHECK("range: first-pos at the end is unsatisfiable", is("bytes=100-", 100, HTTP_RANGE_UNSATISFIABLE, 0, 0));
    CHECK("range: a huge first-pos is unsatisfiable",
          is("bytes=99999999999999999999999-", 100, HTTP_RANGE_UNSATISFIABLE, 0, 0));
    CHECK("range: -0 is unsatisfiable", is("bytes=-0", 100, HTTP_RANGE_UNSATISFIABLE, 0, 0));
    CHECK("range: any range of an empty file is unsatisfiable", is("bytes=0-", 0, HTTP_RANGE_UNSATISFIABLE, 0, 0) &&
          is("bytes=-5", 0, HTTP_RANGE_UNSATISFIABLE, 0, 0));
    static const char *ignored[] = {
        "", "bytes", "bytes=", "bytes=-", "bytes=5", "bytes=5-2", "bytes=0-1,3-4", "bytes=0-1, 3-4",
        "items=0-1", "bytes=a-b", "bytes=1-2x", "bytes=+1-2", "bytes 0-1", "byte=0-1", "bytesx=0-1",
    };
    bool all = true;
    for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++)
        all &= is(ignored[i], 100, HTTP_RANGE_IGNORE, 0, 0);
    CHECK("range: several ranges, other units and bad syntax are ignored (whole file)", all);
    return CHECK_DONE();
}
