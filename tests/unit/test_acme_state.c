/*
 * Unit tests of what unihost checks before it reuses what ACME kept
 * (src/acme/acme_state.c, cert_names.c, der_read.c, crypto/pem_walk.c's
 * pem_first_der): keys and certificates are made by the openssl command
 * at test time, and what we read is compared with what openssl says of
 * the same files (the public point, the dates, the names).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acme/acme_state.h"
#include "acme/cert_names.h"
#include "acme/der_read.h"
#include "acme/key_pem.h"
#include "check.h"
#include "crypto/pem_walk.h"
#include "openssl_keys.h"

static const char *const names[] = { "unihost.test", "www.unihost.test", "*.unihost.test" };

/* The public point openssl gives for a private key file: the last 65
 * bytes of its SubjectPublicKeyInfo. */
static void openssl_point(const char *key_file, uint8_t point[65])
{
    openssl_run("openssl pkey -in %s -pubout -outform DER -out %s.spki 2>/dev/null", key_file, key_file);
    char spki_name[64];
    snprintf(spki_name, sizeof spki_name, "%s.spki", key_file);
    size_t len;
    char *spki = openssl_read(spki_name, &len);
    memcpy(point, spki + len - 65, 65);
    free(spki);
}

/* Seconds since 1970 of a certificate's date, as openssl prints it
 * (which = "startdate" or "enddate"), through date(1). */
static int64_t openssl_date(const char *cert, const char *which)
{
    char out[64];
    snprintf(out, sizeof out, "%s.%s", cert, which);
    openssl_run("date -u -d \"$(openssl x509 -in %s -noout -%s | cut -d= -f2)\" +%%s > %s", cert, which, out);
    size_t len;
    char *text = openssl_read(out, &len);
    int64_t v = strtoll(text, NULL, 10);
    free(text);
    return v;
}

static void test_account_keys(void)
{
    openssl_run("openssl ecparam -name prime256v1 -genkey -noout -out sec1.pem 2>/dev/null && "
                "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out pkcs8.pem 2>/dev/null && "
                "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out p384.pem 2>/dev/null && "
                "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.pem 2>/dev/null");
    struct p256_key key;
    char err[256];
    uint8_t want[65];
    size_t len;
    char *pem = openssl_read("sec1.pem", &len);
    CHECK("account key: openssl's \"EC PRIVATE KEY\" starts with its BEGIN line", strstr(pem, "BEGIN EC PRIVATE KEY"));
    openssl_point("sec1.pem", want);
    CHECK("account key: SEC1 P-256 is read, with openssl's public point",
          acme_state_account_key(&key, pem, len, err, sizeof err) && memcmp(key.point, want, 65) == 0);
    free(pem);

    pem = openssl_read("pkcs8.pem", &len);
    CHECK("account key: openssl's PKCS#8 is \"PRIVATE KEY\"", strstr(pem, "BEGIN PRIVATE KEY"));
    openssl_point("pkcs8.pem", want);
    CHECK("account key: PKCS#8 P-256 is read, with openssl's public point",
          acme_state_account_key(&key, pem, len, err, sizeof err) && memcmp(key.point, want, 65) == 0);

    /* Ours written and read back is the same key. */
    char ours[512];
    size_t ours_len = p256_key_pem_write(&key, ours, sizeof ours);
    struct p256_key again;
    CHECK("account key: the PEM unihost keeps reads back as the same key",
          ours_len > 0 && acme_state_account_key(&again, ours, ours_len, err, sizeof err) &&
              memcmp(again.secret, key.secret, 32) == 0 && memcmp(again.point, key.point, 65) == 0);
    free(pem);

    pem = openssl_read("p384.pem", &len);
    err[0] = '\0';
    CHECK("account key: a P-384 key is refused, saying what is wanted",
          !acme_state_account_key(&key, pem, len, err, sizeof err) && strstr(err, "P-256"));
    free(pem);
    pem = openssl_read("rsa.pem", &len);
    CHECK("account key: an RSA key is refused", !acme_state_account_key(&key, pem, len, err, sizeof err));
    free(pem);
    static const char garbage[] = "-----BEGIN EC PRIVATE KEY-----\nnot base64 at all!\n-----END EC PRIVATE KEY-----\n";
    CHECK("account key: broken base64 is refused",
          !acme_state_account_key(&key, garbage, sizeof garbage - 1, err, sizeof err));
    CHECK("account key: an empty file is refused", !acme_state_account_key(&key, "", 0, err, sizeof err));
    /* A truncated key, every length short of the whole. */
    pem = openssl_read("sec1.pem", &len);
    int refused = 1;
    for (size_t cut = 0; cut + 30 < len; cut++)
        refused &= !acme_state_account_key(&key, pem, cut, err, sizeof err);
    CHECK("account key: every truncation of the PEM is refused", refused);
    free(pem);
}

