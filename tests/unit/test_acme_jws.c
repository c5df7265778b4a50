/*
 * Unit tests of base64url, JSON output, JWKs with their thumbprints and
 * ES256 JWS (src/acme/base64url.c, json_write.c, jwk.c, jws.c): RFC 4648's
 * vectors, RFC 7515 appendix A.3's key (its private key must give its
 * published x and y), a thumbprint known answer, and JWS objects checked
 * by another implementation: Python's json module and python3-cryptography
 * (tests/unit/acme_jws_verify.py), including a tampered one that it must
 * reject.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acme/base64url.h"
#include "acme/json_read.h"
#include "acme/json_write.h"
#include "acme/jwk.h"
#include "acme/jws.h"
#include "check.h"
#include "openssl_keys.h"

static void test_base64url(void)
{
    static const char *const vectors[][2] = {
        { "", "" }, { "f", "Zg" }, { "fo", "Zm8" }, { "foo", "Zm9v" },
        { "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" }, { "foobar", "Zm9vYmFy" },
    };
    int all = 1;
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        char out[16];
        uint8_t back[16];
        long n = base64url_encode(vectors[i][0], strlen(vectors[i][0]), out, sizeof out);
        long m = base64url_decode(out, strlen(out), back, sizeof back);
        all &= n == (long)strlen(vectors[i][1]) && strcmp(out, vectors[i][1]) == 0 &&
               m == (long)strlen(vectors[i][0]) && memcmp(back, vectors[i][0], (size_t)m) == 0;
    }
    CHECK("base64url: RFC 4648 section 10 vectors, unpadded, both ways", all);
    const uint8_t url_safe[] = { 0xfb, 0xff, 0xbf };
    char out[8];
    CHECK("base64url: the URL-safe alphabet", base64url_encode(url_safe, 3, out, sizeof out) == 4 &&
                                                  strcmp(out, "-_-_") == 0);
    /* The 64 characters in order are the 6-bit values 0..63: decoded, then
     * encoded again, each must come back as itself. */
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    uint8_t all_bytes[48];
    char all_again[65];
    CHECK("base64url: every one of the 64 characters encodes its own value",
          base64url_decode(alphabet, 64, all_bytes, sizeof all_bytes) == 48 &&
              base64url_encode(all_bytes, 48, all_again, sizeof all_again) == 64 && strcmp(alphabet, all_again) == 0);
    CHECK("base64url: no room for the NUL is -1", base64url_encode("foo", 3, out, 4) == -1);
    uint8_t b[8];
    CHECK("base64url: padding is refused", base64url_decode("Zg==", 4, b, sizeof b) == -1);
    CHECK("base64url: '+' and '/' are refused", base64url_decode("+/8", 3, b, sizeof b) == -1);
    CHECK("base64url: one leftover character is refused", base64url_decode("Zm9vY", 5, b, sizeof b) == -1);
    CHECK("base64url: non-zero unused bits are refused", base64url_decode("Zh", 2, b, sizeof b) == -1);
    CHECK("base64url: whitespace is refused", base64url_decode("Zm 9v", 5, b, sizeof b) == -1);
    CHECK("base64url: output larger than cap is refused", base64url_decode("Zm9vYmFy", 8, b, 5) == -1);

    int round_trips = 1;
    uint8_t in[100], back[100];
    char text[200];
    for (size_t len = 0; len <= sizeof in; len++) {
        for (size_t i = 0; i < len; i++)
            in[i] = (uint8_t)(i * 37 + len * 11);
        long n = base64url_encode(in, len, text, sizeof text);
        round_trips &= n == (long)base64url_encoded_len(len) &&
                       base64url_decode(text, (size_t)n, back, sizeof back) == (long)len && memcmp(in, back, len) == 0;
    }
    CHECK("base64url: every length 0..100 round-trips", round_trips);
}

