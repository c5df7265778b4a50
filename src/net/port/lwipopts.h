/*
 * lwIP configuration for unihost: NO_SYS=1 (no threads: one event loop calls
 * lwIP), raw API only, IPv4 and IPv6, ARP/ICMP/NDP/MLD, TCP and UDP, no DHCP
 * or autoconfiguration (addresses come from the command line).
 *
 * Memory is fixed at start-up: lwIP's heap and pools are static arrays sized
 * here, so a flood runs the pools dry (lwIP then drops or refuses) instead of
 * growing without bound.
 */
#ifndef UNIHOST_LWIPOPTS_H
#define UNIHOST_LWIPOPTS_H

#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_ALTCP 0
#define LWIP_TIMERS 1
#define LWIP_SINGLE_NETIF 1

/* Protocols. */
#define LWIP_IPV4 1
#define LWIP_IPV6 1
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_ICMP6 1
#define LWIP_IPV6_MLD 1
#define LWIP_IPV6_AUTOCONFIG 0
#define LWIP_IPV6_DHCP6 0
#define LWIP_IPV6_SEND_ROUTER_SOLICIT 0
#define LWIP_IPV6_DUP_DETECT_ATTEMPTS 0   /* static, operator-chosen address */
#define LWIP_IPV6_NUM_ADDRESSES 3
#define LWIP_IGMP 0
#define LWIP_DHCP 0
#define LWIP_AUTOIP 0
#define LWIP_DNS 0
#define LWIP_RAW 0
#define LWIP_UDP 1
#define LWIP_TCP 1
#define IP_REASSEMBLY 1
#define IP_FRAG 1
#define LWIP_IPV6_REASS 1
#define LWIP_IPV6_FRAG 1
#define IPV6_FRAG_COPYHEADER 1         /* 64-bit pointers do not fit in the header */
#define ARP_TABLE_SIZE 64
#define ARP_QUEUEING 1
#define LWIP_ND6_NUM_NEIGHBORS 64
#define LWIP_ND6_NUM_DESTINATIONS 64
#define ETHARP_SUPPORT_STATIC_ENTRIES 0

#include "net/net_limits.h"

/* Memory: one static heap for PBUF_RAM (TCP headers, copied data, replies) and
 * fixed pools for the rest. The sizes marked #ifndef can be overridden with
 * -D by a platform with less memory (the Xen build, for memory = 16). */
#define MEM_ALIGNMENT 8
#ifndef MEM_SIZE
#define MEM_SIZE (4 * 1024 * 1024)
#endif
#ifndef MEMP_NUM_PBUF
#define MEMP_NUM_PBUF 2048                /* PBUF_ROM/REF: bodies sent from the blob */
#endif
#define MEMP_NUM_UDP_PCB 4                 /* DNS on port 53, NOTIFY's ephemeral port, syslog's */
/* Every slot, every listener's half-open connections, and a reserve for
 * closing ones (net_limits.h). */
#define MEMP_NUM_TCP_PCB (HTTP_SLOTS + DNS_SLOTS + METRICS_SLOTS + MANAGE_SLOTS + TCP_LISTENERS * TCP_HALF_OPEN_MAX + TCP_CLOSING_RESERVE)
#define MEMP_NUM_TCP_PCB_LISTEN TCP_LISTENERS
/* lwIP's own timers, the TCP service's tick (tcp_service.c), the NOTIFY
 * retries (dns_notify_service.c) and ACME's three at most (acme_service.c:
 * a request's time-out and its lookup's resend, while an issued
 * certificate may still wait for HTTPS to take it; between runs, the next
 * run and that wait). An empty pool is an lwIP assertion: unihost stops. */
#define MEMP_NUM_SYS_TIMEOUT (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 5)
#ifndef MEMP_NUM_TCP_SEG
#define MEMP_NUM_TCP_SEG 4096
#endif
#define MEMP_NUM_REASSDATA 8
#define IP_REASS_MAX_PBUFS 64
#define MEMP_NUM_FRAG_PBUF 32
#define MEMP_NUM_ARP_QUEUE 64
#define MEMP_NUM_ND6_QUEUE 64
#ifndef PBUF_POOL_SIZE
#define PBUF_POOL_SIZE 1024
#endif
#define PBUF_POOL_BUFSIZE 1536            /* one Ethernet frame per pool pbuf */

/* TCP. */
#define TCP_MSS 1460
/* The window each connection offers is its receive buffer's size (see
 * tcp_service.h): what it received and did not consume yet, plus what the
 * window lets the peer send, always fits the buffer. */
#define TCP_WND TCP_RX_BYTES
/* 256 KiB in flight per connection: with segmentation offload one segment
 * is up to 64 KiB, and a 64 KiB buffer would allow one at a time. Bodies
 * are sent from the blob without a copy, so this costs no memory per
 * connection beyond pbuf and segment descriptors from the pools below. */
#ifndef TCP_SND_BUF
#define TCP_SND_BUF (256 * 1024)
#endif
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS + 8)
/* Wake senders when 32 KiB are free (half the buffer on builds, like Xen's,
 * that make it smaller). */
