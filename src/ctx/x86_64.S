/* src/ctx/x86_64.S: context switch for x86_64 System V.
 * Saves the callee-saved registers rbx, rbp, r12-r15 and the two FP
 * control words the ABI also makes callee-saved (MXCSR control bits and
 * the x87 control word) on the old stack, then swaps stack pointers and
 * restores the new context's (the control words only if they differ).
 * Frame, from the saved sp upwards: mxcsr(4) fpucw(2) pad(2) r15 r14
 * r13 r12 rbx rbp return-address. */
    .text
    .globl weft__ctx_switch
    .hidden weft__ctx_switch
    .type weft__ctx_switch, @function
weft__ctx_switch:                 /* rdi = from, rsi = to */
    .cfi_startproc
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq (%rsi), %rsp
    /* Reload the control words only when they differ: ldmxcsr and fldcw
     * cost tens of cycles, and MXCSR's sticky status flags (not
     * callee-saved) would otherwise make most switches pay. -8(%rsp) is
     * the red zone of this leaf function on the new stack. */
    stmxcsr -8(%rsp)
    movl -8(%rsp), %eax
    xorl (%rsp), %eax
    testl $0xffc0, %eax           /* MXCSR control bits: DAZ, masks, RC, FZ */
    jz 1f
    ldmxcsr (%rsp)
1:  fnstcw -8(%rsp)
    movzwl -8(%rsp), %eax
    cmpw 4(%rsp), %ax
    je 2f
    fldcw 4(%rsp)
2:  addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .cfi_endproc
    .size weft__ctx_switch, .-weft__ctx_switch

/* First code of a new context: r12 = entry, r13 = arg (set by
 * weft__ctx_make). The stack is 16-byte aligned here, as at a call. */
    .globl weft__ctx_trampoline
    .hidden weft__ctx_trampoline
    .type weft__ctx_trampoline, @function
weft__ctx_trampoline:
    .cfi_startproc
    .cfi_undefined rip
    movq %r13, %rdi
    callq *%r12
    ud2                           /* entry must not return */
    .cfi_endproc
    .size weft__ctx_trampoline, .-weft__ctx_trampoline

    .section .note.GNU-stack,"",@progbits
