/*
 * One hexadecimal digit's value, either case: for the formats that carry
 * bytes as hex in text (percent-encoded URL paths, JSON's \u escapes).
 */
#ifndef UNIHOST_WIRE_HEX_DIGIT_H
#define UNIHOST_WIRE_HEX_DIGIT_H

/* 0 to 15, or -1 when c is not a hex digit. */
static inline int hex_digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

#endif
