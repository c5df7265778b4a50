/*
 * Diagnostics for crunch: every input error is reported as
 * "FILE:LINE: what is wrong" (or "FILE: what is wrong" when no line makes
 * sense, e.g. an unreadable directory), and every warning as
 * "FILE:LINE: warning: what is questionable". Messages are collected rather
 * than printed at once so that checks running in several passes over one
 * file still come out in line order; diag_flush() prints them to stderr.
 * Errors fail the build; warnings are printed but do not.
 */
#ifndef CRUNCH_DIAG_H
#define CRUNCH_DIAG_H

/* Records one error. line 0 means "no line": printed as "FILE: message". */
void diag_error(const char *file, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records one warning: printed as "FILE:LINE: warning: message", it does
 * not count as an error. */
void diag_warning(const char *file, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Number of errors recorded so far (flushed ones included). */
unsigned diag_error_count(void);

/* Number of warnings recorded so far (flushed ones included). */
unsigned diag_warning_count(void);

/*
 * Prints the pending messages to stderr: files in the order they first
 * reported, and within one file by line (then in reporting order).
 */
void diag_flush(void);

/* The same, and returns the lines printed as one malloc'ed string (for
 * crunch --dev's error page). */
char *diag_flush_copy(void);

#endif
