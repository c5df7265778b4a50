/*
 * Unit tests of the ACME client's state machine (src/acme/acme_client.c)
 * with a fake clock: each test plays the CA's side of RFC 8555's exchange
 * from the messages of its section 7, checks every request the client
 * makes (method, URL, the JWS's header and its signature, verified with
 * BearSSL's own ECDSA code, not ours), and answers it. Covered: issuance
 * over HTTP-01 and DNS-01 (a wildcard), an existing account, badNonce,
 * Retry-After in both forms, capped back-off, the plan of runs after
 * failures (the service's timer loop), problem documents, a rejected
 * challenge, malformed directories, malformed JSON and objects of the
 * wrong shape in every other response, a CA naming a name that was not
 * asked for, and the renewal time of the issued chain (made by openssl at
 * test time) with the dates read back from it.
 *
 * The order of a run's events, against a scripted CA that validates each
 * challenge when told of it, DNS-01 through a resolver cache as a CA's
 * resolver would: every authorization fetched and every response
 * published before the first challenge is told (an apex and its wildcard,
 * two TXT values at one name, both found), all withdrawn after the last
 * authorization is valid and before finalize, or before the failure when
 * one is invalid, a challenge is refused or an authorization is for a name
 * not asked for; HTTP-01 and DNS-01 in one order; an authorization already
 * valid left alone.
 *
 * ACME Renewal Information (RFC 9773) the same way: the CertID of the
 * RFC's own example certificate (a known answer) and of an openssl-made
 * leaf against python3-cryptography's reading of it; RFC 3339 times;
 * RenewalInfo objects; checks after issuance against a scripted CA
 * (window in the future, earlier, in the past; Retry-After and its
 * bounds; malformed answers, errors and retries falling back to two
 * thirds), "replaces" in the renewal's order and the order again without
 * it when the CA refuses it, and a CA without renewalInfo leaving
 * everything as it was.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bearssl.h>

#include "acme/acme_client.h"
#include "acme/acme_schedule.h"
#include "acme/ari_cert_id.h"
#include "acme/base64url.h"
#include "acme/ca_roots.h"
#include "acme/cert_validity.h"
#include "acme/json_read.h"
#include "acme/jwk.h"
#include "acme/key_authorization.h"
#include "acme/renewal_info.h"
#include "acme/rfc3339.h"
#include "check.h"
#include "dns/dns_challenge.h"
#include "http/http_date.h"
#include "openssl_keys.h"

#define DIR_URL "https://ca.test/dir"

static struct acme_client client;
static struct p256_key account_key, cert_key;
static char log_text[32768];
static int64_t now = 1700000000;
static int nonce_serial;
static char last_nonce[32];

static void log_line(void *ctx, const char *line)
{
    (void)ctx;
    size_t n = strlen(log_text);
    snprintf(log_text + n, sizeof log_text - n, "%s\n", line);
}

static void keys(void)
{
    uint8_t a[32], b[32];
    for (int i = 0; i < 32; i++) {
        a[i] = (uint8_t)(i + 1);
        b[i] = (uint8_t)(0x40 + i);
    }
    p256_key_init(&account_key, a);
    p256_key_init(&cert_key, b);
}

static bool start(const char *const *names, size_t count, enum acme_challenge_kind kind)
{
    struct acme_config cfg = {
        .directory_url = DIR_URL, .contact = "mailto:hostmaster@example.test", .names = names,
        .name_count = count, .challenge = kind, .account_key = &account_key, .certificate_key = &cert_key,
        .log = log_line,
    };
    log_text[0] = '\0';
    return acme_client_init(&client, &cfg);
}

static struct acme_action next(void)
{
    struct acme_action a;
    acme_client_next(&client, now, &a);
    return a;
}

/* The CA's answer, with a fresh nonce unless `nonce` is given ("" for none). */
static void answer_full(int status, const char *location, const char *retry_after, const char *nonce, const char *body)
{
    if (!nonce) {
        snprintf(last_nonce, sizeof last_nonce, "nonce-%d", ++nonce_serial);
        nonce = last_nonce;
    }
    struct acme_response r = { .status = status, .replay_nonce = *nonce ? nonce : NULL, .location = location,
                               .retry_after = retry_after, .body = body, .body_len = body ? strlen(body) : 0 };
    acme_client_response(&client, now, &r);
}

static void answer(int status, const char *location, const char *body)
{
    answer_full(status, location, NULL, NULL, body);
}

/* The JWS of a POST: header checked against what it must say, signature
 * verified with BearSSL's i31 ECDSA; the payload decoded into `payload`. */
static bool jws_ok(const struct acme_request *req, const char *url, const char *nonce, bool with_kid, char *payload,
                   size_t cap)
{
    static struct json_token t[64], h[64];
    struct json_doc doc, head;
    struct json_error err;
    if (!req->method || strcmp(req->method, "POST") != 0 || strcmp(req->url, url) != 0 || !req->content_type ||
        strcmp(req->content_type, "application/jose+json") != 0 ||
        !json_read(&doc, req->body, req->body_len, t, 64, &err) || json_at(&doc, 0)->count != 3)
        return false;
    char prot[2048], pay[8192], sig_text[128], header[1536];
    uint8_t sig[64];
    long pl = json_member(&doc, 0, "protected"), yl = json_member(&doc, 0, "payload"),
         sl = json_member(&doc, 0, "signature");
    if (json_string(&doc, (size_t)pl, prot, sizeof prot) < 0 || json_string(&doc, (size_t)yl, pay, sizeof pay) < 0 ||
        json_string(&doc, (size_t)sl, sig_text, sizeof sig_text) < 0 ||
        base64url_decode(sig_text, strlen(sig_text), sig, sizeof sig) != 64)
        return false;
    long hl = base64url_decode(prot, strlen(prot), (uint8_t *)header, sizeof header);
    if (hl < 0 || !json_read(&head, header, (size_t)hl, h, 64, &err))
        return false;
    bool header_ok = json_string_equals(&head, (size_t)json_member(&head, 0, "alg"), "ES256") &&
                     json_string_equals(&head, (size_t)json_member(&head, 0, "url"), url) &&
                     json_string_equals(&head, (size_t)json_member(&head, 0, "nonce"), nonce) &&
                     (with_kid ? json_string_equals(&head, (size_t)json_member(&head, 0, "kid"), "https://ca.test/acct/1") &&
                                     json_member(&head, 0, "jwk") < 0
                               : json_member_typed(&head, 0, "jwk", JSON_OBJECT) > 0 && json_member(&head, 0, "kid") < 0);
    uint8_t digest[32];
    br_sha256_context sha;
    br_sha256_init(&sha);
    br_sha256_update(&sha, prot, strlen(prot));
    br_sha256_update(&sha, ".", 1);
    br_sha256_update(&sha, pay, strlen(pay));
    br_sha256_out(&sha, digest);
    br_ec_public_key pk = { .curve = BR_EC_secp256r1, .q = account_key.point, .qlen = 65 };
    bool sig_ok = br_ecdsa_i31_vrfy_raw(&br_ec_p256_m15, digest, 32, &pk, sig, 64) == 1;
    long n = base64url_decode(pay, strlen(pay), (uint8_t *)payload, cap - 1);
    if (n < 0)
        return false;
    payload[n] = '\0';
    return header_ok && sig_ok;
}

static bool is_send(const struct acme_action *a, const char *method, const char *url)
{
    return a->kind == ACME_SEND && strcmp(a->request.method, method) == 0 && strcmp(a->request.url, url) == 0;
}

static const char directory[] =
    "{\"newNonce\":\"https://ca.test/nonce\",\"newAccount\":\"https://ca.test/acct\",\"newOrder\":\"https://ca.test/order\","
    "\"revokeCert\":\"https://ca.test/revoke\",\"keyChange\":\"https://ca.test/key\","
    "\"meta\":{\"termsOfService\":\"https://ca.test/tos\"}}";
static const char account_valid[] = "{\"status\":\"valid\",\"contact\":[\"mailto:hostmaster@example.test\"],\"orders\":\"https://ca.test/acct/1/orders\"}";

/* Directory, nonce and account, as every run starts; true if all went as RFC 8555 says. */
static bool through_account(int account_status)
{
    struct acme_action a = next();
    bool ok = is_send(&a, "GET", DIR_URL) && !a.request.body;
    answer_full(200, NULL, NULL, "", directory);        /* directories carry no nonce */
    a = next();
    ok &= is_send(&a, "HEAD", "https://ca.test/nonce");
    answer(200, NULL, NULL);
    a = next();
    char payload[1024];
    ok &= jws_ok(&a.request, "https://ca.test/acct", last_nonce, false, payload, sizeof payload) &&
          strcmp(payload, "{\"termsOfServiceAgreed\":true,\"contact\":[\"mailto:hostmaster@example.test\"]}") == 0;
    answer(account_status, "https://ca.test/acct/1", account_valid);
    return ok;
}

static const char *const two_names[] = { "example.test", "*.example.test" };

static void order_pending(void)
{
    answer(201, "https://ca.test/order/1",
           "{\"status\":\"pending\",\"expires\":\"2030-01-01T00:00:00Z\","
           "\"identifiers\":[{\"type\":\"dns\",\"value\":\"example.test\"},{\"type\":\"dns\",\"value\":\"*.example.test\"}],"
           "\"authorizations\":[\"https://ca.test/authz/1\",\"https://ca.test/authz/2\"],"
           "\"finalize\":\"https://ca.test/order/1/finalize\"}");
}

#define TOKEN1 "DGyRejmCefe7v4NfDGDKfA"
#define TOKEN2 "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA"

static const char authz1_pending[] =
    "{\"status\":\"pending\",\"identifier\":{\"type\":\"dns\",\"value\":\"example.test\"},\"challenges\":["
    "{\"type\":\"http-01\",\"url\":\"https://ca.test/chall/1h\",\"status\":\"pending\",\"token\":\"" TOKEN1 "\"},"
    "{\"type\":\"dns-01\",\"url\":\"https://ca.test/chall/1d\",\"status\":\"pending\",\"token\":\"" TOKEN1 "\"}]}";
static const char authz2_pending[] =
    "{\"status\":\"pending\",\"wildcard\":true,\"identifier\":{\"type\":\"dns\",\"value\":\"example.test\"},\"challenges\":["
    "{\"type\":\"dns-01\",\"url\":\"https://ca.test/chall/2d\",\"status\":\"pending\",\"token\":\"" TOKEN2 "\"}]}";

static char chain_pem[16384];
static int64_t chain_not_before, chain_not_after;

/* The text openssl left in its file `name`, into out (cut to cap). */
static void openssl_read_text(const char *name, char *out, size_t cap)
{
    size_t n;
    char *text = openssl_read(name, &n);
    snprintf(out, cap, "%s", text);
    free(text);
}

/* The two times (seconds since the epoch) `date` wrote into `name`. */
static void openssl_read_dates(const char *name, int64_t *not_before, int64_t *not_after)
{
    size_t n;
    char *text = openssl_read(name, &n);
    long long nb = 0, na = 0;
    sscanf(text, "%lld %lld", &nb, &na);
    *not_before = nb;
    *not_after = na;
    free(text);
}

/* A certificate made by openssl now, and its dates as `date` reads them. */
static void make_chain(void)
{
    (void)openssl_path("chain.pem");   /* makes the temporary folder */
    openssl_run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc -days 90 -subj /CN=example.test "
                "-keyout leaf.key -out chain.pem 2>/dev/null && "
                "date -d \"$(openssl x509 -in chain.pem -noout -startdate | cut -d= -f2)\" +%%s > dates && "
                "date -d \"$(openssl x509 -in chain.pem -noout -enddate | cut -d= -f2)\" +%%s >> dates");
    openssl_read_text("chain.pem", chain_pem, sizeof chain_pem);
    openssl_read_dates("dates", &chain_not_before, &chain_not_after);
}

