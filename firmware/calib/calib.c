/* calib: the calibration microbenchmarks (calib_asm.S), timed by the core itself: DWT
 * CYCCNT on ARMv7-M, SysTick's current value on ARMv6-M (which has no CYCCNT). Each kernel
 * runs with n = 16 and n = 32 loop iterations (each the third of three identical runs); the
 * difference of the two times is what 16 iterations cost, without the call and the timer
 * reads. Printed one per line as
 * "<kernel> <cycles>"; tests/it/calib_cycles.rs checks each against docs/timing.md.
 * Built for cortex-m0plus, cortex-m4 and cortex-m7 on the MPS2 boards (zero wait states). */
#include <stdint.h>
#include <stdio.h>

typedef void kernel(uint32_t n, uint32_t *buf);
#define K(name) extern kernel name;
K(k_empty) K(k_alu_dep) K(k_alu_indep) K(k_load_indep) K(k_load_bank) K(k_load_use) K(k_load_use_far)
K(k_ptr_chase) K(k_store) K(k_mul_dep) K(k_branch) K(k_branch_alt)
#if __ARM_ARCH >= 7
K(k_mla_dep) K(k_mla_indep) K(k_load_alu) K(k_shift_indep)
#endif
#if defined(__ARM_FP)
K(k_fadd_dep) K(k_fadd_indep) K(k_fma_dep) K(k_fma_indep) K(k_fdiv_dep) K(k_vldr_alu)
#endif
#if defined(__ARM_FP) && (__ARM_FP & 8)
K(k_dadd_dep) K(k_dfma_dep) K(k_ddiv_dep) K(k_dadd_alu)
#endif

#if defined(__ARM_ARCH_6M__)
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
static void timer_init(void)
{
    SYST_RVR = 0xFFFFFFu;
    SYST_CVR = 0;
    SYST_CSR = 5; /* ENABLE, CLKSOURCE = core clock, no interrupt */
}
/* SysTick counts down: negate so that later reads are larger. */
static inline uint32_t now(void) { return 0u - SYST_CVR; }
#else
#define DEMCR (*(volatile uint32_t *)0xE000EDFCu)
#define DWT_CTRL (*(volatile uint32_t *)0xE0001000u)
#define DWT_CYCCNT (*(volatile uint32_t *)0xE0001004u)
static void timer_init(void)
{
    DEMCR |= 1u << 24; /* TRCENA */
    DWT_CYCCNT = 0;
    DWT_CTRL |= 1u;    /* CYCCNTENA */
}
static inline uint32_t now(void) { return DWT_CYCCNT; }
#endif

static uint32_t buf[8] __attribute__((aligned(8)));

__attribute__((noipa)) static uint32_t timed(kernel *k, uint32_t n)
{
    uint32_t t0 = now();
    k(n, buf);
    uint32_t t1 = now();
    return (t1 - t0) & 0xFFFFFFu;
}

/* The steady state: the last of three runs from the same call site, so that branch
 * predictor and caches hold what the previous identical run left there. */
__attribute__((noipa)) static uint32_t steady(kernel *k, uint32_t n)
{
    uint32_t t = 0;
    for (int i = 0; i < 3; i++)
        t = timed(k, n);
    return t;
}

static void run(const char *name, kernel *k)
{
    uint32_t a = steady(k, 16), b = steady(k, 32);
    printf("%s %lu\n", name, (unsigned long)(b - a));
}

#define RUN(name) run(#name, name)

int main(void)
{
    buf[0] = (uint32_t)(uintptr_t)buf;
    timer_init();
    RUN(k_empty);
    RUN(k_alu_dep);
    RUN(k_alu_indep);
    RUN(k_load_indep);
    RUN(k_load_bank);
    RUN(k_load_use);
    RUN(k_load_use_far);
    RUN(k_ptr_chase);
    RUN(k_store);
    RUN(k_mul_dep);
    RUN(k_branch);
    RUN(k_branch_alt);
#if __ARM_ARCH >= 7
    RUN(k_mla_dep);
    RUN(k_mla_indep);
    RUN(k_load_alu);
    RUN(k_shift_indep);
#endif
#if defined(__ARM_FP)
    RUN(k_fadd_dep);
    RUN(k_fadd_indep);
    RUN(k_fma_dep);
    RUN(k_fma_indep);
    RUN(k_fdiv_dep);
    RUN(k_vldr_alu);
#endif
#if defined(__ARM_FP) && (__ARM_FP & 8)
    RUN(k_dadd_dep);
    RUN(k_dfma_dep);
    RUN(k_ddiv_dep);
    RUN(k_dadd_alu);
#endif
    return 0;
}
