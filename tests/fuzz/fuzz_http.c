/*
 * libFuzzer target: one HTTP connection over the fixture blob, driven as
 * the transport drives it (src/core/http_service.c): feed what has arrived,
 * send what the engine has, feed the rest once its output is drained.
 *
 * Input: byte 0 shapes the receive pieces (0: everything at once, else
 * pieces of 1..byte0 bytes), byte 1 the send sizes (0: everything at once,
 * else 1..4*byte1 bytes); the rest is the byte stream from the client. The
 * sizes come from a PRNG seeded with both bytes, so they vary along the way.
 *
 * Invariants (a trap when broken):
 *  - no output before input; each response follows at least one consumed
 *    byte since the previous one;
 *  - the engine never takes more bytes than it is given, and never stalls
 *    (takes nothing while it has nothing to send and is not closing);
 *  - output, when offered, is non-empty and lies in the connection or the
 *    blob, as http_conn_output() says;
 *  - every response starts with "HTTP/1.1 NNN ", has a complete header
 *    block of CRLF-terminated lines without control bytes, carries a
 *    Content-Length (all but 304 and 204), and what follows the header block
 *    is either nothing (HEAD, 304, 204) or exactly Content-Length bytes;
 *  - no header name twice in one response (a file's response is runs of
 *    the lines stored in the blob around the engine's own: a wrong cut
 *    would repeat one);
 *  - a 206 has one Content-Range "bytes A-B/N" with A <= B < N and
 *    B - A + 1 == Content-Length; a 416 has "Content-Range: bytes * /N";
 *  - a 3xx redirect (not 304) has a Location;
 *  - the conversation ends within a bound set by the input's length.
 *
 * The connection answers ACME HTTP-01 (http_challenge.h) for one pending
 * token, so requests for it and for tokens near it are answered too.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz_common.h"
#include "http/http_engine.h"

static struct blob blob;
static struct http_challenges challenges;
#define FUZZ_TOKEN "fuzz-token-abcdefghijklmnop"
static struct http_conn conn;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    size_t size;
    (void)fuzz_load_blob(&blob, &size);
    static const char value[] = FUZZ_TOKEN ".9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";
    http_challenges_init(&challenges);
    if (http_challenges_add(&challenges, FUZZ_TOKEN, sizeof FUZZ_TOKEN - 1, value, sizeof value - 1) !=
        HTTP_CHALLENGE_OK)
        abort();
    return 0;
}

struct response {
    bool open;              /* a response is being sent */
    bool has_length;
    size_t length;          /* its Content-Length */
    int status;
    size_t after_head;      /* bytes after the header block, head and blob body */
};

/* The value of a header in the block head[0..end), or NULL. `name` is
 * "\r\nName: ". */
static const uint8_t *find_header(const uint8_t *head, size_t end, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i + n <= end; i++)
        if (memcmp(head + i, name, n) == 0)
            return head + i + n;
    return NULL;
}

static uint64_t read_number(const uint8_t **p)
{
    uint64_t v = 0;
    FUZZ_CHECK(**p >= '0' && **p <= '9', "a number in Content-Range");
    while (**p >= '0' && **p <= '9')
        v = v * 10 + (uint64_t)(*(*p)++ - '0');
    return v;
}

static void check_range_headers(const struct response *r, const uint8_t *head, size_t end)
{
    const uint8_t *v = find_header(head, end, "\r\nContent-Range: ");
    FUZZ_CHECK((v != NULL) == (r->status == 206 || r->status == 416), "Content-Range exactly on 206 and 416");
    if (!v)
        return;
    FUZZ_CHECK(memcmp(v, "bytes ", 6) == 0, "Content-Range in bytes");
    v += 6;
    if (r->status == 416) {
        FUZZ_CHECK(*v == '*' && v[1] == '/', "416: bytes */N");
        v += 2;
        (void)read_number(&v);
    } else {
        uint64_t a = read_number(&v);
        FUZZ_CHECK(*v++ == '-', "206: A-B");
        uint64_t b = read_number(&v);
        FUZZ_CHECK(*v++ == '/', "206: A-B/N");
        uint64_t total = read_number(&v);
        FUZZ_CHECK(a <= b && b < total && b - a + 1 == r->length, "206: the range lies in the representation "
                   "and Content-Length is its size");
    }
    FUZZ_CHECK(*v == '\r', "Content-Range ends with its value");
}

/* No field name twice in the header block head[0..end) (names compared
 * without case, RFC 9110 5.1). */
static void check_names_once(const uint8_t *head, size_t end)
{
    const uint8_t *names[64];
    size_t lens[64], count = 0;
    for (size_t i = 0; i + 2 < end; i++) {
        if (head[i] != '\r' || head[i + 1] != '\n' || i + 2 == end - 2)
            continue;
        const uint8_t *name = head + i + 2;
        size_t n = 0;
        while (name + n < head + end && name[n] != ':' && name[n] != '\r')
            n++;
        for (size_t k = 0; k < count; k++)
            FUZZ_CHECK(lens[k] != n || strncasecmp((const char *)names[k], (const char *)name, n) != 0,
                       "no header name twice in a response");
        FUZZ_CHECK(count < 64, "a response has fewer than 64 header lines");
        names[count] = name;
        lens[count++] = n;
    }
}

/* Checks the start of a response: `head` is its whole header block as the
 * engine first offers it (nothing of it has been sent yet). */
