/* NUCLEO-L4R5ZI (STM32L4R5ZI): clocks to 120 MHz the way STM32Cube's SystemClock_Config
 * for this board does it, and the console on LPUART1 (PG7 TX / PG8 RX, the ST-LINK virtual
 * COM port of the Nucleo-144, UM2179 §6.9), at register level.
 *
 * Sequence (RM0432 §6.2.5, §5.1.8, §3.3.3; STM32Cube's NUCLEO-L4R5ZI templates):
 * PWR clock on, range 1 boost (CR5.R1MODE = 0; VOS is range 1 at reset), FLASH_ACR
 * LATENCY 5 read back before the clock goes up (ICEN/DCEN stay on, PRFTEN off as the
 * Cube's PREFETCH_ENABLE 0 leaves it), PLL from MSI 4 MHz: M 1, N 60, R 2 = 120 MHz, wait
 * PLLRDY, switch with the AHB prescaler at 2 (the HAL's step for targets above 80 MHz),
 * wait SWS, then AHB at 1. */
#include <stdint.h>

#include "board.h"

#define RCC 0x40021000u
#define RCC_CR REG32(RCC + 0x00u)
#define RCC_CFGR REG32(RCC + 0x08u)
#define RCC_PLLCFGR REG32(RCC + 0x0Cu)
#define RCC_AHB2ENR REG32(RCC + 0x4Cu)
#define RCC_APB1ENR1 REG32(RCC + 0x58u)
#define RCC_APB1ENR2 REG32(RCC + 0x5Cu)
#define RCC_CCIPR REG32(RCC + 0x88u)
#define RCC_CSR REG32(RCC + 0x94u)

#define PWR 0x40007000u
#define PWR_CR2 REG32(PWR + 0x04u)
#define PWR_CR5 REG32(PWR + 0x80u)

#define FLASH_ACR REG32(0x40022000u)

#define GPIOG 0x48001800u
#define GPIO_MODER(b) REG32((b) + 0x00u)
#define GPIO_AFRL(b) REG32((b) + 0x20u)
#define GPIO_AFRH(b) REG32((b) + 0x24u)

#define LPUART1 0x40008000u
#define UART_CR1 REG32(LPUART1 + 0x00u)
#define UART_BRR REG32(LPUART1 + 0x0Cu)
#define UART_ISR REG32(LPUART1 + 0x1Cu)
#define UART_TDR REG32(LPUART1 + 0x28u)

#define BAUD 115200u

const char *board_name(void)
{
    return "nucleo-l4r5zi";
}

const char *board_uart_name(void)
{
    return "LPUART1";
}

uint32_t board_uart_baud(void)
{
    return BAUD;
}

void board_init(void)
{
    RCC_APB1ENR1 |= 1u << 28; /* PWREN */
    (void)RCC_APB1ENR1;       /* the enable takes effect before the next access */
    PWR_CR5 &= ~(1u << 8);    /* R1MODE = 0: range 1 boost, for more than 80 MHz */

    /* Wait states first: 5 at 120 MHz in range 1 boost (RM0432 table 12). */
    FLASH_ACR = (FLASH_ACR & ~0xFu) | 5u;
    while ((FLASH_ACR & 0xFu) != 5u) {
    }

    /* PLL: MSI (4 MHz, range 6) / M 1 * N 60 / R 2 = 120 MHz, PLLREN. */
    RCC_PLLCFGR = 1u /* PLLSRC MSI */ | (0u << 4) /* M 1 */ | (60u << 8) | (1u << 24) /* REN */;
    RCC_CR |= 1u << 24; /* PLLON */
    while (!(RCC_CR & (1u << 25))) { /* PLLRDY */
    }

    /* AHB /2 while switching to more than 80 MHz, then /1 (the HAL's transition). */
    RCC_CFGR = (RCC_CFGR & ~((0xFu << 4) | 3u)) | (8u << 4) | 3u;
    while (((RCC_CFGR >> 2) & 3u) != 3u) { /* SWS = PLL */
    }
    RCC_CFGR &= ~(0xFu << 4);
}

/* MSI ranges (RM0432 §6.4.1), AHB and APB prescalers (§6.4.3). */
static const uint32_t msi_hz[12] = {100000u, 200000u, 400000u, 800000u, 1000000u, 2000000u,
                                    4000000u, 8000000u, 16000000u, 24000000u, 32000000u, 48000000u};

