/* Small firmware for thimble's debugger tests (TUI panes, gdb server): a vector table, a
 * reset handler that initialises .data/.bss, a call chain with a loop, and semihosting
 * output and exit. Built by build.sh with arm-none-eabi-gcc; demo.elf is committed so that
 * the tests need no toolchain. */
#include <stdint.h>

extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[], _estack[];

volatile uint32_t counter = 7;
uint32_t table[16];

static int semihost(int op, const void *arg)
{
    register int r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

__attribute__((noinline)) uint32_t mix(uint32_t a, uint32_t b)
{
    return (a * 2654435761u) ^ (b >> 3);
}

__attribute__((noinline)) uint32_t accumulate(uint32_t n)
{
    uint32_t acc = counter;
    for (uint32_t i = 0; i < n; i++) {
        acc = mix(acc, i);
        table[i & 15] = acc;
    }
    return acc;
}

int main(void)
{
    semihost(0x04, "demo: start\n");
    counter = accumulate(100);
    semihost(0x04, "demo: done\n");
    semihost(0x18, (const void *)0x20026); /* SYS_EXIT, ADP_Stopped_ApplicationExit */
    return 0;
}

void Reset_Handler(void)
{
    uint32_t *src = _sidata;
    for (uint32_t *dst = _sdata; dst < _edata; dst++)
        *dst = *src++;
    for (uint32_t *dst = _sbss; dst < _ebss; dst++)
        *dst = 0;
    main();
    for (;;) {
    }
}

void Default_Handler(void)
{
    for (;;) {
    }
}

typedef void (*vector_t)(void);

__attribute__((section(".isr_vector"), used)) const vector_t vectors[16] = {
    (vector_t)(uintptr_t)_estack, Reset_Handler,   Default_Handler, Default_Handler,
    Default_Handler,              Default_Handler, Default_Handler, 0,
    0,                            0,               0,               Default_Handler,
    Default_Handler,              0,               Default_Handler, Default_Handler,
};