static void test_issuance(void)
{
    CHECK("client: init with an apex and its wildcard", start(two_names, 2, ACME_HTTP01));
    CHECK("client: directory, nonce, newAccount (created) with a jwk", through_account(201));
    struct acme_action a = next();
    struct acme_action again = next();
    CHECK("client: asked twice before the answer, the same request (same body, same nonce)",
          again.kind == ACME_SEND && again.request.body == a.request.body && again.request.body_len == a.request.body_len &&
              strcmp(again.request.url, a.request.url) == 0);
    char payload[4096];
    CHECK("client: newOrder signed with the account's kid, both identifiers",
          jws_ok(&a.request, "https://ca.test/order", last_nonce, true, payload, sizeof payload) &&
              strcmp(payload, "{\"identifiers\":[{\"type\":\"dns\",\"value\":\"example.test\"},"
                              "{\"type\":\"dns\",\"value\":\"*.example.test\"}]}") == 0);
    order_pending();
    a = next();
    CHECK("client: first authorization fetched by POST-as-GET",
          jws_ok(&a.request, "https://ca.test/authz/1", last_nonce, true, payload, sizeof payload) && payload[0] == '\0');
    answer(200, NULL, authz1_pending);
    a = next();
    char expect[128];
    key_authorization(TOKEN1, &account_key, expect, sizeof expect);
    char thumb[JWK_THUMBPRINT_LEN + 1];
    jwk_thumbprint(&account_key, thumb);
    CHECK("client: http-01 published: token and key authorization (token.thumbprint)",
          a.kind == ACME_PUBLISH && a.publication.kind == ACME_HTTP01 && strcmp(a.publication.token, TOKEN1) == 0 &&
              strcmp(a.publication.domain, "example.test") == 0 && strncmp(a.publication.value, TOKEN1 ".", 23) == 0 &&
              strcmp(a.publication.value + 23, thumb) == 0);
    a = next();
    CHECK("client: waits for the publication before going on", a.kind == ACME_PUBLISH);
    acme_client_published(&client);

    a = next();
    CHECK("client: then the second authorization is fetched, before the CA hears of the first challenge",
          jws_ok(&a.request, "https://ca.test/authz/2", last_nonce, true, payload, sizeof payload) && payload[0] == '\0');
    answer(200, NULL, authz2_pending);
    a = next();
    char ka[128], txt[DNS01_VALUE_LEN + 1];
    key_authorization(TOKEN2, &account_key, ka, sizeof ka);
    /* the TXT value computed here from the definition: base64url(SHA-256(key authorization)) */
    uint8_t digest[32];
    br_sha256_context sha;
    br_sha256_init(&sha);
    br_sha256_update(&sha, ka, strlen(ka));
    br_sha256_out(&sha, digest);
    base64url_encode(digest, 32, txt, sizeof txt);
    CHECK("client: the wildcard is answered over dns-01 even though http-01 is configured",
          a.kind == ACME_PUBLISH && a.publication.kind == ACME_DNS01 &&
              strcmp(a.publication.dns_name, "_acme-challenge.example.test") == 0 && strcmp(a.publication.value, txt) == 0);
    acme_client_published(&client);
    CHECK("client: ... and says every response is out before telling the CA",
          strstr(log_text, "acme: 2 challenge responses published; telling the CA") != NULL);

    a = next();
    CHECK("client: challenge response is the payload {}",
          jws_ok(&a.request, "https://ca.test/chall/1h", last_nonce, true, payload, sizeof payload) &&
              strcmp(payload, "{}") == 0);
    answer(200, NULL, "{\"type\":\"http-01\",\"status\":\"processing\",\"url\":\"https://ca.test/chall/1h\",\"token\":\"" TOKEN1 "\"}");
    a = next();
    CHECK("client: the second challenge is told at once, the dns-01 one",
          jws_ok(&a.request, "https://ca.test/chall/2d", last_nonce, true, payload, sizeof payload) &&
              strcmp(payload, "{}") == 0);
    answer(200, NULL, "{\"type\":\"dns-01\",\"status\":\"pending\"}");
    a = next();
    CHECK("client: polls after a back-off (1 s) when no Retry-After", a.kind == ACME_WAIT && a.until == now + 1);
    now += 1;
    a = next();
    CHECK("client: polls the first authorization", is_send(&a, "POST", "https://ca.test/authz/1"));
    answer_full(200, NULL, "7", NULL, "{\"status\":\"pending\",\"identifier\":{\"type\":\"dns\",\"value\":\"example.test\"},\"challenges\":[]}");
    a = next();
    CHECK("client: Retry-After in seconds is followed", a.kind == ACME_WAIT && a.until == now + 7);
    now += 3;
    a = next();
    CHECK("client: still waiting before the time", a.kind == ACME_WAIT && a.until == now + 4);
    now += 4;
    a = next();
    answer(200, NULL, "{\"status\":\"valid\",\"identifier\":{\"type\":\"dns\",\"value\":\"example.test\"},\"challenges\":[]}");
    a = next();
    CHECK("client: nothing is withdrawn while an authorization is still to be validated: the second is polled at once",
          is_send(&a, "POST", "https://ca.test/authz/2"));
    answer(200, NULL, "{\"status\":\"valid\",\"wildcard\":true,\"identifier\":{\"type\":\"dns\",\"value\":\"example.test\"}}");
    struct acme_action w1 = next(), w2 = next();
    CHECK("client: once both are valid, both responses are withdrawn: the http-01 token and the TXT record",
          w1.kind == ACME_UNPUBLISH && w2.kind == ACME_UNPUBLISH && w1.publication.kind == ACME_HTTP01 &&
              strcmp(w1.publication.token, TOKEN1) == 0 && w2.publication.kind == ACME_DNS01 &&
              strcmp(w2.publication.dns_name, "_acme-challenge.example.test") == 0 && strcmp(w2.publication.value, txt) == 0);

    a = next();
    CHECK("client: finalize with a CSR", jws_ok(&a.request, "https://ca.test/order/1/finalize", last_nonce, true, payload,
                                                sizeof payload) && strncmp(payload, "{\"csr\":\"MI", 10) == 0);
    answer_full(200, "https://ca.test/order/1", "Sun, 06 Nov 2033 08:49:37 GMT", NULL,
                "{\"status\":\"processing\",\"finalize\":\"https://ca.test/order/1/finalize\"}");
    a = next();
    CHECK("client: Retry-After as an HTTP date, capped at an hour", a.kind == ACME_WAIT && a.until == now + ACME_MAX_WAIT);
    now = a.until;
    a = next();
    CHECK("client: polls the order", is_send(&a, "POST", "https://ca.test/order/1"));
    answer(200, NULL, "{\"status\":\"valid\",\"certificate\":\"https://ca.test/cert/1\"}");
    a = next();
    CHECK("client: downloads the chain asking for PEM",
          is_send(&a, "POST", "https://ca.test/cert/1") && a.request.accept &&
              strcmp(a.request.accept, "application/pem-certificate-chain") == 0);
    make_chain();
    answer(200, NULL, chain_pem);
    a = next();
    size_t len;
    const char *chain = acme_client_chain(&client, &len);
    CHECK("client: done, with the chain", a.kind == ACME_DONE && chain && len == strlen(chain_pem) &&
                                              strcmp(chain, chain_pem) == 0);
    int64_t nb, na;
    acme_client_validity(&client, &nb, &na);
    CHECK("client: the chain's dates are openssl's", nb == chain_not_before && na == chain_not_after && na > nb);
    CHECK("client: renewal at two thirds of the lifetime (60 of 90 days)",
          acme_client_renew_at(&client) == chain_not_before + 60 * 86400);
    static struct ca_roots roots;
    CHECK("ca_roots: a self-signed EC certificate becomes one trust anchor",
          ca_roots_load(&roots, chain_pem, strlen(chain_pem)) == 1 && roots.anchors[0].pkey.key_type == BR_KEYTYPE_EC &&
              roots.anchors[0].pkey.key.ec.qlen == 65 && roots.anchors[0].dn.len > 0);
    CHECK("ca_roots: text that is not PEM is refused", ca_roots_load(&roots, "-----BEGIN CERTIFICATE-----\n!!\n", 31) <= 0);
    CHECK("client: every step was logged", strstr(log_text, "created account https://ca.test/acct/1") &&
                                               strstr(log_text, "order valid") && strstr(log_text, "certificate issued"));
}

/* Directory and nonce done; the client's next request is newAccount. */
static void to_account_request(void)
{
    next();
    answer_full(200, NULL, NULL, "", directory);
    next();
    answer(200, NULL, NULL);
}

static void test_bad_nonce_and_existing_account(void)
{
    static const char *const one[] = { "www.example.test" };
    start(one, 1, ACME_DNS01);
    to_account_request();
    struct acme_action a = next();
    answer(400, NULL, "{\"type\":\"urn:ietf:params:acme:error:badNonce\",\"detail\":\"JWS has an invalid anti-replay nonce\"}");
    a = next();
    char payload[512];
    CHECK("client: badNonce: the same request again, with the nonce of the rejection",
          jws_ok(&a.request, "https://ca.test/acct", last_nonce, false, payload, sizeof payload));
    answer(200, "https://ca.test/acct/1", account_valid);
    CHECK("client: an existing account (200) is used", strstr(log_text, "using the existing account") != NULL);
    a = next();
    CHECK("client: then the order", is_send(&a, "POST", "https://ca.test/order"));
    answer(201, "https://ca.test/order/2", "{\"status\":\"ready\",\"authorizations\":[\"https://ca.test/authz/9\"],"
                                          "\"finalize\":\"https://ca.test/order/2/fin\"}");
    a = next();
    CHECK("client: an order ready at once goes straight to finalize", is_send(&a, "POST", "https://ca.test/order/2/fin"));

    /* a badNonce without a new nonce: the client asks newNonce for one */
    answer_full(400, NULL, NULL, "", "{\"type\":\"urn:ietf:params:acme:error:badNonce\"}");
    a = next();
    CHECK("client: badNonce without a nonce: HEAD newNonce first", is_send(&a, "HEAD", "https://ca.test/nonce"));
    answer(204, NULL, NULL);
    a = next();
    CHECK("client: then finalize again", is_send(&a, "POST", "https://ca.test/order/2/fin"));
    for (int i = 1; i < ACME_MAX_BAD_NONCES; i++) {     /* the one above was the first */
        answer(400, NULL, "{\"type\":\"urn:ietf:params:acme:error:badNonce\"}");
        a = next();
    }
    CHECK("client: badNonce retries are bounded", a.kind == ACME_SEND);
    answer(400, NULL, "{\"type\":\"urn:ietf:params:acme:error:badNonce\"}");
    a = next();
    CHECK("client: ... and fail past the bound", a.kind == ACME_FAILED && strstr(acme_client_error(&client), "badNonce"));
}

static void test_problems(void)
{
    start(two_names, 2, ACME_DNS01);
    through_account(201);
    next();
    answer(403, NULL,
           "{\"type\":\"urn:ietf:params:acme:error:rejectedIdentifier\",\"detail\":\"Error creating new order\",\"status\":403,"
           "\"subproblems\":[{\"type\":\"urn:ietf:params:acme:error:rejectedIdentifier\",\"detail\":\"forbidden \\u001b[31m name\","
           "\"identifier\":{\"type\":\"dns\",\"value\":\"*.example.test\"}}]}");
    struct acme_action a = next();
    const char *e = acme_client_error(&client);
    CHECK("client: a problem document fails the run", a.kind == ACME_FAILED);
    CHECK("client: the error quotes status, type, detail and subproblems",
          strcmp(e, "newOrder: HTTP 403, rejectedIdentifier: Error creating new order; *.example.test rejectedIdentifier: "
                    "forbidden ?[31m name") == 0);
    if (a.kind == ACME_FAILED)
        printf("# %s\n", e);
    CHECK("client: the failure is logged", strstr(log_text, "acme: failed: newOrder: HTTP 403") != NULL);
    CHECK("client: failed stays failed", next().kind == ACME_FAILED);
}

