/* timer-nano33ble: two timer interrupts at known periods, each measured with
 * the DWT cycle counter at 64 MHz.
 *
 * - RTC0 on LFCLK (internal RC: the Nano 33 BLE has no 32 kHz crystal),
 *   PRESCALER 0: COMPARE0 every 328 ticks = 10.009765625 ms = 640625 cycles;
 *   the handler moves CC0 on by 328 (the RTC has no clear short).
 * - TIMER1 at 1 MHz (PRESCALER 4), CC0 = 1000 with the COMPARE0_CLEAR short:
 *   every 1 ms = 64000 cycles.
 *
 * The core sleeps (WFI) between interrupts. The first interrupt of each is a
 * warm-up, not measured: its handler runs from a cold instruction cache and
 * reads CYCCNT a few cycles later than the next ones do. */
#include <stdio.h>

#include "nrf52840.h"

#define N 5
#define WARMUP 1

static volatile uint32_t rtc_at[WARMUP + N + 1], timer_at[WARMUP + N + 1];
static volatile int rtc_n, timer_n;

void IRQ11_Handler(void) /* RTC0 */
{
    uint32_t now = DWT_CYCCNT;
    RTC0_EVENTS_COMPARE0 = 0;
    RTC0_CC0 = (RTC0_CC0 + 328u) & 0xFFFFFFu;
    if (rtc_n <= WARMUP + N) {
        rtc_at[rtc_n++] = now;
    }
}

void IRQ9_Handler(void) /* TIMER1 */
{
    uint32_t now = DWT_CYCCNT;
    TIMER1_EVENTS_COMPARE0 = 0;
    if (timer_n <= WARMUP + N) {
        timer_at[timer_n++] = now;
    }
    if (timer_n > WARMUP + N) {
        TIMER1_TASKS_STOP = 1;
    }
}

static int report(const char *what, volatile uint32_t *at, uint32_t want)
{
    int ok = 1;
    printf("%s:", what);
    for (int i = WARMUP + 1; i <= WARMUP + N; i++) {
        uint32_t d = at[i] - at[i - 1];
        printf(" %lu", (unsigned long)d);
        ok &= d == want;
    }
    printf(" cycles (%s %lu = %lu ns at 64 MHz)\n", ok ? "each" : "expected",
           (unsigned long)want, (unsigned long)(want * 1000u / 64u));
    return ok;
}

int main(void)
{
    DEMCR |= 1u << 24; /* TRCENA */
    DWT_CYCCNT = 0;
    DWT_CTRL |= 1u;

    CLOCK_LFCLKSRC = 0; /* RC */
    CLOCK_EVENTS_LFCLKSTARTED = 0;
    CLOCK_TASKS_LFCLKSTART = 1;
    while (CLOCK_EVENTS_LFCLKSTARTED == 0) {
    }
    printf("LFCLK running from %s (LFCLKSTAT 0x%08lx)\n",
           (CLOCK_LFCLKSTAT & 3u) == 0 ? "RC" : "another source",
           (unsigned long)CLOCK_LFCLKSTAT);

    RTC0_PRESCALER = 0;
    RTC0_CC0 = 328;
    RTC0_INTENSET = RTC_INT_COMPARE0;
    NVIC_ISER0 = 1u << RTC0_IRQ;
    RTC0_TASKS_START = 1;
    while (rtc_n <= WARMUP + N) {
        __asm__ volatile("wfi");
    }
    NVIC_ICER0 = 1u << RTC0_IRQ; /* RTC0 keeps counting, its interrupt is off */

    TIMER1_PRESCALER = 4; /* 16 MHz / 16 = 1 MHz */
    TIMER1_BITMODE = 3;   /* 32 bit */
    TIMER1_CC0 = 1000;
    TIMER1_SHORTS = TIMER_SHORTS_COMPARE0_CLEAR;
    TIMER1_INTENSET = TIMER_INT_COMPARE0;
    NVIC_ISER0 = 1u << TIMER1_IRQ;
    TIMER1_TASKS_START = 1;
    while (timer_n <= WARMUP + N) {
        __asm__ volatile("wfi");
    }

    int ok = report("rtc0 compare0 every 328 ticks", rtc_at, 640625u);
    ok &= report("timer1 compare0 every 1000 us", timer_at, 64000u);
    return ok ? 0 : 1;
}
