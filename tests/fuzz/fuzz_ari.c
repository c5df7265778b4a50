/*
 * libFuzzer target: ACME Renewal Information (RFC 9773) from the CA's
 * side: the RenewalInfo reader (src/acme/renewal_info.c) with the RFC 3339
 * times under it, the CertID reader (src/acme/ari_cert_id.c) on arbitrary
 * DER, and the schedule that takes a window (src/acme/acme_schedule.c).
 *
 * Input: byte 0 chooses, the rest is the text:
 *   0: a renewalInfo body; bytes 1-8 of it also serve as the random bits
 *      and byte 9 as the Retry-After (its value times 1000 seconds, or
 *      none when 255);
 *   1: a certificate's DER;
 *   2: an RFC 3339 time.
 *
 * Invariants (a trap when broken): a refusal says why; a window read
 * starts before it ends and its explanation is printable; the time the
 * schedule chooses lies within the window, stays the same when the same
 * window comes again, and the next check is within a minute and a day; a
 * CertID read has the shape of one; a time read lies within years 1 to
 * 9999.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "acme/acme_schedule.h"
#include "acme/ari_cert_id.h"
#include "acme/renewal_info.h"
#include "acme/rfc3339.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void renewal_info(const uint8_t *text, size_t len)
{
    static struct json_token tokens[64];
    struct renewal_info info;
    char why[128] = "";
    if (!renewal_info_parse((const char *)text, len, tokens, 64, &info, why, sizeof why)) {
        FUZZ_CHECK(why[0] != '\0', "a refusal says why");
        return;
    }
    FUZZ_CHECK(info.start < info.end, "a window starts before it ends");
    size_t n = strlen(info.explanation_url);
    FUZZ_CHECK(n < sizeof info.explanation_url, "the explanation fits");
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK(info.explanation_url[i] > 0x20 && info.explanation_url[i] < 0x7f, "the explanation is printable");

    uint64_t random = 0;
    for (size_t i = 0; i < 8 && i < len; i++)
        random = random << 8 | text[i];
    int64_t now = 1700000000;
    struct acme_ari_result result = {
        .outcome = ACME_ARI_WINDOW, .start = info.start, .end = info.end,
        .retry_after = len > 9 && text[9] != 255 ? (int64_t)text[9] * 1000 : -1,
    };
    struct acme_renewal_state state;
    acme_renewal_issued(&state, now - 86400, now + 89 * 86400, "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE", now);
    acme_renewal_checked(&state, &result, now, random);
    int64_t due = acme_renewal_due(&state);
    FUZZ_CHECK(due >= info.start && due < info.end, "the chosen time lies within the window");
    FUZZ_CHECK(acme_next_check(&state) >= now + ACME_ARI_CHECK_MIN && acme_next_check(&state) <= now + ACME_ARI_CHECK_MAX,
               "the next check within a minute and a day");
    acme_renewal_checked(&state, &result, now + 60, ~random);
    FUZZ_CHECK(acme_renewal_due(&state) == due, "the same window keeps its time");
}

static void cert_id(const uint8_t *der, size_t len)
{
    char id[ARI_CERT_ID_MAX];
    if (ari_cert_id(der, len, id, sizeof id))
        FUZZ_CHECK(ari_cert_id_valid(id), "a CertID read has the shape of one");
}

static void time_text(const uint8_t *text, size_t len)
{
    int64_t t;
    if (rfc3339_parse((const char *)text, len, &t))
        FUZZ_CHECK(t >= -62135596800 - 86400 && t < 253402300800 + 86400, "a time within years 1 to 9999 (and an offset)");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    switch (data[0] % 3) {
    case 0:
        renewal_info(data + 1, size - 1);
        break;
    case 1:
        cert_id(data + 1, size - 1);
        break;
    default:
        time_text(data + 1, size - 1);
        break;
    }
    return 0;
}