/* CERT.pem: a self-signed certificate for KEY's key, valid 90 days from
 * now, with the subjectAltName given (NULL: none). */
static void make_certificate(const char *cert, const char *key, const char *san)
{
    openssl_run("openssl req -x509 -key %s -subj /CN=unihost.test -days 90 %s%s -out %s.pem 2>/dev/null", key,
                san ? "-addext subjectAltName=" : "", san ? san : "", cert);
}

static char *chain, *cert_key, *other_key;
static size_t chain_len, cert_key_len, other_key_len;

static bool usable(const char *const *want, size_t count, int64_t now, char *err, size_t err_size)
{
    int64_t nb, na;
    return acme_state_certificate_usable(chain, chain_len, cert_key, cert_key_len, want, count, now, &nb, &na, err,
                                         err_size);
}

static void test_certificates(void)
{
    openssl_run("openssl ecparam -name prime256v1 -genkey -noout -out cert-key.pem 2>/dev/null && "
                "openssl ecparam -name prime256v1 -genkey -noout -out other-key.pem 2>/dev/null && "
                "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc -keyout issuer.key "
                "-subj /CN=issuer -days 3 -out issuer.pem 2>/dev/null");
    make_certificate("leaf", "cert-key.pem", "DNS:unihost.test,DNS:WWW.unihost.test,DNS:*.unihost.test,IP:192.0.2.2");
    /* the chain as a CA sends it: leaf, then its issuer */
    openssl_run("cat leaf.pem issuer.pem > chain.pem");
    chain = openssl_read("chain.pem", &chain_len);
    cert_key = openssl_read("cert-key.pem", &cert_key_len);
    other_key = openssl_read("other-key.pem", &other_key_len);
    int64_t start = openssl_date("leaf.pem", "startdate"), end = openssl_date("leaf.pem", "enddate");

    char err[256] = "";
    int64_t nb = 0, na = 0;
    bool ok = acme_state_certificate_usable(chain, chain_len, cert_key, cert_key_len, names, 3, start + 10, &nb, &na,
                                            err, sizeof err);
    CHECK("kept certificate: a chain, its key, the names: usable, with openssl's dates", ok && nb == start && na == end);
    if (!ok)
        printf("# %s\n", err);
    CHECK("kept certificate: names are compared without regard to case (WWW in the certificate)",
          usable((const char *const[]){ "www.UNIHOST.test" }, 1, start + 10, err, sizeof err));
    CHECK("kept certificate: a wildcard is matched by the same wildcard",
          usable((const char *const[]){ "*.unihost.test" }, 1, start + 10, err, sizeof err));
    CHECK("kept certificate: past its renewal point but not expired, it is still usable",
          usable(names, 3, start + (end - start) * 9 / 10, err, sizeof err));
    err[0] = '\0';
    CHECK("kept certificate: expired (now = notAfter) is not usable, saying so",
          !usable(names, 3, end, err, sizeof err) && strstr(err, "expired"));
    CHECK("kept certificate: one second before notAfter it is", usable(names, 3, end - 1, err, sizeof err));

    err[0] = '\0';
    CHECK("kept certificate: a name it is not for makes it unusable, the name said",
          !usable((const char *const[]){ "unihost.test", "mail.unihost.test" }, 2, start + 10, err, sizeof err) &&
              strstr(err, "mail.unihost.test"));
    CHECK("kept certificate: a wildcard in the certificate does not stand for a name under it",
          !usable((const char *const[]){ "docs.unihost.test" }, 1, start + 10, err, sizeof err));
    CHECK("kept certificate: a name that only shares a suffix is not listed",
          !usable((const char *const[]){ "nihost.test" }, 1, start + 10, err, sizeof err) &&
              !usable((const char *const[]){ "unihost.tes" }, 1, start + 10, err, sizeof err));
    CHECK("kept certificate: an IP address entry is not a DNS name",
          !usable((const char *const[]){ "192.0.2.2" }, 1, start + 10, err, sizeof err));

    err[0] = '\0';
    CHECK("kept certificate: another key than the certificate's is refused as a mismatch",
          !acme_state_certificate_usable(chain, chain_len, other_key, other_key_len, names, 3, start + 10, &nb, &na,
                                         err, sizeof err) &&
              strstr(err, "do not match"));
    err[0] = '\0';
    CHECK("kept certificate: a key file where the chain should be is refused",
          !acme_state_certificate_usable(cert_key, cert_key_len, cert_key, cert_key_len, names, 3, start + 10, &nb,
                                         &na, err, sizeof err) &&
              strstr(err, "CERTIFICATE"));
    CHECK("kept certificate: a chain where the key should be is refused",
          !acme_state_certificate_usable(chain, chain_len, chain, chain_len, names, 3, start + 10, &nb, &na, err,
                                         sizeof err));

    /* A corrupt file: every truncation, and a flipped base64 character
     * inside the leaf, never pass as usable and never crash (ASan). */
    int refused = 1;
    size_t leaf_end = (size_t)(strstr(chain, "-----END CERTIFICATE-----") - chain);
    for (size_t cut = 0; cut < leaf_end; cut++)
        refused &= !acme_state_certificate_usable(chain, cut, cert_key, cert_key_len, names, 3, start + 10, &nb, &na,
                                                  err, sizeof err);
    CHECK("kept certificate: every truncation inside the leaf is refused", refused);
    char *bent = malloc(chain_len);
    memcpy(bent, chain, chain_len);
    refused = 1;
    for (size_t at = 28; at < leaf_end; at += 7) {
        char was = bent[at];
        if (was == '\n')
            continue;
        bent[at] = was == 'A' ? 'B' : 'A';
        int64_t b2, a2;
        /* a flipped character may still decode; then it must not be the same certificate's key */
        bool pass = acme_state_certificate_usable(bent, chain_len, cert_key, cert_key_len, names, 3, start + 10, &b2,
                                                  &a2, err, sizeof err);
        if (pass) {
            /* only bytes outside the key, the names and the dates can change unnoticed (the signature
             * is not ours to check: the chain came over TLS from the CA) */
            refused &= b2 == start && a2 == end;
        }
        bent[at] = was;
    }
    free(bent);
    CHECK("kept certificate: a flipped character either fails or leaves key, names and dates as they were", refused);

    make_certificate("nosan", "cert-key.pem", NULL);
    size_t nosan_len;
    char *nosan = openssl_read("nosan.pem", &nosan_len);
    err[0] = '\0';
    CHECK("kept certificate: one without subjectAltName is for no name (its CN does not count)",
          !acme_state_certificate_usable(nosan, nosan_len, cert_key, cert_key_len,
                                         (const char *const[]){ "unihost.test" }, 1, start + 10, &nb, &na, err,
                                         sizeof err) &&
              strstr(err, "unihost.test"));
    free(nosan);
}

