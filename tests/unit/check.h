/*
 * The unit tests' tiny harness: CHECK prints "ok - name" or
 * "not ok - name: expression (file:line)", which tests/run.sh counts.
 */
#ifndef UNIHOST_TEST_CHECK_H
#define UNIHOST_TEST_CHECK_H

#include <stdio.h>

static int check_failures;

#define CHECK(name, expr)                                                              \
    do {                                                                               \
        if (expr) {                                                                    \
            printf("ok - %s\n", (name));                                               \
        } else {                                                                       \
            printf("not ok - %s: %s (%s:%d)\n", (name), #expr, __FILE__, __LINE__);    \
            check_failures++;                                                          \
        }                                                                              \
    } while (0)

#define CHECK_DONE() (check_failures == 0 ? 0 : 1)

#endif