static void test_retries(void)
{
    static const char *const one[] = { "example.test" };
    start(one, 1, ACME_HTTP01);
    struct acme_action a = next();
    int64_t waits[ACME_MAX_RETRIES];
    for (int i = 0; i < ACME_MAX_RETRIES; i++) {
        answer(i % 2 ? 503 : 0, NULL, NULL);
        a = next();
        waits[i] = a.kind == ACME_WAIT ? a.until - now : -1;
        now = a.until;
        a = next();
    }
    CHECK("client: no response and 503 are retried with exponential back-off",
          waits[0] == 2 && waits[1] == 4 && waits[2] == 8 && waits[3] == 16 && waits[4] == 32);
    CHECK("client: the retry is the same request", is_send(&a, "GET", DIR_URL));
    answer(503, NULL, NULL);
    a = next();
    CHECK("client: ... and give up after a bound", a.kind == ACME_FAILED &&
                                                     strstr(acme_client_error(&client), "gave up after 6 attempts"));

    start(one, 1, ACME_HTTP01);
    to_account_request();
    next();
    answer_full(429, NULL, "120", NULL, "{\"type\":\"urn:ietf:params:acme:error:rateLimited\",\"detail\":\"too many\"}");
    a = next();
    CHECK("client: rateLimited waits as long as Retry-After asks", a.kind == ACME_WAIT && a.until == now + 120);

    CHECK("schedule: back-off doubles from its base", acme_backoff(0, 2, 300) == 2 && acme_backoff(3, 2, 300) == 16);
    CHECK("schedule: back-off is capped", acme_backoff(8, 2, 300) == 300 && acme_backoff(4000000000u, 2, 300) == 300);
    /* the plan across runs, on a fake clock */
    int64_t t0 = 1700000000;
    struct acme_renewal_state st = { .have_certificate = false };
    CHECK("schedule: without a certificate, a run at once", acme_next_run(&st, t0) == t0);
    int64_t gaps[12];
    for (uint32_t f = 1; f <= 12; f++) {
        st.failures = f;
        st.last_failure = t0;
        gaps[f - 1] = acme_next_run(&st, t0) - t0;
    }
    CHECK("schedule: failed runs retried after 1, 2, 4 ... minutes", gaps[0] == 60 && gaps[1] == 120 && gaps[2] == 240 &&
                                                                      gaps[8] == 60 * 256);
    CHECK("schedule: ... at most 6 hours apart", gaps[9] == 6 * 3600 && gaps[11] == 6 * 3600);
    st = (struct acme_renewal_state){ .have_certificate = true, .not_before = t0, .not_after = t0 + 90 * 86400 };
    CHECK("schedule: with a certificate, the run is due at two thirds of it",
          acme_next_run(&st, t0 + 86400) == t0 + 60 * 86400);
    st.failures = 3;
    st.last_failure = t0 + 61 * 86400;
    CHECK("schedule: a renewal that failed is retried with back-off, counted from the failure",
          acme_next_run(&st, t0 + 61 * 86400) == t0 + 61 * 86400 + 240 &&
              acme_next_run(&st, t0 + 61 * 86400 + 100) == t0 + 61 * 86400 + 240);
    st.last_failure = t0 + 60 * 86400 - 100;
    CHECK("schedule: a failure before the due time does not delay the renewal",
          acme_next_run(&st, t0 + 60 * 86400 - 100) == t0 + 60 * 86400);
    CHECK("schedule: a clock behind notBefore waits for the renewal time, not before it",
          (st.failures = 0, acme_next_run(&st, t0 - 7 * 86400)) == t0 + 60 * 86400);
    CHECK("schedule: renewal at two thirds", acme_renewal_time(0, 90 * 86400) == 60 * 86400 &&
                                             acme_renewal_time(1000, 1000 + 6 * 86400) == 1000 + 4 * 86400);
}

/* The service's loop (acme_service.c: schedule_run, run_if_due) on a
 * fake clock: after each run a timer is set for acme_next_run(); when it
 * fires the service asks again and runs only if the run is due then. A
 * plan counted from the time of asking would move on with the clock and
 * never fall due: the service would only set its timer again, forever. */
static void test_schedule_loop(void)
{
    struct acme_renewal_state st = { .have_certificate = false };
    int64_t t = 1700000000;
    int64_t gaps[10];
    int late_wakeups = 0;
    for (int run = 0; run < 10; run++) {     /* the CA is down: each run fails at once */
        acme_run_failed(&st, t);
        int64_t at = acme_next_run(&st, t);
        for (int w = 0; w < 5 && acme_next_run(&st, at) > at; w++) {
            at = acme_next_run(&st, at);
            late_wakeups++;
        }
        gaps[run] = at - t;
        t = at;
    }
    CHECK("schedule loop: a failed run is due when the service's timer fires (no wake-up finds it later again)",
          late_wakeups == 0);
    CHECK("schedule loop: runs after failures 60, 120, 240 ... s apart, capped at 6 hours",
          gaps[0] == 60 && gaps[1] == 120 && gaps[2] == 240 && gaps[7] == 7680 && gaps[8] == 15360 && gaps[9] == 21600);
    acme_renewal_issued(&st, t, t + 30, NULL, t);     /* a 30 s certificate, as short as the integration test's */
    CHECK("schedule loop: a success ends the back-off; the renewal is due at two thirds",
          st.failures == 0 && acme_next_run(&st, t + 1) == t + 20 && acme_next_run(&st, t + 20) <= t + 20);
    acme_run_failed(&st, t + 20);
    CHECK("schedule loop: a renewal that fails is tried again 60 s later, then 120 s",
          acme_next_run(&st, t + 20) == t + 80 && acme_next_run(&st, t + 80) == t + 80 &&
              (acme_run_failed(&st, t + 80), acme_next_run(&st, t + 80)) == t + 200);
}

/* A run for example.test over HTTP-01, through account and a pending
 * order with one authorization; the client's next request fetches it. */
static void order_for_example_test(void)
{
    static const char *const one[] = { "example.test" };
    start(one, 1, ACME_HTTP01);
    through_account(201);
    next();
    answer(201, "https://ca.test/order/1", "{\"status\":\"pending\",\"authorizations\":[\"https://ca.test/authz/1\"],"
                                          "\"finalize\":\"https://ca.test/order/1/finalize\"}");
}

static void test_rejected_challenge(void)
{
    order_for_example_test();
    next();
    answer(200, NULL, authz1_pending);
    next();
    acme_client_published(&client);
    next();
    answer(200, NULL, "{}");
    now = next().until;
    next();
    answer(200, NULL,
           "{\"status\":\"invalid\",\"identifier\":{\"type\":\"dns\",\"value\":\"example.test\"},\"challenges\":[{\"type\":\"http-01\","
           "\"status\":\"invalid\",\"error\":{\"type\":\"urn:ietf:params:acme:error:connection\",\"detail\":\"Connection refused\"}}]}");
    struct acme_action a = next();
    CHECK("client: a rejected challenge is withdrawn first", a.kind == ACME_UNPUBLISH);
    a = next();
    CHECK("client: ... then the run fails quoting the CA",
          a.kind == ACME_FAILED && strcmp(acme_client_error(&client),
                                          "authorization for example.test invalid: HTTP 200, connection: Connection refused") == 0);
}

/* ---- every response out before the CA hears of a challenge ---- */

/* A scripted CA for whole orders: it answers each authorization as
 * pending (or valid, when reused), and checks a challenge the moment it
 * is told of it, as Pebble does, against what the client has published:
 * an HTTP-01 token directly, a DNS-01 TXT value through a caching
 * resolver that keeps the first RRset it finds at a name for
 * DNS_CHALLENGE_TTL, as Unbound or a CA's resolver would. Everything the
 * client does is kept, in order, in `trace`. */
struct ca_authz {
    const char *name;           /* the identifier; "*.NAME" for a wildcard */
    const char *token;
    bool already_valid;         /* valid when first fetched (an authorization reused) */
    bool refuse;                /* invalid even with the right value (as a CAA record would have it) */
    bool reject_challenge;      /* the challenge's POST is answered with an error */
    /* what the CA made of it */
    int fetches, challenge_posts;
    const char *verdict;        /* NULL until checked: "valid" or "invalid" */
    char why[160];
};

enum ca_event { EV_PUBLISH, EV_UNPUBLISH, EV_FETCH, EV_CHALLENGE, EV_POLL, EV_VALID, EV_FINALIZE, EV_FAILED };
struct ca_step {
    enum ca_event kind;
    int authz;                  /* the authorization's index; -1 for none */
};

static struct {
    struct ca_authz *authz;
    size_t count;
    struct ca_step trace[256];
    int events;
    struct {            /* what the client has out: a TXT record at a name, or an HTTP-01 token */
        enum acme_challenge_kind kind;
        char key[300], value[200];
    } live[32];
    int live_count, stray_withdrawals, duplicates;
    struct {            /* the CA resolver's cache: a name's TXT values as first looked up */
        char name[300];
        char values[8][64];
        int count;
        int64_t expires;
    } cache[8];
    int cached;
    char published_values[8][200];
    int published;
} ca;

/* (snprintf "%s" between two members of `ca` is an overlap to GCC's -Wrestrict) */
static void copy_text(char *out, size_t cap, const char *text)
{
    size_t n = strlen(text) < cap ? strlen(text) : cap - 1;
    memcpy(out, text, n);
    out[n] = '\0';
}

static void ca_note(enum ca_event kind, int authz)
{
    if (ca.events < (int)(sizeof ca.trace / sizeof ca.trace[0]))
        ca.trace[ca.events++] = (struct ca_step){ kind, authz };
}

static int ca_first(enum ca_event kind)
{
    for (int i = 0; i < ca.events; i++)
        if (ca.trace[i].kind == kind)
            return i;
    return -1;
}

static int ca_last(enum ca_event kind)
{
    for (int i = ca.events - 1; i >= 0; i--)
        if (ca.trace[i].kind == kind)
            return i;
    return -1;
}

static int ca_count(enum ca_event kind, int authz)     /* authz -1: any */
{
    int n = 0;
    for (int i = 0; i < ca.events; i++)
        n += ca.trace[i].kind == kind && (authz < 0 || ca.trace[i].authz == authz);
    return n;
}

/* The trace in a line, for a failing check's diagnostics. */
static void ca_print_trace(void)
{
    static const char *const names[] = { "publish", "unpublish", "fetch", "challenge", "poll", "valid", "finalize",
                                         "failed" };
    printf("# trace:");
    for (int i = 0; i < ca.events; i++) {
        printf(" %s", names[ca.trace[i].kind]);
        if (ca.trace[i].authz >= 0)
            printf("%d", ca.trace[i].authz + 1);
    }
    printf("\n");
}

/* base64url(SHA-256(key authorization)): the TXT value, from its definition (RFC 8555 section 8.4). */
static void expected_txt(const char *token, char out[DNS01_VALUE_LEN + 1])
{
    char ka[256];
    uint8_t digest[32];
    key_authorization(token, &account_key, ka, sizeof ka);
    br_sha256_context sha;
    br_sha256_init(&sha);
    br_sha256_update(&sha, ka, strlen(ka));
    br_sha256_out(&sha, digest);
    base64url_encode(digest, 32, out, DNS01_VALUE_LEN + 1);
}

/* Does the CA's resolver find `value` among the TXT values at `name`? */
static bool ca_resolves(const char *name, const char *value)
{
    int k = 0;
    while (k < ca.cached && !(strcmp(ca.cache[k].name, name) == 0 && now < ca.cache[k].expires))
        k++;
    if (k == ca.cached) {       /* not cached (or expired): asked of the client's DNS, and kept */
        k = ca.cached < 8 ? ca.cached++ : 7;
        snprintf(ca.cache[k].name, sizeof ca.cache[k].name, "%s", name);
        ca.cache[k].count = 0;
        ca.cache[k].expires = now + DNS_CHALLENGE_TTL;
        for (int i = 0; i < ca.live_count && ca.cache[k].count < 8; i++)
            if (ca.live[i].kind == ACME_DNS01 && strcmp(ca.live[i].key, name) == 0)
                copy_text(ca.cache[k].values[ca.cache[k].count++], sizeof ca.cache[k].values[0], ca.live[i].value);
    }
    for (int i = 0; i < ca.cache[k].count; i++)
        if (strcmp(ca.cache[k].values[i], value) == 0)
            return true;
    return false;
}

