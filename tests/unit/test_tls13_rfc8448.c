/*
 * TLS 1.3 key schedule, record protection and the server's handshake
 * messages against RFC 8448 section 3 ("Simple 1-RTT Handshake"): from the
 * trace's fixed ClientHello, server randomness and X25519 key, every
 * secret, key and IV, the ServerHello, EncryptedExtensions, Certificate and
 * Finished, and every protected record, byte for byte. The server's
 * CertificateVerify is the trace's (an RSA-PSS signature, which unihost
 * does not make): it is fed into the transcript as it is.
 */
#include "check.h"
#include "rfc8448_trace.h"

#include "crypto/sha256_ni.h"
#include "crypto/x25519.h"
#include "tls/tls13_key_schedule.h"
#include "tls/tls13_messages.h"
#include "tls/tls13_record.h"

#include <stdlib.h>
#include <string.h>

/* ---- the trace's values (RFC 8448 section 3) ---------------------------------- */

static const char server_hello_hex[] =
    "020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155"
    "772ed3e2692800130100002e00330024001d0020c9828876112095fe66762bdb"
    "f7c672e156d6cc253b833df1dd69b1b04e751f0f002b00020304";
static const char encrypted_extensions_hex[] =
    "080000240022000a00140012001d00170018001901000101010201030104001c"
    "0002400100000000";
static const char certificate_hex[] =
    "0b0001b9000001b50001b0308201ac30820115a003020102020102300d06092a"
    "864886f70d01010b0500300e310c300a06035504031303727361301e170d3136"
    "303733303031323335395a170d3236303733303031323335395a300e310c300a"
    "0603550403130372736130819f300d06092a864886f70d010101050003818d00"
    "30818902818100b4bb498f8279303d980836399b36c6988c0c68de55e1bdb826"
    "d3901a2461eafd2de49a91d015abbc9a95137ace6c1af19eaa6af98c7ced4312"
    "0998e187a80ee0ccb0524b1b018c3e0b63264d449a6d38e22a5fda4308467480"
    "30530ef0461c8ca9d9efbfae8ea6d1d03e2bd193eff0ab9a8002c47428a6d35a"
    "8d88d79f7f1e3f0203010001a31a301830090603551d1304023000300b060355"
    "1d0f0404030205a0300d06092a864886f70d01010b05000381810085aad2a0e5"
    "b9276b908c65f73a7267170618a54c5f8a7b337d2df7a594365417f2eae8f8a5"
    "8c8f8172f9319cf36b7fd6c55b80f21a03015156726096fd335e5e67f2dbf102"
    "702e608ccae6bec1fc63a42a99be5c3eb7107c3c54e9b9eb2bd5203b1c3b84e0"
    "a8b2f759409ba3eac9d91d402dcc0cc8f8961229ac9187b42b4de10000";
static const char certificate_verify_hex[] =
    "0f000084080400805a747c5d88fa9bd2e55ab085a61015b7211f824cd484145a"
    "b3ff52f1fda8477b0b7abc90db78e2d33a5c141a078653fa6bef780c5ea248ee"
    "aaa785c4f394cab6d30bbe8d4859ee511f602957b15411ac027671459e46445c"
    "9ea58c181e818e95b8c3fb0bf3278409d3be152a3da5043e063dda65cdf5aea2"
    "0d53dfacd42f74f3";
static const char server_finished_hex[] =
    "140000209b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718";
static const char client_finished_hex[] =
    "14000020a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61";
static const char server_random_hex[] = "a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e26928";
static const char server_x25519_private_hex[] =
    "b1580eeadf6dd589b8ef4f2d5652578cc810e9980191ec8d058308cea216a21e";
static const char server_x25519_public_hex[] =
    "c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f";
static const char client_x25519_public_hex[] =
    "99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c";
