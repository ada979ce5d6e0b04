/* Reset and vector table for thimble's Cortex-M test firmware.
 *
 * The vector table has the 16 system entries of the ARMv6-M/ARMv7-M
 * architecture (entry 0 is the initial main stack pointer) followed by 32
 * external interrupts, which is what QEMU's MPS2 NVIC implements.  Every
 * handler is a weak alias of Default_Handler, which spins on `b .` so that a
 * simulator can recognise an unhandled exception.
 */
#include <stdint.h>
#include <stdlib.h>

#include "semihosting.h"

/* Provided by the linker script (firmware/ld/common.ld). */
extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[];
extern uint32_t _estack[];
extern void (*__preinit_array_start[])(void);
extern void (*__preinit_array_end[])(void);
extern void (*__init_array_start[])(void);
extern void (*__init_array_end[])(void);

extern int main(void);

void Reset_Handler(void);
void Default_Handler(void);

#define WEAK_DEFAULT __attribute__((weak, alias("Default_Handler")))

void NMI_Handler(void) WEAK_DEFAULT;
void HardFault_Handler(void) WEAK_DEFAULT;
void MemManage_Handler(void) WEAK_DEFAULT;
void BusFault_Handler(void) WEAK_DEFAULT;
void UsageFault_Handler(void) WEAK_DEFAULT;
void SVC_Handler(void) WEAK_DEFAULT;
void DebugMon_Handler(void) WEAK_DEFAULT;
void PendSV_Handler(void) WEAK_DEFAULT;
void SysTick_Handler(void) WEAK_DEFAULT;
void IRQ0_Handler(void) WEAK_DEFAULT;
void IRQ1_Handler(void) WEAK_DEFAULT;
void IRQ2_Handler(void) WEAK_DEFAULT;
void IRQ3_Handler(void) WEAK_DEFAULT;
void IRQ4_Handler(void) WEAK_DEFAULT;
void IRQ5_Handler(void) WEAK_DEFAULT;
void IRQ6_Handler(void) WEAK_DEFAULT;
void IRQ7_Handler(void) WEAK_DEFAULT;
void IRQ8_Handler(void) WEAK_DEFAULT;
void IRQ9_Handler(void) WEAK_DEFAULT;
void IRQ10_Handler(void) WEAK_DEFAULT;
void IRQ11_Handler(void) WEAK_DEFAULT;
void IRQ12_Handler(void) WEAK_DEFAULT;
void IRQ13_Handler(void) WEAK_DEFAULT;
void IRQ14_Handler(void) WEAK_DEFAULT;
void IRQ15_Handler(void) WEAK_DEFAULT;
void IRQ16_Handler(void) WEAK_DEFAULT;
void IRQ17_Handler(void) WEAK_DEFAULT;
void IRQ18_Handler(void) WEAK_DEFAULT;
void IRQ19_Handler(void) WEAK_DEFAULT;
void IRQ20_Handler(void) WEAK_DEFAULT;
void IRQ21_Handler(void) WEAK_DEFAULT;
void IRQ22_Handler(void) WEAK_DEFAULT;
void IRQ23_Handler(void) WEAK_DEFAULT;
void IRQ24_Handler(void) WEAK_DEFAULT;
void IRQ25_Handler(void) WEAK_DEFAULT;
void IRQ26_Handler(void) WEAK_DEFAULT;
void IRQ27_Handler(void) WEAK_DEFAULT;
void IRQ28_Handler(void) WEAK_DEFAULT;
void IRQ29_Handler(void) WEAK_DEFAULT;
void IRQ30_Handler(void) WEAK_DEFAULT;
void IRQ31_Handler(void) WEAK_DEFAULT;

typedef void (*vector_t)(void);

__attribute__((section(".isr_vector"), used)) const vector_t g_vectors[16 + 32] = {
    (vector_t)(uintptr_t)_estack, /* 0: initial MSP */
    Reset_Handler,                /* 1 */
    NMI_Handler,                  /* 2 */
    HardFault_Handler,            /* 3 */
    MemManage_Handler,            /* 4 */
    BusFault_Handler,             /* 5 */
    UsageFault_Handler,           /* 6 */
    0,                            /* 7: reserved */
    0,                            /* 8: reserved */
    0,                            /* 9: reserved */
    0,                            /* 10: reserved */
    SVC_Handler,                  /* 11 */
    DebugMon_Handler,             /* 12 */
    0,                            /* 13: reserved */
    PendSV_Handler,               /* 14 */
    SysTick_Handler,              /* 15 */
    IRQ0_Handler,  IRQ1_Handler,  IRQ2_Handler,  IRQ3_Handler,
    IRQ4_Handler,  IRQ5_Handler,  IRQ6_Handler,  IRQ7_Handler,
    IRQ8_Handler,  IRQ9_Handler,  IRQ10_Handler, IRQ11_Handler,
    IRQ12_Handler, IRQ13_Handler, IRQ14_Handler, IRQ15_Handler,
    IRQ16_Handler, IRQ17_Handler, IRQ18_Handler, IRQ19_Handler,
    IRQ20_Handler, IRQ21_Handler, IRQ22_Handler, IRQ23_Handler,
    IRQ24_Handler, IRQ25_Handler, IRQ26_Handler, IRQ27_Handler,
    IRQ28_Handler, IRQ29_Handler, IRQ30_Handler, IRQ31_Handler,
};

/* An unhandled exception parks the core here: a simulator or debugger sees
 * the PC stuck on this one instruction and reads IPSR for the cause. */
__attribute__((naked)) void Default_Handler(void)
{
    __asm__ volatile("b .");
}

#define SCB_VTOR (*(volatile uint32_t *)0xE000ED08u)
#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88u)

__attribute__((noreturn)) void Reset_Handler(void)
{
    /* .data: copy its load image from flash.  Volatile pointers keep GCC from
     * turning these loops into memcpy/memset calls before the C runtime is
     * ready. */
    volatile uint32_t *src = _sidata;
    volatile uint32_t *dst = _sdata;
    while (dst < _edata) {
        *dst++ = *src++;
    }
    for (volatile uint32_t *p = _sbss; p < _ebss; p++) {
        *p = 0;
    }

    /* Boards whose flash is not at address 0 (pico, STM32 at 0x08000000 when
     * not aliased) need VTOR pointed at our table; MPS2 builds skip the write. */
    if ((uintptr_t)g_vectors != 0) {
        SCB_VTOR = (uint32_t)(uintptr_t)g_vectors;
    }

#if defined(__ARM_FP)
    /* Full access to CP10 and CP11 (the FPU), ARMv7-M ARM B3.2.20. */
    SCB_CPACR |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif

#if defined(BOARD_INIT)
    /* Board builds (firmware/boards/<board>/): clocks to full speed, the way the vendor
     * SDKs' SystemInit/SystemClock_Config do, before any constructor runs. */
    extern void board_init(void);
    board_init();
#endif

    for (void (**f)(void) = __preinit_array_start; f < __preinit_array_end; f++) {
        (*f)();
    }
    for (void (**f)(void) = __init_array_start; f < __init_array_end; f++) {
        (*f)();
    }

    /* exit() flushes stdio and ends in _exit(), which is SYS_EXIT_EXTENDED. */
    exit(main());
}
