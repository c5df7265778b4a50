/*
 * The strict, bounded JSON reader of json_read.h. One pass over the text
 * with an explicit stack of open containers (JSON_MAX_DEPTH entries), so
 * no input can make it recurse; each value gets a token as soon as it
 * starts, and a container's `next` is filled in when it closes.
 */
#include "acme/json_read.h"

#include <string.h>

#include "wire/hex_digit.h"

struct parser {
    const char *text;
    size_t len;
    size_t pos;
    struct json_token *tokens;
    size_t max_tokens;
    size_t used;
    uint32_t open[JSON_MAX_DEPTH];   /* token indices of the containers not yet closed */
    size_t depth;
    struct json_error *err;
};

static bool fail(struct parser *p, const char *why)
{
    p->err->why = why;
    p->err->offset = p->pos;
    return false;
}

static void skip_space(struct parser *p)
{
    while (p->pos < p->len) {
        char c = p->text[p->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return;
        p->pos++;
    }
}

/* The four hex digits at s (known to be there) as a code unit, or -1. */
static long hex4(const char *s)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int d = hex_digit_value(s[i]);
        if (d < 0)
            return -1;
        v = v << 4 | d;
    }
    return v;
}

/* Length of the valid UTF-8 sequence starting at s[0] (>= 0x80) within
 * n bytes, or 0 if it is not valid (RFC 3629's table: no overlong forms,
 * no surrogates, nothing above U+10FFFF). */
