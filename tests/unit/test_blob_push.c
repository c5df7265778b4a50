/*
 * Unit tests of the management request (src/http/blob_push.c) on plaintext,
 * its hooks over malloc: a signed body fed whole, byte by byte and with
 * bytes after it; Expect: 100-continue; what is answered from the head
 * alone, before any body is read (and without taking memory); a body whose
 * signature fails; a body the install refuses; a body cut off. The
 * signatures are openssl's, made at test time. ASan checks that every body
 * taken is given back or installed, once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "openssl_keys.h"
#include "http/blob_push.h"

struct fake {
    int taken, given_back, installed;
    size_t last_size;
    int install_status;         /* what install answers */
    int refuse_status;          /* non-zero: take_memory refuses with it */
};

static void *take_memory(void *ctx, size_t size, int *status, char *why, size_t why_size)
{
    struct fake *f = ctx;
    if (f->refuse_status) {
        *status = f->refuse_status;
        snprintf(why, why_size, "refused by the test");
        return NULL;
    }
    f->taken++;
    f->last_size = size;
    return malloc(size);
}

static void give_back(void *ctx, void *memory)
{
    ((struct fake *)ctx)->given_back++;
    free(memory);
}

static int install(void *ctx, void *memory, size_t size, char *message, size_t message_size)
{
    struct fake *f = ctx;
    f->installed++;
    free(memory);
    snprintf(message, message_size, "installed %zu bytes", size);
    return f->install_status;
}

static struct blob_key key;
static char *body, *sig_b64;
static size_t body_len;

/* The answer's status (from its status line), and it all taken. */
static int answer_status(struct blob_push *p, char *text, size_t text_size)
{
    size_t len, all = 0;
    const uint8_t *out;
    text[0] = '\0';
    while ((out = blob_push_output(p, &len))) {
        size_t n = len < text_size - 1 - all ? len : text_size - 1 - all;
        memcpy(text + all, out, n);
        all += n;
        blob_push_output_taken(p, len);
    }
    text[all] = '\0';
    const char *final = strstr(text, "HTTP/1.1 1") == text ? strstr(text + 1, "HTTP/1.1 ") : text;
    return final && strncmp(final, "HTTP/1.1 ", 9) == 0 ? atoi(final + 9) : -1;
}

static void feed_all(struct blob_push *p, const char *data, size_t len, size_t step)
{
    for (size_t i = 0; i < len; i += step) {
        size_t n = len - i < step ? len - i : step;
        size_t used = blob_push_feed(p, (const uint8_t *)data + i, n);
        if (used != n)
            printf("# feed took %zu of %zu\n", used, n);
    }
}

static char *head_of(const char *extra, size_t length, const char *signature)
{
    static char head[2048];
    snprintf(head, sizeof head, "PUT /blob HTTP/1.1\r\nHost: x\r\nContent-Length: %zu\r\n%s%s%s\r\n", length,
             signature ? "Blob-Signature: " : "", signature ? signature : "", signature ? "\r\n" : "");
    if (extra) {
        /* The extra lines go right after the request line. */
        char rest[2048];
        const char *after = strstr(head, "\r\n") + 2;
        snprintf(rest, sizeof rest, "%s", after);
        snprintf(strstr(head, "\r\n") + 2, sizeof head - (size_t)(after - head), "%s%s", extra, rest);
    }
    return head;
}

/* A whole exchange: `head` then the body (or `len` bytes of it) in steps. */
static int exchange(struct fake *f, const char *head, const char *data, size_t len, size_t step, char *answer,
                    size_t answer_size)
{
    struct blob_push_hooks hooks = {f, take_memory, give_back, install};
    struct blob_push p;
    blob_push_init(&p, &key, 1 << 20, &hooks);
    feed_all(&p, head, strlen(head), step);
    if (data)
        feed_all(&p, data, len, step);
    int status = answer_status(&p, answer, answer_size);
    CHECK("... and the request is done once the answer is taken", status < 0 || blob_push_done(&p));
    blob_push_end(&p);
    return status;
}

static void setup(void)
{
    openssl_key_pair("k");
    openssl_key_pair("other");
    openssl_run("head -c 70001 /dev/urandom > body");
    openssl_sign("k", "body", "body.sig");
    openssl_run("openssl base64 -A -in body.sig > body.sig.b64");
    openssl_sign("other", "body", "body.other.sig");
    openssl_run("openssl base64 -A -in body.other.sig > body.other.b64");
    size_t len;
    char *pem = openssl_read("k.pub", &len);
    char err[256];
    if (blob_key_from_pem(&key, pem, len, "k.pub", err, sizeof err) != 0) {
        printf("not ok - load the key: %s\n", err);
        exit(1);
    }
    free(pem);
    body = openssl_read("body", &body_len);
    sig_b64 = openssl_read("body.sig.b64", &len);
}

