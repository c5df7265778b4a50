/*
 * Linked into the test fixture guest only (build/tests/unihost-fixture.xen),
 * never into an image made to serve. Asked on the kernel command line, the
 * guest does what a memory bug would, so that the real-Xen test can see it
 * stop with a line that says what happened, where it used to write over
 * its page tables or code and die without a word:
 *   xentest-overflow-stack   calls deeper until it runs off its stack's end
 *                            (the guard page below the stack, stack.c);
 *   xentest-write-code       writes to its own code (mapped read-only,
 *                            page_tables.c).
 */
#include <stdint.h>
#include <string.h>

#include "xen/console.h"

void xen_test_hook(const char *cmdline);

/* Read at each level, so the recursion has an end the compiler cannot see
 * past; the stack ends long before it. */
static volatile unsigned deepest_level = 1u << 30;

static unsigned descend(volatile unsigned char *caller, unsigned level)
{
    volatile unsigned char frame[1024];
    frame[0] = (unsigned char)level;
    frame[sizeof frame - 1] = caller ? caller[0] : 0;
    if (level >= deepest_level)
        return frame[0];
    return descend(frame, level + 1) + frame[sizeof frame - 1];    /* not a tail call */
}

void xen_test_hook(const char *cmdline)
{
    if (strstr(cmdline, "xentest-overflow-stack")) {
        xen_console_printf("xentest: calling deeper until the stack runs out");
        xen_console_printf("xentest: the stack did not run out (%u)", descend(NULL, 0));
    }
    if (strstr(cmdline, "xentest-write-code")) {
        volatile unsigned char *code = (volatile unsigned char *)(uintptr_t)&xen_test_hook;
        xen_console_printf("xentest: writing to the code at %p", (void *)(uintptr_t)code);
        code[0] = code[0];
        xen_console_printf("xentest: the code took the write");
    }
}
