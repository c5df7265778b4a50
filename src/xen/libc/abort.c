/* abort() for the Xen guest: crash the domain with a reason. */
#include <stdlib.h>

#include "../shutdown.h"

_Noreturn void abort(void)
{
    xen_shutdown_with_reason(XEN_EXIT_CRASH, "abort() called");
}
