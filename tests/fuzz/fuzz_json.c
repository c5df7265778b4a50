/*
 * libFuzzer target: the ACME client's JSON reader (src/acme/json_read.c)
 * on arbitrary bytes, with a token array small enough that the value
 * limit is reached too.
 *
 * Invariants (a trap when broken): a failure names its reason and an
 * offset inside the text; a success has a root whose subtree is every
 * token, each token inside the text, every `next` past its own index and
 * within its parent's subtree, containers counting their children as the
 * `next` chain does; every string decodes (or is refused for a NUL or for
 * size) and compares equal to its own decoding.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "acme/json_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checks the subtree at i, whose parent's subtree ends before `end`. */
static void check_subtree(const struct json_doc *doc, size_t i, size_t end)
{
    const struct json_token *t = json_at(doc, i);
    FUZZ_CHECK(t->next > i && t->next <= end, "next within the parent");
    FUZZ_CHECK((size_t)t->start + t->len <= doc->text_len, "token inside the text");
    if (t->type == JSON_ARRAY || t->type == JSON_OBJECT) {
        size_t per_child = t->type == JSON_OBJECT ? 2 : 1;
        size_t c = i + 1, children = 0;
        while (c < t->next) {
            if (per_child == 2) {
                FUZZ_CHECK(json_at(doc, c)->type == JSON_STRING, "member name is a string");
                FUZZ_CHECK(json_at(doc, c)->next == c + 1, "member name has no subtree");
                c++;
            }
            check_subtree(doc, c, t->next);
            c = json_at(doc, c)->next;
            children++;
        }
        FUZZ_CHECK(c == t->next && children == t->count, "container counts its children");
    } else {
        FUZZ_CHECK(t->next == i + 1 && t->count == 0, "scalar has no subtree");
    }
    if (t->type == JSON_STRING) {
        char out[512];
        long n = json_string(doc, i, out, sizeof out);
        if (n >= 0) {
            FUZZ_CHECK((size_t)n == strlen(out), "decoded length");
            FUZZ_CHECK(json_string_equals(doc, i, out), "string equals its decoding");
        }
    }
    if (t->type == JSON_NUMBER) {
        int64_t v;
        (void)json_integer(doc, i, &v);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct json_token tokens[64];
    struct json_doc doc;
    struct json_error err = { 0 };
    if (!json_read(&doc, (const char *)data, size, tokens, sizeof tokens / sizeof tokens[0], &err)) {
        FUZZ_CHECK(err.why != NULL && err.offset <= size, "failure has a reason and an offset");
        return 0;
    }
    FUZZ_CHECK(doc.token_count >= 1 && doc.token_count <= 64, "token count");
    FUZZ_CHECK(json_at(&doc, 0)->next == doc.token_count, "root spans every token");
    check_subtree(&doc, 0, doc.token_count);
    return 0;
}
