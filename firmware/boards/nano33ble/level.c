/* level-nano33ble: peripheral interrupts are level-sensitive to the NVIC
 * (ARMv7-M B3.4.1; Cortex-M4 Devices Generic User Guide 4.2.9). The nRF52840's
 * TIMER1 holds its interrupt line high while EVENTS_COMPARE0 and its INTEN
 * bit are set (nRF52840 PS v1.7, "Peripheral interface"):
 *
 * 1. a handler that returns without clearing the event is entered again on
 *    its return, until it clears the event;
 * 2. writing NVIC_ICPR0 while the line is high leaves the interrupt pending;
 *    once the event is cleared it clears it;
 * 3. an event set while the interrupt is off in the NVIC is taken as soon as
 *    it is enabled there;
 * 4. with PRIMASK set the interrupt waits, and is taken once at CPSIE.
 *
 * TIMER1 counts at 1 MHz; its compare event comes 100 us after each start. */
#include <stdio.h>

#include "nrf52840.h"

#define TIMER1_BIT (1u << TIMER1_IRQ)

static volatile int entries;
/* The handler clears the event on this entry (counted from 1). */
static volatile int clear_on;

void IRQ9_Handler(void) /* TIMER1 */
{
    entries++;
    if (entries >= clear_on) {
        TIMER1_EVENTS_COMPARE0 = 0;
        TIMER1_TASKS_STOP = 1;
    }
}

/* Starts TIMER1 from 0 and waits (polling) for its compare event. */
static void compare_event(void)
{
    TIMER1_TASKS_CLEAR = 1;
    TIMER1_TASKS_START = 1;
    while (TIMER1_EVENTS_COMPARE0 == 0) {
    }
    TIMER1_TASKS_STOP = 1;
}

static int pending(void)
{
    return (NVIC_ISPR0 & TIMER1_BIT) != 0;
}

int main(void)
{
    int ok = 1;
    TIMER1_PRESCALER = 4; /* 16 MHz / 16 = 1 MHz */
    TIMER1_BITMODE = 3;   /* 32 bit */
    TIMER1_CC0 = 100;
    TIMER1_INTENSET = TIMER_INT_COMPARE0;

    /* 1. Returning twice without clearing: three entries. */
    entries = 0;
    clear_on = 3;
    NVIC_ISER0 = TIMER1_BIT;
    TIMER1_TASKS_CLEAR = 1;
    TIMER1_TASKS_START = 1;
    while (entries < clear_on) {
        __asm__ volatile("wfi");
    }
    for (volatile int i = 0; i < 100; i++) {
    }
    printf("1. handler returned twice with COMPARE0 set: entered %d times\n", entries);
    ok &= entries == 3;

    /* 2. ICPR while the line is high. */
    NVIC_ICER0 = TIMER1_BIT;
    compare_event();
    NVIC_ICPR0 = TIMER1_BIT;
    int still = pending();
    TIMER1_EVENTS_COMPARE0 = 0;
    NVIC_ICPR0 = TIMER1_BIT;
    int after = pending();
    printf("2. ICPR with COMPARE0 set: %s; after clearing COMPARE0: %s\n",
           still ? "still pending" : "cleared", after ? "still pending" : "cleared");
    ok &= still && !after;

    /* 3. An event waiting while the NVIC has the interrupt off. */
    entries = 0;
    clear_on = 1;
    compare_event();
    int before = entries;
    NVIC_ISER0 = TIMER1_BIT;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
    printf("3. event set while disabled: %d entries before ISER, %d after\n", before, entries);
    ok &= before == 0 && entries == 1;

    /* 4. PRIMASK holds it off; ICPR under PRIMASK changes nothing; CPSIE takes it once. */
    entries = 0;
    clear_on = 1;
    __asm__ volatile("cpsid i" ::: "memory");
    compare_event();
    NVIC_ICPR0 = TIMER1_BIT;
    before = entries;
    int pend = pending();
    __asm__ volatile("cpsie i\n\tisb" ::: "memory");
    printf("4. under PRIMASK: %d entries, %s; after CPSIE: %d entry, %s\n", before,
           pend ? "pending" : "not pending", entries, pending() ? "pending" : "not pending");
    ok &= before == 0 && pend && entries == 1 && !pending();

    return ok ? 0 : 1;
}
