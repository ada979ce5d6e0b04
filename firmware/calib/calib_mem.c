/* calib_mem: TCM vs AXI memory timing on the STM32F746 (disco-f746ng, Cortex-M7), with the
 * load kernels of calib_asm.S timed as calib.c times them (DWT CYCCNT; 16 and 32 loop
 * iterations, each the third of three identical runs; the difference printed). The same
 * kernel reads a buffer in DTCM RAM (the core's DTCM port), in SRAM1 with the L1 D-cache
 * off (every read crosses AXIM, the AXI-to-AHB bridge and the bus matrix: RM0385 §2.1), and
 * in SRAM1 again after the D-cache is switched on (CCR.DC; the lines stay cached between the
 * runs). No board start-up: the core runs from HSI at 16 MHz with FLASH_ACR.LATENCY 0, so
 * flash adds nothing and only the data side differs. tests/it/calib_cycles.rs asserts each
 * count from the board file's bank timing (sim-core/boards/disco-f746ng.toml). */
#include <stdint.h>
#include <stdio.h>

typedef void kernel(uint32_t n, uint32_t *buf);
extern kernel k_load_indep;
extern kernel k_load_bank;
extern kernel k_load_use;

#define REG32(a) (*(volatile uint32_t *)(a))
#define DEMCR REG32(0xE000EDFCu)
#define DWT_CTRL REG32(0xE0001000u)
#define DWT_CYCCNT REG32(0xE0001004u)
#define SCB_CCR REG32(0xE000ED14u)
#define SCB_CCSIDR REG32(0xE000ED80u)
#define SCB_CSSELR REG32(0xE000ED84u)
#define SCB_DCISW REG32(0xE000EF60u)

/* In .bss: the first 64 KB of RAM are DTCM (RM0385 §2.2.2); main() checks. */
static uint32_t dtcm_buf[8] __attribute__((aligned(32)));
/* SRAM1 is 0x20010000-0x2004BFFF; this is far above this program's .bss and heap and below
 * its stack (at the top of SRAM2). */
#define SRAM1_BUF ((uint32_t *)0x20020000u)

static void barrier(void)
{
    __asm__ volatile("dsb\n\tisb" ::: "memory");
}

/* Invalidate the L1 D-cache by set/way, then CCR.DC (ARMv7-M ARM B2.2.7, B4.8). */
static void dcache_on(void)
{
    SCB_CSSELR = 0u;
    barrier();
    uint32_t ccsidr = SCB_CCSIDR;
    uint32_t sets = ((ccsidr >> 13) & 0x7FFFu) + 1u, ways = ((ccsidr >> 3) & 0x3FFu) + 1u;
    for (uint32_t s = 0; s < sets; s++)
        for (uint32_t w = 0; w < ways; w++)
            SCB_DCISW = (s << 5) | (w << 30);
    barrier();
    SCB_CCR |= 1u << 16;
    barrier();
}

__attribute__((noipa)) static uint32_t timed(kernel *k, uint32_t n, uint32_t *buf)
{
    uint32_t t0 = DWT_CYCCNT;
    k(n, buf);
    return DWT_CYCCNT - t0;
}

__attribute__((noipa)) static uint32_t steady(kernel *k, uint32_t n, uint32_t *buf)
{
    uint32_t t = 0;
    for (int i = 0; i < 3; i++)
        t = timed(k, n, buf);
    return t;
}

static void run(const char *name, kernel *k, uint32_t *buf)
{
    uint32_t a = steady(k, 16, buf), b = steady(k, 32, buf);
    printf("%s %lu\n", name, (unsigned long)(b - a));
}

int main(void)
{
    if ((uintptr_t)dtcm_buf + sizeof dtcm_buf > 0x20010000u) {
        printf("dtcm_buf at %p is not in DTCM\n", (void *)dtcm_buf);
        return 1;
    }
    for (int i = 0; i < 8; i++)
        dtcm_buf[i] = SRAM1_BUF[i] = (uint32_t)i;
    DEMCR |= 1u << 24; /* TRCENA */
    DWT_CYCCNT = 0;
    DWT_CTRL |= 1u; /* CYCCNTENA */
    run("dtcm_load_indep", k_load_indep, dtcm_buf);
    run("dtcm_load_use", k_load_use, dtcm_buf);
    run("dtcm_load_bank", k_load_bank, dtcm_buf);
    run("sram1_load_indep", k_load_indep, SRAM1_BUF);
    run("sram1_load_use", k_load_use, SRAM1_BUF);
    dcache_on();
    run("sram1_cached_load_indep", k_load_indep, SRAM1_BUF);
    run("sram1_cached_load_use", k_load_use, SRAM1_BUF);
    run("sram1_cached_load_bank", k_load_bank, SRAM1_BUF);
    return 0;
}
