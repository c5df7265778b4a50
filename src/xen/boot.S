/*
 * PVH entry. Xen (or QEMU's PVH loader) enters `pvh_start32` in 32-bit
 * protected mode, paging off, flat segments, interrupts off, with %ebx the
 * physical address of struct hvm_start_info. We zero .bss (it holds the page
 * tables and the stack), identity-map the first 4 GiB with 2 MiB pages (the
 * image, the heap, and Xen's special pages just under 4 GiB: console and
 * xenstore rings), enable PAE, SSE and long mode, and call
 * xen_c_entry(start_info) on a BOOT_STACK_SIZE stack. Below the stack is a
 * page that stack.c unmaps, so that running off the stack's end faults
 * instead of writing over what lies below.
 *
 * The IDT (exceptions.c) and the TSS with the fault handlers' own stacks
 * (stack.c) come in C. The guest takes no interrupts (it waits with
 * SCHEDOP_poll).
 */
#include <xen/elfnote.h>

#define CR0_PE      (1 << 0)
#define CR0_MP      (1 << 1)
#define CR0_EM      (1 << 2)
#define CR0_PG      (1 << 31)
#define CR4_PAE     (1 << 5)
#define CR4_OSFXSR  (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define MSR_EFER    0xc0000080
#define EFER_LME    (1 << 8)
#define PTE_PRESENT_RW 0x003
#define PTE_LARGE   0x080
#define GIB_MAPPED  4
#define BOOT_STACK_SIZE (64 * 1024)

/* The ELF note that makes this a PVH kernel: the 32-bit entry address. */
    .section .note.Xen, "a", @note
    .balign 4
    .long 4, 4, XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .balign 4
    .long pvh_start32
    .balign 4
    .long 4, 8, XEN_ELFNOTE_GUEST_OS
    .asciz "Xen"
    .balign 4
    .asciz "unihost"
    .balign 4

    .section .text.boot, "ax"
    .code32
    .globl pvh_start32
pvh_start32:
    cld
    /* Zero .bss: rep stosb uses %edi, %ecx, %eax; %ebx survives. */
    movl $__bss_start, %edi
    movl $__bss_end, %ecx
    subl %edi, %ecx
    xorl %eax, %eax
    rep stosb

    /* PML4[0] -> PDPT; PDPT[0..3] -> four page directories of 2 MiB pages. */
    movl $boot_pdpt, %eax
    orl $PTE_PRESENT_RW, %eax
    movl %eax, boot_pml4

    movl $boot_pd, %eax
    orl $PTE_PRESENT_RW, %eax
    xorl %ecx, %ecx
1:  movl %eax, boot_pdpt(, %ecx, 8)
    addl $4096, %eax
    incl %ecx
    cmpl $GIB_MAPPED, %ecx
    jne 1b

    /* 2048 entries: entry i maps i * 2 MiB; the high dword carries bit 32. */
    xorl %ecx, %ecx
2:  movl %ecx, %eax
    shll $21, %eax
    orl $(PTE_PRESENT_RW | PTE_LARGE), %eax
    movl %eax, boot_pd(, %ecx, 8)
    movl %ecx, %eax
    shrl $11, %eax
    movl %eax, boot_pd + 4(, %ecx, 8)
    incl %ecx
    cmpl $(GIB_MAPPED * 512), %ecx
    jne 2b

    movl %cr4, %eax
    orl $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
    movl %eax, %cr4
    movl $boot_pml4, %eax
    movl %eax, %cr3
    movl $MSR_EFER, %ecx
    rdmsr
    orl $EFER_LME, %eax
    wrmsr
    movl %cr0, %eax
    andl $~CR0_EM, %eax
    orl $(CR0_PE | CR0_MP | CR0_PG), %eax
    movl %eax, %cr0

    lgdt boot_gdt_descriptor
    ljmp $0x08, $pvh_start64

    .code64
pvh_start64:
    movl $0x10, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    xorl %eax, %eax
    movl %eax, %fs
    movl %eax, %gs
    movabsq $boot_stack_top, %rsp
    xorl %ebp, %ebp
    movl %ebx, %edi             /* physical = virtual: the start info pointer */
    call xen_c_entry
3:  hlt                         /* xen_c_entry does not return */
    jmp 3b

    .section .rodata.boot, "a"
    .balign 8
boot_gdt:
    .quad 0                     /* null */
    .quad 0x00af9a000000ffff    /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff    /* 0x10: data */
boot_gdt_end:
boot_gdt_descriptor:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt

    .section .bss.boot, "aw", @nobits
    .balign 4096
    .globl boot_pml4
boot_pml4:
    .skip 4096
boot_pdpt:
    .skip 4096
    .globl boot_pd
boot_pd:
    .skip 4096 * GIB_MAPPED
    .globl boot_pd_end
boot_pd_end:
    .globl boot_stack_guard, boot_stack, boot_stack_top
boot_stack_guard:
    .skip 4096
boot_stack:
    .skip BOOT_STACK_SIZE
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
