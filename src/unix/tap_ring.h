/* The tap's frames read through io_uring, many for one system call. */
#ifndef UNIHOST_UNIX_TAP_RING_H
#define UNIHOST_UNIX_TAP_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Starts reading frames from the tap (non-blocking descriptor TAP, each
 * frame behind HEADER bytes of virtio-net header) through an io_uring.
 * Returns false with the reason in WHY if this kernel cannot (before Linux
 * 6.7, or io_uring disabled): the caller reads with readv() then.
 */
bool tap_ring_start(int tap, size_t header, char *why, size_t why_size);
void tap_ring_stop(void);
bool tap_ring_active(void);

/* As plat_net_read(): one frame without its header, left in its io_uring
 * buffer (*frame points there; the buffer goes back to the kernel at the
 * next call), at most SIZE bytes (a longer one is dropped); 0 if none
 * waits, -1 if the device failed. */
long tap_ring_read(uint8_t **frame, size_t size);

/* Waits at most TIMEOUT_MS for a frame (a signal ends it early). */
void tap_ring_wait(int timeout_ms);

#endif
