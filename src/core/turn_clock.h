/*
 * The clocks as they were at the start of the event loop's turn.
 *
 * A clock read costs 30 to 150 ns on a virtual machine (kvm-clock through
 * the vDSO), and a small DNS answer costs about 8 us: four reads a query
 * (the engine's clock, the query line's time, the syslog record's) were 3
 * to 6% of it. Everything answered in one turn (at most a round of frames,
 * well under a millisecond) shares one reading instead, as nginx's cached
 * time does. What needs a true interval (a request's duration_us) still
 * reads plat_monotonic_ns() itself.
 *
 * Outside the loop (start-up, stopping) each call reads the clock.
 */
#ifndef UNIHOST_TURN_CLOCK_H
#define UNIHOST_TURN_CLOCK_H

#include <stdint.h>

/* Reads both clocks: at the top of each turn. */
void turn_clock_tick(void);
/* Back to reading the clock at each call: when the loop ends. */
void turn_clock_stop(void);

uint64_t turn_monotonic_ns(void);
uint64_t turn_wallclock_ns(void);

#endif
