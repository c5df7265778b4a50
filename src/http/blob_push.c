/* The management protocol's request: see blob_push.h. */
#include "http/blob_push.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void blob_push_init(struct blob_push *p, const struct blob_key *key, size_t size_max,
                    const struct blob_push_hooks *hooks)
{
    p->key = key;
    p->hooks = hooks;
    p->size_max = size_max;
    p->phase = BLOB_PUSH_HEAD;
    p->head_len = 0;
    p->content_length = 0;
    p->body = NULL;
    p->body_len = 0;
    p->signature_len = 0;
    p->answer_len = p->answer_taken = 0;
    p->status = 0;
    p->outcome_told = false;
    p->message[0] = '\0';
}

static const char *reason_phrase(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Content";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 507: return "Insufficient Storage";
    default: return "Error";
    }
}

/* Appends bytes to what goes out, after what is not taken yet. */
static void queue_out(struct blob_push *p, const char *text, size_t len)
{
    if (p->answer_taken > 0) {
        memmove(p->answer, p->answer + p->answer_taken, p->answer_len - p->answer_taken);
        p->answer_len -= p->answer_taken;
        p->answer_taken = 0;
    }
    if (len > sizeof p->answer - p->answer_len)
        len = sizeof p->answer - p->answer_len;     /* not reached: answers are short */
    memcpy(p->answer + p->answer_len, text, len);
    p->answer_len += len;
}

/* The final answer: `status` with the message (printf-style) as its body
 * and as the outcome the log tells. Memory still held goes back. */
static void answer(struct blob_push *p, int status, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(p->message, sizeof p->message, format, ap);
    va_end(ap);
    if (n < 0)
        p->message[0] = '\0';
    if (p->body) {
        p->hooks->give_back(p->hooks->ctx, p->body);
        p->body = NULL;
    }
    char head[BLOB_PUSH_ANSWER_MAX];
    size_t body_len = strlen(p->message) + 1;
    int h = snprintf(head, sizeof head,
                     "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n%s\n",
                     status, reason_phrase(status), body_len, p->message);
    if (h > 0)
        queue_out(p, head, (size_t)h < sizeof head ? (size_t)h : sizeof head - 1);
    p->status = status;
    p->phase = BLOB_PUSH_ANSWERED;
}

/* ---- the head ---------------------------------------------------------------- */

static bool name_is(const char *name, size_t len, const char *want)
{
    if (strlen(want) != len)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != want[i])
            return false;
    }
    return true;
}

/* A header line's fields, the value without the whitespace around it. */
struct header {
    const char *name, *value;
    size_t name_len, value_len;
};

static bool split_header(const char *line, size_t len, struct header *h)
{
    const char *colon = memchr(line, ':', len);
    if (!colon || colon == line)
        return false;
    h->name = line;
    h->name_len = (size_t)(colon - line);
    for (size_t i = 0; i < h->name_len; i++)
        if (line[i] <= ' ' || line[i] > '~')
            return false;           /* a space before the colon, or a folded line (RFC 9112 5.1) */
    const char *v = colon + 1, *end = line + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    h->value = v;
    h->value_len = (size_t)(end - v);
    return true;
}

static bool parse_length(const char *text, size_t len, uint64_t *value)
{
    if (len == 0 || len > 19)
        return false;               /* 19 digits always fit 64 bits */
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(text[i] - '0');
    }
    *value = v;
    return true;
}