static size_t utf8_sequence(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF;     /* the second byte's range */
    if (c >= 0xC2 && c <= 0xDF)
        need = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (n < need || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < need; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return need;
}

/* A string from the opening quote at p->pos; on success p->pos is past
 * the closing quote and [*start, *start + *raw_len) the bytes between. */
static bool scan_string(struct parser *p, uint32_t *start, uint32_t *raw_len)
{
    p->pos++;
    *start = (uint32_t)p->pos;
    while (p->pos < p->len) {
        unsigned char c = (unsigned char)p->text[p->pos];
        if (c == '"') {
            *raw_len = (uint32_t)(p->pos - *start);
            p->pos++;
            return true;
        }
        if (c < 0x20)
            return fail(p, "control character in string");
        if (c >= 0x80) {
            size_t n = utf8_sequence((const unsigned char *)p->text + p->pos, p->len - p->pos);
            if (n == 0)
                return fail(p, "invalid UTF-8");
            p->pos += n;
            continue;
        }
        if (c != '\\') {
            p->pos++;
            continue;
        }
        if (p->pos + 1 >= p->len)
            break;
        char e = p->text[p->pos + 1];
        if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
            p->pos += 2;
            continue;
        }
        if (e != 'u')
            return fail(p, "invalid escape");
        for (size_t k = p->pos + 2; k < p->pos + 6 && k < p->len; k++)
            if (hex_digit_value(p->text[k]) < 0)
                return fail(p, "invalid \\u escape");
        if (p->len - p->pos < 6)
            break;
        long unit = hex4(p->text + p->pos + 2);
        if (unit >= 0xDC00 && unit <= 0xDFFF)
            return fail(p, "unpaired surrogate escape");
        if (unit >= 0xD800 && unit <= 0xDBFF) {
            long low = -1;
            if (p->len - p->pos >= 12 && p->text[p->pos + 6] == '\\' && p->text[p->pos + 7] == 'u')
                low = hex4(p->text + p->pos + 8);
            if (low < 0xDC00 || low > 0xDFFF)
                return fail(p, "unpaired surrogate escape");
            p->pos += 6;
        }
        p->pos += 6;
    }
    return fail(p, "unterminated string");
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* RFC 8259's number grammar, from p->pos. */
static bool scan_number(struct parser *p)
{
    const char *t = p->text;
    size_t n = p->len;
    if (p->pos < n && t[p->pos] == '-')
        p->pos++;
    if (p->pos >= n || !is_digit(t[p->pos]))
        return fail(p, "invalid number");
    if (t[p->pos] == '0') {
        p->pos++;
        if (p->pos < n && is_digit(t[p->pos]))
            return fail(p, "leading zero in number");
    } else {
        while (p->pos < n && is_digit(t[p->pos]))
            p->pos++;
    }
    if (p->pos < n && t[p->pos] == '.') {
        p->pos++;
        if (p->pos >= n || !is_digit(t[p->pos]))
            return fail(p, "invalid number");
        while (p->pos < n && is_digit(t[p->pos]))
            p->pos++;
    }
    if (p->pos < n && (t[p->pos] == 'e' || t[p->pos] == 'E')) {
        p->pos++;
        if (p->pos < n && (t[p->pos] == '+' || t[p->pos] == '-'))
            p->pos++;
        if (p->pos >= n || !is_digit(t[p->pos]))
            return fail(p, "invalid number");
        while (p->pos < n && is_digit(t[p->pos]))
            p->pos++;
    }
    return true;
}

static bool scan_literal(struct parser *p, const char *word, size_t word_len)
{
    if (p->len - p->pos < word_len || memcmp(p->text + p->pos, word, word_len) != 0)
        return fail(p, "invalid literal");
    p->pos += word_len;
    return true;
}

static long new_token(struct parser *p, enum json_type type)
{
    if (p->used == p->max_tokens) {
        fail(p, "too many values");
        return -1;
    }
    struct json_token *t = &p->tokens[p->used];
    t->type = (uint8_t)type;
    t->start = (uint32_t)p->pos;
    t->len = 0;
    t->count = 0;
    t->next = (uint32_t)(p->used + 1);
    return (long)p->used++;
}

/* ---- decoded string bytes, one at a time (the text is already valid) ---- */

struct str_cursor {
    const char *p, *end;
    unsigned char pending[4];   /* the UTF-8 bytes of a \u escape still to hand out */
    unsigned npending, next_pending;
};

static void cursor_init(struct str_cursor *c, const struct json_doc *doc, const struct json_token *t)
{
    c->p = doc->text + t->start;
    c->end = c->p + t->len;
    c->npending = c->next_pending = 0;
}

static void cursor_encode(struct str_cursor *c, unsigned long cp)
{
    unsigned char *o = c->pending;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        c->npending = 1;
    } else if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | cp >> 6);
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        c->npending = 2;
    } else if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | cp >> 12);
        o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        c->npending = 3;
    } else {
        o[0] = (unsigned char)(0xF0 | cp >> 18);
        o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        o[3] = (unsigned char)(0x80 | (cp & 0x3F));
        c->npending = 4;
    }
    c->next_pending = 0;
}

/* The next decoded byte, or -1 at the end. */
static int cursor_next(struct str_cursor *c)
{
    if (c->next_pending < c->npending)
        return c->pending[c->next_pending++];
    if (c->p == c->end)
        return -1;
    if (*c->p != '\\')
        return (unsigned char)*c->p++;
    char e = c->p[1];
    c->p += 2;
    switch (e) {
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'u': break;
    default: return (unsigned char)e;      /* " \ / */
    }
    unsigned long cp = (unsigned long)hex4(c->p);
    c->p += 4;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        unsigned long low = (unsigned long)hex4(c->p + 2);
        c->p += 6;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    cursor_encode(c, cp);
    return c->pending[c->next_pending++];
}

static bool strings_equal(const struct json_doc *doc, const struct json_token *a, const struct json_token *b)
{
    struct str_cursor ca, cb;
    cursor_init(&ca, doc, a);
    cursor_init(&cb, doc, b);
    for (;;) {
        int x = cursor_next(&ca), y = cursor_next(&cb);
        if (x != y)
            return false;
        if (x < 0)
            return true;
    }
}

/* Is the member name at token `key` (the newest of the object `obj`) a
 * repeat of an earlier one? */