static void test_pem_first_der(void)
{
    openssl_run("openssl x509 -in leaf.pem -outform DER -out leaf.der && "
                "openssl x509 -in issuer.pem -outform DER -out issuer.der");
    size_t leaf_len, issuer_len;
    char *leaf = openssl_read("leaf.der", &leaf_len);
    char *issuer = openssl_read("issuer.der", &issuer_len);
    uint8_t der[8192];
    size_t n = pem_first_der(chain, chain_len, "CERTIFICATE", der, sizeof der);
    CHECK("pem_first_der: the first CERTIFICATE of a chain is the leaf, byte for byte",
          n == leaf_len && memcmp(der, leaf, n) == 0);
    /* A key block before the chain is passed over. */
    size_t both_len = cert_key_len + chain_len;
    char *both = malloc(both_len);
    memcpy(both, cert_key, cert_key_len);
    memcpy(both + cert_key_len, chain, chain_len);
    n = pem_first_der(both, both_len, "CERTIFICATE", der, sizeof der);
    CHECK("pem_first_der: other objects before it are passed over", n == leaf_len && memcmp(der, leaf, n) == 0);
    free(both);
    CHECK("pem_first_der: one larger than the room is 0, not cut",
          pem_first_der(chain, chain_len, "CERTIFICATE", der, leaf_len - 1) == 0);
    CHECK("pem_first_der: no object of the name is 0", pem_first_der(cert_key, cert_key_len, "CERTIFICATE", der,
                                                                     sizeof der) == 0);

    /* cert_names on the DER: every truncation lists nothing. */
    CHECK("cert_names: the whole leaf lists www.unihost.test",
          cert_names_lists((const uint8_t *)leaf, leaf_len, "www.unihost.test"));
    CHECK("cert_names: the issuer (no subjectAltName) lists nothing",
          !cert_names_lists((const uint8_t *)issuer, issuer_len, "issuer"));
    int none = 1;
    for (size_t cut = 0; cut < leaf_len; cut++)
        none &= !cert_names_lists((const uint8_t *)leaf, cut, "www.unihost.test");
    CHECK("cert_names: every truncation of the DER lists nothing", none);
    free(leaf);
    free(issuer);
}