/* Judges the whole head (head[0..len), its blank line included). */
static void head_complete(struct blob_push *p, size_t len)
{
    const char *line = p->head;
    const char *eol = memchr(line, '\n', len);
    size_t line_len = (size_t)(eol - line);
    if (line_len > 0 && line[line_len - 1] == '\r')
        line_len--;
    const char *sp1 = memchr(line, ' ', line_len);
    const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(line + line_len - sp1 - 1)) : NULL;
    if (!sp1 || !sp2) {
        answer(p, 400, "malformed request line");
        return;
    }
    size_t version_len = (size_t)(line + line_len - sp2 - 1);
    if (!(version_len == 8 && (memcmp(sp2 + 1, "HTTP/1.1", 8) == 0 || memcmp(sp2 + 1, "HTTP/1.0", 8) == 0))) {
        answer(p, 400, "malformed request line (HTTP/1.1 only)");
        return;
    }
    if ((size_t)(sp1 - line) != 3 || memcmp(line, "PUT", 3) != 0) {
        answer(p, 405, "the management listener takes PUT /blob only");
        return;
    }
    if ((size_t)(sp2 - sp1 - 1) != 5 || memcmp(sp1 + 1, "/blob", 5) != 0) {
        answer(p, 404, "not found: push blobs with PUT /blob");
        return;
    }
    int lengths = 0;
    bool expect_continue = false, signed_ = false, chunked = false, bad_expect = false;
    const char *cursor = eol + 1, *end = p->head + len;
    while (cursor < end) {
        const char *next = memchr(cursor, '\n', (size_t)(end - cursor));
        size_t l = (size_t)(next - cursor);
        if (l > 0 && cursor[l - 1] == '\r')
            l--;
        if (l == 0)
            break;                  /* the blank line */
        struct header h;
        if (!split_header(cursor, l, &h)) {
            answer(p, 400, "malformed header line");
            return;
        }
        if (name_is(h.name, h.name_len, "content-length")) {
            if (++lengths > 1 || !parse_length(h.value, h.value_len, &p->content_length)) {
                answer(p, 400, "one Content-Length, a decimal number, is needed");
                return;
            }
        } else if (name_is(h.name, h.name_len, "transfer-encoding")) {
            chunked = true;
        } else if (name_is(h.name, h.name_len, "expect")) {
            if (name_is(h.value, h.value_len, "100-continue"))
                expect_continue = true;
            else
                bad_expect = true;
        } else if (name_is(h.name, h.name_len, "blob-signature")) {
            long n = signed_ ? -1 : blob_signature_base64(h.value, h.value_len, p->signature, sizeof p->signature);
            if (n <= 0) {
                answer(p, 400, "Blob-Signature must be one base64 DER ECDSA signature (at most %u bytes)",
                       (unsigned)BLOB_SIGNATURE_MAX);
                return;
            }
            p->signature_len = (size_t)n;
            signed_ = true;
        }
        cursor = next + 1;
    }
    if (chunked) {
        answer(p, 501, "a chunked body is not taken: send Content-Length");
        return;
    }
    if (bad_expect) {
        answer(p, 417, "only Expect: 100-continue is understood");
        return;
    }
    if (lengths == 0) {
        answer(p, 411, "Content-Length is needed");
        return;
    }
    if (p->content_length == 0) {
        answer(p, 400, "the body is empty: a blob was expected");
        return;
    }
    if (p->content_length > p->size_max) {
        answer(p, 413, "a blob of %llu bytes is over the maximum of %zu", (unsigned long long)p->content_length,
               p->size_max);
        return;
    }
    if (!signed_) {
        answer(p, 403, "unsigned: no Blob-Signature header");
        return;
    }
    int status = 503;
    char why[BLOB_PUSH_MESSAGE_MAX] = "no memory";
    p->body = p->hooks->take_memory(p->hooks->ctx, (size_t)p->content_length, &status, why, sizeof why);
    if (!p->body) {
        answer(p, status, "%s", why);
        return;
    }
    br_sha256_init(&p->hash);
    p->body_len = 0;
    p->phase = BLOB_PUSH_BODY;
    if (expect_continue) {
        static const char go_on[] = "HTTP/1.1 100 Continue\r\n\r\n";
        queue_out(p, go_on, sizeof go_on - 1);
    }
}

/* ---- the body ---------------------------------------------------------------- */

static void body_complete(struct blob_push *p)
{
    uint8_t digest[32];
    br_sha256_out(&p->hash, digest);
    if (!blob_signature_verify(p->key, digest, p->signature, p->signature_len)) {
        answer(p, 403, "the signature does not match this blob and the key built into unihost (key %s)",
               p->key->fingerprint);
        return;
    }
    void *memory = p->body;
    p->body = NULL;                 /* the hook's now, whatever it decides */
    char message[BLOB_PUSH_MESSAGE_MAX];
    int status = p->hooks->install(p->hooks->ctx, memory, p->body_len, message, sizeof message);
    answer(p, status, "%s", message);
}

