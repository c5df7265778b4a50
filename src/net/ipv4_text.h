/*
 * An IPv4 address in dotted decimal, for the log: the access and query
 * lines make one per line (one per DNS query with --dns-log), and this
 * takes a third of the time of lwIP's ip4addr_ntoa_r(), its loop over the
 * digits and the strlen() after it. Header-only, so that bench/log_cost
 * measures the same code without lwIP.
 */
#ifndef UNIHOST_IPV4_TEXT_H
#define UNIHOST_IPV4_TEXT_H

#include <stddef.h>
#include <stdint.h>

#define IPV4_TEXT_MAX 16        /* "255.255.255.255" and its NUL */

/* Writes addr's text and a NUL into out; returns the text's length. */
static inline size_t ipv4_text(const uint8_t addr[4], char out[IPV4_TEXT_MAX])
{
    size_t n = 0;
    for (int i = 0; i < 4; i++) {
        unsigned octet = addr[i];
        if (octet >= 100)
            out[n++] = (char)('0' + octet / 100);
        if (octet >= 10)
            out[n++] = (char)('0' + octet / 10 % 10);
        out[n++] = (char)('0' + octet % 10);
        out[n++] = i < 3 ? '.' : '\0';
    }
    return n - 1;
}

#endif
