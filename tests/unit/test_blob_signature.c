/*
 * Unit tests of the pushed blob's signature check (src/crypto/blob_signature.c):
 * known answers made by openssl at test time -- openssl's signature over
 * openssl's key verifies, and a flipped bit of the signature, of the data or
 * the other key's does not -- and the public key's PEM: what is refused.
 */
#include <bearssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "openssl_keys.h"
#include "crypto/blob_signature.h"

static void sha256(const void *data, size_t len, uint8_t out[32])
{
    br_sha256_context h;
    br_sha256_init(&h);
    br_sha256_update(&h, data, len);
    br_sha256_out(&h, out);
}

static int load(struct blob_key *key, const char *file, char *err, size_t err_size)
{
    size_t len;
    char *pem = openssl_read(file, &len);
    int r = blob_key_from_pem(key, pem, len, file, err, err_size);
    free(pem);
    return r;
}

static void test_known_answers(void)
{
    openssl_key_pair("a");
    openssl_key_pair("b");
    /* Data of a blob's kind of size, not a multiple of any block. */
    openssl_run("head -c 100003 /dev/urandom > data");
    openssl_sign("a", "data", "data.sig.a");
    openssl_sign("b", "data", "data.sig.b");

    struct blob_key a, b;
    char err[256] = "";
    CHECK("openssl's EC P-256 public key loads", load(&a, "a.pub", err, sizeof err) == 0);
    if (err[0])
        printf("# %s\n", err);
    CHECK("a second key loads", load(&b, "b.pub", err, sizeof err) == 0);

    size_t data_len, sig_len, sig_b_len;
    uint8_t *data = (uint8_t *)openssl_read("data", &data_len);
    uint8_t *sig = (uint8_t *)openssl_read("data.sig.a", &sig_len);
    uint8_t *sig_b = (uint8_t *)openssl_read("data.sig.b", &sig_b_len);
    uint8_t hash[32];
    sha256(data, data_len, hash);
    CHECK("openssl dgst -sha256 -sign's signature verifies", blob_signature_verify(&a, hash, sig, sig_len));
    CHECK("... not against another key", !blob_signature_verify(&b, hash, sig, sig_len));
    CHECK("the other key's signature verifies against it", blob_signature_verify(&b, hash, sig_b, sig_b_len));
    CHECK("... and not against the first", !blob_signature_verify(&a, hash, sig_b, sig_b_len));

    /* Every bit of the signature matters: flip each in turn. */
    int accepted = 0;
    for (size_t bit = 0; bit < sig_len * 8; bit++) {
        sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        accepted += blob_signature_verify(&a, hash, sig, sig_len);
        sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    CHECK("no signature with one bit flipped verifies", accepted == 0);
    CHECK("the signature cut by a byte does not verify", !blob_signature_verify(&a, hash, sig, sig_len - 1));
    data[data_len / 2] ^= 0x01;
    uint8_t flipped[32];
    sha256(data, data_len, flipped);
    CHECK("a data bit flipped: the signature does not verify", !blob_signature_verify(&a, flipped, sig, sig_len));
    CHECK("an empty signature does not verify", !blob_signature_verify(&a, hash, sig, 0));

    /* The fingerprint is the SHA-256 of the key's DER, as openssl shows it. */
    openssl_run("openssl pkey -pubin -in a.pub -outform DER | sha256sum | cut -c1-16 > a.fp");
    size_t fp_len;
    char *fp = openssl_read("a.fp", &fp_len);
    CHECK("the fingerprint is openssl's SHA-256 of the DER", fp_len >= 16 && memcmp(fp, a.fingerprint, 16) == 0);
    free(fp);
    free(data);
    free(sig);
    free(sig_b);
}

static void test_keys_refused(void)
{
    struct blob_key k;
    char err[256];
    CHECK("a private key is refused", load(&k, "a.key", err, sizeof err) != 0 && strstr(err, "private key"));
    openssl_run("openssl ecparam -name secp384r1 -genkey -noout -out p384.key 2>/dev/null && "
                "openssl ec -in p384.key -pubout -out p384.pub 2>/dev/null");
    CHECK("a P-384 key is refused", load(&k, "p384.pub", err, sizeof err) != 0 && strstr(err, "P-256"));
    openssl_run("openssl ec -in a.key -pubout -conv_form compressed -out compressed.pub 2>/dev/null");
    CHECK("a compressed point is refused", load(&k, "compressed.pub", err, sizeof err) != 0);
    openssl_run("openssl genpkey -algorithm ed25519 -out ed.key 2>/dev/null && openssl pkey -in ed.key -pubout -out ed.pub");
    CHECK("an Ed25519 key is refused", load(&k, "ed.pub", err, sizeof err) != 0);
    openssl_run("printf 'not a key\\n' > text.pem");
    CHECK("text without PEM is refused", load(&k, "text.pem", err, sizeof err) != 0 && strstr(err, "no PEM"));
    openssl_run("openssl req -x509 -key a.key -subj /CN=x -days 1 -out cert.pem 2>/dev/null");
    CHECK("a certificate is refused", load(&k, "cert.pem", err, sizeof err) != 0 && strstr(err, "CERTIFICATE"));
    /* A point off the curve, in an otherwise well-formed key: Y changed. */
    openssl_run("openssl pkey -pubin -in a.pub -outform DER > a.der && "
                "python3 -c \"import sys; d=bytearray(open('a.der','rb').read()); d[-1]^=1; "
                "open('off.der','wb').write(d)\" && openssl base64 -in off.der > off.b64 && "
                "{ echo '-----BEGIN PUBLIC KEY-----'; cat off.b64; echo '-----END PUBLIC KEY-----'; } > off.pem");
    CHECK("a point off the curve is refused", load(&k, "off.pem", err, sizeof err) != 0 && strstr(err, "curve"));
}

static void test_base64(void)
{
    uint8_t out[8];
    CHECK("base64 'TWFu' is 'Man'", blob_signature_base64("TWFu", 4, out, sizeof out) == 3 && memcmp(out, "Man", 3) == 0);
    CHECK("base64 with padding", blob_signature_base64("TWE=", 4, out, sizeof out) == 2 && memcmp(out, "Ma", 2) == 0);
    CHECK("base64 without padding", blob_signature_base64("TQ", 2, out, sizeof out) == 1 && out[0] == 'M');
    CHECK("base64 with two pads", blob_signature_base64("TQ==", 4, out, sizeof out) == 1);
    CHECK("a character outside base64 is refused", blob_signature_base64("TW*u", 4, out, sizeof out) < 0);
    CHECK("padding in the middle is refused", blob_signature_base64("TQ==TWFu", 8, out, sizeof out) < 0);
    CHECK("a lone sextet is refused", blob_signature_base64("TWFuT", 5, out, sizeof out) < 0);
    CHECK("non-zero leftover bits are refused", blob_signature_base64("TR==", 4, out, sizeof out) < 0);
    CHECK("more than the room is refused", blob_signature_base64("TWFuTWFuTWFu", 12, out, sizeof out) < 0);
    CHECK("whitespace is refused", blob_signature_base64("TW Fu", 5, out, sizeof out) < 0);
}

int main(void)
{
    test_known_answers();
    test_keys_refused();
    test_base64();
    return CHECK_DONE();
}