size_t blob_push_feed(struct blob_push *p, const uint8_t *data, size_t len)
{
    size_t used = 0;
    if (p->phase == BLOB_PUSH_HEAD) {
        /* The blank line may straddle two reads: look from 3 bytes back. */
        size_t from = p->head_len >= 3 ? p->head_len - 3 : 0;
        size_t take = sizeof p->head - p->head_len;
        if (take > len)
            take = len;
        memcpy(p->head + p->head_len, data, take);
        p->head_len += take;
        for (size_t i = from; i + 4 <= p->head_len; i++)
            if (memcmp(p->head + i, "\r\n\r\n", 4) == 0) {
                size_t head_end = i + 4;
                used = take - (p->head_len - head_end);     /* body bytes in this read stay in data */
                head_complete(p, head_end);
                break;
            }
        if (p->phase == BLOB_PUSH_HEAD) {
            if (p->head_len == sizeof p->head)
                answer(p, 431, "request head over %u bytes", (unsigned)BLOB_PUSH_HEAD_MAX);
            return len;
        }
    }
    if (p->phase == BLOB_PUSH_BODY) {
        size_t want = (size_t)p->content_length - p->body_len;
        size_t take = len - used < want ? len - used : want;
        memcpy(p->body + p->body_len, data + used, take);
        br_sha256_update(&p->hash, data + used, take);
        p->body_len += take;
        if (p->body_len == p->content_length)
            body_complete(p);
    }
    return len;                     /* after the body or an answer: dropped */
}

void blob_push_input_closed(struct blob_push *p)
{
    if (p->phase == BLOB_PUSH_HEAD && p->head_len == 0) {
        p->phase = BLOB_PUSH_ABANDONED;     /* connected and left (a probe): nothing to tell */
        p->outcome_told = true;
        return;
    }
    if (p->phase != BLOB_PUSH_HEAD && p->phase != BLOB_PUSH_BODY)
        return;
    if (p->phase == BLOB_PUSH_BODY)
        snprintf(p->message, sizeof p->message, "the connection closed after %zu of %llu bytes: nothing changed",
                 p->body_len, (unsigned long long)p->content_length);
    else
        snprintf(p->message, sizeof p->message, "the connection closed within the request head");
    if (p->body) {
        p->hooks->give_back(p->hooks->ctx, p->body);
        p->body = NULL;
    }
    p->phase = BLOB_PUSH_ABANDONED;
    p->status = 0;
}

const uint8_t *blob_push_output(const struct blob_push *p, size_t *len)
{
    *len = p->answer_len - p->answer_taken;
    return *len ? (const uint8_t *)p->answer + p->answer_taken : NULL;
}

void blob_push_output_taken(struct blob_push *p, size_t n)
{
    p->answer_taken += n;
}

bool blob_push_mid_request(const struct blob_push *p)
{
    return (p->phase == BLOB_PUSH_HEAD && p->head_len > 0) || p->phase == BLOB_PUSH_BODY;
}

bool blob_push_done(const struct blob_push *p)
{
    return (p->phase == BLOB_PUSH_ANSWERED && p->answer_taken == p->answer_len) || p->phase == BLOB_PUSH_ABANDONED;
}

bool blob_push_outcome(struct blob_push *p, int *status, const char **message)
{
    if (p->outcome_told || (p->phase != BLOB_PUSH_ANSWERED && p->phase != BLOB_PUSH_ABANDONED))
        return false;
    p->outcome_told = true;
    *status = p->status;
    *message = p->message;
    return true;
}

void blob_push_end(struct blob_push *p)
{
    if (p->phase == BLOB_PUSH_HEAD || p->phase == BLOB_PUSH_BODY) {
        /* Cut off mid-request (timed out, reset, shed): told as abandoned. */
        if (p->phase == BLOB_PUSH_BODY)
            snprintf(p->message, sizeof p->message, "the connection ended after %zu of %llu bytes: nothing changed",
                     p->body_len, (unsigned long long)p->content_length);
        else
            snprintf(p->message, sizeof p->message, "the connection ended within the request head");
        p->phase = BLOB_PUSH_ABANDONED;
        p->status = 0;
        if (p->head_len == 0)
            p->outcome_told = true;
    }
    if (p->body) {
        p->hooks->give_back(p->hooks->ctx, p->body);
        p->body = NULL;
    }
}
