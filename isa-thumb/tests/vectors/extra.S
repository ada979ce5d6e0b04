@ Encodings the prebuilt firmware does not exercise, assembled by gen_objdump.py into
@ objdump.txt (arm-none-eabi-as -mcpu=cortex-m4 -mthumb). LDC/STC/CDP are left to the
@ capstone test: objdump prints them as legacy FPA/Maverick instructions.
    .syntax unified
    .thumb
    .text
    .global extra
extra:
    add     r1, sp, r1          @ ADD_SP_reg_T1
    add     sp, r2              @ ADD_SP_reg_T2
    addw    r0, sp, #1234       @ ADD_SP_imm_T4
    subw    sp, sp, #1234       @ SUB_SP_imm_T3
    adr.w   r3, lit             @ ADR_T3
    adr.w   r3, extra           @ ADR_T2
    ldrb.w  r0, lit             @ LDRB_lit_T1
    ldrsb.w r1, lit             @ LDRSB_lit_T1
    ldrh.w  r2, lit             @ LDRH_lit_T1
    ldrsh.w r3, lit             @ LDRSH_lit_T1
    ldrsh.w r4, [r5, r6, lsl #2] @ LDRSH_reg_T2
    pld     [r0, #-8]           @ PLD_imm_T2
    pld     [r0, r1, lsl #1]    @ PLD_reg_T1
    pld     lit                 @ PLD_lit_T1
    pli     [r0, #-8]           @ PLI_imm_T2
    pli     [r0, r1]            @ PLI_reg_T1
    pli     lit                 @ PLI_lit_T3
    mov.w   r0, r1              @ MOV_reg_T3
    movs.w  r2, r3              @ MOV_reg_T3 (S)
    add.w   r0, sp, r1, lsl #2  @ ADD_SP_reg_T3
    sub.w   r0, sp, r1          @ SUB_SP_reg_T1
    mcr     p15, 0, r0, c7, c5, 4 @ COPROC
    mrc     p14, 1, r2, c0, c1, 2 @ COPROC
    bx      lr
    .align 2
lit:
    .word   0x12345678