static const char shared_secret_hex[] = "8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d";
static const char early_secret_hex[] = "33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a";
static const char handshake_secret_hex[] = "1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac";
static const char client_hs_traffic_hex[] = "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21";
static const char server_hs_traffic_hex[] = "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38";
static const char master_secret_hex[] = "18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919";
static const char client_ap_traffic_hex[] = "9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5";
static const char server_ap_traffic_hex[] = "a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643";
static const char exporter_master_hex[] = "fe22f881176eda18eb8f44529e6792c50c9a3f89452f68d8ae311b4309d3cf50";
static const char resumption_master_hex[] = "7df235f2031d2a051287d02b0241b0bfdaf86cc856231f2d5aba46c434ec196c";
static const char server_hs_key_hex[] = "3fce516009c21727d0f2e4e86ee403bc";
static const char server_hs_iv_hex[] = "5d313eb2671276ee13000b30";
static const char client_hs_key_hex[] = "dbfaa693d1762c5b666af5d950258d01";
static const char client_hs_iv_hex[] = "5bd3c71b836e0b76bb73265f";
static const char server_ap_key_hex[] = "9f02283b6c9c07efc26bb9f2ac92e356";
static const char server_ap_iv_hex[] = "cf782b88dd83549aadf1e984";
static const char client_ap_key_hex[] = "17422dda596ed5d9acd890e3c63f5051";
static const char client_ap_iv_hex[] = "5b78923dee08579033e523d9";
static const char server_flight_record_hex[] =
    "17030302a2d1ff334a56f5bff6594a07cc87b580233f500f45e489e7f33af35e"
    "df7869fcf40aa40aa2b8ea73f848a7ca07612ef9f945cb960b4068905123ea78"
    "b111b429ba9191cd05d2a389280f526134aadc7fc78c4b729df828b5ecf7b13b"
    "d9aefb0e57f271585b8ea9bb355c7c79020716cfb9b1183ef3ab20e37d57a6b9"
    "d7477609aee6e122a4cf51427325250c7d0e509289444c9b3a648f1d71035d2e"
    "d65b0e3cdd0cbae8bf2d0b227812cbb360987255cc744110c453baa4fcd61092"
    "8d809810e4b7ed1a8fd991f06aa6248204797e36a6a73b70a2559c09ead68694"
    "5ba246ab66e5edd8044b4c6de3fcf2a89441ac66272fd8fb330ef8190579b368"
    "4596c960bd596eea520a56a8d650f563aad27409960dca63d3e688611ea5e22f"
    "4415cf9538d51a200c27034272968a264ed6540c84838d89f72c24461aad6d26"
    "f59ecaba9acbbb317b66d902f4f292a36ac1b639c637ce343117b65962224531"
    "7b49eeda0c6258f100d7d961ffb138647e92ea330faeea6dfa31c7a84dc3bd7e"
    "1b7a6c7178af36879018e3f252107f243d243dc7339d5684c8b0378bf30244da"
    "8c87c843f5e56eb4c5e8280a2b48052cf93b16499a66db7cca71e4599426f7d4"
    "61e66f99882bd89fc50800becca62d6c74116dbd2972fda1fa80f85df881edbe"
    "5a37668936b335583b599186dc5c6918a396fa48a181d6b6fa4f9d62d513afbb"
    "992f2b992f67f8afe67f76913fa388cb5630c8ca01e0c65d11c66a1e2ac4c859"
    "77b7c7a6999bbf10dc35ae69f5515614636c0b9b68c19ed2e31c0b3b66763038"
    "ebba42f3b38edc0399f3a9f23faa63978c317fc9fa66a73f60f0504de93b5b84"
    "5e275592c12335ee340bbc4fddd502784016e4b3be7ef04dda49f4b440a30cb5"
    "d2af939828fd4ae3794e44f94df5a631ede42c1719bfdabf0253fe5175be898e"
    "750edc53370d2b";
static const char client_finished_record_hex[] =
    "170303003575ec4dc238cce60b298044a71e219c56cc77b0517fe9b93c7a4bfc"
    "44d87f38f80338ac98fc46deb384bd1caeacab6867d726c40546";
static const char client_data_record_hex[] =
    "1703030043a23f7054b62c94d0affafe8228ba55cbefacea42f914aa66bcab3f"
    "2b9819a8a5b46b395bd54a9a20441e2b62974e1f5a6292a2977014bd1e3deae6"
    "3aeebb21694915e4";
