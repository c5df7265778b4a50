/* RenewalInfo objects (renewal_info.h). */
#include "acme/renewal_info.h"

#include <stdio.h>

#include "acme/rfc3339.h"

/* A member holding an RFC 3339 time. */
static bool member_time(const struct json_doc *doc, long obj, const char *name, int64_t *out)
{
    char text[64];
    long i = json_member_typed(doc, (size_t)obj, name, JSON_STRING);
    long n = i >= 0 ? json_string(doc, (size_t)i, text, sizeof text) : -1;
    return n > 0 && rfc3339_parse(text, (size_t)n, out);
}

bool renewal_info_parse(const char *body, size_t len, struct json_token *tokens, size_t max_tokens,
                        struct renewal_info *info, char *why, size_t why_cap)
{
    struct json_doc doc;
    struct json_error err;
    if (!json_read(&doc, body ? body : "", body ? len : 0, tokens, max_tokens, &err)) {
        snprintf(why, why_cap, "not JSON: %s at byte %zu", err.why, err.offset);
        return false;
    }
    if (json_at(&doc, 0)->type != JSON_OBJECT) {
        snprintf(why, why_cap, "%s", "not a JSON object");
        return false;
    }
    long window = json_member_typed(&doc, 0, "suggestedWindow", JSON_OBJECT);
    if (window < 0) {
        snprintf(why, why_cap, "%s", "no suggestedWindow object");
        return false;
    }
    int64_t start, end;
    if (!member_time(&doc, window, "start", &start)) {
        snprintf(why, why_cap, "%s", "the window's start is not an RFC 3339 time");
        return false;
    }
    if (!member_time(&doc, window, "end", &end)) {
        snprintf(why, why_cap, "%s", "the window's end is not an RFC 3339 time");
        return false;
    }
    if (end <= start) {
        snprintf(why, why_cap, "%s", "the window does not end after it starts");
        return false;
    }
    info->start = start;
    info->end = end;
    info->explanation_url[0] = '\0';
    long url = json_member(&doc, 0, "explanationURL");
    if (url >= 0) {
        long n = json_at(&doc, (size_t)url)->type == JSON_STRING
                     ? json_string(&doc, (size_t)url, info->explanation_url, sizeof info->explanation_url)
                     : -1;
        bool printable = n > 0;
        for (long k = 0; printable && k < n; k++)
            printable = (unsigned char)info->explanation_url[k] > 0x20 && (unsigned char)info->explanation_url[k] < 0x7f;
        if (!printable) {
            info->explanation_url[0] = '\0';
            snprintf(why, why_cap, "%s", "explanationURL is not a printable URL of at most 255 bytes");
            return false;
        }
    }
    return true;
}
