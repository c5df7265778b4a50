/* Request-target normalisation and HTTP dates. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "http_date.h"
#include "http_path.h"

static bool normalizes_to(const char *target, const char *want)
{
    char out[256];
    size_t n = http_path_normalize(target, strlen(target), out, sizeof out);
    if (!want)
        return n == 0;
    return n == strlen(want) && memcmp(out, want, n) == 0;
}

int main(void)
{
    CHECK("path: plain", normalizes_to("/docs/x", "/docs/x"));
    CHECK("path: root", normalizes_to("/", "/"));
    CHECK("path: query and fragment dropped", normalizes_to("/a/b?x=1#y", "/a/b"));
    CHECK("path: single dots", normalizes_to("/a/./b/.", "/a/b/"));
    CHECK("path: double dots", normalizes_to("/a/b/../c", "/a/c"));
    CHECK("path: trailing double dots", normalizes_to("/a/b/..", "/a/"));
    CHECK("path: never above the root", normalizes_to("/../../x", "/x"));
    CHECK("path: encoded dots are dots", normalizes_to("/a/%2e%2E/b", "/b"));
    CHECK("path: percent-decoding", normalizes_to("/%41%62c", "/Abc"));
    CHECK("path: absolute-form", normalizes_to("http://example.test/a?q", "/a"));
    CHECK("path: absolute-form without a path is refused", normalizes_to("http://example.test", NULL));
    CHECK("path: asterisk-form refused", normalizes_to("*", NULL));
    CHECK("path: relative refused", normalizes_to("docs/x", NULL));
    CHECK("path: encoded slash refused", normalizes_to("/a%2fb", NULL));
    CHECK("path: encoded backslash refused", normalizes_to("/a%5cb", NULL));
    CHECK("path: encoded NUL refused", normalizes_to("/a%00", NULL));
    CHECK("path: short escape refused", normalizes_to("/a%4", NULL));
    CHECK("path: bad hex refused", normalizes_to("/a%g1", NULL));

    char date[HTTP_DATE_LEN + 1] = {0};
    http_date_format(784111777, date);
    CHECK("date: RFC 9110's example", strcmp(date, "Sun, 06 Nov 1994 08:49:37 GMT") == 0);
    http_date_format(0, date);
    CHECK("date: the epoch", strcmp(date, "Thu, 01 Jan 1970 00:00:00 GMT") == 0);
    http_date_format(951782400, date);
    CHECK("date: a leap day", strcmp(date, "Tue, 29 Feb 2000 00:00:00 GMT") == 0);
    http_date_format(4102444799u, date);
    CHECK("date: end of 2099", strcmp(date, "Thu, 31 Dec 2099 23:59:59 GMT") == 0);
    bool round_trip = true;
    for (uint64_t t = 0; t < 5000000000u; t += 86399 * 37) {
        uint64_t back;
        http_date_format(t, date);
        round_trip &= http_date_parse(date, HTTP_DATE_LEN, &back) == 0 && back == t;
    }
    CHECK("date: format then parse gives the same second, 1970-2128", round_trip);
    uint64_t s;
    CHECK("date: parse refuses other formats", http_date_parse("Sunday, 06-Nov-94 08:49:37 GMT", 30, &s) != 0);
    return CHECK_DONE();
}
