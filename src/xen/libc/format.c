/*
 * vsnprintf and snprintf for the Xen guest (tests/unit/test_xen_libc.c
 * compares them with the host's C library): the C11 conversions the core,
 * lwIP and our drivers use (d i u x X o c s p %, flags - 0 + space #, width
 * and precision with *, length hh h l ll z j t). No floating point: nothing
 * in the guest formats a double.
 */
#include <stdio.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>


struct out {
    char *buf;
    size_t size, len;       /* len counts every byte produced, even past size */
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

struct spec {
    bool left, zero, plus, space, alt;
    int width, precision;   /* precision -1: none given */
};

static void put_number(struct out *o, const struct spec *sp, uintmax_t v, unsigned base,
                       bool upper, bool negative)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[3 * sizeof v];
    int n = 0;
    while (v) {
        tmp[n++] = digits[v % base];
        v /= base;
    }
    int precision = sp->precision < 0 ? 1 : sp->precision;
    int zeros = precision > n ? precision - n : 0;
    const char *prefix = negative ? "-" : sp->plus ? "+" : sp->space ? " " : "";
    if (sp->alt && base == 16 && n > 0)
        prefix = upper ? "0X" : "0x";
    if (sp->alt && base == 8 && zeros == 0)
        zeros = 1;
    int prefix_len = (int)strlen(prefix);
    int body = prefix_len + zeros + n;
    if (!sp->left && sp->zero && sp->precision < 0 && sp->width > body) {
        zeros += sp->width - body;
        body = sp->width;
    }
    if (!sp->left)
        pad(o, ' ', sp->width - body);
    while (*prefix)
        put(o, *prefix++);
    pad(o, '0', zeros);
    while (n)
        put(o, tmp[--n]);
    if (sp->left)
        pad(o, ' ', sp->width - body);
}

static void put_string(struct out *o, const struct spec *sp, const char *s)
{
    if (!s)
        s = "(null)";
    size_t n = sp->precision < 0 ? strlen(s) : strnlen(s, (size_t)sp->precision);
    if (!sp->left)
        pad(o, ' ', sp->width - (int)n);
    for (size_t i = 0; i < n; i++)
        put(o, s[i]);
    if (sp->left)
        pad(o, ' ', sp->width - (int)n);
}

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE, LEN_MAX, LEN_PTRDIFF };

static uintmax_t fetch_unsigned(va_list *ap, enum length len)
{
    switch (len) {
    case LEN_CHAR: return (unsigned char)va_arg(*ap, unsigned);
    case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned);
    case LEN_LONG: return va_arg(*ap, unsigned long);
    case LEN_LLONG: return va_arg(*ap, unsigned long long);
    case LEN_SIZE: return va_arg(*ap, size_t);
    case LEN_MAX: return va_arg(*ap, uintmax_t);
    case LEN_PTRDIFF: return (uintmax_t)va_arg(*ap, ptrdiff_t);
    default: return va_arg(*ap, unsigned);
    }
}

static intmax_t fetch_signed(va_list *ap, enum length len)
{
    switch (len) {
    case LEN_CHAR: return (signed char)va_arg(*ap, int);
    case LEN_SHORT: return (short)va_arg(*ap, int);
    case LEN_LONG: return va_arg(*ap, long);
    case LEN_LLONG: return va_arg(*ap, long long);
    case LEN_SIZE: return (intmax_t)va_arg(*ap, size_t);
    case LEN_MAX: return va_arg(*ap, intmax_t);
    case LEN_PTRDIFF: return va_arg(*ap, ptrdiff_t);
    default: return va_arg(*ap, int);
    }
}

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap_in)
{
    struct out o = {buf, size, 0};
    va_list ap;
    va_copy(ap, ap_in);
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            put(&o, *f);
            continue;
        }
        struct spec sp = {.precision = -1};
        for (;; f++) {
            char c = f[1];
            if (c == '-') sp.left = true;
            else if (c == '0') sp.zero = true;
            else if (c == '+') sp.plus = true;
            else if (c == ' ') sp.space = true;
            else if (c == '#') sp.alt = true;
            else break;
        }
        f++;
        if (*f == '*') {
            sp.width = va_arg(ap, int);
            if (sp.width < 0) {
                sp.left = true;
                sp.width = -sp.width;
            }
            f++;
        } else {
            while (*f >= '0' && *f <= '9')
                sp.width = sp.width * 10 + (*f++ - '0');
        }
        if (*f == '.') {
            f++;
            sp.precision = 0;
            if (*f == '*') {
                sp.precision = va_arg(ap, int);
                f++;
            } else {
                while (*f >= '0' && *f <= '9')
                    sp.precision = sp.precision * 10 + (*f++ - '0');
            }
        }
        enum length len = LEN_INT;
        if (*f == 'h') {
            len = f[1] == 'h' ? (f++, LEN_CHAR) : LEN_SHORT;
            f++;
        } else if (*f == 'l') {
            len = f[1] == 'l' ? (f++, LEN_LLONG) : LEN_LONG;
            f++;
        } else if (*f == 'z') {
            len = LEN_SIZE, f++;
        } else if (*f == 'j') {
            len = LEN_MAX, f++;
        } else if (*f == 't') {
            len = LEN_PTRDIFF, f++;
        }
        switch (*f) {
        case 'd':
        case 'i': {
            intmax_t v = fetch_signed(&ap, len);
            put_number(&o, &sp, v < 0 ? -(uintmax_t)v : (uintmax_t)v, 10, false, v < 0);
            break;
        }
        case 'u': put_number(&o, &sp, fetch_unsigned(&ap, len), 10, false, false); break;
        case 'x': put_number(&o, &sp, fetch_unsigned(&ap, len), 16, false, false); break;
        case 'X': put_number(&o, &sp, fetch_unsigned(&ap, len), 16, true, false); break;
        case 'o': put_number(&o, &sp, fetch_unsigned(&ap, len), 8, false, false); break;
        case 'p': {
            struct spec p = sp;
            p.alt = true;
            put_number(&o, &p, (uintptr_t)va_arg(ap, void *), 16, false, false);
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            if (!sp.left)
                pad(&o, ' ', sp.width - 1);
            put(&o, c);
            if (sp.left)
                pad(&o, ' ', sp.width - 1);
            break;
        }
        case 's': put_string(&o, &sp, va_arg(ap, const char *)); break;
        case '%': put(&o, '%'); break;
        default:            /* unknown conversion: show it rather than guess */
            put(&o, '%');
            if (!*f)
                goto done;
            put(&o, *f);
        }
    }
done:
    va_end(ap);
    if (size > 0)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len > INT32_MAX ? -1 : (int)o.len;
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
