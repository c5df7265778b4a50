/* The guest's one stack (boot.S): a guard page below it that turns running
 * off its end into a clear fault, the fault handlers' own stacks (the TSS's
 * IST), and a painted stack whose deepest use can be read and is logged. */
#ifndef UNIHOST_XEN_STACK_H
#define UNIHOST_XEN_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Unmaps the guard page, loads a TSS whose IST gives the double fault and
 * the page fault stacks of their own (exceptions.c points them there), and
 * paints the stack below the caller. Called once, first thing in C, after
 * the IDT; false if the guard page could not be unmapped. */
bool xen_stack_init(void);

/* The stack's size, and how much of it the deepest call so far used. */
size_t xen_stack_size(void);
size_t xen_stack_deepest(void);

/* Whether a faulting address lies in the guard page: a stack overflow. */
bool xen_stack_in_guard(uint64_t address);

/* Logs the deepest use when it first passes half of the stack, and again at
 * each further eighth; reads the stack at most once a second (now_ns: the
 * monotonic clock). */
void xen_stack_check(uint64_t now_ns);

#endif
