/* src/ctx/x86_64.S: context switch for x86_64 System V.
 * Saves the callee-saved registers rbx, rbp, r12-r15 and the two FP
 * control words the ABI also makes callee-saved (MXCSR control bits and
 * the x87 control word) on the old stack, then swaps stack pointers and
 * restores the new context's (the control words only if they differ).
 * Frame, from the saved sp upwards: mxcsr(4) fpucw(2) pad(2) r15 r14
 * r13 r12 rbx rbp return-address (make_asm.c builds the first one, with
 * the trampoline as return address).
 *
 * Each control word is stored once, into the frame, and read back into a
 * register for the comparison with the new frame's: stmxcsr and fnstcw
 * are microcoded, and storing both a second time to compare showed as a
 * large share of the switch in a profile on AMD EPYC.
 *
 * It returns with ret, whose target the return stack buffer predicts:
 * right whenever both contexts called the switch from the same place, as
 * a yield in a loop does. Leaving with an indirect jmp instead (as
 * Boost.Context's jump_fcontext does) leaves the call's entry on that
 * buffer, and every return of the resumed context is then predicted one
 * frame off: 4x slower weft_yield (docs/PERFORMANCE.md). The one
 * exception is a new context's first entry: the buffer cannot predict
 * the trampoline, a direct jmp always does. */
    .text
    .globl weft__ctx_switch
    .hidden weft__ctx_switch
    .type weft__ctx_switch, @function
    .p2align 4
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
    movl (%rsp), %ecx             /* ours, forwarded from the stores */
    movzwl 4(%rsp), %edx
    movq %rsp, (%rdi)
    movq (%rsi), %rsp             /* now on the frame of `to` */
    /* Reload a control word only when it differs: ldmxcsr and fldcw cost
     * tens of cycles, and MXCSR's sticky status flags (not callee-saved)
     * would otherwise make most switches pay. */
    xorl (%rsp), %ecx
    testl $0xffc0, %ecx           /* MXCSR control bits: DAZ, masks, RC, FZ */
    jnz 3f
1:  cmpw 4(%rsp), %dx
    jne 4f
2:  addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    leaq weft__ctx_trampoline(%rip), %rcx
    cmpq %rcx, (%rsp)
    je 5f
    ret
3:  ldmxcsr (%rsp)
    jmp 1b
4:  fldcw 4(%rsp)
    jmp 2b
5:  addq $8, %rsp                 /* a new context: its first entry */
    jmp weft__ctx_trampoline
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