static void test_der_read(void)
{
    uint8_t tag;
    struct der_cursor inner;
    static const uint8_t short_form[] = { 0x04, 0x02, 0xaa, 0xbb, 0x05, 0x00 };
    struct der_cursor c = { short_form, short_form + sizeof short_form };
    CHECK("der_next: a short length, then the next TLV",
          der_next(&c, &tag, &inner) && tag == 0x04 && inner.end - inner.p == 2 && inner.p[0] == 0xaa &&
              der_next(&c, &tag, &inner) && tag == 0x05 && inner.p == inner.end && c.p == c.end &&
              !der_next(&c, &tag, &inner));
    static const uint8_t long_form[] = { 0x30, 0x81, 0x01, 0x00 };
    c = (struct der_cursor){ long_form, long_form + sizeof long_form };
    CHECK("der_next: a long length", der_next(&c, &tag, &inner) && inner.end - inner.p == 1);
    static const uint8_t too_long[] = { 0x30, 0x03, 0x00, 0x00 };
    c = (struct der_cursor){ too_long, too_long + sizeof too_long };
    CHECK("der_next: contents longer than the container are refused, the cursor left",
          !der_next(&c, &tag, &inner) && c.p == too_long);
    static const uint8_t huge[] = { 0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x00 };
    c = (struct der_cursor){ huge, huge + sizeof huge };
    CHECK("der_next: a 4-byte length past the end is refused", !der_next(&c, &tag, &inner));
    static const uint8_t five[] = { 0x30, 0x85, 0, 0, 0, 0, 1, 0 };
    c = (struct der_cursor){ five, five + sizeof five };
    static const uint8_t indefinite[] = { 0x30, 0x80, 0x05, 0x00, 0x00, 0x00 };
    struct der_cursor d = { indefinite, indefinite + sizeof indefinite };
    CHECK("der_next: lengths of more than 4 bytes and the indefinite form are refused",
          !der_next(&c, &tag, &inner) && !der_next(&d, &tag, &inner));
}

int main(void)
{
    (void)openssl_path("");     /* the temporary folder every openssl_run works in */
    test_account_keys();
    test_certificates();
    test_pem_first_der();
    test_der_read();
    free(chain);
    free(cert_key);
    free(other_key);
    return CHECK_DONE();
}
