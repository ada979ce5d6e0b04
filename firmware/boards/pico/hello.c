/* hello-pico: UART0 hello and the clocks the start-up configured, read back from the
 * registers (PLL_SYS dividers, the clk_sys and clk_peri muxes, the UART divisor). */
#include <stdio.h>

#include "rp2040.h"

static unsigned pll_sys_hz(void)
{
    unsigned refdiv = REG(PLL_CS) & 0x3Fu;
    unsigned fbdiv = REG(PLL_FBDIV_INT) & 0xFFFu;
    unsigned prim = REG(PLL_PRIM);
    unsigned pd1 = (prim >> PLL_PRIM_POSTDIV1_LSB) & 7u;
    unsigned pd2 = (prim >> PLL_PRIM_POSTDIV2_LSB) & 7u;
    return XOSC_HZ / refdiv * fbdiv / (pd1 * pd2);
}

int main(void)
{
    unsigned sys = 0;
    if (REG(CLK_SYS_SELECTED) == (1u << CLK_SYS_SRC_AUX) &&
        ((REG(CLK_SYS_CTRL) >> CLK_SYS_AUXSRC_LSB) & 7u) == CLK_SYS_AUXSRC_PLL_SYS) {
        sys = pll_sys_hz() / (REG(CLK_SYS_DIV) >> CLK_DIV_INT_LSB);
    }
    unsigned peri = (REG(CLK_PERI_CTRL) & CLK_PERI_ENABLE) ? sys : 0;
    unsigned div64 = (REG(UART_IBRD) << 6) | REG(UART_FBRD);
    printf("hello from pico\n");
    printf("clk_sys %u Hz: PLL_SYS = 12 MHz / %u x %u / %u / %u\n", sys,
           (unsigned)(REG(PLL_CS) & 0x3Fu), (unsigned)(REG(PLL_FBDIV_INT) & 0xFFFu),
           (unsigned)((REG(PLL_PRIM) >> PLL_PRIM_POSTDIV1_LSB) & 7u),
           (unsigned)((REG(PLL_PRIM) >> PLL_PRIM_POSTDIV2_LSB) & 7u));
    printf("clk_peri %u Hz, UART0 %u baud (IBRD %u, FBRD %u)\n", peri, 4u * peri / div64,
           (unsigned)REG(UART_IBRD), (unsigned)REG(UART_FBRD));
    return 0;
}
