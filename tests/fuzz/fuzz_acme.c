/*
 * libFuzzer target: the ACME client's state machine (src/acme/acme_client.c)
 * talking to a CA whose every answer comes from the fuzzer.
 *
 * Input: records, one per request the client sends:
 *   byte 0: the HTTP status, one of 0 (no response), 200, 201, 204, 400,
 *           403, 429, 500, 503 (byte mod 9);
 *   byte 1: bit 0 a Replay-Nonce, bit 1 a Location, bit 2 a Retry-After
 *           (its value byte 1 >> 3, in seconds);
 *   bytes 2-3: the body's length (big-endian), then the body.
 * Publications are acknowledged at once; waits are skipped to their end.
 * The first byte's bit 6, when set, makes the run a check of renewal
 * information (RFC 9773) instead; a run renews a certificate, so its
 * order names one in "replaces" when the directory offers renewalInfo.
 *
 * Invariants (a trap when broken): every action is well formed (a request
 * has a method and an https URL, a POST a JWS that our JSON reader
 * accepts, a wait lies in the future, a publication names a configured
 * domain and a value), only what is out is withdrawn (a CA may well list
 * one authorization twice: each publication is withdrawn once), at most
 * one publication per authorization, a run ends (done or failed) with
 * everything it published withdrawn, a failure says why, a success has a chain and a
 * renewal time within its validity and a CertID that is one or none, a
 * check sends only GETs and ends in ACME_CHECKED (never a failure of the
 * renewal) with a window that starts before it ends, and the run ends
 * within a bounded number of actions for a bounded input.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fuzz_common.h"
#include "acme/acme_client.h"
#include "acme/ari_cert_id.h"
#include "acme/json_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct acme_client client;
static struct p256_key account_key, cert_key;
static bool keys_ready;

static const int statuses[] = { 0, 200, 201, 204, 400, 403, 429, 500, 503 };
static const char *const names[] = { "example.test", "*.example.test", "www.example.test" };
static const char cert_id[] = "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE";

/* What the run has out: one entry per publication not yet withdrawn
 * (the same one twice, if the CA gave the same authorization twice). */
static struct {
    enum acme_challenge_kind kind;
    char key[300], value[200];      /* DNS-01: the TXT name; HTTP-01: the token */
} out[ACME_MAX_NAMES];
static size_t out_count;