/* The CA checks authorization `i`'s challenge of `type` now. */
static void ca_check(int i, char type)
{
    struct ca_authz *z = &ca.authz[i];
    const char *base = z->name[0] == '*' ? z->name + 2 : z->name;
    bool found = false;
    if (type == 'd') {
        char name[300], value[DNS01_VALUE_LEN + 1];
        snprintf(name, sizeof name, "_acme-challenge.%s", base);
        expected_txt(z->token, value);
        found = ca_resolves(name, value);
        snprintf(z->why, sizeof z->why, "Correct value not found for DNS challenge");
    } else {
        char ka[256];
        key_authorization(z->token, &account_key, ka, sizeof ka);
        for (int k = 0; k < ca.live_count; k++)
            found |= ca.live[k].kind == ACME_HTTP01 && strcmp(ca.live[k].key, z->token) == 0 &&
                     strcmp(ca.live[k].value, ka) == 0;
        snprintf(z->why, sizeof z->why, "The key authorization file from the server did not match this challenge");
    }
    if (found && z->refuse)
        snprintf(z->why, sizeof z->why, "CAA record for %s prevents issuance", base);
    z->verdict = found && !z->refuse ? "valid" : "invalid";
}

/* Authorization i as the CA shows it now. */
static void ca_answer_authz(int i)
{
    struct ca_authz *z = &ca.authz[i];
    bool wildcard = z->name[0] == '*';
    const char *status = z->already_valid ? "valid" : z->verdict ? z->verdict : "pending";
    char error[256] = "";
    if (z->verdict && strcmp(z->verdict, "invalid") == 0)
        snprintf(error, sizeof error, ",\"error\":{\"type\":\"urn:ietf:params:acme:error:unauthorized\",\"detail\":\"%s\"}",
                 z->why);
    char http[512] = "", body[1536];
    if (!wildcard)
        snprintf(http, sizeof http, "{\"type\":\"http-01\",\"url\":\"https://ca.test/chall/%dh\",\"status\":\"%s\","
                                    "\"token\":\"%s\"%s},", i + 1, status, z->token, error);
    snprintf(body, sizeof body,
             "{\"status\":\"%s\",\"expires\":\"2030-01-01T00:00:00Z\",\"identifier\":{\"type\":\"dns\",\"value\":\"%s\"}%s,"
             "\"challenges\":[%s{\"type\":\"dns-01\",\"url\":\"https://ca.test/chall/%dd\",\"status\":\"%s\",\"token\":\"%s\"%s}]}",
             status, wildcard ? z->name + 2 : z->name, wildcard ? ",\"wildcard\":true" : "", http, i + 1, status,
             z->token, error);
    answer(200, NULL, body);
}

/* An order for `names` (their authorizations in `authz`, in that order)
 * played through to finalize or to the client's failure. True if the
 * client only did what a client may (no unknown request, no success
 * before finalize, no withdrawal of what it had not published). */
static bool ca_run(const char *const *names, size_t count, enum acme_challenge_kind kind, struct ca_authz *authz)
{
    memset(&ca, 0, sizeof ca);
    ca.authz = authz;
    ca.count = count;
    start(names, count, kind);
    through_account(201);
    next();
    char order[1024] = "{\"status\":\"pending\",\"authorizations\":[";
    for (size_t i = 0; i < count; i++)
        snprintf(order + strlen(order), sizeof order - strlen(order), "%s\"https://ca.test/authz/%zu\"", i ? "," : "",
                 i + 1);
    snprintf(order + strlen(order), sizeof order - strlen(order), "],\"finalize\":\"https://ca.test/order/1/finalize\"}");
    answer(201, "https://ca.test/order/1", order);
    for (int steps = 0; steps < 400; steps++) {
        struct acme_action a = next();
        int i;
        char type;
        switch (a.kind) {
        case ACME_WAIT:
            now = a.until;
            break;
        case ACME_PUBLISH: {
            const char *key = a.publication.kind == ACME_DNS01 ? a.publication.dns_name : a.publication.token;
            for (int k = 0; k < ca.live_count; k++)
                ca.duplicates += ca.live[k].kind == a.publication.kind && strcmp(ca.live[k].key, key) == 0 &&
                                 strcmp(ca.live[k].value, a.publication.value) == 0;
            if (ca.live_count < 32) {
                ca.live[ca.live_count].kind = a.publication.kind;
                snprintf(ca.live[ca.live_count].key, sizeof ca.live[0].key, "%s", key);
                snprintf(ca.live[ca.live_count].value, sizeof ca.live[0].value, "%s", a.publication.value);
                ca.live_count++;
            }
            if (ca.published < 8)
                snprintf(ca.published_values[ca.published++], 200, "%s", a.publication.value);
            ca_note(EV_PUBLISH, -1);
            acme_client_published(&client);
            break;
        }
        case ACME_UNPUBLISH: {
            const char *key = a.publication.kind == ACME_DNS01 ? a.publication.dns_name : a.publication.token;
            int k = 0;
            while (k < ca.live_count && !(ca.live[k].kind == a.publication.kind && strcmp(ca.live[k].key, key) == 0 &&
                                          strcmp(ca.live[k].value, a.publication.value) == 0))
                k++;
            if (k == ca.live_count)
                ca.stray_withdrawals++;
            else
                ca.live[k] = ca.live[--ca.live_count];
            ca_note(EV_UNPUBLISH, -1);
            break;
        }
        case ACME_FAILED:
            ca_note(EV_FAILED, -1);
            return true;
        case ACME_SEND:
            if (strcmp(a.request.method, "HEAD") == 0) {
                answer(200, NULL, NULL);
            } else if (strcmp(a.request.url, "https://ca.test/order/1/finalize") == 0) {
                ca_note(EV_FINALIZE, -1);
                return true;
            } else if (sscanf(a.request.url, "https://ca.test/authz/%d", &i) == 1 && i >= 1 && (size_t)i <= count) {
                i--;
                ca_note(authz[i].fetches++ ? EV_POLL : EV_FETCH, i);
                if (authz[i].verdict && strcmp(authz[i].verdict, "valid") == 0)
                    ca_note(EV_VALID, i);
                ca_answer_authz(i);
            } else if (sscanf(a.request.url, "https://ca.test/chall/%d%c", &i, &type) == 2 && i >= 1 &&
                       (size_t)i <= count) {
                i--;
                ca_note(EV_CHALLENGE, i);
                authz[i].challenge_posts++;
                if (authz[i].reject_challenge) {
                    answer(403, NULL, "{\"type\":\"urn:ietf:params:acme:error:unauthorized\",\"detail\":\"challenge refused\"}");
                } else {
                    ca_check(i, type);
                    answer(200, NULL, "{\"status\":\"processing\"}");
                }
            } else {
                printf("# unexpected request: %s %s\n", a.request.method, a.request.url);
                return false;
            }
            break;
        default:
            return false;
        }
    }
    return false;
}

/* Every response withdrawn, nothing withdrawn twice or unpublished. */
static bool ca_all_withdrawn(void)
{
    return ca.live_count == 0 && ca.stray_withdrawals == 0 && ca_count(EV_UNPUBLISH, -1) == ca_count(EV_PUBLISH, -1);
}

static void test_apex_and_wildcard_dns01(void)
{
    static const char *const names[] = { "example.test", "*.example.test" };
    struct ca_authz authz[] = {
        { .name = "example.test", .token = "apexTokenAAAAAAAAAAAAA" },
        { .name = "*.example.test", .token = "wildTokenAAAAAAAAAAAAA" },
    };
    CHECK("together: apex and wildcard over DNS-01, played to finalize", ca_run(names, 2, ACME_DNS01, authz) &&
                                                                            ca_last(EV_FINALIZE) == ca.events - 1);
    char apex[DNS01_VALUE_LEN + 1], wild[DNS01_VALUE_LEN + 1];
    expected_txt(authz[0].token, apex);
    expected_txt(authz[1].token, wild);
    CHECK("together: two TXT values published at the one name _acme-challenge.example.test",
          ca_count(EV_PUBLISH, -1) == 2 && ca.published == 2 && strcmp(ca.published_values[0], apex) == 0 &&
              strcmp(ca.published_values[1], wild) == 0 && ca.duplicates == 0);
    bool before = ca_last(EV_PUBLISH) >= 0 && ca_last(EV_PUBLISH) < ca_first(EV_CHALLENGE);
    CHECK("together: both PUBLISH actions come before the first challenge POST", before);
    CHECK("together: ... so the CA, looking through a resolver that caches the first RRset it sees (TTL 60), "
          "finds both values: both authorizations valid",
          authz[0].verdict && strcmp(authz[0].verdict, "valid") == 0 && authz[1].verdict &&
              strcmp(authz[1].verdict, "valid") == 0);
    CHECK("together: each challenge told once", authz[0].challenge_posts == 1 && authz[1].challenge_posts == 1);
    bool after = ca_first(EV_UNPUBLISH) > ca_last(EV_VALID) && ca_count(EV_VALID, 0) == 1 && ca_count(EV_VALID, 1) == 1;
    CHECK("together: both UNPUBLISH actions come after the last authorization is valid", after);
    CHECK("together: ... and before finalize", ca_count(EV_UNPUBLISH, -1) == 2 && ca_last(EV_UNPUBLISH) < ca_first(EV_FINALIZE));
    CHECK("together: every record withdrawn, none twice", ca_all_withdrawn());
    if (!before || !after)
        ca_print_trace();
}

static void test_together_failure_withdraws_all(void)
{
    static const char *const names[] = { "example.test", "*.example.test" };
    struct ca_authz authz[] = {
        { .name = "example.test", .token = "apexTokenAAAAAAAAAAAAA", .refuse = true },
        { .name = "*.example.test", .token = "wildTokenAAAAAAAAAAAAA" },
    };
    CHECK("together: one authorization invalid: the run fails", ca_run(names, 2, ACME_DNS01, authz) &&
                                                                   ca_last(EV_FAILED) == ca.events - 1);
    CHECK("together: ... quoting the CA",
          strcmp(acme_client_error(&client),
                 "authorization for example.test invalid: HTTP 200, unauthorized: CAA record for example.test prevents issuance") == 0);
    bool withdrawn = ca_count(EV_UNPUBLISH, -1) == 2 && ca_all_withdrawn() && ca_first(EV_UNPUBLISH) > ca_last(EV_POLL) &&
                     ca_first(EV_FINALIZE) < 0;
    CHECK("together: ... after withdrawing both records (the other authorization's too, still pending), no finalize",
          withdrawn);
    if (!withdrawn)
        ca_print_trace();

    /* a failure of another kind, while answering: the second challenge's POST refused */
    struct ca_authz refused[] = {
        { .name = "example.test", .token = "apexTokenAAAAAAAAAAAAA" },
        { .name = "*.example.test", .token = "wildTokenAAAAAAAAAAAAA", .reject_challenge = true },
    };
    CHECK("together: a challenge POST answered with a problem fails the run",
          ca_run(names, 2, ACME_DNS01, refused) && ca_last(EV_FAILED) == ca.events - 1 &&
              strstr(acme_client_error(&client), "challenge refused"));
    CHECK("together: ... after withdrawing both records", ca_count(EV_UNPUBLISH, -1) == 2 && ca_all_withdrawn() &&
                                                              ca_first(EV_UNPUBLISH) > ca_last(EV_CHALLENGE));

    /* and while publishing: the second authorization is for a name not asked for */
    struct ca_authz stranger[] = {
        { .name = "example.test", .token = "apexTokenAAAAAAAAAAAAA" },
        { .name = "*.other.test", .token = "wildTokenAAAAAAAAAAAAA" },
    };
    CHECK("together: an authorization for a name not asked for, after one response is out, fails the run",
          ca_run(names, 2, ACME_DNS01, stranger) && ca_last(EV_FAILED) == ca.events - 1 &&
              strstr(acme_client_error(&client), "*.other.test, which was not asked for"));
    CHECK("together: ... the CA never told of a challenge, and the record published withdrawn",
          ca_count(EV_CHALLENGE, -1) == 0 && ca_count(EV_PUBLISH, -1) == 1 && ca_count(EV_UNPUBLISH, -1) == 1 &&
              ca_all_withdrawn());
}