#define TCP_SNDLOWAT (TCP_SND_BUF > 64 * 1024 ? 32 * 1024 : TCP_SND_BUF / 2)
#define TCP_QUEUE_OOSEQ 1
/* Out-of-order segments each hold a frame buffer until the hole fills: a
 * few per connection (and lwIP frees them all if the pool runs dry). */
#define TCP_OOSEQ_MAX_PBUFS 8
#define TCP_OOSEQ_MAX_BYTES TCP_WND
#define TCP_OVERSIZE TCP_MSS
#define LWIP_TCP_TIMESTAMPS 0
#define LWIP_TCP_KEEPALIVE 0
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 0         /* our window is small; scaling is for the peer's, which we send into */
#define LWIP_TCP_SACK_OUT 0
/* lwIP counts each listener's half-open connections (accepts_pending),
 * which syn_cookie.h reads; the backlog itself is never reached. */
#define TCP_LISTEN_BACKLOG 1
#define TCP_DEFAULT_LISTEN_BACKLOG 0xff

/* Checksums are computed and checked in software: tap and netfront hand us
 * plain frames. A platform with TCP segmentation offload computes outgoing
 * TCP checksums itself: netif_platform.c turns lwIP's off for that netif. */
#define LWIP_CHECKSUM_CTRL_PER_NETIF 1
#define CHECKSUM_GEN_IP 1
#define CHECKSUM_GEN_UDP 1
#define CHECKSUM_GEN_TCP 1
#define CHECKSUM_CHECK_IP 1
#define CHECKSUM_CHECK_UDP 1
#define CHECKSUM_CHECK_TCP 1
/* Off: with it on, lwIP checksums every zero-copy body at tcp_write() time,
 * a pass over the data that a platform with checksum offload never needs
 * (without offload the same sum is taken once at output instead). */
#define LWIP_CHECKSUM_ON_COPY 0

/* Callbacks and features we do not use. */
#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_NETIF_LINK_CALLBACK 0
#define LWIP_NETIF_HOSTNAME 0
#define LWIP_NETIF_API 0
#define LWIP_STATS_DISPLAY 0
#define PPP_SUPPORT 0

/* Statistics: only the heap's and the pools' use counters, which the
 * "stats:" line reports (net_stats.h) and the hostile-client tests read to
 * see that every pool is back at its idle level after an attack. */
#define LWIP_STATS 1
#define MEM_STATS 1
#define MEMP_STATS 1
#define LINK_STATS 0
#define ETHARP_STATS 0
#define IP_STATS 0
#define IPFRAG_STATS 0
#define ICMP_STATS 0
#define IGMP_STATS 0
#define UDP_STATS 0
#define TCP_STATS 0
#define SYS_STATS 0
#define IP6_STATS 0
#define ICMP6_STATS 0
#define IP6_FRAG_STATS 0
#define MLD6_STATS 0
#define ND6_STATS 0
#define MIB2_STATS 0

/* SYN cookies, a SYN reusing the ports of a connection in TIME_WAIT, RFC
 * 6528 initial sequence numbers, and the MSS an IPv6 SYN advertises: see
 * tcp_hooks.h. */
#define LWIP_HOOK_TCP_INPACKET_PCB(pcb, hdr, optlen, opt1len, opt2, p) \
    tcp_hook_inpacket(pcb, hdr, optlen, opt1len, opt2, p)
#define LWIP_HOOK_TCP_ISN(local_ip, local_port, remote_ip, remote_port) \
    tcp_hook_isn(local_ip, local_port, remote_ip, remote_port)
#define LWIP_HOOK_TCP_OUT_ADD_TCPOPTS(p, hdr, pcb, opts) tcp_hook_out_options(hdr, pcb, opts)
#ifndef __ASSEMBLER__
#include <stdint.h>
struct tcp_pcb;
struct tcp_hdr;
struct pbuf;
struct ip_addr;
/* lwIP's types are not declared yet here: err_t is int8_t, u16_t uint16_t,
 * u8_t uint8_t, u32_t uint32_t (lwip/arch.h), ip_addr_t struct ip_addr
 * (IPv4 and IPv6 both on); tcp_hooks.h has the same prototypes in them. */
int8_t tcp_hook_inpacket(struct tcp_pcb *pcb, struct tcp_hdr *hdr, uint16_t optlen, uint16_t opt1len,
                         uint8_t *opt2, struct pbuf *p);
uint32_t tcp_hook_isn(const struct ip_addr *local, uint16_t local_port, const struct ip_addr *remote,
                      uint16_t remote_port);
uint32_t *tcp_hook_out_options(struct tcp_hdr *hdr, const struct tcp_pcb *pcb, uint32_t *opts);
#endif

/* Randomness for local ports and IPv6: see lwip_glue.c (ISNs: tcp_hooks.h). */
#define LWIP_RAND() unihost_lwip_rand()
#ifndef __ASSEMBLER__
#include <stdint.h>
uint32_t unihost_lwip_rand(void);
#endif

#define LWIP_DEBUG 0
#define LWIP_NOASSERT_ON_ERROR 0

#endif
