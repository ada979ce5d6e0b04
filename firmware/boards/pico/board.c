/* Raspberry Pi Pico start-up and UART, at register level, in the order pico-sdk's runtime
 * brings the RP2040 up (runtime_init_early_resets, runtime_init_clocks,
 * runtime_init_post_clock_resets, then stdio on UART0):
 *
 *   1. every block except the flash path (IO_QSPI, PADS_QSPI), the PLLs, USB and SYSCFG goes
 *      into reset; those clocked only by clk_sys/clk_ref come out again;
 *   2. the 12 MHz crystal oscillator starts (XOSC STARTUP ~1 ms, wait STATUS.STABLE);
 *   3. clk_sys and clk_ref switch to their glitchless defaults (clk_ref, ROSC);
 *   4. PLL_SYS: 12 MHz / 1 x 125 = 1500 MHz VCO, / 6 / 2 = 125 MHz (wait CS.LOCK);
 *   5. clk_ref <- XOSC (12 MHz), clk_sys <- PLL_SYS (125 MHz), clk_peri <- clk_sys;
 *   6. the watchdog's tick generator counts 12 clk_ref cycles per microsecond tick;
 *   7. the remaining blocks come out of reset; UART0 on GP0 (TX) / GP1 (RX) at 115200 8N1.
 *
 * Every wait is a poll of the bit the hardware sets, as on the chip. */
#include "rp2040.h"

#define SYS_HZ 125000000u
#define BAUD 115200u

static void reset_blocks(uint32_t bits)
{
    REG_SET(RESETS_RESET) = bits;
}

static void unreset_blocks_wait(uint32_t bits)
{
    REG_CLR(RESETS_RESET) = bits;
    while ((REG(RESETS_RESET_DONE) & bits) != bits) {
    }
}

static void xosc_start(void)
{
    REG(XOSC_CTRL) = XOSC_FREQ_RANGE_1_15MHZ;
    /* STARTUP.DELAY counts 256 crystal cycles: (12000 kHz + 128) / 256 = 47, ~1 ms. */
    REG(XOSC_STARTUP) = (XOSC_HZ / 1000u + 128u) / 256u;
    REG_SET(XOSC_CTRL) = XOSC_ENABLE;
    while (!(REG(XOSC_STATUS) & XOSC_STATUS_STABLE)) {
    }
}

static void pll_sys_start(uint32_t refdiv, uint32_t fbdiv, uint32_t postdiv1, uint32_t postdiv2)
{
    reset_blocks(RESET_PLL_SYS);
    unreset_blocks_wait(RESET_PLL_SYS);
    REG(PLL_CS) = refdiv;
    REG(PLL_FBDIV_INT) = fbdiv;
    REG_CLR(PLL_PWR) = PLL_PWR_PD | PLL_PWR_VCOPD;
    while (!(REG(PLL_CS) & PLL_CS_LOCK)) {
    }
    REG(PLL_PRIM) = (postdiv1 << PLL_PRIM_POSTDIV1_LSB) | (postdiv2 << PLL_PRIM_POSTDIV2_LSB);
    REG_CLR(PLL_PWR) = PLL_PWR_POSTDIVPD;
}

static void clocks_init(void)
{
    REG(CLK_SYS_RESUS_CTRL) = 0;
    xosc_start();
    /* Away from the aux sources before the PLL changes: clk_sys <- clk_ref, clk_ref <- ROSC. */
    REG_CLR(CLK_SYS_CTRL) = 1u;
    while (REG(CLK_SYS_SELECTED) != 1u) {
    }
    REG_CLR(CLK_REF_CTRL) = 3u;
    while (REG(CLK_REF_SELECTED) != 1u) {
    }
    pll_sys_start(1, 125, 6, 2);
    /* clk_ref <- XOSC, divided by 1. */
    REG(CLK_REF_DIV) = 1u << CLK_DIV_INT_LSB;
    REG(CLK_REF_CTRL) = CLK_REF_SRC_XOSC;
    while (REG(CLK_REF_SELECTED) != (1u << CLK_REF_SRC_XOSC)) {
    }
    /* clk_sys <- aux mux <- PLL_SYS, divided by 1: the aux source is chosen while the
     * glitchless mux still selects clk_ref. */
    REG(CLK_SYS_DIV) = 1u << CLK_DIV_INT_LSB;
    REG(CLK_SYS_CTRL) = CLK_SYS_AUXSRC_PLL_SYS << CLK_SYS_AUXSRC_LSB;
    REG_SET(CLK_SYS_CTRL) = CLK_SYS_SRC_AUX;
    while (REG(CLK_SYS_SELECTED) != (1u << CLK_SYS_SRC_AUX)) {
    }
    /* clk_peri <- clk_sys (the UART's reference clock). */
    REG(CLK_PERI_CTRL) = CLK_PERI_ENABLE | CLK_PERI_AUXSRC_CLK_SYS;
    /* One TIMER tick per microsecond: XOSC_HZ / 1 MHz clk_ref cycles. */
    REG(WATCHDOG_TICK) = (XOSC_HZ / 1000000u) | WATCHDOG_TICK_ENABLE;
}

static void uart0_init(void)
{
    REG(GPIO_CTRL(0)) = GPIO_FUNC_UART;
    REG(GPIO_CTRL(1)) = GPIO_FUNC_UART;
    /* PL011 divisor = clk_peri / (16 x baud) in 16.6 fixed point: 4 x clk / baud, rounded. */
    uint32_t div64 = (4u * SYS_HZ + BAUD / 2u) / BAUD;
    REG(UART_IBRD) = div64 >> 6;
    REG(UART_FBRD) = div64 & 63u;
    REG(UART_LCR_H) = UART_LCR_H_WLEN8 | UART_LCR_H_FEN;
    REG(UART_CR) = UART_CR_UARTEN | UART_CR_TXE | UART_CR_RXE;
}

void board_init(void)
{
    reset_blocks(RESET_ALL & ~(RESET_IO_QSPI | RESET_PADS_QSPI | RESET_PLL_USB | RESET_USBCTRL |
                                RESET_SYSCFG | RESET_PLL_SYS));
    /* Out of reset: everything clocked by clk_sys/clk_ref only (not ADC, RTC, SPI, UART, USB). */
    unreset_blocks_wait(RESET_ALL & ~((1u << 0) | (1u << 15) | (1u << 16) | (1u << 17) |
                                       RESET_UART0 | (1u << 23) | RESET_USBCTRL));
    clocks_init();
    unreset_blocks_wait(RESET_ALL & ~(RESET_PLL_USB | RESET_USBCTRL));
    uart0_init();
}

void board_uart_write(const char *buf, int len)
{
    for (int i = 0; i < len; i++) {
        while (REG(UART_FR) & UART_FR_TXFF) {
        }
        REG(UART_DR) = (uint8_t)buf[i];
    }
}