static const char server_data_record_hex[] =
    "17030300432e937e11ef4ac740e538ad36005fc4a46932fc3225d05f82aa1b36"
    "e30efaf97d90e6dffc602dcb501a59a8fcc49c4bf2e5f0a21c0047c2abf33254"
    "0dd032e167c2955d";
static const char client_alert_record_hex[] = "1703030013c9872760655666b74d7ff1153efd6db6d0b0e3";
static const char server_alert_record_hex[] = "1703030013b58fd67166ebf599d24720cfbe7efa7a8864a9";

/* ---- helpers ------------------------------------------------------------------ */

/* Does buf[0..len) hold exactly the bytes `hex` spells? */
static int same(const uint8_t *buf, size_t len, const char *hex)
{
    uint8_t want[2048];
    size_t n = rfc8448_unhex(hex, want);
    return n == len && memcmp(buf, want, n) == 0;
}

/* The running transcript: SHA-256 over the handshake messages so far. */
static br_sha256_context transcript;

static void transcript_add(const uint8_t *msg, size_t len)
{
    br_sha256_update(&transcript, msg, len);
}

static void transcript_hash(uint8_t out[32])
{
    br_sha256_out(&transcript, out);
}

static struct tls13_aead_impl portable_impl(void)
{
    return (struct tls13_aead_impl){
        .aes_ctr = &br_aes_ct64_ctr_vtable,
        .ghash = &br_ghash_ctmul64,
        .chacha20 = &br_chacha20_ct_run,
        .poly1305 = &br_poly1305_ctmul_run,
    };
}

static int key_and_iv_are(const struct tls13_suite *suite, const uint8_t *secret, const char *key_hex,
                          const char *iv_hex)
{
    uint8_t key[32], iv[12];
    tls13_expand_label(suite->hash, secret, "key", NULL, 0, key, suite->key_len);
    tls13_expand_label(suite->hash, secret, "iv", NULL, 0, iv, sizeof iv);
    return same(key, suite->key_len, key_hex) && same(iv, sizeof iv, iv_hex);
}

/* ---- the trace ---------------------------------------------------------------- */

