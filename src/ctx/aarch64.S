/* src/ctx/aarch64.S: context switch for AArch64 (AAPCS64).
 * Saves what a callee must preserve: x19-x28, the frame pointer x29, the
 * link register x30, the low halves d8-d15 of v8-v15 and FPCR (rounding
 * mode, flush-to-zero), on the old stack, then swaps stack pointers and
 * restores the new context's (FPCR only if it differs).
 * Frame of 22 words, from the saved sp upwards (make_asm.c builds the
 * first one): fpcr pad d8..d15 x19..x28 x29 x30. */
    .text
    .p2align 2
    .globl weft__ctx_switch
    .hidden weft__ctx_switch
    .type weft__ctx_switch, %function
weft__ctx_switch:                 /* x0 = from, x1 = to */
    .cfi_startproc
    sub sp, sp, #176
    .cfi_def_cfa_offset 176
    mrs x9, fpcr
    str x9, [sp, #0]
    stp d8, d9, [sp, #16]
    stp d10, d11, [sp, #32]
    stp d12, d13, [sp, #48]
    stp d14, d15, [sp, #64]
    stp x19, x20, [sp, #80]
    stp x21, x22, [sp, #96]
    stp x23, x24, [sp, #112]
    stp x25, x26, [sp, #128]
    stp x27, x28, [sp, #144]
    stp x29, x30, [sp, #160]
    .cfi_offset x29, -16
    .cfi_offset x30, -8
    mov x10, sp
    str x10, [x0]
    ldr x10, [x1]
    mov sp, x10                   /* now on the frame of `to` */
    /* Write FPCR only when it differs (x9 still holds ours): an msr to
     * it can stall the pipeline, and most switches keep the default. */
    ldr x10, [sp, #0]
    cmp x9, x10
    b.eq 1f
    msr fpcr, x10
1:  ldp d8, d9, [sp, #16]
    ldp d10, d11, [sp, #32]
    ldp d12, d13, [sp, #48]
    ldp d14, d15, [sp, #64]
    ldp x19, x20, [sp, #80]
    ldp x21, x22, [sp, #96]
    ldp x23, x24, [sp, #112]
    ldp x25, x26, [sp, #128]
    ldp x27, x28, [sp, #144]
    ldp x29, x30, [sp, #160]
    add sp, sp, #176
    .cfi_def_cfa_offset 0
    .cfi_restore x29
    .cfi_restore x30
    /* A new context's first entry branches to the trampoline directly:
     * the return predictor cannot know it, a direct branch it always
     * does (x86_64.S does the same). */
    adr x10, weft__ctx_trampoline
    cmp x30, x10
    b.eq weft__ctx_trampoline
    ret
    .cfi_endproc
    .size weft__ctx_switch, .-weft__ctx_switch

/* First code of a new context, reached from the switch above: x19 = entry,
 * x20 = arg (set by weft__ctx_make), x29 = 0 ends the frame chain, and sp
 * is the 16-byte aligned top of the stack. */
    .p2align 2
    .globl weft__ctx_trampoline
    .hidden weft__ctx_trampoline
    .type weft__ctx_trampoline, %function
weft__ctx_trampoline:
    .cfi_startproc
    .cfi_undefined x30
    mov x0, x20
    blr x19
    brk #0x1                      /* entry must not return */
    .cfi_endproc
    .size weft__ctx_trampoline, .-weft__ctx_trampoline

    .section .note.GNU-stack,"",%progbits
