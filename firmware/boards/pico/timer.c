/* timer-pico: the TIMER's alarm 0 interrupt (TIMER_IRQ_0) fires every PERIOD_US microseconds,
 * re-armed from its handler, COUNT times; the handler records the microsecond counter
 * (TIMERAWL) and SysTick (core clock cycles) at each interrupt, and main prints what it
 * measured between consecutive interrupts. The first handler runs from a cold XIP cache (its
 * code is fetched from flash), so the first interval is shown apart from the others. */
#include <stdio.h>

#include "rp2040.h"

#define PERIOD_US 1000u
#define COUNT 10

static volatile unsigned fired;
static volatile uint32_t target;
static uint32_t at_us[COUNT];
static uint32_t at_cycles[COUNT];

void IRQ0_Handler(void)
{
    REG(TIMER_INTR) = 1u; /* write 1 to clear the alarm 0 interrupt */
    uint32_t now = REG(TIMER_TIMERAWL);
    uint32_t cyc = REG(SYST_CVR);
    if (fired < COUNT) {
        at_us[fired] = now;
        at_cycles[fired] = cyc;
        fired = fired + 1;
    }
    if (fired < COUNT) {
        target += PERIOD_US;
        REG(TIMER_ALARM0) = target;
    }
}

int main(void)
{
    REG(SYST_RVR) = 0xFFFFFFu;
    REG(SYST_CVR) = 0;
    REG(SYST_CSR) = 5u; /* enable, core clock */
    REG(TIMER_INTE) = 1u;
    REG(NVIC_ISER) = 1u << TIMER_IRQ_0;
    target = REG(TIMER_TIMERAWL) + PERIOD_US;
    REG(TIMER_ALARM0) = target;
    while (fired < COUNT) {
        __asm__ volatile("wfi");
    }
    uint32_t us_min = ~0u, us_max = 0, cyc_min = ~0u, cyc_max = 0;
    uint32_t us_first = at_us[1] - at_us[0];
    uint32_t cyc_first = (at_cycles[0] - at_cycles[1]) & 0xFFFFFFu;
    for (int i = 2; i < COUNT; i++) {
        uint32_t us = at_us[i] - at_us[i - 1];
        uint32_t cyc = (at_cycles[i - 1] - at_cycles[i]) & 0xFFFFFFu; /* SysTick counts down */
        us_min = us < us_min ? us : us_min;
        us_max = us > us_max ? us : us_max;
        cyc_min = cyc < cyc_min ? cyc : cyc_min;
        cyc_max = cyc > cyc_max ? cyc : cyc_max;
    }
    printf("timer: %u alarm 0 interrupts, %u us apart\n", (unsigned)fired, PERIOD_US);
    printf("first interval: %u us by TIMERAWL, %u core cycles by SysTick\n", (unsigned)us_first,
           (unsigned)cyc_first);
    printf("next %u intervals: %u..%u us by TIMERAWL, %u..%u core cycles by SysTick\n",
           (unsigned)(COUNT - 2), (unsigned)us_min, (unsigned)us_max, (unsigned)cyc_min,
           (unsigned)cyc_max);
    return 0;
}
