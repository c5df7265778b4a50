/* The clocks once per turn: see turn_clock.h. */
#include "core/turn_clock.h"

#include <stdbool.h>

#include "core/platform.h"

static bool ticking;
static uint64_t monotonic_ns, wallclock_ns;

void turn_clock_tick(void)
{
    monotonic_ns = plat_monotonic_ns();
    wallclock_ns = plat_wallclock_ns();
    ticking = true;
}

void turn_clock_stop(void)
{
    ticking = false;
}

uint64_t turn_monotonic_ns(void)
{
    return ticking ? monotonic_ns : plat_monotonic_ns();
}

uint64_t turn_wallclock_ns(void)
{
    return ticking ? wallclock_ns : plat_wallclock_ns();
}
