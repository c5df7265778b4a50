/*
 * A stand-in PVH guest for proving the real-Xen harness (tests/xen/run.sh)
 * before unihost.xen exists: the smallest kernel that exercises what the
 * harness relies on -- xl create of a PVH ELF, Xen's debug port, the PVH
 * console ring that xenconsoled logs, and a clean SCHEDOP_shutdown.
 *
 * Xen enters at the PHYS32_ENTRY note in 32-bit protected mode with paging
 * off, so this is 32-bit code and addresses are physical. Hypercalls go
 * through the hypercall page Xen fills in (the emulated CPU may be AMD or
 * Intel; the page holds the right instruction), with the 32-bit ABI: the
 * number is implied by the page offset, arguments in %ebx and %ecx.
 *
 * Output, on both the debug port 0xE9 ("(d1) ..." in xl dmesg) and the
 * console ring: the line STANDIN_READY below, then it powers the domain off.
 * Without Xen (bare QEMU) it says so on port 0xE9 and halts.
 */

#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define HYPERVISOR_event_channel_op 32
#define HYPERVISOR_sched_op 29
#define HYPERVISOR_hvm_op 34
#define EVTCHNOP_send 4
#define SCHEDOP_shutdown 2
#define SHUTDOWN_poweroff 0
#define HVMOP_get_param 1
#define HVM_PARAM_CONSOLE_PFN 17
#define HVM_PARAM_CONSOLE_EVTCHN 18
#define DOMID_SELF 0x7ff0
/* struct xencons_interface: in[1024], out[2048], then four 32-bit indexes. */
#define CONS_OUT 1024
#define CONS_OUT_SIZE 2048
#define CONS_OUT_CONS 3080
#define CONS_OUT_PROD 3084

    .section .note.Xen, "a", @note
    .balign 4
    .long 4, 4, XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .balign 4
    .long _start

    .code32
    .text
    .globl _start
_start:
    mov $stack_top, %esp
    mov $msg_debug, %esi
    call debug_puts

    /* Xen's CPUID leaves start at 0x40000000 or, beside Viridian, 0x100 up. */
    mov $0x40000000, %edi
find_xen:
    mov %edi, %eax
    cpuid
    cmp $0x566e6558, %ebx               /* "XenV" */
    jne next_leaf
    cmp $0x65584d4d, %ecx               /* "MMXe" */
    jne next_leaf
    cmp $0x4d4d566e, %edx               /* "nVMM" */
    je found_xen
next_leaf:
    add $0x100, %edi
    cmp $0x40010000, %edi
    jb find_xen
    mov $msg_not_xen, %esi
    call debug_puts
halt:
    cli
    hlt
    jmp halt

found_xen:
    lea 2(%edi), %eax                   /* leaf base+2: %ebx = hypercall MSR */
    cpuid
    mov %ebx, %ecx
    mov $hypercall_page, %eax
    xor %edx, %edx
    wrmsr

    mov $msg_ready, %esi
    call debug_puts

    /* The console ring: its frame and event channel are HVM params. */
    movl $HVM_PARAM_CONSOLE_PFN, param_index
    mov $HVMOP_get_param, %ebx
    mov $param, %ecx
    call hypercall_page + HYPERVISOR_hvm_op * 32
    test %eax, %eax
    jnz shutdown
    mov param_value, %edi
    shl $12, %edi                       /* %edi: the ring */
    movl $HVM_PARAM_CONSOLE_EVTCHN, param_index
    mov $HVMOP_get_param, %ebx
    mov $param, %ecx
    call hypercall_page + HYPERVISOR_hvm_op * 32
    test %eax, %eax
    jnz shutdown
    mov param_value, %eax
    mov %eax, evtchn_port

    mov $msg_ready, %esi
    mov CONS_OUT_PROD(%edi), %edx
ring_copy:
    lodsb
    test %al, %al
    jz ring_done
    mov %edx, %ecx
    and $(CONS_OUT_SIZE - 1), %ecx
    mov %al, CONS_OUT(%edi, %ecx)
    inc %edx
    jmp ring_copy
ring_done:
    /* The bytes must be visible before the index that publishes them. */
    sfence
    mov %edx, CONS_OUT_PROD(%edi)
    mov $EVTCHNOP_send, %ebx
    mov $evtchn_port, %ecx
    call hypercall_page + HYPERVISOR_event_channel_op * 32

    /* Give xenconsoled a bounded while to read the ring before powering
     * off, or the line could die with the domain. */
    mov $200000000, %ecx
wait_drained:
    mov CONS_OUT_CONS(%edi), %eax
    cmp %eax, CONS_OUT_PROD(%edi)
    je shutdown
    pause
    loop wait_drained

shutdown:
    mov $SCHEDOP_shutdown, %ebx
    mov $shutdown_reason, %ecx
    call hypercall_page + HYPERVISOR_sched_op * 32
    jmp halt

/* debug_puts: %esi = NUL-terminated string, to Xen's (or QEMU's) port 0xE9. */
debug_puts:
    lodsb
    test %al, %al
    jz 1f
    out %al, $0xe9
    jmp debug_puts
1:  ret

    .section .rodata
msg_debug:   .asciz "xentest stand-in: booted\n"
msg_not_xen: .asciz "xentest stand-in: not on Xen\n"
msg_ready:   .asciz "xentest stand-in: ready\n"

    .data
    .balign 8
param:                                  /* struct xen_hvm_param */
    .word DOMID_SELF, 0
param_index:
    .long 0
param_value:
    .quad 0
evtchn_port:
    .long 0
shutdown_reason:
    .long SHUTDOWN_poweroff

    .bss
    .balign 4096
hypercall_page:
    .skip 4096
    .skip 4096
stack_top:
