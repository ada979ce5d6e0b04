/* timer-<board>: TIM2's update interrupt at 1 kHz (a 1 MHz counter from APB1's timer clock,
 * ARR 999), counted N times; the DWT cycle counter measures the period between interrupts,
 * which must be HCLK / 1000 cycles. The first interrupt runs the handler from a cold cache
 * (its CYCCNT read comes later than in the others), so the periods are measured from the
 * second interrupt on. Shared by the STM32 boards (TIM2 is the same timer at
 * the same address, IRQ 28, on the STM32L4R5 and the STM32F746). */
#include <stdint.h>
#include <stdio.h>

#include "board.h"

#define N 10

static volatile uint32_t ticks;
static volatile uint32_t stamp[N];

void IRQ28_Handler(void)
{
    TIM_SR(TIM2_BASE) = 0u; /* UIF is cleared by writing 0 */
    if (ticks < N) {
        stamp[ticks] = DWT_CYCCNT;
    }
    ticks++;
}

int main(void)
{
    DEMCR |= 1u << 24; /* TRCENA */
    DWT_CYCCNT = 0u;
    DWT_CTRL |= 1u;

    uint32_t timclk = board_timclk_hz(1);
    board_tim2_clock_on();
    TIM_PSC(TIM2_BASE) = timclk / 1000000u - 1u; /* 1 MHz counter */
    TIM_ARR(TIM2_BASE) = 999u;                   /* 1 ms */
    TIM_EGR(TIM2_BASE) = 1u;                     /* UG: load PSC */
    TIM_SR(TIM2_BASE) = 0u;
    TIM_DIER(TIM2_BASE) = 1u; /* UIE */
    NVIC_ISER(0) = 1u << TIM2_IRQ;
    TIM_CR1(TIM2_BASE) = 1u; /* CEN */
    while (ticks < N) {
        __asm__ volatile("wfi");
    }
    TIM_CR1(TIM2_BASE) = 0u;

    uint32_t lo = UINT32_MAX, hi = 0;
    for (int i = 2; i < N; i++) {
        uint32_t d = stamp[i] - stamp[i - 1];
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
    }
    uint32_t hclk = board_hclk_hz();
    printf("TIM2 at %lu Hz, PSC %lu, ARR %lu: %d update interrupts\n", (unsigned long)timclk,
           (unsigned long)TIM_PSC(TIM2_BASE), (unsigned long)TIM_ARR(TIM2_BASE), N);
    printf("period %lu..%lu cycles (interrupts 2..%d) at HCLK %lu Hz = %lu us\n", (unsigned long)lo,
           (unsigned long)hi, N, (unsigned long)hclk,
           (unsigned long)((uint64_t)lo * 1000000u / hclk));
    return lo == hclk / 1000u && hi == lo ? 0 : 1;
}