static void test_good(void)
{
    char answer[1024];
    struct fake f = {.install_status = 200};
    int st = exchange(&f, head_of(NULL, body_len, sig_b64), body, body_len, 1 << 20, answer, sizeof answer);
    CHECK("a signed body in one read is installed: 200", st == 200 && f.installed == 1 && f.taken == 1);
    CHECK("... with the memory its Content-Length asked", f.last_size == body_len && f.given_back == 0);
    CHECK("... and the install's line as the body", strstr(answer, "installed 70001 bytes\n") != NULL);
    CHECK("... and Connection: close", strstr(answer, "\r\nConnection: close\r\n") != NULL);

    f = (struct fake){.install_status = 200};
    st = exchange(&f, head_of(NULL, body_len, sig_b64), body, body_len, 1, answer, sizeof answer);
    CHECK("the same fed a byte at a time: 200", st == 200 && f.installed == 1);

    f = (struct fake){.install_status = 200};
    char *both = malloc(strlen(sig_b64) + 200 + body_len + 10);
    const char *h = head_of(NULL, body_len, sig_b64);
    size_t hl = strlen(h);
    memcpy(both, h, hl);
    memcpy(both + hl, body, body_len);
    memcpy(both + hl + body_len, "GARBAGE", 7);
    struct blob_push p;
    struct blob_push_hooks hooks = {&f, take_memory, give_back, install};
    blob_push_init(&p, &key, 1 << 20, &hooks);
    CHECK("head, body and bytes after them in one read: all taken",
          blob_push_feed(&p, (const uint8_t *)both, hl + body_len + 7) == hl + body_len + 7);
    st = answer_status(&p, answer, sizeof answer);
    CHECK("... the body installed, what follows dropped", st == 200 && f.installed == 1);
    int status;
    const char *message;
    CHECK("the outcome is told once", blob_push_outcome(&p, &status, &message) && status == 200 &&
                                           !blob_push_outcome(&p, &status, &message));
    blob_push_end(&p);
    free(both);

    f = (struct fake){.install_status = 200};
    blob_push_init(&p, &key, 1 << 20, &hooks);
    h = head_of("Expect: 100-continue\r\n", body_len, sig_b64);
    blob_push_feed(&p, (const uint8_t *)h, strlen(h));
    size_t len;
    const uint8_t *out = blob_push_output(&p, &len);
    CHECK("Expect: 100-continue gets 100 Continue before the body",
          out && len == 25 && memcmp(out, "HTTP/1.1 100 Continue\r\n\r\n", 25) == 0 && blob_push_mid_request(&p));
    blob_push_output_taken(&p, len);
    blob_push_feed(&p, (const uint8_t *)body, body_len);
    st = answer_status(&p, answer, sizeof answer);
    CHECK("... then the final answer", st == 200 && strncmp(answer, "HTTP/1.1 200 OK\r\n", 17) == 0);
    blob_push_end(&p);
}

