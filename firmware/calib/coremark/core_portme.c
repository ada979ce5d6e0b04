/* thimble's CoreMark platform layer: see core_portme.h. */
#include <stdint.h>
#include "coremark.h"
#include "core_portme.h"

#if VALIDATION_RUN
volatile ee_s32 seed1_volatile = 0x3415;
volatile ee_s32 seed2_volatile = 0x3415;
volatile ee_s32 seed3_volatile = 0x66;
#endif
#if PERFORMANCE_RUN
volatile ee_s32 seed1_volatile = 0x0;
volatile ee_s32 seed2_volatile = 0x0;
volatile ee_s32 seed3_volatile = 0x66;
#endif
#if PROFILE_RUN
volatile ee_s32 seed1_volatile = 0x8;
volatile ee_s32 seed2_volatile = 0x8;
volatile ee_s32 seed3_volatile = 0x8;
#endif
volatile ee_s32 seed4_volatile = ITERATIONS;
volatile ee_s32 seed5_volatile = 0;

ee_u32 default_num_contexts = 1;

/* Core clock in Hz, only to print seconds (CoreMark/MHz does not depend on it). */
#ifndef CLOCK_HZ
#define CLOCK_HZ 25000000u
#endif

#if defined(__ARM_ARCH_6M__)
/* SysTick (ARMv6-M B3.3): counts the core clock down from 0xFFFFFF; each wrap bumps the
 * high part, so ticks = wraps * 2^24 + (0xFFFFFF - CVR). */
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
static volatile uint32_t wraps;
void SysTick_Handler(void) { wraps++; }
static uint32_t now(void)
{
    uint32_t hi, lo;
    do {
        hi = wraps;
        lo = SYST_CVR;
    } while (hi != wraps);
    return (hi << 24) + (0xFFFFFFu - lo);
}
static void timer_init(void)
{
    SYST_RVR = 0xFFFFFFu;
    SYST_CVR = 0;
    SYST_CSR = 7; /* ENABLE, TICKINT, CLKSOURCE = core clock */
}
#else
/* DWT CYCCNT (ARMv7-M C1.8.8): the core's cycle counter. */
#define DEMCR (*(volatile uint32_t *)0xE000EDFCu)
#define DWT_CTRL (*(volatile uint32_t *)0xE0001000u)
#define DWT_CYCCNT (*(volatile uint32_t *)0xE0001004u)
static uint32_t now(void) { return DWT_CYCCNT; }
static void timer_init(void)
{
    DEMCR |= 1u << 24; /* TRCENA */
    DWT_CYCCNT = 0;
    DWT_CTRL |= 1u;    /* CYCCNTENA */
}
#endif

static CORETIMETYPE start_time_val, stop_time_val;

void start_time(void) { start_time_val = now(); }
void stop_time(void) { stop_time_val = now(); }
CORE_TICKS get_time(void) { return stop_time_val - start_time_val; }
secs_ret time_in_secs(CORE_TICKS ticks) { return ticks / CLOCK_HZ; }

void portable_init(core_portable *p, int *argc, char *argv[])
{
    (void)argc;
    (void)argv;
    timer_init();
    p->portable_id = 1;
}

void portable_fini(core_portable *p)
{
    printf("thimble: %lu iterations in %lu cycles\n", (unsigned long)seed4_volatile,
           (unsigned long)(stop_time_val - start_time_val));
    p->portable_id = 0;
}