static void test_rfc8448_simple_1rtt(const struct tls13_aead_impl *impl, const char *impl_name)
{
    char name[160];
#define NAMED(what) (snprintf(name, sizeof name, "rfc8448 (%s): %s", impl_name, what), name)
    const struct tls13_suite *suite = tls13_suite_find(0x1301);
    CHECK(NAMED("TLS_AES_128_GCM_SHA256 is a served suite"), suite && suite->hash_len == 32);
    if (!suite)
        return;

    /* The ClientHello, as the server reads it. */
    uint8_t ch_msg[512];
    size_t ch_len = rfc8448_unhex(rfc8448_client_hello_hex, ch_msg);
    struct tls13_client_hello ch;
    int alert = tls13_parse_client_hello(ch_msg + 4, ch_len - 4, &ch);
    uint8_t client_pub[32];
    rfc8448_unhex(client_x25519_public_hex, client_pub);
    CHECK(NAMED("the ClientHello parses"), alert == 0);
    CHECK(NAMED("it offers TLS 1.3, the AES-128-GCM suite first, SNI 'server'"),
          ch.offers_tls13 && ch.first_suite == 0x1301 && strcmp(ch.sni, "server") == 0);
    CHECK(NAMED("its X25519 share and record_size_limit are read"),
          (ch.shares & TLS13_GROUP_BIT_X25519) && memcmp(ch.x25519_share, client_pub, 32) == 0 &&
              ch.record_size_limit == 0x4001 && ch.session_id_len == 0);

    /* The key exchange. */
    uint8_t server_priv[32], server_pub[32], shared[32];
    rfc8448_unhex(server_x25519_private_hex, server_priv);
    x25519_mulgen(server_pub, server_priv, 32);
    CHECK(NAMED("server X25519 public key"), same(server_pub, 32, server_x25519_public_hex));
    memcpy(shared, ch.x25519_share, 32);
    CHECK(NAMED("X25519 shared secret"),
          x25519_mul(shared, 32, server_priv, 32) == 1 && same(shared, 32, shared_secret_hex));

    /* ServerHello. */
    uint8_t random[32], sh[256];
    rfc8448_unhex(server_random_hex, random);
    struct tls13_writer w = {sh, sizeof sh, 0, false};
    tls13_write_server_hello(&w, random, ch.session_id, ch.session_id_len, 0x1301,
                             TLS13_GROUP_X25519, server_pub, 32);
    CHECK(NAMED("ServerHello"), !w.overflow && same(sh, w.len, server_hello_hex));

    br_sha256_init(&transcript);
    transcript_add(ch_msg, ch_len);
    transcript_add(sh, w.len);
    uint8_t th[32];
    transcript_hash(th);

    /* The schedule up to the handshake traffic secrets. */
    struct tls13_schedule ks;
    tls13_schedule_init(&ks, suite, NULL, 0);
    CHECK(NAMED("early secret"), same(ks.secret, 32, early_secret_hex));
    tls13_schedule_advance(&ks, shared, sizeof shared);
    CHECK(NAMED("handshake secret"), same(ks.secret, 32, handshake_secret_hex));
    uint8_t c_hs[32], s_hs[32];
    tls13_schedule_derive(&ks, "c hs traffic", th, c_hs);
    tls13_schedule_derive(&ks, "s hs traffic", th, s_hs);
    CHECK(NAMED("client handshake traffic secret"), same(c_hs, 32, client_hs_traffic_hex));
    CHECK(NAMED("server handshake traffic secret"), same(s_hs, 32, server_hs_traffic_hex));
    CHECK(NAMED("server handshake key and IV"), key_and_iv_are(suite, s_hs, server_hs_key_hex, server_hs_iv_hex));
    CHECK(NAMED("client handshake key and IV"), key_and_iv_are(suite, c_hs, client_hs_key_hex, client_hs_iv_hex));

    /* The server's encrypted flight, written into one record's plaintext. */
    static uint8_t rec[4096];
    struct tls13_writer f = {rec + TLS13_RECORD_HEADER, sizeof rec - TLS13_RECORD_HEADER - 64, 0, false};
    static const uint16_t trace_groups[] = {0x001d, 0x0017, 0x0018, 0x0019, 0x0100,
                                            0x0101, 0x0102, 0x0103, 0x0104};
    tls13_write_encrypted_extensions(&f, trace_groups, 9, 0x4001, ch.sni[0] != 0, NULL);
    CHECK(NAMED("EncryptedExtensions"), same(f.buf, f.len, encrypted_extensions_hex));
    transcript_add(f.buf, f.len);

    uint8_t cert_msg[512];
    size_t cert_msg_len = rfc8448_unhex(certificate_hex, cert_msg);
    const uint8_t *der = cert_msg + 11;                 /* type, length, context, list length, cert length */
    size_t der_len = (size_t)cert_msg[8] << 16 | (size_t)cert_msg[9] << 8 | cert_msg[10];
    size_t mark = f.len;
    tls13_write_certificate(&f, &der, &der_len, 1);
    CHECK(NAMED("Certificate"), der_len + 13 == cert_msg_len && same(f.buf + mark, f.len - mark, certificate_hex));
    transcript_add(f.buf + mark, f.len - mark);

    /* CertificateVerify: the trace's. Its signed content is checked for
     * form: 64 spaces, the context string and its zero, the hash. */
    transcript_hash(th);
    uint8_t content[64 + 34 + 48];
    size_t content_len = tls13_certificate_verify_content(th, 32, content);
    CHECK(NAMED("CertificateVerify's signed content has its form"),
          content_len == 130 && content[63] == ' ' && memcmp(content + 64, "TLS 1.3, server CertificateVerify", 33) == 0 &&
              content[97] == 0 && memcmp(content + 98, th, 32) == 0);
    mark = f.len;
    uint8_t cv[256];
    size_t cv_len = rfc8448_unhex(certificate_verify_hex, cv);
    tls13_put(&f, cv, cv_len);
    transcript_add(cv, cv_len);

    transcript_hash(th);
    uint8_t verify_data[32];
    tls13_finished_mac(suite->hash, s_hs, th, verify_data);
    mark = f.len;
    tls13_write_finished(&f, verify_data, 32);
    CHECK(NAMED("server Finished"), same(f.buf + mark, f.len - mark, server_finished_hex));
    transcript_add(f.buf + mark, f.len - mark);

    struct tls13_protection server_out = {0}, client_in = {0};
    tls13_protection_set(&server_out, suite, impl, s_hs);
    size_t rec_len = tls13_seal(&server_out, TLS13_CT_HANDSHAKE, rec, f.len, 0);
    CHECK(NAMED("the server's encrypted flight record"), !f.overflow && same(rec, rec_len, server_flight_record_hex));

    /* The application secrets, from the transcript through server Finished. */
    transcript_hash(th);
    tls13_schedule_advance(&ks, NULL, 0);
    CHECK(NAMED("master secret"), same(ks.secret, 32, master_secret_hex));
    uint8_t c_ap[32], s_ap[32], exporter[32];
    tls13_schedule_derive(&ks, "c ap traffic", th, c_ap);
    tls13_schedule_derive(&ks, "s ap traffic", th, s_ap);
    tls13_schedule_derive(&ks, "exp master", th, exporter);
    CHECK(NAMED("client application traffic secret"), same(c_ap, 32, client_ap_traffic_hex));
    CHECK(NAMED("server application traffic secret"), same(s_ap, 32, server_ap_traffic_hex));
    CHECK(NAMED("exporter master secret"), same(exporter, 32, exporter_master_hex));
    CHECK(NAMED("server application key and IV"), key_and_iv_are(suite, s_ap, server_ap_key_hex, server_ap_iv_hex));
    CHECK(NAMED("client application key and IV"), key_and_iv_are(suite, c_ap, client_ap_key_hex, client_ap_iv_hex));

    /* The client's Finished: opened, and its MAC is what the server expects. */
    tls13_protection_set(&client_in, suite, impl, c_hs);
    rec_len = rfc8448_unhex(client_finished_record_hex, rec);
    uint8_t type = 0;
    size_t content_got = 0;
    enum tls13_open_result opened = tls13_open(&client_in, rec, rec_len, &type, &content_got);
    uint8_t expected_client_mac[32];
    tls13_finished_mac(suite->hash, c_hs, th, expected_client_mac);
    CHECK(NAMED("client Finished record opens"),
          opened == TLS13_OPEN_OK && type == TLS13_CT_HANDSHAKE && same(rec + 5, content_got, client_finished_hex));
    CHECK(NAMED("client Finished verify_data is the one the server computes"),
          memcmp(rec + 9, expected_client_mac, 32) == 0);
    transcript_add(rec + 5, content_got);
    transcript_hash(th);
    uint8_t resumption[32];
    tls13_schedule_derive(&ks, "res master", th, resumption);
    CHECK(NAMED("resumption master secret"), same(resumption, 32, resumption_master_hex));

    /* Application data each way, and close_notify each way. The server's
     * first application record in the trace is a NewSessionTicket. */
    struct tls13_protection app_in = {0}, app_out = {0};
    tls13_protection_set(&app_in, suite, impl, c_ap);
    tls13_protection_set(&app_out, suite, impl, s_ap);
    uint8_t fifty[50];
    for (int i = 0; i < 50; i++)
        fifty[i] = (uint8_t)i;
    rec_len = rfc8448_unhex(client_data_record_hex, rec);
    opened = tls13_open(&app_in, rec, rec_len, &type, &content_got);
    CHECK(NAMED("client application data record opens to 00..31"),
          opened == TLS13_OPEN_OK && type == TLS13_CT_APPLICATION_DATA && content_got == 50 &&
              memcmp(rec + 5, fifty, 50) == 0);
    app_out.seq = 1;
    memcpy(rec + 5, fifty, 50);
    rec_len = tls13_seal(&app_out, TLS13_CT_APPLICATION_DATA, rec, 50, 0);
    CHECK(NAMED("server application data record"), same(rec, rec_len, server_data_record_hex));
    rec_len = rfc8448_unhex(client_alert_record_hex, rec);
    opened = tls13_open(&app_in, rec, rec_len, &type, &content_got);
    CHECK(NAMED("client close_notify opens"),
          opened == TLS13_OPEN_OK && type == TLS13_CT_ALERT && content_got == 2 && rec[5] == 1 && rec[6] == 0);
    rec[5] = 1;
    rec[6] = 0;
    rec_len = tls13_seal(&app_out, TLS13_CT_ALERT, rec, 2, 0);
    CHECK(NAMED("server close_notify record"), same(rec, rec_len, server_alert_record_hex));

    /* A record altered in one bit does not open; nor does a replay (the
     * sequence number moved on). */
    struct tls13_protection again = {0};
    tls13_protection_set(&again, suite, impl, c_ap);
    rec_len = rfc8448_unhex(client_data_record_hex, rec);
    rec[20] ^= 1;
    CHECK(NAMED("a flipped bit is bad_record_mac"), tls13_open(&again, rec, rec_len, &type, &content_got) == TLS13_OPEN_BAD_MAC);
    rec_len = rfc8448_unhex(client_data_record_hex, rec);
    CHECK(NAMED("a replayed record is bad_record_mac"), tls13_open(&app_in, rec, rec_len, &type, &content_got) == TLS13_OPEN_BAD_MAC);

    tls13_schedule_wipe(&ks);
    tls13_protection_wipe(&server_out);
    CHECK(NAMED("wiping leaves no key"), server_out.keyed == false && server_out.iv[0] == 0 && ks.secret[0] == 0);
#undef NAMED
}

