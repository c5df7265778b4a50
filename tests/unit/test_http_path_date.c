/* Request-target normalisation and HTTP dates. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "http/http_date.h"
#include "http/http_path.h"

static bool normalizes_to(const char *target, const char *want)
{
    char out[256];
    size_t n = http_path_normalize(target, strlen(target), out, sizeof out);
    if (!want)
        return n == 0;
    return n == strlen(want) && memcmp(out, want, n) == 0;
}

static bool location_is(size_t (*write)(const char *, size_t, char *, size_t), const char *in, size_t in_len,
                        size_t room, const char *want)
{
    char out[512];
    size_t n = write(in, in_len, out, room);
    if (!want)
        return n == 0;
    return n == strlen(want) && memcmp(out, want, n) == 0;
}

#define PATH_LOC(in, want) location_is(http_path_to_location, in, sizeof in - 1, 512, want)
#define TARGET_LOC(in, want) location_is(http_target_to_location, in, sizeof in - 1, 512, want)

static bool host_ok(const char *v)
{
    return http_host_valid(v, strlen(v));
}

static void test_locations_and_hosts(void)
{
    CHECK("location: a plain path as it is", PATH_LOC("/docs/", "/docs/"));
    CHECK("location: pchar and '/' are kept", PATH_LOC("/az09-._~!$&'()*+,;=:@/", "/az09-._~!$&'()*+,;=:@/"));
    CHECK("location: CR and LF are encoded, so they cannot end the header line",
          PATH_LOC("/a\r\nSet-Cookie: x=1/", "/a%0D%0ASet-Cookie:%20x=1/"));
    CHECK("location: space, quotes, angle brackets, backslash, '%', '?', '#' encoded",
          PATH_LOC("/a b\"<>\\%?#/", "/a%20b%22%3C%3E%5C%25%3F%23/"));
    CHECK("location: non-ASCII bytes and controls encoded", PATH_LOC("/\xc3\xa9\x01\x7f/", "/%C3%A9%01%7F/"));
    CHECK("location: a path starting with // stays a path (/.//)", PATH_LOC("//evil.test/", "/.//evil.test/"));
    CHECK("location: too long for the room is refused", location_is(http_path_to_location, "/a b", 4, 5, NULL));
    CHECK("location: exactly the room is enough", location_is(http_path_to_location, "/a b", 4, 6, "/a%20b"));

    CHECK("target location: path and query as they are", TARGET_LOC("/docs/?a=1&b=/x?y", "/docs/?a=1&b=/x?y"));
    CHECK("target location: escapes kept, not encoded twice", TARGET_LOC("/a%20b%0d%0A", "/a%20b%0d%0A"));
    CHECK("target location: a '%' starting no escape is encoded",
          TARGET_LOC("/100%?q=%zz&r=%4", "/100%25?q=%25zz&r=%254"));
    CHECK("target location: bytes a URI cannot hold are encoded",
          TARGET_LOC("/\"<>\\^`{|} \r\n\xff", "/%22%3C%3E%5C%5E%60%7B%7C%7D%20%0D%0A%FF"));
    CHECK("target location: the fragment is dropped", TARGET_LOC("/a?b#c\r\nX: y", "/a?b"));
    CHECK("target location: too long for the room is refused",
          location_is(http_target_to_location, "/\"\"", 3, 6, NULL));

    CHECK("host: a name", host_ok("www.unihost.test"));
    CHECK("host: a name and port", host_ok("unihost.test:8080"));
    CHECK("host: an IPv4 address", host_ok("192.0.2.2"));
    CHECK("host: an IPv6 literal with a port", host_ok("[2001:db8::2]:80"));
    CHECK("host: empty (RFC 9110 7.2 allows it)", host_ok(""));
    CHECK("host: an empty port", host_ok("a.test:"));
    CHECK("host: escapes and sub-delims of a reg-name", host_ok("a%41b!$&'()*+,;=~_-.test"));
    CHECK("host: a space is refused", !host_ok("a b"));
    CHECK("host: a slash is refused", !host_ok("a.test/x"));
    CHECK("host: userinfo is refused", !host_ok("user@a.test"));
    CHECK("host: a non-numeric port is refused", !host_ok("a.test:x"));
    CHECK("host: two colons are refused", !host_ok("a.test:80:81"));
    CHECK("host: a bad escape is refused", !host_ok("a%4g.test"));
    CHECK("host: a cut escape is refused", !host_ok("a%4"));
    CHECK("host: an unclosed bracket is refused", !host_ok("[2001:db8::2"));
    CHECK("host: empty brackets are refused", !host_ok("[]"));
    CHECK("host: text after the brackets is refused", !host_ok("[::1]x"));
    CHECK("host: a bracket in an IP literal is refused", !host_ok("[::[1]"));
    CHECK("host: non-ASCII is refused", !host_ok("\xc3\xa9.test"));
    CHECK("host: CR and LF are refused", !host_ok("a\r\nb"));
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

    test_locations_and_hosts();

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
