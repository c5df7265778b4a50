/*
 * Linked into the test fixture guest only (build/tests/unihost-fixture.xen),
 * never into an image made to serve: with the word xentest-overflow-stack
 * on the kernel command line, the guest calls deeper and deeper until it
 * runs off its stack's end, so that the real-Xen test can see the guard
 * page turn that into a clear "stack overflow" line and a crashed domain,
 * where it used to write over the page tables below the stack.
 */
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
    if (!strstr(cmdline, "xentest-overflow-stack"))
        return;
    xen_console_printf("xentest: calling deeper until the stack runs out");
    xen_console_printf("xentest: the stack did not run out (%u)", descend(NULL, 0));
}