/* ---- the other suites: round trips, padding, KeyUpdate --------------------------- */

static void test_suite_round_trip(uint16_t id, const struct tls13_aead_impl *impl)
{
    char name[160];
    const struct tls13_suite *suite = tls13_suite_find(id);
    snprintf(name, sizeof name, "%s: found", suite ? suite->name : "?");
    CHECK(name, suite != NULL);
    if (!suite)
        return;
    uint8_t secret[48];
    for (size_t i = 0; i < sizeof secret; i++)
        secret[i] = (uint8_t)(i * 7 + 1);
    struct tls13_protection out = {0}, in = {0};
    tls13_protection_set(&out, suite, impl, secret);
    tls13_protection_set(&in, suite, impl, secret);
    static uint8_t rec[TLS13_RECORD_HEADER + TLS13_PLAINTEXT_MAX + 1 + 16 + 64];
    int good = 1;
    for (size_t len = 0; len <= 1000; len += 97) {
        for (size_t i = 0; i < len; i++)
            rec[5 + i] = (uint8_t)(i ^ len);
        size_t pad = len % 3 == 0 ? 40 : 0;
        size_t n = tls13_seal(&out, TLS13_CT_APPLICATION_DATA, rec, len, pad);
        uint8_t type;
        size_t got;
        good &= n == 5 + len + 1 + pad + 16 && tls13_open(&in, rec, n, &type, &got) == TLS13_OPEN_OK &&
                type == TLS13_CT_APPLICATION_DATA && got == len;
        for (size_t i = 0; i < got; i++)
            good &= rec[5 + i] == (uint8_t)(i ^ len);
    }
    snprintf(name, sizeof name, "%s: records of 0 to 1000 bytes, padded or not, round-trip", suite->name);
    CHECK(name, good);

    /* A full-size record opens; a record that is all padding has no type. */
    memset(rec + 5, 0x5a, TLS13_PLAINTEXT_MAX);
    size_t n = tls13_seal(&out, TLS13_CT_APPLICATION_DATA, rec, TLS13_PLAINTEXT_MAX, 0);
    uint8_t type;
    size_t got;
    snprintf(name, sizeof name, "%s: a 2^14-byte record round-trips", suite->name);
    CHECK(name, tls13_open(&in, rec, n, &type, &got) == TLS13_OPEN_OK && got == TLS13_PLAINTEXT_MAX);
    n = tls13_seal(&out, 0, rec, 0, 10);
    snprintf(name, sizeof name, "%s: an inner plaintext of zeros only is refused", suite->name);
    CHECK(name, tls13_open(&in, rec, n, &type, &got) == TLS13_OPEN_NO_TYPE);

    /* KeyUpdate: the sender steps its secret; the receiver's old keys no
     * longer open its records, keys from the stepped secret do. */
    tls13_next_traffic_secret(suite->hash, secret);
    tls13_protection_set(&out, suite, impl, secret);
    memcpy(rec + 5, "after update", 12);
    n = tls13_seal(&out, TLS13_CT_APPLICATION_DATA, rec, 12, 0);
    snprintf(name, sizeof name, "%s: after a KeyUpdate the old keys do not open a record", suite->name);
    CHECK(name, tls13_open(&in, rec, n, &type, &got) == TLS13_OPEN_BAD_MAC);
    tls13_protection_set(&in, suite, impl, secret);
    n = tls13_seal(&out, TLS13_CT_APPLICATION_DATA, rec, 12, 0);   /* again: the failed open wiped it */
    snprintf(name, sizeof name, "%s: after a KeyUpdate the new keys open a record", suite->name);
    in.seq = 1;
    CHECK(name, tls13_open(&in, rec, n, &type, &got) == TLS13_OPEN_OK && got == 12);
}

