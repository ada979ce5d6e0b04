/* Calibration kernels (firmware/calib/calib.c is the C half): each is
 * `void k(uint32_t n, uint32_t *buf)`, n iterations of a body of 8 instructions of one
 * kind followed by the loop's `subs r0, #1; bne`. calib.c times n = 16 and n = 32 and
 * prints the difference, 16 iterations with no call overhead; tests/it/calib_cycles.rs
 * asserts it against the per-core expectation of docs/timing.md ("Calibration").
 * Every loop head is word aligned; the kernels of the first group are ARMv6-M code
 * (they run on every core), the second group needs ARMv7-M, the third the FPU. */
    .file "calib_asm.S" @ a fixed STT_FILE name keeps the ELF reproducible
    .syntax unified
    .thumb
    .text

.macro KERNEL name
    .global \name
    .type \name, %function
    .thumb_func
    .balign 4
\name:
    push {r4-r7, lr}
    movs r2, #1
    movs r3, #3
    movs r4, #5
    movs r5, #7
    movs r6, #9
    movs r7, #11
    b 0f
    .balign 4
0:
.endm

.macro LOOP_END
    subs r0, #1
    bne 0b
    pop {r4-r7, pc}
.endm

/* Empty body: the loop's own cost. */
KERNEL k_empty
    LOOP_END

/* 8 dependent adds (each reads the previous result). */
KERNEL k_alu_dep
    .rept 8
    add r2, r3
    .endr
    LOOP_END

/* 8 independent adds (4 pairs without a dependency). */
KERNEL k_alu_indep
    .rept 2
    add r2, r6
    add r3, r6
    add r4, r6
    add r5, r6
    .endr
    LOOP_END

/* 8 independent loads from buf (8-byte aligned): the words alternate between the low and
 * the high half of each doubleword (address bit 2 = 0, 1, 0, 1, ...). */
KERNEL k_load_indep
    .rept 2
    ldr r2, [r1]
    ldr r3, [r1, #4]
    ldr r4, [r1, #8]
    ldr r5, [r1, #12]
    .endr
    LOOP_END

/* 8 independent loads, all from the low halves of buf's doublewords (address bit 2 = 0:
 * on the Cortex-M7, all on D0TCM or one half of the D-cache's data path). */
KERNEL k_load_bank
    .rept 2
    ldr r2, [r1]
    ldr r3, [r1, #8]
    ldr r4, [r1, #16]
    ldr r5, [r1, #24]
    .endr
    LOOP_END

/* 4 loads, each used at once by an add. */
KERNEL k_load_use
    .rept 4
    ldr r2, [r1]
    add r3, r2
    .endr
    LOOP_END

/* 4 loads, each used by an add two instructions later (an independent add between). */
KERNEL k_load_use_far
    .rept 4
    ldr r2, [r1]
    add r4, r6
    add r3, r2
    .endr
    LOOP_END

/* 8 dependent loads: buf[0] holds buf's own address (pointer chasing). */
KERNEL k_ptr_chase
    mov r2, r1
    .rept 8
    ldr r2, [r2]
    .endr
    LOOP_END

/* 8 stores. */
KERNEL k_store
    .rept 8
    str r2, [r1, #16]
    .endr
    LOOP_END

/* 8 dependent multiplies (MULS, the single-cycle multiplier on M0+). */
KERNEL k_mul_dep
    .rept 8
    muls r2, r3
    .endr
    LOOP_END

/* 8 unconditional branches, each to the next instruction. */
KERNEL k_branch
    .rept 8
    b 1f
1:
    .endr
    LOOP_END

/* A conditional branch taken every other iteration (r7 alternates 0, 1). */
KERNEL k_branch_alt
    movs r7, #0
    b 2f
    .balign 4
2:
    movs r6, #1
    eors r7, r6
    beq 1f
    add r2, r3
1:
    subs r0, #1
    bne 2b
    pop {r4-r7, pc}

    .thumb
    .syntax unified
#if __ARM_ARCH >= 7
/* 8 dependent MLAs (the accumulator chain of a dot product). */
KERNEL k_mla_dep
    .rept 8
    mla r2, r3, r4, r2
    .endr
    LOOP_END

/* 8 MLAs into 4 independent accumulators. */
KERNEL k_mla_indep
    .rept 2
    mla r2, r6, r7, r2
    mla r3, r6, r7, r3
    mla r4, r6, r7, r4
    mla r5, r6, r7, r5
    .endr
    LOOP_END

/* 4 (load, add) pairs without dependencies: a load beside an ALU op. */
KERNEL k_load_alu
    .rept 4
    ldr r2, [r1]
    add r4, r6
    .endr
    LOOP_END

/* 8 shifted-operand adds, independent (ADD.W rd, rd, rm, LSL #2). */
KERNEL k_shift_indep
    .rept 2
    add.w r2, r2, r6, lsl #2
    add.w r3, r3, r6, lsl #2
    add.w r4, r4, r6, lsl #2
    add.w r5, r5, r6, lsl #2
    .endr
    LOOP_END
#endif

#if defined(__ARM_FP)
/* 4 x (single-precision load from buf; independent add). */
KERNEL k_vldr_alu
    vldr s2, [r1]
    add r2, r6
    vldr s3, [r1, #4]
    add r3, r6
    vldr s4, [r1, #8]
    add r4, r6
    vldr s5, [r1, #12]
    add r5, r6
    LOOP_END

/* 8 dependent single-precision adds. */
KERNEL k_fadd_dep
    .rept 8
    vadd.f32 s0, s0, s1
    .endr
    LOOP_END

/* 8 independent single-precision adds (4 accumulators). */
KERNEL k_fadd_indep
    .rept 2
    vadd.f32 s0, s0, s4
    vadd.f32 s1, s1, s4
    vadd.f32 s2, s2, s4
    vadd.f32 s3, s3, s4
    .endr
    LOOP_END

/* 8 dependent single-precision multiply-accumulates (VFMA, a float dot product). */
KERNEL k_fma_dep
    .rept 8
    vfma.f32 s0, s1, s2
    .endr
    LOOP_END

/* 8 VFMAs into 4 independent accumulators. */
KERNEL k_fma_indep
    .rept 2
    vfma.f32 s0, s4, s5
    vfma.f32 s1, s4, s5
    vfma.f32 s2, s4, s5
    vfma.f32 s3, s4, s5
    .endr
    LOOP_END

/* 8 dependent single-precision divides. */
KERNEL k_fdiv_dep
    .rept 8
    vdiv.f32 s0, s0, s1
    .endr
    LOOP_END
#endif

#if defined(__ARM_FP) && (__ARM_FP & 8)
/* Double precision (FPv5-D16): 8 dependent adds, 8 dependent VFMAs, 8 dependent divides. */
KERNEL k_dadd_dep
    .rept 8
    vadd.f64 d0, d0, d1
    .endr
    LOOP_END

KERNEL k_dfma_dep
    .rept 8
    vfma.f64 d0, d1, d2
    .endr
    LOOP_END

KERNEL k_ddiv_dep
    .rept 8
    vdiv.f64 d0, d0, d1
    .endr
    LOOP_END

/* 4 x (independent add; independent vadd.f64 into its own accumulator): an integer op
 * followed by a double-precision one, which on the Cortex-M7 only starts an issue group. */
KERNEL k_dadd_alu
    add r2, r6
    vadd.f64 d0, d0, d4
    add r3, r6
    vadd.f64 d1, d1, d4
    add r4, r6
    vadd.f64 d2, d2, d4
    add r5, r6
    vadd.f64 d3, d3, d4
    LOOP_END
#endif