static void test_together_mixed(void)
{
    static const char *const names[] = { "www.example.test", "*.example.test", "example.test" };
    struct ca_authz authz[] = {
        { .name = "www.example.test", .token = "wwwTokenAAAAAAAAAAAAAA" },
        { .name = "*.example.test", .token = "wildTokenAAAAAAAAAAAAA" },
        { .name = "example.test", .token = "apexTokenAAAAAAAAAAAAA", .already_valid = true },
    };
    CHECK("together: HTTP-01 for www, DNS-01 for the wildcard, the apex already valid: played to finalize",
          ca_run(names, 3, ACME_HTTP01, authz) && ca_last(EV_FINALIZE) == ca.events - 1);
    char wild[DNS01_VALUE_LEN + 1], www[256];
    expected_txt(authz[1].token, wild);
    key_authorization(authz[0].token, &account_key, www, sizeof www);
    CHECK("together: the www token (http-01) and the wildcard's TXT (dns-01) published",
          ca.published == 2 && strcmp(ca.published_values[0], www) == 0 && strcmp(ca.published_values[1], wild) == 0);
    bool before = ca_last(EV_PUBLISH) < ca_first(EV_CHALLENGE) && ca_last(EV_FETCH) < ca_first(EV_CHALLENGE);
    CHECK("together: both published (and every authorization fetched) before the first challenge POST", before);
    CHECK("together: both valid for the CA", authz[0].verdict && strcmp(authz[0].verdict, "valid") == 0 &&
                                                 authz[1].verdict && strcmp(authz[1].verdict, "valid") == 0);
    CHECK("together: the authorization already valid needs nothing: fetched once, no challenge, no poll",
          authz[2].fetches == 1 && authz[2].challenge_posts == 0 && ca_count(EV_POLL, 2) == 0);
    bool after = ca_first(EV_UNPUBLISH) > ca_last(EV_VALID) && ca_count(EV_VALID, 0) == 1 && ca_count(EV_VALID, 1) == 1 &&
                 ca_last(EV_UNPUBLISH) < ca_first(EV_FINALIZE);
    CHECK("together: both withdrawn after the last authorization is valid (each polled until it was), before finalize",
          after && ca_count(EV_UNPUBLISH, -1) == 2 && ca_all_withdrawn());
    if (!before || !after)
        ca_print_trace();

    /* every authorization already valid: nothing to publish or tell */
    struct ca_authz reused[] = {
        { .name = "www.example.test", .token = "wwwTokenAAAAAAAAAAAAAA", .already_valid = true },
        { .name = "*.example.test", .token = "wildTokenAAAAAAAAAAAAA", .already_valid = true },
        { .name = "example.test", .token = "apexTokenAAAAAAAAAAAAA", .already_valid = true },
    };
    CHECK("together: every authorization already valid: straight to finalize, nothing published",
          ca_run(names, 3, ACME_HTTP01, reused) && ca_last(EV_FINALIZE) == ca.events - 1 &&
              ca_count(EV_PUBLISH, -1) == 0 && ca_count(EV_CHALLENGE, -1) == 0 && ca_count(EV_FETCH, -1) == 3);
}

static void test_malformed(void)
{
    static const char *const one[] = { "example.test" };
    static const struct {
        const char *body, *why;
    } bad[] = {
        { "<html>not json</html>", "directory: malformed JSON from the CA (HTTP 200): unexpected character at byte 0" },
        { "[\"newNonce\"]", "directory: malformed JSON from the CA (HTTP 200): not an object at byte 0" },
        { "{\"newNonce\":\"https://ca.test/n\",\"newAccount\":\"https://ca.test/a\"}", "directory: malformed" },
        { "{\"newNonce\":\"http://ca.test/n\",\"newAccount\":\"https://ca.test/a\",\"newOrder\":\"https://ca.test/o\"}",
          "directory: malformed" },
        { "{\"newNonce\":\"https://ca.test/n\",\"newAccount\":\"https://ca.test/a\",\"newOrder\":7}", "directory: malformed" },
        { "{\"newNonce\":\"https://ca.test/n\",\"newAccount\":\"https://ca.test/a\",\"newOrder\":\"https://ca.test/o\","
          "\"meta\":{\"externalAccountRequired\":true}}", "external account binding" },
        { "{\"newNonce\":\"https://ca.test/n\",,}", "malformed JSON" },
        { "", "no value" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        start(one, 1, ACME_HTTP01);
        next();
        answer(200, NULL, bad[i].body);
        struct acme_action a = next();
        char name[128];
        snprintf(name, sizeof name, "client: malformed directory %zu fails cleanly (%s)", i, bad[i].why);
        CHECK(name, a.kind == ACME_FAILED && strstr(acme_client_error(&client), bad[i].why));
        if (a.kind != ACME_FAILED || !strstr(acme_client_error(&client), bad[i].why))
            printf("# got: %s\n", acme_client_error(&client));
    }

    order_for_example_test();
    next();
    answer(200, NULL, authz2_pending);      /* a wildcard authorization: never asked for */
    CHECK("client: an authorization for a name not asked for is refused",
          next().kind == ACME_FAILED && strstr(acme_client_error(&client), "*.example.test, which was not asked for"));

    order_for_example_test();
    next();
    answer(200, NULL, "{\"status\":\"pending\",\"identifier\":{\"type\":\"dns\",\"value\":\"example.test\"},\"challenges\":["
                      "{\"type\":\"http-01\",\"url\":\"https://ca.test/c\",\"token\":\"../../etc/passwd\"}]}");
    CHECK("client: a token that is not base64url is refused",
          next().kind == ACME_FAILED && strstr(acme_client_error(&client), "malformed token"));

    start(one, 1, ACME_HTTP01);
    through_account(201);
    next();
    answer(201, NULL, "{\"status\":\"pending\",\"authorizations\":[\"https://ca.test/authz/1\"],\"finalize\":\"https://ca.test/f\"}");
    CHECK("client: an order without a Location fails", next().kind == ACME_FAILED);

    static const char *const bad_names[] = { "Example.test" };
    CHECK("client: init refuses an invalid name", !start(bad_names, 1, ACME_HTTP01) &&
                                                  strstr(acme_client_error(&client), "Example.test"));
    CHECK("client: init refuses no names", !start(bad_names, 0, ACME_HTTP01));
}

/* A fresh HTTP-01 run for example.test, driven until the client's next
 * request is the one of `stage` (0 newAccount ... 7 the certificate);
 * false if it took another path on the way. */
enum stage { AT_ACCOUNT, AT_ORDER, AT_AUTHORIZATION, AT_CHALLENGE, AT_AUTHORIZATION_POLL, AT_FINALIZE, AT_ORDER_POLL,
             AT_CERTIFICATE, STAGES };
static const char *const stage_names[] = { "newAccount", "newOrder", "authorization", "challenge", "authorization poll",
                                           "finalize", "order poll", "certificate" };

/* Each stage's request, the CA's answer to it, and what the client hands
 * out between that answer and the next stage's request. */
enum between_stages { NOTHING, PUBLISH, WAIT, UNPUBLISH };
static const struct {
    const char *url;
    int status;
    const char *location, *body;
    enum between_stages then;
} stage_steps[STAGES] = {
    [AT_ORDER] = { "https://ca.test/order", 201, "https://ca.test/order/1",
                   "{\"status\":\"pending\",\"authorizations\":[\"https://ca.test/authz/1\"],"
                   "\"finalize\":\"https://ca.test/order/1/finalize\"}",
                   NOTHING },
    [AT_AUTHORIZATION] = { "https://ca.test/authz/1", 200, NULL, authz1_pending, PUBLISH },
    [AT_CHALLENGE] = { "https://ca.test/chall/1h", 200, NULL, "{\"type\":\"http-01\",\"status\":\"processing\"}", WAIT },
    [AT_AUTHORIZATION_POLL] = { "https://ca.test/authz/1", 200, NULL,
                                "{\"status\":\"valid\",\"identifier\":{\"type\":\"dns\",\"value\":\"example.test\"}}",
                                UNPUBLISH },
    [AT_FINALIZE] = { "https://ca.test/order/1/finalize", 200, NULL, "{\"status\":\"processing\"}", WAIT },
    [AT_ORDER_POLL] = { "https://ca.test/order/1", 200, NULL,
                        "{\"status\":\"valid\",\"certificate\":\"https://ca.test/cert/1\"}", NOTHING },
    [AT_CERTIFICATE] = { "https://ca.test/cert/1", 0, NULL, NULL, NOTHING },
};

static bool drive_to(enum stage stage)
{
    static const char *const one[] = { "example.test" };
    start(one, 1, ACME_HTTP01);
    if (stage == AT_ACCOUNT) {
        to_account_request();
        return is_send((struct acme_action[]){ next() }, "POST", "https://ca.test/acct");
    }
    bool ok = through_account(201);
    for (enum stage at = AT_ORDER; at < STAGES; at++) {
        struct acme_action a = next();
        if (at == stage)
            return ok && is_send(&a, "POST", stage_steps[at].url);
        answer(stage_steps[at].status, stage_steps[at].location, stage_steps[at].body);
        switch (stage_steps[at].then) {
        case PUBLISH:
            ok &= next().kind == ACME_PUBLISH;
            acme_client_published(&client);
            break;
        case WAIT:
            now = next().until;
            break;
        case UNPUBLISH:
            ok &= next().kind == ACME_UNPUBLISH;
            break;
        case NOTHING:
            break;
        }
    }
    return false;
}

/* The client's next action past the withdrawals it hands out first;
 * how many in *withdrawn. */
static struct acme_action next_past_withdrawals(int *withdrawn)
{
    struct acme_action a = next();
    for (*withdrawn = 0; a.kind == ACME_UNPUBLISH && *withdrawn < 64; (*withdrawn)++)
        a = next();
    return a;
}

/* Every response of a run, not only the directory's, answered with what
 * is not JSON, not an object, cut off, or an object of the wrong shape:
 * the run fails (no crash), withdrawing first the HTTP-01 token it has out
 * while the challenge is told and polled (no publication left to the CA's
 * word), and the error names the step and what was wrong. */
static void test_malformed_each_step(void)
{
    static const struct {
        const char *body, *why;
    } syntax[] = {
        { "<html>502 Bad Gateway</html>", "malformed JSON from the CA (HTTP 200): unexpected character at byte 0" },
        { "[\"status\",\"valid\"]", "malformed JSON from the CA (HTTP 200): not an object at byte 0" },
        { "{\"status\":\"valid\",\"authorizations\":[", "malformed JSON from the CA (HTTP 200)" },
        { "{\"status\":\"valid\"}garbage", "malformed JSON from the CA (HTTP 200)" },
    };
    /* A well-formed object without what the step needs (a challenge's
     * answer is not read: its verdict comes with the authorization). */
    static const char *const shape_why[STAGES] = {
        [AT_ACCOUNT] = "newAccount: account status is (none), not valid",
        [AT_ORDER] = "newOrder: malformed order, 0 authorizations",
        [AT_AUTHORIZATION] = "authorization: status (none)",
        [AT_AUTHORIZATION_POLL] = "authorization: status (none)",
        [AT_FINALIZE] = "finalize: unexpected order status (none)",
        [AT_ORDER_POLL] = "order poll: unexpected order status (none)",
    };
    for (int st = AT_ACCOUNT; st < STAGES; st++) {
        char name[256];
        bool reached = true, all_fail = true;
        int out = st == AT_CHALLENGE || st == AT_AUTHORIZATION_POLL, withdrawn;
        char got[ACME_ERROR_MAX] = "";
        const char *bodies[] = { syntax[0].body, syntax[1].body, syntax[2].body, syntax[3].body };
        for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
            reached &= drive_to((enum stage)st);
            answer(200, st <= AT_ORDER ? "https://ca.test/x/1" : NULL, bodies[i]);
            struct acme_action a = next_past_withdrawals(&withdrawn);
            /* the certificate is PEM, not JSON: any of these is no chain */
            const char *why = st == AT_CERTIFICATE ? "certificate: the chain's first certificate cannot be read"
                                                   : syntax[i].why;
            char want_step[64];
            snprintf(want_step, sizeof want_step, "%s: ", stage_names[st]);
            if (a.kind != ACME_FAILED || withdrawn != out || !strstr(acme_client_error(&client), why) ||
                (st != AT_CERTIFICATE && strncmp(acme_client_error(&client), want_step, strlen(want_step)) != 0)) {
                all_fail = false;
                snprintf(got, sizeof got, "%s", acme_client_error(&client));
            }
        }
        snprintf(name, sizeof name, "client: %s answered with non-JSON, a non-object or cut-off JSON fails, naming the step%s",
                 stage_names[st], out ? " (the token withdrawn first)" : "");
        CHECK(name, reached && all_fail);
        if (!reached || !all_fail)
            printf("# reached %d, last error: %s\n", reached, got);
        if (shape_why[st]) {
            reached = drive_to((enum stage)st);
            answer(200, st <= AT_ORDER ? "https://ca.test/x/1" : NULL, "{\"unexpected\":[1,2,{\"x\":null}]}");
            struct acme_action a = next_past_withdrawals(&withdrawn);
            snprintf(name, sizeof name, "client: %s answered with an object of the wrong shape fails: %s", stage_names[st],
                     shape_why[st]);
            CHECK(name, reached && a.kind == ACME_FAILED && withdrawn == out &&
                            strcmp(acme_client_error(&client), shape_why[st]) == 0);
            if (a.kind != ACME_FAILED || strcmp(acme_client_error(&client), shape_why[st]) != 0)
                printf("# got: %s\n", acme_client_error(&client));
        }
    }
    /* a challenge's answer that is an object of any shape is accepted:
     * the authorization's poll says what the CA made of it */
    bool reached = drive_to(AT_CHALLENGE);
    answer(200, NULL, "{\"unexpected\":true}");
    CHECK("client: a challenge answered with any object goes on to poll the authorization",
          reached && next().kind == ACME_WAIT);
}

