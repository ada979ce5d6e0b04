/* flashws-<board>: FLASH_ACR.LATENCY, not a board constant, sets the flash wait states.
 * The same loop sums a 16 KiB const table (in flash: larger than the accelerator's data
 * cache, so every flash line is read from the array again) with the latency the start-up
 * set, then with 3 wait states more (always legal: more wait states than the clock needs),
 * then with the start-up's again; DWT CYCCNT times each run (after one untimed run that
 * warms the instruction cache). Shared by the STM32 boards. */
#include <stdint.h>
#include <stdio.h>

#include "board.h"

#define FLASH_ACR (*board_flash_acr())
#define WORDS 4096

static const uint32_t table[WORDS] = {
#define T4(k) (k) * 2654435761u, (k) * 40503u + 1u, (k) ^ 0x5A5A5A5Au, (k) + 77u
#define T16(k) T4(4 * (k)), T4(4 * (k) + 1), T4(4 * (k) + 2), T4(4 * (k) + 3)
#define T64(k) T16(4 * (k)), T16(4 * (k) + 1), T16(4 * (k) + 2), T16(4 * (k) + 3)
#define T256(k) T64(4 * (k)), T64(4 * (k) + 1), T64(4 * (k) + 2), T64(4 * (k) + 3)
    T256(0), T256(1), T256(2), T256(3), T256(4), T256(5), T256(6), T256(7),
    T256(8), T256(9), T256(10), T256(11), T256(12), T256(13), T256(14), T256(15)};

__attribute__((noipa)) uint32_t sum(const volatile uint32_t *t, int n)
{
    uint32_t s = 0;
    for (int i = 0; i < n; i++) {
        s += t[i];
    }
    return s;
}

static uint32_t timed(uint32_t latency, uint32_t *result)
{
    FLASH_ACR = (FLASH_ACR & ~0xFu) | latency;
    while ((FLASH_ACR & 0xFu) != latency) {
    }
    uint32_t t0 = DWT_CYCCNT;
    *result = sum(table, WORDS);
    return DWT_CYCCNT - t0;
}

int main(void)
{
    DEMCR |= 1u << 24;
    DWT_CTRL |= 1u;
    uint32_t base = board_flash_latency(), r0, r1, r2;
    (void)timed(base, &r0);
    uint32_t c0 = timed(base, &r0);
    uint32_t c1 = timed(base + 3u, &r1);
    uint32_t c2 = timed(base, &r2);
    printf("sum of %d flash words at HCLK %lu Hz:\n", WORDS, (unsigned long)board_hclk_hz());
    printf("LATENCY %lu: %lu cycles\n", (unsigned long)base, (unsigned long)c0);
    printf("LATENCY %lu: %lu cycles\n", (unsigned long)(base + 3u), (unsigned long)c1);
    printf("LATENCY %lu: %lu cycles\n", (unsigned long)base, (unsigned long)c2);
    /* Back at the start-up's latency, the time is the first one's, within a few cycles:
     * the Cortex-M7's branch predictor and the caches need not hold exactly the same. */
    uint32_t again = c2 > c0 ? c2 - c0 : c0 - c2;
    return (r0 == r1 && r1 == r2 && c1 > c0 && again <= 8) ? 0 : 1;
}
