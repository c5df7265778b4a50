/* JSON output into a bounded buffer (json_write.h). */
#include "acme/json_write.h"

#include <string.h>

#include "acme/base64url.h"

void json_out_init(struct json_out *o, char *buf, size_t cap)
{
    o->buf = buf;
    o->cap = cap;
    o->len = 0;
    o->overflow = cap == 0;
    if (cap)
        buf[0] = '\0';
}

void json_out_raw_n(struct json_out *o, const char *s, size_t len)
{
    if (o->overflow || o->cap - o->len <= len) {
        o->overflow = true;
        return;
    }
    memcpy(o->buf + o->len, s, len);
    o->len += len;
    o->buf[o->len] = '\0';
}

void json_out_raw(struct json_out *o, const char *s)
{
    json_out_raw_n(o, s, strlen(s));
}

void json_out_string_n(struct json_out *o, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    json_out_raw_n(o, "\"", 1);
    size_t run = 0;     /* bytes of s[run_start..] that need no escape, copied in one go */
    for (size_t i = 0; i <= len; i++) {
        unsigned char c = i < len ? (unsigned char)s[i] : 0;
        bool plain = i < len && c >= 0x20 && c != '"' && c != '\\';
        if (plain) {
            run++;
            continue;
        }
        json_out_raw_n(o, s + i - run, run);
        run = 0;
        if (i == len)
            break;
        char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
        if (c == '"' || c == '\\') {
            esc[1] = (char)c;
            json_out_raw_n(o, esc, 2);
        } else {
            json_out_raw_n(o, esc, 6);
        }
    }
    json_out_raw_n(o, "\"", 1);
}

void json_out_string(struct json_out *o, const char *s)
{
    json_out_string_n(o, s, strlen(s));
}

void json_out_base64url(struct json_out *o, const void *bytes, size_t len)
{
    json_out_raw_n(o, "\"", 1);
    if (!o->overflow) {
        long n = base64url_encode(bytes, len, o->buf + o->len, o->cap - o->len);
        if (n < 0)
            o->overflow = true;
        else
            o->len += (size_t)n;
    }
    json_out_raw_n(o, "\"", 1);
}