static void test_poll_bound(void)
{
    static const char *const one[] = { "example.test" };
    start(one, 1, ACME_HTTP01);
    through_account(201);
    next();
    answer(201, "https://ca.test/order/1", "{\"status\":\"ready\",\"authorizations\":[\"https://ca.test/authz/1\"],"
                                          "\"finalize\":\"https://ca.test/order/1/finalize\"}");
    next();
    answer(200, NULL, "{\"status\":\"processing\"}");
    struct acme_action a = next();
    int polls = 0;
    int64_t longest = 0;
    while (a.kind == ACME_WAIT && polls < 100) {
        if (a.until - now > longest)
            longest = a.until - now;
        now = a.until;
        a = next();
        answer(200, NULL, "{\"status\":\"processing\"}");
        a = next();
        polls++;
    }
    CHECK("client: order polls are bounded, then fail", a.kind == ACME_FAILED && polls == ACME_MAX_POLLS);
    CHECK("client: poll back-off is capped at 60 s", longest == 60);
}

/* A self-signed P-256 certificate for x.test made by python3-cryptography
 * (which writes what openssl's command line cannot: any dates, any
 * extensions) in the temporary file `name`: valid from `not_before` to
 * `not_after` (datetime.datetime's arguments), with `extra` (builder
 * calls) before it is signed. */
static void python_self_signed(const char *name, const char *not_before, const char *not_after, const char *extra)
{
    (void)openssl_path(name);
    openssl_run("python3 -c \"\n"
                "import datetime\n"
                "from cryptography import x509\n"
                "from cryptography.hazmat.primitives import hashes, serialization\n"
                "from cryptography.hazmat.primitives.asymmetric import ec\n"
                "k = ec.generate_private_key(ec.SECP256R1())\n"
                "n = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, 'x.test')])\n"
                "c = (x509.CertificateBuilder().subject_name(n).issuer_name(n).public_key(k.public_key())\n"
                "     .serial_number(7).not_valid_before(datetime.datetime(%s))\n"
                "     .not_valid_after(datetime.datetime(%s))\n"
                "     %s.sign(k, hashes.SHA256()))\n"
                "open('%s', 'wb').write(c.public_bytes(serialization.Encoding.PEM))\n"
                "\"",
                not_before, not_after, extra, name);
}

static void test_cert_validity(void)
{
    /* GeneralizedTime (after 2049) and a leap day */
    python_self_signed("gt.pem", "2048, 2, 29, 12, 34, 56", "2051, 3, 1, 0, 0, 1", "");
    size_t n;
    char *pem = openssl_read("gt.pem", &n);
    int64_t nb = 0, na = 0;
    /* 2048-02-29T12:34:56Z and 2051-03-01T00:00:01Z as `date -u -d ... +%s` gives them */
    CHECK("cert_validity: UTCTime and GeneralizedTime, a leap day",
          cert_validity_pem(pem, n, &nb, &na) && nb == 2466592496LL && na == 2561241601LL);
    CHECK("cert_validity: a PEM without a certificate is refused",
          !cert_validity_pem("-----BEGIN X-----\nAAAA\n-----END X-----\n", 38, &nb, &na));
    uint8_t junk[] = { 0x30, 0x03, 0x30, 0x01, 0x02 };
    CHECK("cert_validity: truncated DER is refused", !cert_validity(junk, sizeof junk, &nb, &na));
    free(pem);
}

/* ---- ACME Renewal Information (RFC 9773) ---- */

/* RFC 9773 Appendix A's example end-entity certificate, whose CertID the
 * RFC works out in section 4.1: a known answer. */
static const char rfc9773_example[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBQzCB66ADAgECAgUAh2VDITAKBggqhkjOPQQDAjAVMRMwEQYDVQQDEwpFeGFt\n"
    "cGxlIENBMCIYDzAwMDEwMTAxMDAwMDAwWhgPMDAwMTAxMDEwMDAwMDBaMBYxFDAS\n"
    "BgNVBAMTC2V4YW1wbGUuY29tMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEeBZu\n"
    "7cbpAYNXZLbbh8rNIzuOoqOOtmxA1v7cRm//AwyMwWxyHz4zfwmBhcSrf47NUAFf\n"
    "qzLQ2PPQxdTXREYEnKMjMCEwHwYDVR0jBBgwFoAUaYhba4dGQEHhs3uEe6CuLN4B\n"
    "yNQwCgYIKoZIzj0EAwIDRwAwRAIge09+S5TZAlw5tgtiVvuERV6cT4mfutXIlwTb\n"
    "+FYN/8oCIClDsqBklhB9KAelFiYt9+6FDj3z4KGVelYM5MdsO3pK\n"
    "-----END CERTIFICATE-----\n";

static char ari_chain[16384];
static char ari_cert_id_expected[ARI_CERT_ID_MAX];
static int64_t ari_not_before, ari_not_after;

/* A leaf for example.test (serial 0x87654321, whose DER needs a sign
 * byte) issued by a CA that openssl makes now, followed by the CA; its
 * CertID as python3-cryptography works it out from the AKI and the
 * serial it reads, and its dates as `date` reads them. */
static void make_ari_chain(void)
{
    (void)openssl_path("ari.pem");
    openssl_run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc -days 3650 -subj /CN=Test-CA "
                "-keyout ca.key -out ca.pem 2>/dev/null && "
                "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc -subj /CN=example.test "
                "-keyout ari.key -out ari.csr 2>/dev/null && "
                "printf 'authorityKeyIdentifier=keyid:always\\nsubjectAltName=DNS:example.test\\n' > ari.ext && "
                "openssl x509 -req -in ari.csr -CA ca.pem -CAkey ca.key -set_serial 0x87654321 -days 90 "
                "-extfile ari.ext -out leaf.pem 2>/dev/null && cat leaf.pem ca.pem > ari.pem && "
                "date -d \"$(openssl x509 -in leaf.pem -noout -startdate | cut -d= -f2)\" +%%s > ari.dates && "
                "date -d \"$(openssl x509 -in leaf.pem -noout -enddate | cut -d= -f2)\" +%%s >> ari.dates");
    openssl_run("python3 -c \"\n"
                "import base64\n"
                "from cryptography import x509\n"
                "c = x509.load_pem_x509_certificate(open('leaf.pem', 'rb').read())\n"
                "aki = c.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier\n"
                "n = c.serial_number\n"
                "b = lambda v: base64.urlsafe_b64encode(v).rstrip(b'=').decode()\n"
                "open('ari.id', 'w').write(b(aki) + '.' + b(n.to_bytes((n.bit_length() + 8) // 8, 'big')))\n"
                "\"");
    openssl_read_text("ari.pem", ari_chain, sizeof ari_chain);
    openssl_read_text("ari.id", ari_cert_id_expected, sizeof ari_cert_id_expected);
    openssl_read_dates("ari.dates", &ari_not_before, &ari_not_after);
}

static void test_ari_cert_id(void)
{
    char id[ARI_CERT_ID_MAX];
    CHECK("ari: RFC 9773's example certificate has the CertID the RFC gives",
          ari_cert_id_pem(rfc9773_example, strlen(rfc9773_example), id, sizeof id) &&
              strcmp(id, "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE") == 0);
    make_ari_chain();
    CHECK("ari: the CertID of an openssl-made leaf is python3-cryptography's (AKI keyid . serial with its sign byte)",
          ari_cert_id_pem(ari_chain, strlen(ari_chain), id, sizeof id) && strcmp(id, ari_cert_id_expected) == 0 &&
              strstr(id, ".AIdlQyE") != NULL);
    printf("# CertID %s\n", id);
    CHECK("ari: no room for the CertID is refused, not cut", !ari_cert_id_pem(ari_chain, strlen(ari_chain), id, 20));
    size_t n;
    /* a Subject Key Identifier, but no Authority Key Identifier */
    python_self_signed("noaki.pem", "2030, 1, 1", "2030, 4, 1",
                       ".add_extension(x509.SubjectKeyIdentifier.from_public_key(k.public_key()), False)");
    char *pem = openssl_read("noaki.pem", &n);
    CHECK("ari: a certificate without an Authority Key Identifier has no CertID", !ari_cert_id_pem(pem, n, id, sizeof id));
    free(pem);
    uint8_t junk[] = { 0x30, 0x03, 0x30, 0x01, 0x02 };
    CHECK("ari: truncated DER has no CertID", !ari_cert_id(junk, sizeof junk, id, sizeof id));
    CHECK("ari: CertID shapes", ari_cert_id_valid("aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE") && ari_cert_id_valid("a.b") &&
                                    !ari_cert_id_valid("aYhba4dGQEHhs3uEe6CuLN4ByNQ") && !ari_cert_id_valid(".AIdlQyE") &&
                                    !ari_cert_id_valid("a.") && !ari_cert_id_valid("a.b.c") &&
                                    !ari_cert_id_valid("a=.b") && !ari_cert_id_valid("a/b.c") && !ari_cert_id_valid(""));
}

