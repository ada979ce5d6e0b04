/* sdkpath-pico: hardware paths pico-sdk's runtime and examples take that thimble's other pico
 * programs do not, each done at register level as the SDK does it and printed:
 * - the USB PHY powered down at start-up (pico-sdk's runtime_init_usb_power_down): SIE_CTRL
 *   read at its reset value, TRANSCEIVER_PD set through the SET alias, read back;
 * - TIMER alarm 0 interrupts acknowledged through the CLR alias of INTR (pico-examples'
 *   timer_lowlevel: hw_clear_bits(&timer_hw->intr, 1)): every alarm must interrupt again;
 * - the Pico's LED, GPIO 25, driven from the SIO as gpio_init/gpio_set_dir/gpio_put do
 *   (pico-examples' blink): FUNCSEL SIO, GPIO_OE_SET, GPIO_OUT_SET/CLR, GPIO_OUT read back;
 * - core 1 launched as multicore_launch_core1 does: its entry written on its stack in
 *   SCRATCH_X (below 0x2004_1000), then the FIFO handshake 0, 0, 1, vector table, stack,
 *   entry, each word echoed back by the core 1 boot ROM (thimble parks core 1 after it);
 *   pico-sdk's linker script ends the heap at __HeapLimit (0x2004_0000), below that stack,
 *   and so does this program;
 * - the boot ROM's initial stack pointer (word 0 of the ROM), below boot2's copy at
 *   0x2004_1F00 (boot2.S keeps its literals in its last words, as pico-sdk's boot2 does). */
#include <stdio.h>

#include "rp2040.h"

/* USB controller registers (RP2040 datasheet sec. 4.1.4). */
#define USB_BASE 0x50110000u
#define USB_SIE_CTRL (USB_BASE + 0x4C)
#define USB_SIE_CTRL_TRANSCEIVER_PD (1u << 18)

/* SIO GPIO registers (sec. 2.3.1.7) and IO_BANK0 FUNCSEL 5 = SIO (sec. 2.19.2). */
#define SIO_BASE 0xD0000000u
#define SIO_GPIO_IN (SIO_BASE + 0x04)
#define SIO_GPIO_OUT (SIO_BASE + 0x10)
#define SIO_GPIO_OUT_SET (SIO_BASE + 0x14)
#define SIO_GPIO_OUT_CLR (SIO_BASE + 0x18)
#define SIO_GPIO_OE_SET (SIO_BASE + 0x24)
#define GPIO_FUNC_SIO 5u
#define LED_PIN 25u

/* SIO inter-core FIFO (sec. 2.3.1.7): FIFO_ST VLD bit 0, RDY bit 1. */
#define SIO_FIFO_ST (SIO_BASE + 0x50)
#define SIO_FIFO_WR (SIO_BASE + 0x54)
#define SIO_FIFO_RD (SIO_BASE + 0x58)
#define FIFO_VLD 1u
#define FIFO_RDY 2u

/* Core 1's stack: the top of SCRATCH_X, as pico-sdk's memmap_default.ld places it, above the
 * heap's end (pico-sdk: __HeapLimit = ORIGIN(RAM) + LENGTH(RAM) = 0x2004_0000). */
#define CORE1_STACK_TOP 0x20041000u
__asm__(".global __HeapLimit\n.set __HeapLimit, 0x20040000");

#define ALARMS 3
#define ALARM_US 100u

static volatile unsigned fired;

void IRQ0_Handler(void)
{
    REG_CLR(TIMER_INTR) = 1u; /* hw_clear_bits(&timer_hw->intr, 1u << 0) */
    fired = fired + 1;
}

static void core1_entry(void)
{
    for (;;) {
        __asm__ volatile("wfe");
    }
}

/* multicore_launch_core1's handshake: each word must come back; a 0 first drains the FIFO. */
static unsigned launch_core1(uint32_t vtor, uint32_t sp, uint32_t entry)
{
    const uint32_t seq[] = {0, 0, 1, vtor, sp, entry};
    unsigned i = 0, words = 0;
    while (i < 6) {
        uint32_t cmd = seq[i];
        if (cmd == 0) {
            while (REG(SIO_FIFO_ST) & FIFO_VLD) {
                (void)REG(SIO_FIFO_RD);
            }
            __asm__ volatile("sev");
        }
        while (!(REG(SIO_FIFO_ST) & FIFO_RDY)) {
        }
        REG(SIO_FIFO_WR) = cmd;
        __asm__ volatile("sev");
        while (!(REG(SIO_FIFO_ST) & FIFO_VLD)) {
        }
        uint32_t echo = REG(SIO_FIFO_RD);
        words++;
        i = echo == cmd ? i + 1 : 0;
    }
    return words;
}

/* Word 0 of the boot ROM, read through an address the compiler cannot see is 0. */
static uint32_t rom_word0(void)
{
    uintptr_t a = 0;
    __asm__ volatile("" : "+r"(a));
    return *(volatile uint32_t *)a;
}

int main(void)
{
    uint32_t sie = REG(USB_SIE_CTRL);
    REG_SET(USB_SIE_CTRL) = USB_SIE_CTRL_TRANSCEIVER_PD;
    printf("USB SIE_CTRL 0x%08x at reset, 0x%08x with the PHY powered down\n", (unsigned)sie,
           (unsigned)REG(USB_SIE_CTRL));

    REG(TIMER_INTE) = 1u;
    REG(NVIC_ISER) = 1u << TIMER_IRQ_0;
    unsigned answered = 0;
    for (unsigned i = 0; i < ALARMS; i++) {
        unsigned before = fired;
        uint32_t start = REG(TIMER_TIMERAWL);
        REG(TIMER_ALARM0) = start + ALARM_US;
        while (fired == before && REG(TIMER_TIMERAWL) - start < 10u * ALARM_US) {
        }
        if (fired != before) {
            answered++;
        }
    }
    printf("alarm 0 acknowledged through INTR's CLR alias: %u of %u alarms interrupted, "
           "INTR 0x%x\n",
           answered, (unsigned)ALARMS, (unsigned)REG(TIMER_INTR));

    REG(GPIO_CTRL(LED_PIN)) = GPIO_FUNC_SIO;
    REG(SIO_GPIO_OE_SET) = 1u << LED_PIN;
    REG(SIO_GPIO_OUT_SET) = 1u << LED_PIN;
    uint32_t on = REG(SIO_GPIO_OUT), in_on = REG(SIO_GPIO_IN);
    REG(SIO_GPIO_OUT_CLR) = 1u << LED_PIN;
    uint32_t off = REG(SIO_GPIO_OUT), in_off = REG(SIO_GPIO_IN);
    printf("LED GPIO %u: GPIO_OUT 0x%08x on, 0x%08x off (GPIO_IN bit %u, %u)\n",
           (unsigned)LED_PIN, (unsigned)on, (unsigned)off, (unsigned)((in_on >> LED_PIN) & 1u),
           (unsigned)((in_off >> LED_PIN) & 1u));

    volatile uint32_t *stack1 = (volatile uint32_t *)CORE1_STACK_TOP - 2;
    stack1[0] = (uint32_t)(uintptr_t)core1_entry;
    stack1[1] = CORE1_STACK_TOP;
    unsigned words = launch_core1(REG(0xE000ED08u), (uint32_t)(uintptr_t)stack1,
                                  (uint32_t)(uintptr_t)core1_entry);
    printf("core 1 launch: %u words echoed through the SIO FIFO\n", words);

    printf("boot ROM initial SP 0x%08x, boot2 copied to 0x20041f00\n", (unsigned)rom_word0());
    return 0;
}
