/*
 * Unit tests of the CSR builder (src/acme/csr.c, der_write.c) and the
 * identifier rules (dns_identifier.c). OpenSSL reads each request back:
 * `openssl req -verify -noout -text` must verify its signature and show
 * the names, the key and the subject; a request with a flipped signature
 * byte must fail that verification. Private keys as PEM: openssl's read
 * by us (SEC1 and PKCS#8), ours checked by openssl (ec -check).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acme/csr.h"
#include "acme/der_write.h"
#include "acme/dns_identifier.h"
#include "acme/jwk.h"
#include "acme/key_pem.h"
#include "check.h"
#include "openssl_keys.h"

static void test_identifiers(void)
{
    static const char *const good[] = {
        "example.test", "www.example.test", "*.example.test", "a-b.c0.test", "xn--bcher-kva.test", "1.2.3.4.test",
        "a23456789012345678901234567890123456789012345678901234567890123.test",
    };
    static const char *const bad[] = {
        "", "test", "*.test", "Example.test", "a..test", ".a.test", "a.test.", "-a.test", "a-.test",
        "*.*.example.test", "www.*.example.test", "*example.test", "a_b.test", "a b.test", "*",
        "a234567890123456789012345678901234567890123456789012345678901234.test",
    };
    int all = 1;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (!dns_identifier_valid(good[i])) {
            printf("# refused: %s\n", good[i]);
            all = 0;
        }
    CHECK("identifier: valid names and wildcards are accepted", all);
    all = 1;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (dns_identifier_valid(bad[i])) {
            printf("# accepted: %s\n", bad[i]);
            all = 0;
        }
    CHECK("identifier: upper case, empty labels, misplaced wildcards, long labels are refused", all);
    char long_name[300];
    size_t n = 0;
    while (n + 4 <= 254) {
        memcpy(long_name + n, "abc.", 4);
        n += 4;
    }
    memcpy(long_name + n - 1, ".test", 6);  /* 252 + 5 - 1 = 256 characters */
    CHECK("identifier: a name over 253 characters is refused", strlen(long_name) > 253 && !dns_identifier_valid(long_name));
    CHECK("identifier: a wildcard is recognised", dns_identifier_is_wildcard("*.example.test") &&
                                                     !dns_identifier_is_wildcard("example.test"));
}

static void test_der_lengths(void)
{
    uint8_t buf[400];
    struct der_out d;
    static const size_t lens[] = { 0, 127, 128, 255, 256, 300 };
    static const uint8_t heads[][4] = {
        { 0x04, 0x00 }, { 0x04, 0x7f }, { 0x04, 0x81, 0x80 }, { 0x04, 0x81, 0xff }, { 0x04, 0x82, 0x01, 0x00 },
        { 0x04, 0x82, 0x01, 0x2c },
    };
    static const size_t head_lens[] = { 2, 2, 3, 3, 4, 4 };
    int all = 1;
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        uint8_t content[300];
        memset(content, 0xAB, sizeof content);
        der_out_init(&d, buf, sizeof buf);
        size_t m = der_mark(&d);
        der_put(&d, content, lens[i]);
        der_wrap(&d, 0x04, m);
        all &= !d.overflow && der_mark(&d) == head_lens[i] + lens[i] &&
               memcmp(buf + d.start, heads[i], head_lens[i]) == 0;
    }
    CHECK("der: short and long definite lengths", all);
    der_out_init(&d, buf, 10);
    der_put(&d, "0123456789", 10);
    der_wrap(&d, 0x04, 0);
    CHECK("der: a write past the front overflows", d.overflow);
}

