/* lwIP's compiler and platform hooks for unihost (both platforms). */
#ifndef UNIHOST_LWIP_ARCH_CC_H
#define UNIHOST_LWIP_ARCH_CC_H

#include <stddef.h>
#include <stdint.h>

#define BYTE_ORDER LITTLE_ENDIAN
#define LWIP_NO_INTTYPES_H 1
#define X8_F "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "zu"

/* No errno is needed: the socket API is off. */
#define LWIP_ERRNO_INCLUDE <stddef.h>

void unihost_lwip_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void unihost_lwip_assert(const char *msg, const char *file, int line);

#define LWIP_PLATFORM_DIAG(x) do { unihost_lwip_diag x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) unihost_lwip_assert((x), __FILE__, __LINE__)

#endif