/* HKDF-Expand-Label past one hash block (TLS 1.3 itself never asks for
 * more than one, so RFC 8448 does not reach the T(i-1) chaining), checked
 * against BearSSL's own HKDF over the same PRK and HkdfLabel. */
static void test_expand_label_long(const br_hash_class *hash, const char *name)
{
    static const uint8_t salt[13] = "unihost salt", ikm[22] = "input keying material";
    uint8_t prk[TLS13_HASH_MAX], ours[150], theirs[150];
    tls13_hkdf_extract(hash, salt, sizeof salt, ikm, sizeof ikm, prk);
    tls13_expand_label(hash, prk, "long", (const uint8_t *)"ctx", 3, ours, sizeof ours);
    static const uint8_t label[] = {0, 150, 10, 't', 'l', 's', '1', '3', ' ', 'l', 'o', 'n', 'g', 3, 'c', 't', 'x'};
    br_hkdf_context hc;
    br_hkdf_init(&hc, hash, salt, sizeof salt);
    br_hkdf_inject(&hc, ikm, sizeof ikm);
    br_hkdf_flip(&hc);
    br_hkdf_produce(&hc, label, sizeof label, theirs, sizeof theirs);
    char check[120];
    snprintf(check, sizeof check, "%s: HKDF-Expand-Label of 150 bytes equals BearSSL's HKDF", name);
    CHECK(check, memcmp(ours, theirs, sizeof ours) == 0);
}