static bool duplicate_name(struct parser *p, uint32_t obj, uint32_t key)
{
    struct json_doc doc = { .text = p->text, .text_len = p->len, .tokens = p->tokens, .token_count = p->used };
    for (uint32_t k = obj + 1; k < key; k = p->tokens[k + 1].next)
        if (strings_equal(&doc, &p->tokens[k], &p->tokens[key]))   /* decoded: "a" and "\u0061" are one name */
            return true;
    return false;
}

/* ---- the parser ---- */

enum expect { EXPECT_VALUE, EXPECT_NAME, EXPECT_AFTER_VALUE };

bool json_read(struct json_doc *doc, const char *text, size_t len, struct json_token *tokens, size_t max_tokens,
                struct json_error *err)
{
    struct parser p = { .text = text, .len = len, .tokens = tokens, .max_tokens = max_tokens, .err = err };
    if (len > JSON_MAX_TEXT)
        return fail(&p, "text too long");
    enum expect expect = EXPECT_VALUE;
    for (;;) {
        skip_space(&p);
        if (expect == EXPECT_NAME) {
            if (p.pos >= len || text[p.pos] != '"')
                return fail(&p, p.pos < len && text[p.pos] == '}' ? "trailing comma" : "expected a member name");
            long key = new_token(&p, JSON_STRING);
            if (key < 0 || !scan_string(&p, &tokens[key].start, &tokens[key].len))
                return false;
            uint32_t obj = p.open[p.depth - 1];
            if (duplicate_name(&p, obj, (uint32_t)key))
                return fail(&p, "duplicate member name");
            skip_space(&p);
            if (p.pos >= len || text[p.pos] != ':')
                return fail(&p, "expected ':'");
            p.pos++;
            expect = EXPECT_VALUE;
            continue;
        }
        if (expect == EXPECT_VALUE) {
            if (p.pos >= len)
                return fail(&p, p.used == 0 ? "no value" : "unexpected end");
            char c = text[p.pos];
            if (c == ']' && p.depth > 0 && tokens[p.open[p.depth - 1]].type == JSON_ARRAY &&
                tokens[p.open[p.depth - 1]].count > 0)
                return fail(&p, "trailing comma");
            long t;
            if (c == '{' || c == '[') {
                t = new_token(&p, c == '{' ? JSON_OBJECT : JSON_ARRAY);
                if (t < 0)
                    return false;
                if (p.depth == JSON_MAX_DEPTH)
                    return fail(&p, "nesting too deep");
                p.open[p.depth++] = (uint32_t)t;
                p.pos++;
                skip_space(&p);
                char close = c == '{' ? '}' : ']';
                if (p.pos < len && text[p.pos] == close) {
                    /* empty: closed at once; its `next` is already t + 1 */
                    p.depth--;
                    p.pos++;
                    tokens[t].len = (uint32_t)(p.pos - tokens[t].start);
                    expect = EXPECT_AFTER_VALUE;
                } else {
                    expect = c == '{' ? EXPECT_NAME : EXPECT_VALUE;
                }
                continue;
            }
            if (c == '"') {
                t = new_token(&p, JSON_STRING);
                if (t < 0 || !scan_string(&p, &tokens[t].start, &tokens[t].len))
                    return false;
            } else {
                enum json_type type = c == 't' ? JSON_TRUE : c == 'f' ? JSON_FALSE : c == 'n' ? JSON_NULL : JSON_NUMBER;
                if (type == JSON_NUMBER && c != '-' && !is_digit(c))
                    return fail(&p, c == '}' || c == ',' ? "expected a value" : "unexpected character");
                t = new_token(&p, type);
                if (t < 0)
                    return false;
                bool ok = type == JSON_TRUE    ? scan_literal(&p, "true", 4)
                          : type == JSON_FALSE ? scan_literal(&p, "false", 5)
                          : type == JSON_NULL  ? scan_literal(&p, "null", 4)
                                               : scan_number(&p);
                if (!ok)
                    return false;
                tokens[t].len = (uint32_t)(p.pos - tokens[t].start);
            }
            expect = EXPECT_AFTER_VALUE;
            continue;
        }
        /* EXPECT_AFTER_VALUE: a value just ended (scalar or closed container) */
        if (p.depth == 0) {
            if (p.pos != len)
                return fail(&p, "text after the value");
            doc->text = text;
            doc->text_len = len;
            doc->tokens = tokens;
            doc->token_count = p.used;
            return true;
        }
        uint32_t top = p.open[p.depth - 1];
        struct json_token *container = &tokens[top];
        if (p.pos >= len)
            return fail(&p, "unexpected end");
        char c = text[p.pos];
        if (c == ',') {
            container->count++;
            p.pos++;
            expect = container->type == JSON_OBJECT ? EXPECT_NAME : EXPECT_VALUE;
        } else if (c == (container->type == JSON_OBJECT ? '}' : ']')) {
            container->count++;
            p.pos++;
            container->len = (uint32_t)(p.pos - container->start);
            container->next = (uint32_t)p.used;
            p.depth--;
        } else {
            return fail(&p, container->type == JSON_OBJECT ? "expected ',' or '}'" : "expected ',' or ']'");
        }
    }
}