static void begin_response(struct response *r, const uint8_t *head, size_t n)
{
    FUZZ_CHECK(n >= 13 && memcmp(head, "HTTP/1.1 ", 9) == 0, "a response starts with \"HTTP/1.1 \"");
    FUZZ_CHECK(head[9] >= '1' && head[9] <= '5' && head[10] >= '0' && head[10] <= '9' &&
                   head[11] >= '0' && head[11] <= '9' && head[12] == ' ',
               "a status code follows");
    r->open = true;
    r->status = (head[9] - '0') * 100 + (head[10] - '0') * 10 + (head[11] - '0');
    r->has_length = false;
    r->length = 0;

    size_t end = 0;
    for (size_t i = 0; i + 4 <= n; i++) {
        if (memcmp(head + i, "\r\n\r\n", 4) == 0) {
            end = i + 4;
            break;
        }
    }
    FUZZ_CHECK(end != 0, "the header block is complete in the head");
    for (size_t i = 0; i < end; i++) {
        uint8_t c = head[i];
        if (c == '\r')
            FUZZ_CHECK(head[i + 1] == '\n', "CR only before LF in the header block");
        else if (c == '\n')
            FUZZ_CHECK(i > 0 && head[i - 1] == '\r', "LF only after CR in the header block");
        else
            FUZZ_CHECK(c == '\t' || (c >= 0x20 && c != 0x7f), "no control bytes in the header block");
    }
    static const char cl[] = "\r\nContent-Length: ";
    for (size_t i = 0; i + sizeof cl - 1 < end; i++) {
        if (memcmp(head + i, cl, sizeof cl - 1) == 0) {
            FUZZ_CHECK(!r->has_length, "one Content-Length");
            r->has_length = true;
            size_t j = i + sizeof cl - 1;
            FUZZ_CHECK(head[j] >= '0' && head[j] <= '9', "Content-Length is a number");
            for (; head[j] >= '0' && head[j] <= '9'; j++)
                r->length = r->length * 10 + (size_t)(head[j] - '0');
            FUZZ_CHECK(head[j] == '\r', "Content-Length is only a number");
        }
    }
    FUZZ_CHECK(r->has_length == (r->status != 304 && r->status != 204),
               "every response but 304 and 204 has a Content-Length, and those have none");
    check_names_once(head, end);
    check_range_headers(r, head, end);
    if (r->status >= 300 && r->status < 400 && r->status != 304)
        FUZZ_CHECK(find_header(head, end, "\r\nLocation: ") != NULL, "a redirect has a Location");
    r->after_head = n - end;
}

static void end_response(struct response *r)
{
    FUZZ_CHECK(r->after_head == 0 || (r->has_length && r->after_head == r->length),
               "the body is empty (HEAD, 304) or exactly Content-Length bytes");
    r->open = false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t feed_shape = size > 0 ? data[0] : 0;
    uint8_t send_shape = size > 1 ? data[1] : 0;
    const uint8_t *in = size > 2 ? data + 2 : data;
    size_t len = size > 2 ? size - 2 : 0;
    rng_state = ((uint32_t)feed_shape << 8 | send_shape) * 2654435761u | 1u;

    /* The stream in a buffer of exactly its size: reads past it are caught. */
    uint8_t *stream = malloc(len ? len : 1);
    if (!stream)
        abort();
    memcpy(stream, in, len);

    http_conn_init(&conn, &blob);
    http_conn_set_challenges(&conn, &challenges);
    const uint8_t *out;
    size_t out_len;
    bool in_blob;
    FUZZ_CHECK(!http_conn_output(&conn, &out, &out_len, &in_blob), "no output before input");

    struct response r = {0};
    size_t fed = 0, consumed_since_response = 0, steps = 0;
    const size_t max_steps = 4 * len + 16;
    const size_t max_sends = HTTP_HEAD_MAX + blob.size + 16;    /* per response */
    for (;;) {
        FUZZ_CHECK(++steps <= max_steps, "the conversation ends (bounded steps)");
        /* Send everything the engine has, in pieces, before feeding more. */
        size_t sends = 0;
        while (http_conn_output(&conn, &out, &out_len, &in_blob)) {
            FUZZ_CHECK(++sends <= max_sends, "a response ends (bounded sends)");
            FUZZ_CHECK(out_len > 0, "offered output is never empty");
            if (in_blob)
                FUZZ_CHECK(out >= blob.base && out + out_len <= blob.base + blob.size,
                           "blob output lies in the blob");
            else
                FUZZ_CHECK(out >= (const uint8_t *)&conn && out + out_len <= (const uint8_t *)(&conn + 1),
                           "connection output lies in the connection");
            if (!r.open) {
                FUZZ_CHECK(!in_blob, "a response starts with its header block");
                FUZZ_CHECK(consumed_since_response > 0, "a response only after input");
                consumed_since_response = 0;
                begin_response(&r, out, out_len);
            }
            size_t take = send_shape ? 1 + rng() % (4u * send_shape) : out_len;
            if (take > out_len)
                take = out_len;
            if (in_blob)
                r.after_head += take;
            http_conn_sent(&conn, take);
        }
        if (r.open)
            end_response(&r);
        if (http_conn_should_close(&conn) || fed == len)
            break;
        size_t piece = len - fed;
        if (feed_shape) {
            size_t p = 1 + rng() % feed_shape;
            if (p < piece)
                piece = p;
        }
        size_t used = http_conn_feed(&conn, stream + fed, piece, 784111777);
        FUZZ_CHECK(used <= piece, "the engine takes no more than it is given");
        if (used == 0) {
            FUZZ_CHECK(http_conn_output(&conn, &out, &out_len, &in_blob) || http_conn_should_close(&conn),
                       "the engine never stalls (takes nothing, sends nothing, stays open)");
        }
        fed += used;
        consumed_since_response += used;
    }
    free(stream);
    return 0;
}