static void test_refused_by_head(void)
{
    char answer[1024];
    struct {
        const char *name, *head;
        int status;
    } cases[] = {
        {"GET is 405", "GET /blob HTTP/1.1\r\n\r\n", 405},
        {"POST is 405", "POST /blob HTTP/1.1\r\nContent-Length: 5\r\n\r\n", 405},
        {"another path is 404", "PUT /blobs HTTP/1.1\r\nContent-Length: 5\r\n\r\n", 404},
        {"HTTP/2.0 is 400", "PUT /blob HTTP/2.0\r\nContent-Length: 5\r\n\r\n", 400},
        {"no Content-Length is 411", "PUT /blob HTTP/1.1\r\nBlob-Signature: TWFu\r\n\r\n", 411},
        {"two Content-Lengths are 400", "PUT /blob HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", 400},
        {"a Content-Length not decimal is 400", "PUT /blob HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n", 400},
        {"Content-Length 0 is 400", "PUT /blob HTTP/1.1\r\nContent-Length: 0\r\nBlob-Signature: TWFu\r\n\r\n", 400},
        {"a chunked body is 501", "PUT /blob HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 501},
        {"another Expect is 417", "PUT /blob HTTP/1.1\r\nContent-Length: 5\r\nExpect: x\r\n\r\n", 417},
        {"a folded header line is 400", "PUT /blob HTTP/1.1\r\nContent-Length: 5\r\n  folded\r\n\r\n", 400},
        {"no signature is 403", "PUT /blob HTTP/1.1\r\nContent-Length: 5\r\n\r\n", 403},
        {"a signature not base64 is 400", "PUT /blob HTTP/1.1\r\nContent-Length: 5\r\nBlob-Signature: a*b\r\n\r\n", 400},
        {"two signatures are 400",
         "PUT /blob HTTP/1.1\r\nContent-Length: 5\r\nBlob-Signature: TWFu\r\nBlob-Signature: TWFu\r\n\r\n", 400},
        {"over the maximum is 413, before any body",
         "PUT /blob HTTP/1.1\r\nContent-Length: 1048577\r\nBlob-Signature: TWFu\r\n\r\n", 413},
        {"a Content-Length of 20 digits is 400",
         "PUT /blob HTTP/1.1\r\nContent-Length: 99999999999999999999\r\nBlob-Signature: TWFu\r\n\r\n", 400},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fake f = {.install_status = 200};
        int st = exchange(&f, cases[i].head, "12345", 5, 7, answer, sizeof answer);
        char name[160];
        snprintf(name, sizeof name, "%s (no memory taken)", cases[i].name);
        CHECK(name, st == cases[i].status && f.taken == 0 && f.installed == 0);
        if (st != cases[i].status)
            printf("# got %d: %s\n", st, answer);
    }
    /* A head over the bound. */
    struct fake f = {.install_status = 200};
    char *big = malloc(BLOB_PUSH_HEAD_MAX + 100);
    memset(big, 'a', BLOB_PUSH_HEAD_MAX + 99);
    memcpy(big, "PUT /blob HTTP/1.1\r\nX: ", 23);
    big[BLOB_PUSH_HEAD_MAX + 99] = '\0';
    CHECK("a head over the bound is 431", exchange(&f, big, NULL, 0, 512, answer, sizeof answer) == 431);
    free(big);
    /* The memory hook refuses. */
    f = (struct fake){.refuse_status = 503};
    CHECK("when no memory is to be had, its status (503)",
          exchange(&f, head_of(NULL, body_len, sig_b64), body, body_len, 4096, answer, sizeof answer) == 503 &&
              strstr(answer, "refused by the test"));
}

static void test_refused_by_body(void)
{
    char answer[1024];
    struct fake f = {.install_status = 200};
    body[body_len / 3] ^= 0x20;
    int st = exchange(&f, head_of(NULL, body_len, sig_b64), body, body_len, 1000, answer, sizeof answer);
    body[body_len / 3] ^= 0x20;
    CHECK("a body with one bit changed: 403, memory given back, nothing installed",
          st == 403 && f.taken == 1 && f.given_back == 1 && f.installed == 0);
    size_t len;
    char *other = openssl_read("body.other.b64", &len);
    f = (struct fake){.install_status = 200};
    st = exchange(&f, head_of(NULL, body_len, other), body, body_len, 1000, answer, sizeof answer);
    CHECK("another key's signature: 403", st == 403 && f.given_back == 1 && f.installed == 0);
    free(other);
    f = (struct fake){.install_status = 422};
    st = exchange(&f, head_of(NULL, body_len, sig_b64), body, body_len, 1000, answer, sizeof answer);
    CHECK("a signed body the install refuses: its status (422) and line",
          st == 422 && f.installed == 1 && strstr(answer, "installed 70001 bytes"));

    /* Cut off: the peer closes half-way, or the connection ends. */
    f = (struct fake){.install_status = 200};
    struct blob_push p;
    struct blob_push_hooks hooks = {&f, take_memory, give_back, install};
    blob_push_init(&p, &key, 1 << 20, &hooks);
    const char *h = head_of(NULL, body_len, sig_b64);
    blob_push_feed(&p, (const uint8_t *)h, strlen(h));
    blob_push_feed(&p, (const uint8_t *)body, body_len / 2);
    CHECK("half a body: mid-request", blob_push_mid_request(&p) && !blob_push_done(&p));
    blob_push_input_closed(&p);
    int status;
    const char *message;
    CHECK("the peer closing half-way: no answer, memory given back, done",
          !blob_push_output(&p, &len) && f.given_back == 1 && f.installed == 0 && blob_push_done(&p));
    CHECK("... told as abandoned with how far it got", blob_push_outcome(&p, &status, &message) && status == 0 &&
                                                            strstr(message, "after 35000 of 70001 bytes"));
    blob_push_end(&p);
    CHECK("... and the end gives nothing back twice", f.given_back == 1);

    f = (struct fake){.install_status = 200};
    blob_push_init(&p, &key, 1 << 20, &hooks);
    blob_push_feed(&p, (const uint8_t *)h, strlen(h));
    blob_push_feed(&p, (const uint8_t *)body, 10);
    blob_push_end(&p);      /* timed out, reset */
    CHECK("a connection ended mid-body gives the memory back",
          f.given_back == 1 && blob_push_outcome(&p, &status, &message) && status == 0);

    f = (struct fake){.install_status = 200};
    blob_push_init(&p, &key, 1 << 20, &hooks);
    blob_push_input_closed(&p);
    CHECK("a connection that sent nothing is not an outcome",
          blob_push_done(&p) && !blob_push_outcome(&p, &status, &message));
    blob_push_end(&p);
}

int main(void)
{
    setup();
    test_good();
    test_refused_by_head();
    test_refused_by_body();
    free(body);
    free(sig_b64);
    return CHECK_DONE();
}