static void test_json_write(void)
{
    char buf[128];
    struct json_out o;
    json_out_init(&o, buf, sizeof buf);
    json_out_raw(&o, "{\"v\":");
    json_out_string(&o, "a\"b\\c\n\x01\x1f\xc3\xa9/");
    json_out_raw(&o, "}");
    CHECK("json_write: escapes quote, backslash and control characters",
          !o.overflow && strcmp(buf, "{\"v\":\"a\\\"b\\\\c\\u000a\\u0001\\u001f\xc3\xa9/\"}") == 0);
    struct json_token t[4];
    struct json_doc doc;
    struct json_error err;
    char back[32];
    CHECK("json_write: what it writes reads back", json_read(&doc, buf, o.len, t, 4, &err) &&
                                                    json_string(&doc, 2, back, sizeof back) == 11 &&
                                                    strcmp(back, "a\"b\\c\n\x01\x1f\xc3\xa9/") == 0);
    json_out_init(&o, buf, 8);
    json_out_raw(&o, "1234567");
    CHECK("json_write: fills the buffer but for the NUL", !o.overflow && o.len == 7);
    json_out_raw(&o, "8");
    json_out_raw(&o, "");
    CHECK("json_write: a write that does not fit overflows and stays overflowed", o.overflow && o.len == 7 &&
                                                                                   strcmp(buf, "1234567") == 0);
}