/* The entry for a publication, or out_count. */
static size_t out_find(const struct acme_publication *p)
{
    const char *key = p->kind == ACME_DNS01 ? p->dns_name : p->token;
    size_t i = 0;
    while (i < out_count &&
           !(out[i].kind == p->kind && strcmp(out[i].key, key) == 0 && strcmp(out[i].value, p->value) == 0))
        i++;
    return i;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!keys_ready) {
        uint8_t a[32], b[32];
        for (int i = 0; i < 32; i++) {
            a[i] = (uint8_t)(i + 1);
            b[i] = (uint8_t)(0x40 + i);
        }
        p256_key_init(&account_key, a);
        p256_key_init(&cert_key, b);
        keys_ready = true;
    }
    struct acme_config cfg = {
        .directory_url = "https://ca.test/dir", .contact = "mailto:a@example.test", .names = names,
        .name_count = 3, .challenge = size > 0 && data[0] & 0x80 ? ACME_DNS01 : ACME_HTTP01,
        .account_key = &account_key, .certificate_key = &cert_key, .replaces = cert_id,
    };
    bool check = size > 0 && data[0] & 0x40;
    if (check)
        FUZZ_CHECK(acme_client_init_check(&client, &cfg, cert_id), "a check with a valid configuration");
    else
        FUZZ_CHECK(acme_client_init(&client, &cfg), "init with a valid configuration");
    int64_t now = 1700000000;
    size_t pos = 0;
    out_count = 0;
    static struct json_token tokens[32];
    for (int steps = 0;; steps++) {
        FUZZ_CHECK(steps < 4 * 1000, "the run ends");
        struct acme_action a;
        acme_client_next(&client, now, &a);
        FUZZ_CHECK(!check || a.kind == ACME_CHECKED || a.kind == ACME_WAIT || a.kind == ACME_SEND,
                   "a check only sends, waits and ends");
        FUZZ_CHECK(check || a.kind != ACME_CHECKED, "a run does not end as a check");
        if (a.kind == ACME_CHECKED) {
            struct acme_ari_result r;
            acme_client_renewal_info(&client, &r);
            FUZZ_CHECK(r.outcome == ACME_ARI_ABSENT || r.outcome == ACME_ARI_FAILED || r.outcome == ACME_ARI_WINDOW,
                       "a check's outcome");
            FUZZ_CHECK(r.outcome != ACME_ARI_WINDOW || (r.start < r.end && r.retry_after <= 86400),
                       "a window starts before it ends");
            FUZZ_CHECK(r.outcome != ACME_ARI_FAILED || acme_client_error(&client)[0] != '\0', "a failed check says why");
            return 0;
        }
        FUZZ_CHECK(out_count == 0 || (a.kind != ACME_DONE && a.kind != ACME_FAILED),
                   "a run ends with everything it published withdrawn");
        if (a.kind == ACME_DONE) {
            const char *id = acme_client_cert_id(&client);
            FUZZ_CHECK(id[0] == '\0' || ari_cert_id_valid(id), "a CertID or none");
            size_t len;
            FUZZ_CHECK(acme_client_chain(&client, &len) && len > 0, "done with a chain");
            int64_t nb, na;
            acme_client_validity(&client, &nb, &na);
            FUZZ_CHECK(nb <= acme_client_renew_at(&client) && acme_client_renew_at(&client) <= na, "renewal inside validity");
            return 0;
        }
        if (a.kind == ACME_FAILED) {
            FUZZ_CHECK(acme_client_error(&client)[0] != '\0', "a failure says why");
            return 0;
        }
        if (a.kind == ACME_WAIT) {
            FUZZ_CHECK(a.until > now, "a wait lies ahead");
            now = a.until;
            continue;
        }
        if (a.kind == ACME_PUBLISH || a.kind == ACME_UNPUBLISH) {
            const struct acme_publication *p = &a.publication;
            FUZZ_CHECK(p->domain && p->value && p->token && p->value[0], "a publication says what");
            FUZZ_CHECK(strcmp(p->domain, "example.test") == 0 || strcmp(p->domain, "www.example.test") == 0,
                       "only configured domains are published");
            FUZZ_CHECK(p->kind == ACME_HTTP01 || p->dns_name, "a DNS-01 publication has its name");
            if (a.kind == ACME_UNPUBLISH) {
                size_t at = out_find(p);
                FUZZ_CHECK(at < out_count, "only what is out is withdrawn");
                out[at] = out[--out_count];
                continue;
            }
            FUZZ_CHECK(out_count < ACME_MAX_NAMES, "at most one publication per authorization");
            out[out_count].kind = p->kind;
            snprintf(out[out_count].key, sizeof out[0].key, "%s", p->kind == ACME_DNS01 ? p->dns_name : p->token);
            snprintf(out[out_count].value, sizeof out[0].value, "%s", p->value);
            out_count++;
            acme_client_published(&client);
            continue;
        }
        FUZZ_CHECK(a.kind == ACME_SEND, "action kind");
        FUZZ_CHECK(a.request.method && a.request.url && strncmp(a.request.url, "https://", 8) == 0, "request");
        FUZZ_CHECK(!check || strcmp(a.request.method, "GET") == 0, "a check only GETs");
        if (strcmp(a.request.method, "POST") == 0) {
            struct json_doc doc;
            struct json_error err;
            FUZZ_CHECK(a.request.body && json_read(&doc, a.request.body, a.request.body_len, tokens, 32, &err) &&
                           json_at(&doc, 0)->count == 3,
                       "a POST carries a flattened JWS");
        }
        if (size - pos < 4)
            return 0;   /* the input ends: the CA goes quiet */
        uint8_t flags = data[pos + 1];
        size_t len = (size_t)data[pos + 2] << 8 | data[pos + 3];
        int status = statuses[data[pos] % 9];
        pos += 4;
        if (len > size - pos)
            len = size - pos;
        char retry[8];
        snprintf(retry, sizeof retry, "%u", flags >> 3);
        struct acme_response r = {
            .status = status,
            .replay_nonce = flags & 1 ? "fuzz-nonce" : NULL,
            .location = flags & 2 ? "https://ca.test/loc/1" : NULL,
            .retry_after = flags & 4 ? retry : NULL,
            .body = (const char *)data + pos,
            .body_len = len,
        };
        pos += len;
        acme_client_response(&client, now, &r);
    }
}
