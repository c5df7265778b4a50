/*
 * A bounded, strict JSON reader (RFC 8259) for what an ACME server sends:
 * directories, orders, authorisations, problem documents. Everything the
 * peer controls is bounded before it is trusted: the text's size, the
 * nesting depth, and the number of values (the caller's token array). No
 * allocation: parsing fills the caller's array with one token per value
 * (and per object member name), in document order, and the accessors read
 * strings and numbers back out of the original text, which must outlive
 * the document.
 *
 * Strict means: one value, surrounded only by JSON whitespace; no
 * trailing commas, comments, single quotes, leading zeros, "+1", ".5",
 * NaN or bare control characters; every escape valid, \u surrogates
 * paired; the text valid UTF-8 (no overlong forms, no encoded surrogates,
 * nothing past U+10FFFF). A duplicate member name in one object is an
 * error too: two readers of the same document (ours and the CA's) must not
 * disagree on what it says.
 *
 * Freestanding: no library calls beyond memcmp and memcpy.
 */
#ifndef UNIHOST_ACME_JSON_READ_H
#define UNIHOST_ACME_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Deepest nesting of arrays and objects accepted; a deeper document is
 * an error, never a deep recursion (the parser is iterative anyway). */
#define JSON_MAX_DEPTH 32
/* Longest text accepted: offsets are 32-bit, and nothing an ACME server
 * sends as JSON comes near this. */
#define JSON_MAX_TEXT (1u << 20)

enum json_type {
    JSON_NULL = 1,
    JSON_FALSE,
    JSON_TRUE,
    JSON_NUMBER,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT,
};

struct json_token {
    uint8_t type;       /* enum json_type */
    uint32_t start;     /* offset of the value's first byte; for strings, the byte after the opening quote */
    uint32_t len;       /* bytes of text; for strings, the raw (still escaped) bytes between the quotes */
    uint32_t next;      /* index of the first token after this value's subtree: its next sibling */
    uint32_t count;     /* arrays: elements; objects: members; else 0 */
};

struct json_doc {
    const char *text;
    size_t text_len;
    const struct json_token *tokens;
    size_t token_count;     /* tokens used; token 0 is the root value */
};

/* Why a parse failed, with the offset where it was noticed. */
struct json_error {
    const char *why;        /* a constant string, e.g. "trailing comma" */
    size_t offset;
};

/*
 * Parses text[0..len) into tokens[0..max_tokens). Returns true and fills
 * *doc, or false and fills *err (doc is then unusable). Runs in time
 * linear in len, except for the duplicate-name check, which compares each
 * member name with the earlier ones of its object (quadratic in an
 * object's members, bounded by max_tokens).
 */
bool json_read(struct json_doc *doc, const char *text, size_t len, struct json_token *tokens, size_t max_tokens,
                struct json_error *err);

/* The token at index i (no check: i comes from the functions below). */
static inline const struct json_token *json_at(const struct json_doc *doc, size_t i)
{
    return &doc->tokens[i];
}

/* Index of the member value named `name` (NUL-terminated, compared with the
 * decoded member name) of the object at index obj, or -1 if obj is not an
 * object or has no such member. */
long json_member(const struct json_doc *doc, size_t obj, const char *name);

/* Like json_member, but -1 also when the value is not of type `type`. */
long json_member_typed(const struct json_doc *doc, size_t obj, const char *name, enum json_type type);

/* Index of the element `index` of the array at arr, or -1. */
long json_element(const struct json_doc *doc, size_t arr, size_t index);

/* The decoded bytes of the string at i, into out[0..cap) followed by a NUL.
 * Returns the decoded length (without the NUL), or -1 if i is not a
 * string, the decoded string holds a NUL byte (\u0000: useless as a C
 * string and never meaningful in ACME), or it does not fit in cap-1 bytes. */
long json_string(const struct json_doc *doc, size_t i, char *out, size_t cap);

/* Is the string at i, decoded, exactly s (NUL-terminated)? */
bool json_string_equals(const struct json_doc *doc, size_t i, const char *s);

/* The number at i as a 64-bit signed integer: only integers written
 * without fraction or exponent, in range. Returns false otherwise. */
bool json_integer(const struct json_doc *doc, size_t i, int64_t *out);

#endif