static void test_rfc3339(void)
{
    static const struct {
        const char *text;
        int64_t seconds;        /* as `date -u -d TEXT +%s` gives it; -1: refused */
    } cases[] = {
        { "2025-01-02T04:00:00Z", 1735790400 },
        { "2025-01-02t04:00:00z", 1735790400 },
        { "2025-01-02T05:30:00.123+01:30", 1735790400 },
        { "2025-01-01T23:00:00.999999999-05:00", 1735790400 },
        { "2016-12-31T23:59:60Z", 1483228800 },     /* a leap second: where 2017 begins */
        { "2024-02-29T00:00:00Z", 1709164800 },
        { "0001-01-01T00:00:00Z", -62135596800 },
        { "2025-02-29T00:00:00Z", -1 },
        { "2025-01-02 04:00:00Z", -1 },
        { "2025-01-02T04:00:00", -1 },
        { "2025-01-02T04:00:00.Z", -1 },
        { "2025-01-02T04:00:00.1234567890Z", -1 },
        { "2025-01-02T24:00:00Z", -1 },
        { "2025-01-02T04:00:00+24:00", -1 },
        { "2025-01-02T04:00:00+0100", -1 },
        { "0000-01-01T00:00:00Z", -1 },
        { "2025-01-02T04:00:00Zjunk", -1 },
        { "2025-1-02T04:00:00Z", -1 },
        { "", -1 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t t = -1;
        bool ok = rfc3339_parse(cases[i].text, strlen(cases[i].text), &t);
        char name[160];
        snprintf(name, sizeof name, "rfc3339: \"%s\" %s", cases[i].text, cases[i].seconds == -1 ? "refused" : "read");
        CHECK(name, cases[i].seconds == -1 ? !ok : ok && t == cases[i].seconds);
    }
}

static void test_renewal_info_parse(void)
{
    static struct json_token tokens[64];
    struct renewal_info info;
    char why[128];
    /* RFC 9773 section 4.2's example */
    static const char rfc[] = "{\n  \"suggestedWindow\": {\n    \"start\": \"2025-01-02T04:00:00Z\",\n"
                              "    \"end\": \"2025-01-03T04:00:00Z\"\n  },\n"
                              "  \"explanationURL\": \"https://acme.example.com/docs/ari\"\n}";
    CHECK("renewal_info: RFC 9773's example: the window and the explanation",
          renewal_info_parse(rfc, strlen(rfc), tokens, 64, &info, why, sizeof why) && info.start == 1735790400 &&
              info.end == 1735790400 + 86400 && strcmp(info.explanation_url, "https://acme.example.com/docs/ari") == 0);
    /* as upstream Pebble writes it (Go's time.Time: milliseconds, no explanation) */
    static const char pebble[] = "{\"suggestedWindow\":{\"start\":\"2025-01-02T04:00:00.5Z\",\"end\":\"2025-01-03T04:00:00.25Z\"}}";
    CHECK("renewal_info: fractions of a second, no explanationURL, unknown members ignored",
          renewal_info_parse(pebble, strlen(pebble), tokens, 64, &info, why, sizeof why) && info.start == 1735790400 &&
              info.end == 1735790400 + 86400 && info.explanation_url[0] == '\0');
    static const struct {
        const char *body, *why;
    } bad[] = {
        { "<html>", "not JSON" },
        { "[]", "not a JSON object" },
        { "{}", "no suggestedWindow object" },
        { "{\"suggestedWindow\":[\"2025-01-02T04:00:00Z\",\"2025-01-03T04:00:00Z\"]}", "no suggestedWindow object" },
        { "{\"suggestedWindow\":{\"start\":\"yesterday\",\"end\":\"2025-01-03T04:00:00Z\"}}", "start is not an RFC 3339 time" },
        { "{\"suggestedWindow\":{\"start\":\"2025-01-02T04:00:00Z\",\"end\":1735876800}}", "end is not an RFC 3339 time" },
        { "{\"suggestedWindow\":{\"start\":\"2025-01-03T04:00:00Z\",\"end\":\"2025-01-02T04:00:00Z\"}}",
          "does not end after it starts" },
        { "{\"suggestedWindow\":{\"start\":\"2025-01-02T04:00:00Z\",\"end\":\"2025-01-02T05:00:00+01:00\"}}",
          "does not end after it starts" },
        { "{\"suggestedWindow\":{\"start\":\"2025-01-02T04:00:00Z\",\"end\":\"2025-01-03T04:00:00Z\"},"
          "\"explanationURL\":\"see \\u001b[31mhere\"}", "explanationURL" },
        { "{\"suggestedWindow\":{\"start\":\"2025-01-02T04:00:00Z\",\"end\":\"2025-01-03T04:00:00Z\"},\"explanationURL\":7}",
          "explanationURL" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char name[160];
        snprintf(name, sizeof name, "renewal_info: malformed %zu refused (%s)", i, bad[i].why);
        bool parsed = renewal_info_parse(bad[i].body, strlen(bad[i].body), tokens, 64, &info, why, sizeof why);
        CHECK(name, !parsed && strstr(why, bad[i].why));
        if (parsed || !strstr(why, bad[i].why))
            printf("# got: %s\n", parsed ? "parsed" : why);
    }
}

static const char directory_ari[] =
    "{\"newNonce\":\"https://ca.test/nonce\",\"newAccount\":\"https://ca.test/acct\",\"newOrder\":\"https://ca.test/order\","
    "\"revokeCert\":\"https://ca.test/revoke\",\"keyChange\":\"https://ca.test/key\","
    "\"renewalInfo\":\"https://ca.test/renewal-info\",\"meta\":{\"termsOfService\":\"https://ca.test/tos\"}}";

static const char *const example_test[] = { "example.test" };

/* A run for cfg (its log cleared) through newAccount against a CA with
 * `dir`: the directory, a nonce, the account created; the client's next
 * request is newOrder. False if cfg is refused. */
static bool to_order_request(const struct acme_config *cfg, const char *dir)
{
    log_text[0] = '\0';
    if (!acme_client_init(&client, cfg))
        return false;
    next();
    answer_full(200, NULL, NULL, "", dir);
    next();
    answer(200, NULL, NULL);
    next();
    answer(201, "https://ca.test/acct/1", account_valid);
    return true;
}

/* The client's next action is a newOrder POST (signed by the account):
 * its payload in `payload`. */
static bool next_is_order(char *payload, size_t cap)
{
    struct acme_action a = next();
    return jws_ok(&a.request, "https://ca.test/order", last_nonce, true, payload, cap);
}

/* The CA's answer to newOrder: order/5, ready at once (its one
 * authorization already valid). */
static void answer_order_ready(void)
{
    answer(201, "https://ca.test/order/5", "{\"status\":\"ready\",\"authorizations\":[\"https://ca.test/authz/5\"],"
                                          "\"finalize\":\"https://ca.test/order/5/fin\"}");
}

/* A run for example.test against a CA with `dir`, naming `replaces`:
 * through newOrder, whose payload lands in `order_payload`; the order is
 * then ready, finalized, valid and its chain (ari_chain) downloaded.
 * True if the run ended ACME_DONE. */
static bool ari_run(const char *dir, const char *replaces, char *order_payload, size_t cap)
{
    struct acme_config cfg = {
        .directory_url = DIR_URL, .names = example_test, .name_count = 1, .challenge = ACME_HTTP01,
        .account_key = &account_key, .certificate_key = &cert_key, .replaces = replaces, .log = log_line,
    };
    if (!to_order_request(&cfg, dir) || !next_is_order(order_payload, cap))
        return false;
    answer_order_ready();
    next();
    answer(200, "https://ca.test/order/5", "{\"status\":\"valid\",\"certificate\":\"https://ca.test/cert/5\"}");
    next();
    answer(200, NULL, ari_chain);
    return next().kind == ACME_DONE;
}

/* A check of renewal information for `cert_id` against a CA with `dir`;
 * the client's next request is the renewalInfo GET (or the check has
 * ended, when the CA offers none). */
static bool ari_check_begin(const char *dir, const char *cert_id)
{
    struct acme_config cfg = {
        .directory_url = DIR_URL, .names = example_test, .name_count = 1, .challenge = ACME_HTTP01,
        .account_key = &account_key, .certificate_key = &cert_key, .log = log_line,
    };
    log_text[0] = '\0';
    if (!acme_client_init_check(&client, &cfg, cert_id))
        return false;
    struct acme_action a = next();
    if (!is_send(&a, "GET", DIR_URL))
        return false;
    answer_full(200, NULL, NULL, "", dir);
    return true;
}

/* RFC 3339 text of t (UTC). */
static const char *rfc3339_text(int64_t t)
{
    static char out[4][32];
    static int k;
    char *o = out[k++ % 4];
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(o, sizeof out[0], "%Y-%m-%dT%H:%M:%SZ", &tm);
    return o;
}

/* The CA's answer to the renewalInfo GET: a window [start, end). */
static void answer_window(int64_t start, int64_t end, const char *retry_after)
{
    char body[256];
    snprintf(body, sizeof body, "{\"suggestedWindow\":{\"start\":\"%s\",\"end\":\"%s\"}}", rfc3339_text(start),
             rfc3339_text(end));
    answer_full(200, NULL, retry_after, "", body);
}

/* One whole check answered with a window; the state takes its result. */
static bool check_with_window(struct acme_renewal_state *st, int64_t start, int64_t end, const char *retry_after,
                              uint64_t random)
{
    if (!ari_check_begin(directory_ari, st->cert_id))
        return false;
    next();
    answer_window(start, end, retry_after);
    if (next().kind != ACME_CHECKED)
        return false;
    struct acme_ari_result r;
    acme_client_renewal_info(&client, &r);
    acme_renewal_checked(st, &r, now, random);
    return r.outcome == ACME_ARI_WINDOW;
}

static void test_ari_exchange(void)
{
    char payload[4096], url[512];
    CHECK("ari: a first run (nothing to replace) against a CA with renewalInfo",
          ari_run(directory_ari, NULL, payload, sizeof payload));
    CHECK("ari: ... orders without \"replaces\"",
          strcmp(payload, "{\"identifiers\":[{\"type\":\"dns\",\"value\":\"example.test\"}]}") == 0);
    CHECK("ari: ... and has the issued certificate's CertID", strcmp(acme_client_cert_id(&client), ari_cert_id_expected) == 0);
    struct acme_renewal_state st;
    acme_renewal_issued(&st, ari_not_before, ari_not_after, acme_client_cert_id(&client), now);
    int64_t two_thirds = acme_renewal_time(ari_not_before, ari_not_after);
    CHECK("ari: renewal information is asked for right after issuance", acme_next_check(&st) == now);
    CHECK("ari: until it answers, the renewal is at two thirds", acme_next_run(&st, now) == two_thirds);

    /* the check: directory, then GET renewalInfo/<CertID>, unauthenticated */
    CHECK("ari: a check begins with the directory", ari_check_begin(directory_ari, st.cert_id));
    struct acme_action a = next();
    snprintf(url, sizeof url, "https://ca.test/renewal-info/%s", ari_cert_id_expected);
    CHECK("ari: then an unauthenticated GET of renewalInfo/<CertID> asking for JSON",
          is_send(&a, "GET", url) && !a.request.body && a.request.body_len == 0 && !a.request.content_type &&
              a.request.accept && strcmp(a.request.accept, "application/json") == 0);
    /* a window later than the two-thirds point: the CA's word wins */
    int64_t start = two_thirds + 10 * 86400, end = start + 2 * 86400;
    answer_window(start, end, "21600");
    a = next();
    struct acme_ari_result r;
    acme_client_renewal_info(&client, &r);
    CHECK("ari: the check ends with the window read", a.kind == ACME_CHECKED && r.outcome == ACME_ARI_WINDOW &&
                                                          r.start == start && r.end == end && r.retry_after == 21600);
    CHECK("ari: the window is logged", strstr(log_text, "acme: renewal information: suggested window") != NULL);
    CHECK("ari: a check is no run: nothing more to do", next().kind == ACME_CHECKED);
    acme_renewal_checked(&st, &r, now, 123456789);
    CHECK("ari: the renewal is at a time within the window, chosen from the random bits",
          acme_next_run(&st, now) == start + 123456789 % (end - start) && acme_next_run(&st, now) >= start &&
              acme_next_run(&st, now) < end);
    CHECK("ari: ... later than two thirds: the window supersedes the client's own point",
          acme_next_run(&st, now) > two_thirds && strstr(acme_renewal_due_why(&st), "suggested window"));
    CHECK("ari: Retry-After (6 h) sets the next check", acme_next_check(&st) == now + 21600);
    struct acme_renewal_state edges = st;
    edges.have_window = false;
    acme_renewal_checked(&edges, &r, now, 0);
    int64_t first = acme_renewal_due(&edges);
    edges.have_window = false;
    acme_renewal_checked(&edges, &r, now, (uint64_t)(end - start) - 1);
    CHECK("ari: the choice spans the window, start included, end not", first == start && acme_renewal_due(&edges) == end - 1);

    /* the next check, 6 h later: the same window keeps the time chosen */
    now += 21600;
    int64_t chosen = acme_renewal_due(&st);
    CHECK("ari: a later check answering the same window", check_with_window(&st, start, end, "21600", 987654321));
    CHECK("ari: ... keeps the time chosen before (no drift towards the start)", acme_renewal_due(&st) == chosen);
    /* the CA moves the window earlier than two thirds, as before a mass revocation */
    int64_t early_start = now + 3 * 86400, early_end = early_start + 3600;
    CHECK("ari: a check answering an earlier window", check_with_window(&st, early_start, early_end, NULL, 42));
    CHECK("ari: ... moves the renewal into it, earlier than two thirds",
          acme_next_run(&st, now) == early_start + 42 && acme_next_run(&st, now) < two_thirds);
    CHECK("ari: no Retry-After: checked again in 6 h", acme_next_check(&st) == now + 6 * 3600);

    /* Retry-After's bounds: at least a minute, at most a day */
    check_with_window(&st, early_start, early_end, "5", 42);
    CHECK("ari: Retry-After under a minute counts as a minute", acme_next_check(&st) == now + 60);
    check_with_window(&st, early_start, early_end, "999999999999", 42);
    CHECK("ari: Retry-After over a day counts as a day", acme_next_check(&st) == now + 86400);
    char date[HTTP_DATE_LEN + 1];
    http_date_format((uint64_t)(now + 7200), date);
    date[HTTP_DATE_LEN] = '\0';
    check_with_window(&st, early_start, early_end, date, 42);
    CHECK("ari: Retry-After as an HTTP date (2 h ahead)", acme_next_check(&st) == now + 7200);
    check_with_window(&st, early_start, early_end, "soon", 42);
    CHECK("ari: a Retry-After that is neither: 6 h", acme_next_check(&st) == now + 6 * 3600);

    /* a window wholly in the past: renew at once */
    CHECK("ari: a check answering a window in the past", check_with_window(&st, now - 7200, now - 3600, "21600", 99));
    CHECK("ari: ... makes the renewal due now", acme_next_run(&st, now) <= now);

    /* the renewal run names the certificate it replaces */
    const char *replaced = st.cert_id;
    CHECK("ari: the renewal run", ari_run(directory_ari, replaced, payload, sizeof payload));
    char expect[512];
    snprintf(expect, sizeof expect, "{\"identifiers\":[{\"type\":\"dns\",\"value\":\"example.test\"}],\"replaces\":\"%s\"}",
             ari_cert_id_expected);
    CHECK("ari: ... orders with \"replaces\": the replaced certificate's CertID", strcmp(payload, expect) == 0);
    if (strcmp(payload, expect) != 0)
        printf("# got: %s\n", payload);
}

static void test_ari_replaces_refused(void)
{
    struct acme_config cfg = {
        .directory_url = DIR_URL, .names = example_test, .name_count = 1, .challenge = ACME_HTTP01,
        .account_key = &account_key, .certificate_key = &cert_key, .replaces = "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE",
        .log = log_line,
    };
    char payload[1024];
    CHECK("ari: no \"replaces\" to a CA that offers no renewal information",
          to_order_request(&cfg, directory) && next_is_order(payload, sizeof payload) &&
              strstr(payload, "replaces") == NULL);

    to_order_request(&cfg, directory_ari);
    CHECK("ari: \"replaces\" sent", next_is_order(payload, sizeof payload) &&
                                        strstr(payload, "\"replaces\":\"aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE\""));
    answer(409, NULL, "{\"type\":\"urn:ietf:params:acme:error:alreadyReplaced\",\"detail\":\"already has a replacement order\"}");
    CHECK("ari: alreadyReplaced: the order is sent again at once, without \"replaces\"",
          next_is_order(payload, sizeof payload) &&
              strcmp(payload, "{\"identifiers\":[{\"type\":\"dns\",\"value\":\"example.test\"}]}") == 0);
    CHECK("ari: ... saying so", strstr(log_text, "acme: newOrder: HTTP 409, alreadyReplaced: already has a replacement order; "
                                                 "ordering again without \"replaces\"") != NULL);
    answer_order_ready();
    struct acme_action a = next();
    CHECK("ari: ... and the run goes on", is_send(&a, "POST", "https://ca.test/order/5/fin"));

    /* a server error over "replaces" (upstream Pebble answers 500 for a
     * certificate it does not know): retried after back-off, without it */
    to_order_request(&cfg, directory_ari);
    next();
    answer(500, NULL, "{\"type\":\"urn:ietf:params:acme:error:serverInternal\",\"detail\":\"could not find an order\"}");
    a = next();
    CHECK("ari: a server error: a wait first", a.kind == ACME_WAIT && a.until == now + 2);
    now = a.until;
    CHECK("ari: ... then the order without \"replaces\"",
          next_is_order(payload, sizeof payload) && strstr(payload, "replaces") == NULL);

    /* rateLimited is about the rate, not "replaces", which may be what exempts the renewal */
    to_order_request(&cfg, directory_ari);
    next();
    answer_full(429, NULL, "60", NULL, "{\"type\":\"urn:ietf:params:acme:error:rateLimited\"}");
    now = next().until;
    CHECK("ari: rateLimited: the order keeps \"replaces\"",
          next_is_order(payload, sizeof payload) && strstr(payload, "\"replaces\""));

    static const char *const bad_replaces = "not a CertID";
    cfg.replaces = bad_replaces;
    CHECK("ari: init refuses a \"replaces\" that is no CertID", !acme_client_init(&client, &cfg));
}

static void test_ari_failures(void)
{
    struct acme_renewal_state st;
    acme_renewal_issued(&st, ari_not_before, ari_not_after, ari_cert_id_expected, now);
    int64_t two_thirds = acme_renewal_time(ari_not_before, ari_not_after);
    struct acme_ari_result r;
    static const struct {
        const char *body, *log;
    } malformed[] = {
        { "{\"suggestedWindow\":", "not JSON" },
        { "{\"suggestedWindow\":{\"start\":\"2025-13-01T00:00:00Z\",\"end\":\"2025-01-03T04:00:00Z\"}}",
          "the window's start is not an RFC 3339 time" },
        { "{\"suggestedWindow\":{\"start\":\"2025-01-03T04:00:00Z\",\"end\":\"2025-01-02T04:00:00Z\"}}",
          "the window does not end after it starts" },
    };
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        ari_check_begin(directory_ari, st.cert_id);
        next();
        answer_full(200, NULL, "60", "", malformed[i].body);
        struct acme_action a = next();
        acme_client_renewal_info(&client, &r);
        char name[160], line[256];
        snprintf(name, sizeof name, "ari: a malformed answer (%s) ends the check without a window, logged", malformed[i].log);
        snprintf(line, sizeof line, "acme: renewal information ignored: renewalInfo: malformed answer (HTTP 200): %s",
                 malformed[i].log);
        CHECK(name, a.kind == ACME_CHECKED && r.outcome == ACME_ARI_FAILED && strstr(log_text, line));
        if (!strstr(log_text, line))
            printf("# log: %s", log_text);
        acme_renewal_checked(&st, &r, now, 7);
        CHECK("ari: ... the renewal stays at two thirds, the next check in 6 h (not the Retry-After)",
              acme_next_run(&st, now) == two_thirds && acme_next_check(&st) == now + 6 * 3600 &&
                  strstr(acme_renewal_due_why(&st), "two thirds"));
    }

    ari_check_begin(directory_ari, st.cert_id);
    next();
    answer_full(404, NULL, NULL, "", "{\"type\":\"urn:ietf:params:acme:error:malformed\",\"detail\":\"no such certificate\"}");
    struct acme_action a = next();
    acme_client_renewal_info(&client, &r);
    CHECK("ari: an error answer ends the check without a window, quoting the CA",
          a.kind == ACME_CHECKED && r.outcome == ACME_ARI_FAILED &&
              strstr(log_text, "renewal information ignored: renewalInfo: HTTP 404, malformed: no such certificate"));

    /* temporary errors are retried with back-off a few times first (RFC 9773 section 4.3.3) */
    ari_check_begin(directory_ari, st.cert_id);
    int requests = 0;
    for (a = next(); a.kind == ACME_SEND || a.kind == ACME_WAIT; a = next()) {
        if (a.kind == ACME_WAIT) {
            now = a.until;
            continue;
        }
        requests++;
        answer(requests % 2 ? 503 : 0, NULL, NULL);
    }
    acme_client_renewal_info(&client, &r);
    CHECK("ari: 503s and no answers are retried, then the check ends without a window",
          a.kind == ACME_CHECKED && r.outcome == ACME_ARI_FAILED && requests == ACME_MAX_RETRIES + 1);

    /* a window known, then checks that fail: the earlier of its time and two thirds */
    check_with_window(&st, two_thirds + 86400, two_thirds + 2 * 86400, "21600", 0);
    CHECK("ari: a window after two thirds", acme_next_run(&st, now) == two_thirds + 86400);
    r = (struct acme_ari_result){ .outcome = ACME_ARI_FAILED };
    acme_renewal_checked(&st, &r, now, 0);
    CHECK("ari: once a check fails, not later than two thirds", acme_next_run(&st, now) == two_thirds &&
                                                                    strstr(acme_renewal_due_why(&st), "latest check failed"));
    check_with_window(&st, two_thirds - 2 * 86400, two_thirds - 86400, "21600", 0);
    acme_renewal_checked(&st, &r, now, 0);
    CHECK("ari: ... and the window's time when it is earlier", acme_next_run(&st, now) == two_thirds - 2 * 86400);
    check_with_window(&st, two_thirds + 86400, two_thirds + 2 * 86400, "21600", 0);
    CHECK("ari: a good answer again: the CA's window", acme_next_run(&st, now) == two_thirds + 86400);
    st.failures = 2;
    st.last_failure = two_thirds + 3 * 86400;
    CHECK("ari: failed runs back off as before", acme_next_run(&st, two_thirds + 3 * 86400) == two_thirds + 3 * 86400 + 120);
    st.failures = 0;
    st.next_check = ari_not_after;
    CHECK("ari: no check once the certificate has expired", acme_next_check(&st) == INT64_MAX);
}

static void test_ari_absent(void)
{
    char payload[1024];
    CHECK("ari: a run against a CA without renewalInfo",
          ari_run(directory, "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE", payload, sizeof payload));
    CHECK("ari: ... orders without \"replaces\" and has no CertID to check",
          strstr(payload, "replaces") == NULL && acme_client_cert_id(&client)[0] == '\0' &&
              strstr(log_text, "renewal information") == NULL);
    struct acme_renewal_state st;
    acme_renewal_issued(&st, ari_not_before, ari_not_after, acme_client_cert_id(&client), now);
    CHECK("ari: ... no check planned, renewal at two thirds as before",
          acme_next_check(&st) == INT64_MAX && acme_next_run(&st, now) == acme_renewal_time(ari_not_before, ari_not_after));

    /* a CA that stops offering it */
    acme_renewal_issued(&st, ari_not_before, ari_not_after, ari_cert_id_expected, now);
    check_with_window(&st, now + 86400, now + 2 * 86400, NULL, 0);
    CHECK("ari: a check against a CA that has stopped offering renewal information",
          ari_check_begin(directory, st.cert_id) && next().kind == ACME_CHECKED);
    struct acme_ari_result r;
    acme_client_renewal_info(&client, &r);
    acme_renewal_checked(&st, &r, now, 0);
    CHECK("ari: ... ends saying so, with no more checks and renewal at two thirds",
          r.outcome == ACME_ARI_ABSENT && strstr(log_text, "the CA offers no renewal information") &&
              acme_next_check(&st) == INT64_MAX && acme_next_run(&st, now) == acme_renewal_time(ari_not_before, ari_not_after));
    struct acme_config cfg = { .directory_url = DIR_URL, .names = example_test, .name_count = 1,
                               .account_key = &account_key, .certificate_key = &cert_key };
    CHECK("ari: a check needs a CertID", !acme_client_init_check(&client, &cfg, "") &&
                                             !acme_client_init_check(&client, &cfg, "no.Cert.ID"));
}

int main(void)
{
    keys();
    test_issuance();
    test_bad_nonce_and_existing_account();
    test_problems();
    test_retries();
    test_schedule_loop();
    test_rejected_challenge();
    test_apex_and_wildcard_dns01();
    test_together_failure_withdraws_all();
    test_together_mixed();
    test_malformed();
    test_malformed_each_step();
    test_poll_bound();
    test_cert_validity();
    test_ari_cert_id();
    test_rfc3339();
    test_renewal_info_parse();
    test_ari_exchange();
    test_ari_replaces_refused();
    test_ari_failures();
    test_ari_absent();
    return CHECK_DONE();
}
