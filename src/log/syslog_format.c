/* Syslog messages: see syslog_format.h. */
#include "log/syslog_format.h"

#include <string.h>

#include "log/log_time.h"

int syslog_token_valid(const char *s, size_t len, size_t max)
{
    if (len == 0 || len > max)
        return 0;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
            return 0;
    return 1;
}

struct out {
    char *p;
    size_t len;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (n > SYSLOG_MESSAGE_MAX - o->len)
        n = SYSLOG_MESSAGE_MAX - o->len;
    memcpy(o->p + o->len, s, n);
    o->len += n;
}

/* A token, or "-" for none (or one that is no token: never a broken header). */
static void put_token(struct out *o, const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    if (s && syslog_token_valid(s, n, max))
        put(o, s, n);
    else
        put(o, "-", 1);
    put(o, " ", 1);
}

size_t syslog_format(char *out, unsigned facility, unsigned severity, uint64_t wall_ns, const char *hostname,
                     const char *msgid, const char *msg, size_t msg_len)
{
    struct out o = {out, 0};
    unsigned pri = (facility & 23) * 8 + (severity & 7);   /* RFC 5424 6.2.1: facilities 0-23 */
    char num[3] = {(char)('0' + pri / 100), (char)('0' + pri / 10 % 10), (char)('0' + pri % 10)};
    size_t skip = pri >= 100 ? 0 : pri >= 10 ? 1 : 2;      /* no leading zeros (6.2.1) */
    put(&o, "<", 1);
    put(&o, num + skip, 3 - skip);
    put(&o, ">1 ", 3);
    char stamp[LOG_TIME_LEN];
    put(&o, stamp, log_time_format(wall_ns, stamp));
    put(&o, " ", 1);
    put_token(&o, hostname, SYSLOG_HOSTNAME_MAX);
    put(&o, "unihost - ", 10);
    put_token(&o, msgid, SYSLOG_MSGID_MAX);
    put(&o, "- ", 2);
    put(&o, msg, msg_len);
    return o.len;
}
