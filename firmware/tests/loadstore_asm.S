/* Assembly half of the loadstore test program (loadstore.c is the C half).
 *
 * Each function takes (uint8_t *buf, uint32_t *out), where buf is a 256-byte
 * scratch buffer filled with a known pattern, stores what it observed into
 * out[] and returns the pointer past the last word written.  Addresses are
 * never stored; written-back bases are stored as offsets from buf. */
    .file "loadstore_asm.S" @ a fixed STT_FILE name keeps the ELF reproducible
    .syntax unified
    .thumb
    .text

/* ARMv6-M addressing modes (every profile has these). */
    .global ls_v6
    .type ls_v6, %function
    .thumb_func
ls_v6:
    push {r4-r7, lr}
    mov r7, r0                  @ r7 = buf (kept)

    @ immediate offsets: word, byte, halfword, signed forms via register offset
    ldr r2, [r0, #4]
    ldrb r3, [r0, #5]
    ldrh r4, [r0, #6]
    stmia r1!, {r2-r4}
    ldr r2, [r0, #124]
    ldrb r3, [r0, #31]
    ldrh r4, [r0, #62]
    stmia r1!, {r2-r4}

    @ register offsets, all sizes and signednesses
    movs r5, #8
    ldr r2, [r0, r5]
    movs r5, #0x81
    ldrb r3, [r0, r5]
    ldrsb r4, [r0, r5]
    stmia r1!, {r2-r4}
    movs r5, #0x82
    ldrh r2, [r0, r5]
    ldrsh r3, [r0, r5]
    movs r5, #0x7e
    ldrsh r4, [r0, r5]
    stmia r1!, {r2-r4}

    @ stores: immediate and register offsets, then read back as a word
    ldr r2, =0xA1B2C3D4
    str r2, [r0, #0x40]
    strb r2, [r0, #0x1d]
    strh r2, [r0, #0x3a]
    movs r5, #0x50
    str r2, [r0, r5]
    movs r5, #0x57
    strb r2, [r0, r5]
    movs r5, #0x5a
    strh r2, [r0, r5]
    ldr r2, [r0, #0x40]
    ldr r3, [r0, #0x1c]
    ldr r4, [r0, #0x38]
    stmia r1!, {r2-r4}
    ldr r2, [r0, #0x50]
    ldr r3, [r0, #0x54]
    ldr r4, [r0, #0x58]
    stmia r1!, {r2-r4}

    @ PC-relative literal loads and ADR
    ldr r2, =0x12345678
    ldr r3, 1f
    adr r4, 1f
    ldr r4, [r4, #4]
    stmia r1!, {r2-r4}
    b 2f
    .balign 4
1:  .word 0xCAFEF00D
    .word 0x0BADC0DE
2:
    @ SP-relative
    sub sp, sp, #16
    ldr r2, =0x5555AAAA
    str r2, [sp, #12]
    ldr r3, [sp, #12]
    add r4, sp, #12
    ldr r4, [r4]
    add sp, sp, #16
    stmia r1!, {r3, r4}

    @ LDM/STM with writeback, base in the register list without writeback
    mov r0, r7
    adds r0, #0x60
    movs r2, #0x11
    movs r3, #0x22
    movs r4, #0x33
    stmia r0!, {r2-r4}
    mov r5, r0
    subs r5, r5, r7             @ written-back base as an offset
    mov r0, r7
    adds r0, #0x60
    ldmia r0!, {r2-r4}
    mov r6, r0
    subs r6, r6, r7
    stmia r1!, {r2-r6}
    mov r0, r7
    adds r0, #0x60
    ldmia r0, {r0, r2}          @ base loaded last-in-list: r0 gets the memory word
    stmia r1!, {r0, r2}

    @ PUSH/POP including PC (the callee returns with pop {.., pc})
    movs r0, #7
    bl ls_v6_callee
    stmia r1!, {r0}

    mov r0, r1
    pop {r4-r7, pc}
    .size ls_v6, . - ls_v6

    .type ls_v6_callee, %function
    .thumb_func
ls_v6_callee:
    push {r4-r6, lr}
    movs r4, #3
    muls r0, r4, r0
    push {r0}
    movs r0, #0
    pop {r5}
    adds r0, r5, #1
    pop {r4-r6, pc}
    .size ls_v6_callee, . - ls_v6_callee
    .ltorg

#if __ARM_ARCH_7M__ || __ARM_ARCH_7EM__
/* ARMv7-M addressing modes. */
    .global ls_v7
    .type ls_v7, %function
    .thumb_func
ls_v7:
    push {r4-r8, lr}
    mov r7, r0

    @ pre-indexed with writeback, post-indexed, negative offsets
    add r0, r7, #0x20
    ldr r2, [r0, #4]!
    ldrb r3, [r0], #3
    ldrsb r4, [r0, #-0x19]
    sub r5, r0, r7
    stmia r1!, {r2-r5}
    add r0, r7, #0x80
    ldrsh r2, [r0, #-2]!
    ldrh r3, [r0], #-0x10
    ldrsb r4, [r0, #0x11]!
    sub r5, r0, r7
    stmia r1!, {r2-r5}
    add r0, r7, #0x90
    ldr r8, =0x89ABCDEF
    str r8, [r0, #-4]!
    strb r8, [r0], #9
    strh r8, [r0, #2]!
    sub r5, r0, r7
    ldr r2, [r7, #0x8c]
    ldr r3, [r7, #0x94]
    ldr r4, [r7, #0x98]
    stmia r1!, {r2-r5}

    @ register offset with LSL #0..#3, and the 12-bit immediate form
    movs r5, #3
    ldr r2, [r7, r5, lsl #2]
    ldrh r3, [r7, r5, lsl #1]
    ldrsb r4, [r7, r5, lsl #0]
    stmia r1!, {r2-r4}
    mov r0, r7
    movs r5, #0x1f
    strb r8, [r0, r5, lsl #3]
    ldr r2, [r7, #0xf8]
    ldr.w r3, [r7, #0xfc]
    sub r0, r7, #0xf00
    ldr.w r4, [r0, #0xf04]
    stmia r1!, {r2-r4}

    @ LDRD/STRD: offset, pre-index with writeback, post-index, literal
    ldrd r2, r3, [r7, #8]
    stmia r1!, {r2, r3}
    add r0, r7, #0xb0
    strd r2, r3, [r0, #-8]!
    ldrd r4, r5, [r0], #16
    sub r6, r0, r7
    stmia r1!, {r4-r6}
    ldrd r2, r3, 3f
    stmia r1!, {r2, r3}

    @ STMDB/LDMDB (full descending) and LDMIA with many registers
    add r0, r7, #0xd0
    mov r2, #0xd1
    mov r3, #0xd2
    mov r4, #0xd3
    mov r5, #0xd4
    stmdb r0!, {r2-r5}
    sub r6, r0, r7
    ldmdb r0, {r2-r5}           @ r0 unchanged (points at the lowest word)
    stmia r1!, {r2-r6}
    add r0, r7, #0xc0
    ldmia.w r0!, {r2-r5, r8}
    sub r6, r0, r7
    stmia r1!, {r2-r6, r8}

    @ unprivileged forms (privileged code without an MPU: plain accesses) and hints
    ldrt r2, [r7, #12]
    strbt r8, [r7, #13]
    ldrt r3, [r7, #12]
    pld [r7, #64]
    pli [r7, #0]
    stmia r1!, {r2, r3}
    ldrsbt r2, [r7, #0x7f]
    ldrht r3, [r7, #0x22]
    ldrsht r4, [r7, #0x7e]
    ldrbt r5, [r7, #0x81]
    stmia r1!, {r2-r5}
    strt r8, [r7, #0x70]
    strht r8, [r7, #0x76]
    ldr r2, [r7, #0x70]
    ldr r3, [r7, #0x74]
    stmia r1!, {r2, r3}

    @ exclusives: LDREX/STREX succeed, STREX after CLREX fails,
    @ byte and halfword forms
    add r0, r7, #0xe0
    ldrex r2, [r0]
    add r2, r2, #1
    strex r3, r2, [r0]
    ldr r4, [r0]
    stmia r1!, {r2-r4}
    ldrex r2, [r0, #4]
    clrex
    strex r3, r2, [r0, #4]
    add ip, r0, #9
    ldrexb r4, [ip]
    add r4, r4, #0x80
    strexb r5, r4, [ip]
    add ip, r0, #14
    ldrexh r6, [ip]
    add r6, r6, #0x8000
    strexh r8, r6, [ip]
    stmia r1!, {r3-r6, r8}
    ldr r2, [r0, #8]
    ldr r3, [r0, #12]
    stmia r1!, {r2, r3}

    @ unaligned LDR/STR/LDRH/STRH (allowed on v7-M while CCR.UNALIGN_TRP = 0)
    ldr r2, [r7, #1]
    ldrh r3, [r7, #3]
    ldrsh r4, [r7, #0x7f]
    stmia r1!, {r2-r4}
    str r8, [r7, #0xa1]
    strh r8, [r7, #0xa7]
    ldr r2, [r7, #0xa0]
    ldr r3, [r7, #0xa4]
    ldr r4, [r7, #0xa8]
    stmia r1!, {r2-r4}

    mov r0, r1
    pop {r4-r8, pc}
    .balign 8
3:  .word 0x01234567
    .word 0x89ABCDEF
    .size ls_v7, . - ls_v7
    .ltorg
#endif
