/*
 * Unit tests of src/acme/json_read.c: what an ACME directory and order
 * look like once read, the decoding of every escape, and one check per
 * kind of input RFC 8259 rules out (each must fail with its own reason),
 * and the limits (depth, values, size).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acme/json_read.h"
#include "check.h"

static struct json_token tokens[256];

static bool parse(struct json_doc *doc, const char *text, struct json_error *err)
{
    return json_read(doc, text, strlen(text), tokens, sizeof tokens / sizeof tokens[0], err);
}

static void test_directory(void)
{
    const char *text =
        "{\n  \"keyChange\": \"https://ca.test/rollover-account-key\",\n"
        "  \"meta\": {\"externalAccountRequired\": false, \"termsOfService\": \"data:text/plain,Do%20what%20thou%20wilt\"},\n"
        "  \"newAccount\": \"https://ca.test/sign-me-up\",\n  \"newNonce\": \"https://ca.test/nonce-plz\",\n"
        "  \"newOrder\": \"https://ca.test/order-plz\",\n  \"revokeCert\": \"https://ca.test/revoke-cert\"\n}\n";
    struct json_doc doc;
    struct json_error err;
    CHECK("json: a directory parses", parse(&doc, text, &err));
    char url[128];
    long i = json_member(&doc, 0, "newNonce");
    CHECK("json: directory newNonce", i > 0 && json_string(&doc, (size_t)i, url, sizeof url) == 25 &&
                                          strcmp(url, "https://ca.test/nonce-plz") == 0);
    long meta = json_member_typed(&doc, 0, "meta", JSON_OBJECT);
    CHECK("json: nested object member", meta > 0 && json_at(&doc, (size_t)meta)->count == 2);
    long ext = json_member(&doc, (size_t)meta, "externalAccountRequired");
    CHECK("json: false literal", ext > 0 && json_at(&doc, (size_t)ext)->type == JSON_FALSE);
    CHECK("json: a member after a nested object",
          json_member_typed(&doc, 0, "revokeCert", JSON_STRING) > 0);
    CHECK("json: a missing member is -1", json_member(&doc, 0, "renewalInfo") == -1);
    CHECK("json: typed lookup of the wrong type is -1", json_member_typed(&doc, 0, "meta", JSON_STRING) == -1);
    CHECK("json: root object counts its members", json_at(&doc, 0)->count == 6);
    CHECK("json: a string too long for the buffer is -1", json_string(&doc, (size_t)i, url, 25) == -1);
}

static void test_order(void)
{
    const char *text = "{\"status\":\"pending\",\"expires\":\"2026-12-12T00:00:00Z\","
                       "\"identifiers\":[{\"type\":\"dns\",\"value\":\"example.test\"},"
                       "{\"type\":\"dns\",\"value\":\"*.example.test\"}],"
                       "\"authorizations\":[\"https://ca.test/authz/1\",\"https://ca.test/authz/2\"],"
                       "\"finalize\":\"https://ca.test/finalize/1\",\"n\":[[],{},[[1]],-0,12e+3,1.5E-2,"
                       "9223372036854775807,-9223372036854775808,9223372036854775808,true,null]}";
    struct json_doc doc;
    struct json_error err;
    CHECK("json: an order parses", parse(&doc, text, &err));
    long ids = json_member_typed(&doc, 0, "identifiers", JSON_ARRAY);
    long second = ids > 0 ? json_element(&doc, (size_t)ids, 1) : -1;
    CHECK("json: the second element of an array of objects",
          second > 0 && json_string_equals(&doc, (size_t)json_member(&doc, (size_t)second, "value"), "*.example.test"));
    CHECK("json: past the last element is -1", json_element(&doc, (size_t)ids, 2) == -1);
    long n = json_member_typed(&doc, 0, "n", JSON_ARRAY);
    CHECK("json: empty containers and scalars counted", n > 0 && json_at(&doc, (size_t)n)->count == 11);
    int64_t v = 1;
    CHECK("json: -0 is the integer 0", json_integer(&doc, (size_t)json_element(&doc, (size_t)n, 3), &v) && v == 0);
    CHECK("json: an exponent is not an integer", !json_integer(&doc, (size_t)json_element(&doc, (size_t)n, 4), &v));
    CHECK("json: a fraction is not an integer", !json_integer(&doc, (size_t)json_element(&doc, (size_t)n, 5), &v));
    CHECK("json: INT64_MAX", json_integer(&doc, (size_t)json_element(&doc, (size_t)n, 6), &v) && v == INT64_MAX);
    CHECK("json: INT64_MIN", json_integer(&doc, (size_t)json_element(&doc, (size_t)n, 7), &v) && v == INT64_MIN);
    CHECK("json: INT64_MAX + 1 is out of range", !json_integer(&doc, (size_t)json_element(&doc, (size_t)n, 8), &v));
    long nested = json_element(&doc, (size_t)n, 2);
    CHECK("json: next skips a nested subtree",
          nested > 0 && json_at(&doc, (size_t)json_at(&doc, (size_t)nested)->next)->type == JSON_NUMBER);
}

static void test_strings(void)
{
    const char *text = "[\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\", \"\\u00e9\\u20AC\\ud83d\\ude00\", \"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\","
                       " \"nul\\u0000here\", {\"k\\u0065y\": 1}]";
    struct json_doc doc;
    struct json_error err;
    CHECK("json: strings with every escape parse", parse(&doc, text, &err));
    char out[64];
    CHECK("json: the short escapes decode",
          json_string(&doc, 1, out, sizeof out) == 12 && memcmp(out, "a\"b\\c/d\b\f\n\r\t", 12) == 0);
    CHECK("json: \\u escapes and a surrogate pair decode to UTF-8",
          json_string(&doc, 2, out, sizeof out) == 9 && strcmp(out, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80") == 0);
    CHECK("json: escaped and literal UTF-8 compare equal", json_string_equals(&doc, 3, out));
    CHECK("json: a string holding NUL is refused as a C string", json_string(&doc, 4, out, sizeof out) == -1);
    CHECK("json: a member name is matched decoded", json_member(&doc, 5, "key") == 7);
    CHECK("json: a prefix is not a match", !json_string_equals(&doc, 1, "a\"b"));
}

static void test_scalars_at_top(void)
{
    struct json_doc doc;
    struct json_error err;
    CHECK("json: a bare string is a document", parse(&doc, " \"x\" ", &err) && doc.token_count == 1);
    CHECK("json: a bare number is a document", parse(&doc, "-12.5e3", &err) && json_at(&doc, 0)->len == 7);
    CHECK("json: a bare literal is a document", parse(&doc, "null", &err) && json_at(&doc, 0)->type == JSON_NULL);
}

/* Each input must fail, for the reason given. */
static void test_rejects(void)
{
    static const struct {
        const char *text;
        size_t len;     /* 0: strlen */
        const char *why;
    } bad[] = {
        { "", 0, "no value" },
        { "   ", 0, "no value" },
        { "[1,]", 0, "trailing comma" },
        { "{\"a\":1,}", 0, "trailing comma" },
        { "[1 2]", 0, "expected ',' or ']'" },
        { "{\"a\" 1}", 0, "expected ':'" },
        { "{\"a\":1 \"b\":2}", 0, "expected ',' or '}'" },
        { "{a:1}", 0, "expected a member name" },
        { "{'a':1}", 0, "expected a member name" },
        { "[01]", 0, "leading zero in number" },
        { "[-01]", 0, "leading zero in number" },
        { "[+1]", 0, "unexpected character" },
        { "[.5]", 0, "unexpected character" },
        { "[1.]", 0, "invalid number" },
        { "[1e]", 0, "invalid number" },
        { "[-]", 0, "invalid number" },
        { "[NaN]", 0, "unexpected character" },
        { "[tru]", 0, "invalid literal" },
        { "[nulll]", 0, "expected ',' or ']'" },
        { "[True]", 0, "unexpected character" },
        { "\"abc", 0, "unterminated string" },
        { "\"abc\\", 0, "unterminated string" },
        { "\"\\u12\"", 0, "invalid \\u escape" },
        { "\"\\x41\"", 0, "invalid escape" },
        { "\"\\'\"", 0, "invalid escape" },
        { "\"a\tb\"", 0, "control character in string" },
        { "\"a\nb\"", 0, "control character in string" },
        { "\"\\ud800\"", 0, "unpaired surrogate escape" },
        { "\"\\udc00\"", 0, "unpaired surrogate escape" },
        { "\"\\ud800\\u0041\"", 0, "unpaired surrogate escape" },
        { "\"\xc0\xaf\"", 0, "invalid UTF-8" },            /* overlong '/' */
        { "\"\xe0\x80\xaf\"", 0, "invalid UTF-8" },        /* overlong */
        { "\"\xed\xa0\x80\"", 0, "invalid UTF-8" },        /* an encoded surrogate */
        { "\"\xf4\x90\x80\x80\"", 0, "invalid UTF-8" },    /* above U+10FFFF */
        { "\"\xff\"", 0, "invalid UTF-8" },
        { "\"\xc3\"", 0, "invalid UTF-8" },                /* cut short */
        { "\xef\xbb\xbf{}", 0, "unexpected character" },   /* a byte order mark */
        { "{} {}", 0, "text after the value" },
        { "[1] x", 0, "text after the value" },
        { "[1,[2,{\"a\":[3]}]", 0, "unexpected end" },
        { "{\"a\":1,\"a\":2}", 0, "duplicate member name" },
        { "{\"a\":1,\"\\u0061\":2}", 0, "duplicate member name" },
        { "[1,,2]", 0, "expected a value" },
        { "[\"a\"\0]", 5, "expected ',' or ']'" },
        { "/* c */ 1", 0, "unexpected character" },
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        struct json_doc doc;
        struct json_error err = { 0 };
        size_t len = bad[k].len ? bad[k].len : strlen(bad[k].text);
        bool ok = json_read(&doc, bad[k].text, len, tokens, sizeof tokens / sizeof tokens[0], &err);
        char name[160];
        snprintf(name, sizeof name, "json: rejects input %zu (%s)", k, bad[k].why);
        CHECK(name, !ok && err.why && strcmp(err.why, bad[k].why) == 0 && err.offset <= len);
        if (ok || !err.why || strcmp(err.why, bad[k].why) != 0)
            printf("# input %zu: got %s at %zu\n", k, ok ? "success" : err.why, err.offset);
    }
}