static void unhex(uint8_t *out, const char *hex)
{
    for (size_t i = 0; hex[2 * i]; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

static void save(const char *name, const uint8_t *data, size_t len)
{
    FILE *f = fopen(openssl_path(name), "wb");
    if (!f || fwrite(data, 1, len, f) != len) {
        printf("not ok - csr: cannot write %s\n", name);
        exit(1);
    }
    fclose(f);
}

static void test_csr_openssl(void)
{
    struct p256_key key;
    uint8_t secret[32];
    unhex(secret, "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721");
    CHECK("csr: key", p256_key_init(&key, secret));
    static const char *const names[] = { "example.test", "*.example.test", "www.example.test" };
    uint8_t der[2048];
    size_t len = csr_write(der, sizeof der, &key, names, 3);
    CHECK("csr: built", len > 0);
    save("req.der", der, len);
    save("point.bin", key.point, 65);

    /* OpenSSL's verdict and its reading of the request, and the public key
     * it finds, as a DER SubjectPublicKeyInfo whose last 65 bytes are the point. */
    openssl_run("openssl req -inform DER -in req.der -verify -noout -text > text 2> verify; "
                "openssl req -inform DER -in req.der -noout -pubkey | openssl pkey -pubin -outform DER > spki.der; "
                "tail -c 65 spki.der | cmp -s - point.bin && echo same > pubkey || echo different > pubkey; true");
    size_t n;
    char *text = openssl_read("text", &n);
    char *verify = openssl_read("verify", &n);
    char *pubkey = openssl_read("pubkey", &n);
    CHECK("csr: openssl req -verify accepts the signature", strstr(verify, "verify OK") != NULL);
    CHECK("csr: every name, the wildcard too, in the subjectAltName",
          strstr(text, "DNS:example.test, DNS:*.example.test, DNS:www.example.test") != NULL);
    CHECK("csr: subject is CN = the first name", strstr(text, "Subject: CN = example.test") != NULL);
    CHECK("csr: the key is P-256", strstr(text, "NIST CURVE: P-256") != NULL || strstr(text, "prime256v1") != NULL);
    CHECK("csr: version 1 (0)", strstr(text, "Version: 1 (0x0)") != NULL);
    CHECK("csr: signed ecdsa-with-SHA256", strstr(text, "Signature Algorithm: ecdsa-with-SHA256") != NULL);
    CHECK("csr: openssl finds our public point", strcmp(pubkey, "same\n") == 0);
    if (!strstr(verify, "verify OK"))
        printf("# openssl: %s\n", verify);
    free(text);
    free(verify);
    free(pubkey);

    /* The signature's last byte changed: the verification must fail. */
    der[len - 1] ^= 0x01;
    save("bad.der", der, len);
    /* OpenSSL 3.0 exits 0 whatever the verdict: its message is what counts. */
    openssl_run("openssl req -inform DER -in bad.der -verify -noout > /dev/null 2> bad-verify; true");
    char *bad = openssl_read("bad-verify", &n);
    CHECK("csr: openssl req -verify rejects a changed signature",
          strstr(bad, "verify failure") != NULL && strstr(bad, "verify OK") == NULL);
    free(bad);

    /* A first name too long for a CN: an empty subject, the names still there. */
    static const char *const long_first[] = {
        "a23456789012345678901234567890123456789012345678901234567890.example.test", "example.test",
    };
    len = csr_write(der, sizeof der, &key, long_first, 2);
    save("long.der", der, len);
    openssl_run("openssl req -inform DER -in long.der -verify -noout -text > long-text 2> long-verify; true");
    text = openssl_read("long-text", &n);
    verify = openssl_read("long-verify", &n);
    CHECK("csr: a first name over 64 characters: verified, empty subject, name in the SAN",
          len > 0 && strstr(verify, "verify OK") && strstr(text, "Subject: \n") &&
              strstr(text, "DNS:a23456789012345678901234567890123456789012345678901234567890.example.test"));
    free(text);
    free(verify);

    static const char *const bad_names[] = { "example.test", "Bad.test" };
    CHECK("csr: an invalid name is refused", csr_write(der, sizeof der, &key, bad_names, 2) == 0);
    CHECK("csr: no names is refused", csr_write(der, sizeof der, &key, names, 0) == 0);
    CHECK("csr: too small a buffer is refused", csr_write(der, 200, &key, names, 3) == 0);
    size_t exact = csr_write(der, sizeof der, &key, names, 3);
    CHECK("csr: a buffer of exactly its size is enough", csr_write(der, exact, &key, names, 3) == exact);
    CHECK("csr: one byte less is refused", csr_write(der, exact - 1, &key, names, 3) == 0);
    p256_key_wipe(&key);
}

static void test_key_pem(void)
{
    (void)openssl_path("k.pem");
    openssl_run("openssl ecparam -name prime256v1 -genkey -noout -out k.pem && "
                "openssl pkcs8 -topk8 -nocrypt -in k.pem -out k8.pem && "
                "openssl ec -in k.pem -pubout -outform DER 2>/dev/null | tail -c 65 > k.point");
    size_t n, plen;
    char *sec1 = openssl_read("k.pem", &n);
    char *pkcs8 = openssl_read("k8.pem", &plen);
    char *point = openssl_read("k.point", &plen);
    struct p256_key key, key8;
    CHECK("key_pem: openssl's EC PRIVATE KEY is read, with its public point",
          p256_key_pem_read(&key, sec1, strlen(sec1)) && memcmp(key.point, point, 65) == 0);
    CHECK("key_pem: openssl's PKCS#8 PRIVATE KEY is read, the same key",
          p256_key_pem_read(&key8, pkcs8, strlen(pkcs8)) && memcmp(key8.secret, key.secret, 32) == 0);
    free(sec1);
    free(pkcs8);
    free(point);

    char pem[400];
    size_t len = p256_key_pem_write(&key, pem, sizeof pem);
    FILE *f = fopen(openssl_path("ours.pem"), "w");
    if (f) {
        fwrite(pem, 1, len, f);
        fclose(f);
    }
    openssl_run("openssl ec -in ours.pem -check -noout > check 2>&1; "
                "openssl ec -in ours.pem -pubout -outform DER 2>/dev/null | tail -c 65 | cmp -s - k.point && echo same > ours.point || echo differs > ours.point");
    char *check = openssl_read("check", &n);
    char *same = openssl_read("ours.point", &n);
    CHECK("key_pem: openssl ec -check accepts the key we write", len > 0 && strstr(check, "EC Key valid") != NULL);
    CHECK("key_pem: ... and finds the same public key in it", strcmp(same, "same\n") == 0);
    free(check);
    free(same);
    struct p256_key back;
    CHECK("key_pem: what we write reads back", p256_key_pem_read(&back, pem, len) &&
                                                memcmp(back.secret, key.secret, 32) == 0);
    CHECK("key_pem: too small a buffer is refused (and left wiped)",
          p256_key_pem_write(&key, pem, 200) == 0 && pem[0] == 0);
    CHECK("key_pem: a text without a key is refused",
          !p256_key_pem_read(&back, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", 62));
    p256_key_wipe(&key);
    p256_key_wipe(&key8);
    p256_key_wipe(&back);
}

int main(void)
{
    test_identifiers();
    test_der_lengths();
    test_csr_openssl();
    test_key_pem();
    return CHECK_DONE();
}