static uint32_t msi(void)
{
    uint32_t range = (RCC_CR & (1u << 3)) ? (RCC_CR >> 4) & 0xFu : (RCC_CSR >> 8) & 0xFu;
    return range < 12u ? msi_hz[range] : 0u;
}

uint32_t board_sysclk_hz(void)
{
    switch ((RCC_CFGR >> 2) & 3u) {
    case 0:
        return msi();
    case 1:
        return 16000000u;
    case 2:
        return 0u; /* no HSE on the board */
    default: {
        uint32_t cfg = RCC_PLLCFGR, in;
        switch (cfg & 3u) {
        case 1:
            in = msi();
            break;
        case 2:
            in = 16000000u;
            break;
        default:
            return 0u;
        }
        uint32_t m = ((cfg >> 4) & 0xFu) + 1u, n = (cfg >> 8) & 0x7Fu;
        uint32_t r = 2u * (((cfg >> 25) & 3u) + 1u);
        return (uint32_t)((uint64_t)in * n / m / r);
    }
    }
}

uint32_t board_hclk_hz(void)
{
    static const uint8_t shift[16] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 6, 7, 8, 9};
    return board_sysclk_hz() >> shift[(RCC_CFGR >> 4) & 0xFu];
}

static uint32_t ppre(int apb)
{
    uint32_t p = (RCC_CFGR >> (apb == 1 ? 8 : 11)) & 7u;
    return p < 4u ? 1u : 1u << (p - 3u);
}

uint32_t board_pclk_hz(int apb)
{
    return board_hclk_hz() / ppre(apb);
}

uint32_t board_timclk_hz(int apb)
{
    return ppre(apb) == 1u ? board_pclk_hz(apb) : 2u * board_pclk_hz(apb);
}

uint32_t board_flash_latency(void)
{
    return FLASH_ACR & 0xFu;
}

volatile uint32_t *board_flash_acr(void)
{
    return (volatile uint32_t *)0x40022000u;
}

const volatile uint32_t *board_uid(void)
{
    return (const volatile uint32_t *)0x1FFF7590u; /* RM0432 §58.1 */
}

uint16_t board_flash_kib(void)
{
    return *(const volatile uint16_t *)0x1FFF75E0u; /* RM0432 §58.2 */
}

void board_tim2_clock_on(void)
{
    RCC_APB1ENR1 |= 1u << 0; /* TIM2EN */
    (void)RCC_APB1ENR1;
}

static void uart_init(void)
{
    RCC_APB1ENR2 |= 1u << 0; /* LPUART1EN */
    RCC_AHB2ENR |= 1u << 6;  /* GPIOGEN */
    RCC_APB1ENR1 |= 1u << 28;
    PWR_CR2 |= 1u << 9; /* IOSV: PG2..PG15 are powered from VDDIO2 (RM0432 §5.1.4) */
    /* PG7, PG8: alternate function 8 (LPUART1, DS12023 table 23). */
    GPIO_MODER(GPIOG) = (GPIO_MODER(GPIOG) & ~((3u << 14) | (3u << 16))) | (2u << 14) | (2u << 16);
    GPIO_AFRL(GPIOG) = (GPIO_AFRL(GPIOG) & ~(0xFu << 28)) | (8u << 28);
    GPIO_AFRH(GPIOG) = (GPIO_AFRH(GPIOG) & ~0xFu) | 8u;
    RCC_CCIPR &= ~(3u << 10); /* LPUART1SEL = PCLK1 */
    /* LPUART: baud = 256 * f / BRR (RM0432 §51.4.7), rounded to nearest. */
    uint64_t f = board_pclk_hz(1);
    UART_BRR = (uint32_t)((256u * f + BAUD / 2u) / BAUD);
    UART_CR1 = (1u << 3) | 1u; /* TE, UE */
}

void board_uart_write(const char *buf, int len)
{
    static int ready;
    if (!ready) {
        uart_init();
        ready = 1;
    }
    for (int i = 0; i < len; i++) {
        while (!(UART_ISR & (1u << 7))) { /* TXE */
        }
        UART_TDR = (uint8_t)buf[i];
    }
    while (!(UART_ISR & (1u << 6))) { /* TC: on the line before we return */
    }
}