static void unhex(uint8_t *out, const char *hex)
{
    for (size_t i = 0; hex[2 * i]; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

/* RFC 7515 appendix A.3's P-256 key. */
static void rfc7515_key(struct p256_key *key)
{
    uint8_t d[32];
    CHECK("jwk: RFC 7515 A.3's d decodes",
          base64url_decode("jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI", 43, d, sizeof d) == 32);
    CHECK("jwk: RFC 7515 A.3's d is a valid key", p256_key_init(key, d));
}

static void test_jwk(void)
{
    struct p256_key key;
    rfc7515_key(&key);
    char buf[256];
    struct json_out o;
    json_out_init(&o, buf, sizeof buf);
    jwk_write(&o, &key);
    CHECK("jwk: RFC 7515 A.3's key gives its published x and y, in RFC 7638's canonical form",
          strcmp(buf, "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
                      "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}") == 0);
    char thumb[JWK_THUMBPRINT_LEN + 1];
    jwk_thumbprint(&key, thumb);
    /* Known answer: base64url(SHA-256) of the canonical JWK above, computed
     * with Python's hashlib and base64 modules. */
    CHECK("jwk: thumbprint of RFC 7515 A.3's key", strcmp(thumb, "oKIywvGUpTVTyxMQ3bwIIeQUudfr_CkLMjCE19ECD-U") == 0);

    /* RFC 6979 A.2.5's key and public point. */
    uint8_t x[32], ux[32], uy[32];
    unhex(x, "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721");
    unhex(ux, "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6");
    unhex(uy, "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299");
    struct p256_key k2;
    CHECK("jwk: RFC 6979 A.2.5's key gives its public point",
          p256_key_init(&k2, x) && k2.point[0] == 4 && memcmp(k2.point + 1, ux, 32) == 0 &&
              memcmp(k2.point + 33, uy, 32) == 0);

    uint8_t zero[32] = { 0 }, order[32];
    unhex(order, "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
    CHECK("jwk: the secret 0 is refused", !p256_key_init(&k2, zero));
    CHECK("jwk: the secret n is refused", !p256_key_init(&k2, order));
    order[31]--;
    CHECK("jwk: the secret n-1 is accepted", p256_key_init(&k2, order));
    p256_key_wipe(&k2);
    CHECK("jwk: wiping clears the secret", memcmp(k2.secret, zero, 32) == 0);
}

/* Writes a JWS and what the verifier must find in it to FILE. */
static void write_case(const char *file, const char *jws, const char *nonce, const char *url, const char *kid,
                       const char *payload)
{
    char payload_b64[512];
    base64url_encode(payload, strlen(payload), payload_b64, sizeof payload_b64);
    FILE *f = fopen(openssl_path(file), "w");
    if (!f) {
        printf("not ok - jws: cannot write %s\n", file);
        exit(1);
    }
    fprintf(f, "%s\nexpect: %s %s %s %s\n", jws, nonce, url, kid ? kid : "-", payload_b64[0] ? payload_b64 : "-");
    fclose(f);
}

static void test_jws(void)
{
    struct p256_key key;
    rfc7515_key(&key);
    static char jws[3][2048];
    struct json_out o;
    const char *payload = "{\"termsOfServiceAgreed\":true,\"contact\":[\"mailto:cert-admin@example.test\"]}";

    json_out_init(&o, jws[0], sizeof jws[0]);
    CHECK("jws: newAccount-style JWS with a jwk",
          jws_write(&o, &key, NULL, "oFvnlFP1wIhRlYS2jTaXbA", "https://ca.test/acme/new-account", payload,
                    strlen(payload)));
    json_out_init(&o, jws[1], sizeof jws[1]);
    CHECK("jws: POST-as-GET JWS with a kid",
          jws_write(&o, &key, "https://ca.test/acme/acct/evOfKhNU60wg", "JHb54aT_KTXBWQOzGYkt9A",
                    "https://ca.test/acme/order/TOlocE8rfgo", "", 0));
    json_out_init(&o, jws[2], sizeof jws[2]);
    jws_write(&o, &key, NULL, "oFvnlFP1wIhRlYS2jTaXbA", "https://ca.test/acme/new-account", payload, strlen(payload));
    CHECK("jws: deterministic (RFC 6979): the same input signs the same", strcmp(jws[0], jws[2]) == 0);

    /* The same JWS with the payload's first character changed: must not verify. */
    strcpy(jws[2], jws[0]);
    char *p = strstr(jws[2], "\"payload\":\"");
    if (p)
        p[11] = p[11] == 'e' ? 'f' : 'e';

    write_case("jwk.jws", jws[0], "oFvnlFP1wIhRlYS2jTaXbA", "https://ca.test/acme/new-account", NULL, payload);
    write_case("kid.jws", jws[1], "JHb54aT_KTXBWQOzGYkt9A", "https://ca.test/acme/order/TOlocE8rfgo",
               "https://ca.test/acme/acct/evOfKhNU60wg", "");
    write_case("tampered.jws", jws[2], "oFvnlFP1wIhRlYS2jTaXbA", "https://ca.test/acme/new-account", NULL, payload);
    char jwk_text[256];
    json_out_init(&o, jwk_text, sizeof jwk_text);
    jwk_write(&o, &key);
    FILE *f = fopen(openssl_path("kid.jws.jwk"), "w");
    if (f) {
        fputs(jwk_text, f);
        fclose(f);
    }

    char cwd_script[512];
    if (!realpath("tests/unit/acme_jws_verify.py", cwd_script)) {
        printf("not ok - jws: tests/unit/acme_jws_verify.py not found (run from the source tree)\n");
        check_failures++;
        return;
    }
    openssl_run("python3 '%s' jwk.jws kid.jws tampered.jws > verdicts 2>&1", cwd_script);
    size_t len;
    char *verdicts = openssl_read("verdicts", &len);
    char *second = strchr(verdicts, '\n');
    char *third = second ? strchr(second + 1, '\n') : NULL;
    CHECK("jws: python3-cryptography verifies the jwk JWS", strncmp(verdicts, "valid\n", 6) == 0);
    CHECK("jws: python3-cryptography verifies the kid POST-as-GET JWS", second && strncmp(second + 1, "valid\n", 6) == 0);
    CHECK("jws: python3-cryptography rejects the tampered JWS",
          third && strncmp(third + 1, "invalid: signature does not verify", 34) == 0);
    if (strncmp(verdicts, "valid\nvalid\ninvalid: signature", 30) != 0)
        printf("# verifier said:\n%s", verdicts);
    free(verdicts);

    json_out_init(&o, jws[0], 200);
    CHECK("jws: too small an output buffer is refused",
          !jws_write(&o, &key, NULL, "n", "https://ca.test/x", payload, strlen(payload)));
    char long_url[1200];
    memset(long_url, 'a', sizeof long_url - 1);
    long_url[sizeof long_url - 1] = '\0';
    json_out_init(&o, jws[0], sizeof jws[0]);
    CHECK("jws: a header too long is refused, not cut", !jws_write(&o, &key, NULL, "n", long_url, "", 0));
    p256_key_wipe(&key);
}

int main(void)
{
    test_base64url();
    test_json_write();
    test_jwk();
    test_jws();
    return CHECK_DONE();
}