int main(void)
{
    test_expand_label_long(&br_sha256_vtable, "SHA-256");
    test_expand_label_long(&br_sha384_vtable, "SHA-384");
    struct tls13_aead_impl portable = portable_impl();
    test_rfc8448_simple_1rtt(&portable, "portable AES and GHASH");
    struct tls13_aead_impl fast = portable;
    if (br_aes_x86ni_ctr_get_vtable())
        fast.aes_ctr = br_aes_x86ni_ctr_get_vtable();
    if (br_ghash_pclmul_get())
        fast.ghash = br_ghash_pclmul_get();
    if (br_chacha20_sse2_get())
        fast.chacha20 = br_chacha20_sse2_get();
    if (br_poly1305_ctmulq_get())
        fast.poly1305 = br_poly1305_ctmulq_get();
    test_rfc8448_simple_1rtt(&fast, "this CPU's AES and GHASH");
    for (int i = 0; i < 2; i++) {
        const struct tls13_aead_impl *impl = i ? &fast : &portable;
        test_suite_round_trip(0x1301, impl);
        test_suite_round_trip(0x1302, impl);
        test_suite_round_trip(0x1303, impl);
    }
    CHECK("tls13_suite_find: the CCM suites are not served", tls13_suite_find(0x1304) == NULL);
    return CHECK_DONE();
}