static void test_limits(void)
{
    char text[2 * JSON_MAX_DEPTH + 8];
    struct json_doc doc;
    struct json_error err;
    size_t n = 0;
    for (int i = 0; i < JSON_MAX_DEPTH; i++)
        text[n++] = '[';
    for (int i = 0; i < JSON_MAX_DEPTH; i++)
        text[n++] = ']';
    CHECK("json: nesting at the depth limit parses", json_read(&doc, text, n, tokens, 256, &err));
    n = 0;
    for (int i = 0; i <= JSON_MAX_DEPTH; i++)
        text[n++] = '[';
    for (int i = 0; i <= JSON_MAX_DEPTH; i++)
        text[n++] = ']';
    CHECK("json: one level deeper is refused",
          !json_read(&doc, text, n, tokens, 256, &err) && strcmp(err.why, "nesting too deep") == 0);

    const char *three = "[1,2]";
    CHECK("json: exactly enough tokens", json_read(&doc, three, 5, tokens, 3, &err) && doc.token_count == 3);
    CHECK("json: one token short is refused",
          !json_read(&doc, three, 5, tokens, 2, &err) && strcmp(err.why, "too many values") == 0);
    CHECK("json: a member name takes a token too",
          !json_read(&doc, "{\"a\":1}", 7, tokens, 2, &err) && strcmp(err.why, "too many values") == 0);

    size_t big = (size_t)JSON_MAX_TEXT + 1;
    char *huge = malloc(big);
    if (huge) {
        memset(huge, ' ', big);
        huge[0] = '1';
        CHECK("json: text over the size limit is refused",
              !json_read(&doc, huge, big, tokens, 256, &err) && strcmp(err.why, "text too long") == 0);
        CHECK("json: text at the size limit is read",
              json_read(&doc, huge, big - 1, tokens, 256, &err) && json_at(&doc, 0)->type == JSON_NUMBER);
        free(huge);
    }
}

int main(void)
{
    test_directory();
    test_order();
    test_strings();
    test_scalars_at_top();
    test_rejects();
    test_limits();
    return CHECK_DONE();
}