/* ---- accessors ---- */

long json_member(const struct json_doc *doc, size_t obj, const char *name)
{
    if (obj >= doc->token_count || doc->tokens[obj].type != JSON_OBJECT)
        return -1;
    size_t k = obj + 1;
    for (uint32_t m = 0; m < doc->tokens[obj].count; m++) {
        if (json_string_equals(doc, k, name))
            return (long)(k + 1);
        k = doc->tokens[k + 1].next;
    }
    return -1;
}

long json_member_typed(const struct json_doc *doc, size_t obj, const char *name, enum json_type type)
{
    long i = json_member(doc, obj, name);
    return i >= 0 && doc->tokens[i].type == type ? i : -1;
}

long json_element(const struct json_doc *doc, size_t arr, size_t index)
{
    if (arr >= doc->token_count || doc->tokens[arr].type != JSON_ARRAY || index >= doc->tokens[arr].count)
        return -1;
    size_t e = arr + 1;
    while (index--)
        e = doc->tokens[e].next;
    return (long)e;
}

long json_string(const struct json_doc *doc, size_t i, char *out, size_t cap)
{
    if (i >= doc->token_count || doc->tokens[i].type != JSON_STRING || cap == 0)
        return -1;
    struct str_cursor c;
    cursor_init(&c, doc, &doc->tokens[i]);
    size_t n = 0;
    for (int b; (b = cursor_next(&c)) >= 0;) {
        if (b == 0 || n + 1 >= cap)
            return -1;
        out[n++] = (char)b;
    }
    out[n] = '\0';
    return (long)n;
}

bool json_string_equals(const struct json_doc *doc, size_t i, const char *s)
{
    if (i >= doc->token_count || doc->tokens[i].type != JSON_STRING)
        return false;
    struct str_cursor c;
    cursor_init(&c, doc, &doc->tokens[i]);
    for (;; s++) {
        int b = cursor_next(&c);
        if (b < 0)
            return *s == '\0';
        if (*s == '\0' || (unsigned char)*s != b)
            return false;
    }
}

bool json_integer(const struct json_doc *doc, size_t i, int64_t *out)
{
    if (i >= doc->token_count || doc->tokens[i].type != JSON_NUMBER)
        return false;
    const char *s = doc->text + doc->tokens[i].start;
    size_t n = doc->tokens[i].len;
    bool negative = s[0] == '-';
    uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t v = 0;
    for (size_t k = negative; k < n; k++) {
        if (!is_digit(s[k]))
            return false;       /* a fraction or an exponent */
        unsigned d = (unsigned)(s[k] - '0');
        if (v > (limit - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = negative ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}
