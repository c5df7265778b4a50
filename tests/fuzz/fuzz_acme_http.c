/*
 * libFuzzer target: the ACME client's HTTP response reader
 * (src/acme/http_exchange.c, llhttp in response mode) on arbitrary bytes
 * from a server.
 *
 * Input: byte 0 picks the request method (bit 0: HEAD, else POST) and
 * where the rest is cut in two feeds (its value, scaled); the rest is the
 * response, then the connection closes.
 *
 * Invariants (a trap when broken): the body stays inside its buffer and
 * NUL-terminated; a complete response has a three-digit status, and a
 * HEAD response has no body; the kept headers are NUL-terminated within
 * their sizes; a failure says why.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "acme/http_exchange.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct http_exchange x;
    static char body[512];
    if (size < 1)
        return 0;
    struct acme_request req = { .method = data[0] & 1 ? "HEAD" : "POST", .url = "https://ca.test/x" };
    const char *text = (const char *)data + 1;
    size_t len = size - 1, cut = len * (data[0] >> 1) / 127;
    http_exchange_init(&x, &req, body, sizeof body);
    int r = http_exchange_feed(&x, text, cut > len ? len : cut);
    if (r == 0 && cut < len)
        r = http_exchange_feed(&x, text + cut, len - cut);
    if (r == 0)
        r = http_exchange_eof(&x);
    FUZZ_CHECK(r == 1 || r == -1, "the close ends the exchange");
    FUZZ_CHECK(x.body_len < sizeof body && body[x.body_len] == '\0', "body inside its buffer");
    FUZZ_CHECK(strlen(x.nonce) < sizeof x.nonce && strlen(x.location) < sizeof x.location &&
                   strlen(x.retry_after) < sizeof x.retry_after, "kept headers terminated");
    struct acme_response resp;
    http_exchange_response(&x, &resp);
    if (r == 1) {
        FUZZ_CHECK(resp.status >= 100 && resp.status <= 999, "a complete response has a status");
        FUZZ_CHECK(!(data[0] & 1) || resp.body_len == 0, "a HEAD response has no body");
    } else {
        FUZZ_CHECK(x.error != NULL && resp.status == 0, "a failure says why and reads as no response");
    }
    return 0;
}
