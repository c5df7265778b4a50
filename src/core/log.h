/* The log: formatted lines on the platform console. */
#ifndef UNIHOST_LOG_H
#define UNIHOST_LOG_H

#include <stdarg.h>

/* printf-style text to the console, as is (no prefix, no newline added). */
void log_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_vprintf(const char *fmt, va_list ap);

/* One log line: "unihost: " + text + "\n". */
void log_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
