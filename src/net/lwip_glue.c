/*
 * What lwIP needs from its host under NO_SYS=1: a millisecond clock,
 * randomness, and diagnostic/assert output -- all mapped onto the platform
 * contract.
 */
#include <stdarg.h>

#include "lwip/sys.h"
#include "core/log.h"
#include "core/platform.h"

u32_t sys_now(void)
{
    return (u32_t)(plat_monotonic_ns() / 1000000u);
}

/* lwIP asks for random words one at a time (ISNs, ephemeral ports); drawing
 * them from a refilled pool keeps it to one platform call per 64 words. */
uint32_t unihost_lwip_rand(void)
{
    static uint32_t pool[64];
    static unsigned left;
    if (left == 0) {
        plat_random(pool, sizeof pool);
        left = sizeof pool / sizeof pool[0];
    }
    return pool[--left];
}

void unihost_lwip_diag(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vprintf(fmt, ap);
    va_end(ap);
}

_Noreturn void unihost_lwip_assert(const char *msg, const char *file, int line)
{
    log_printf("lwIP assertion failed: %s (%s:%d)\n", msg, file, line);
    plat_exit(70);
}
