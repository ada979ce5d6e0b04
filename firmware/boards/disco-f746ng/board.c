/* 32F746G-DISCO (STM32F746NG): clocks to 216 MHz the way STM32Cube's SystemClock_Config
 * for this board does it, the L1 caches and the ART on as its main() and HAL_Init() turn
 * them on, and the console on USART1 (PA9 TX / PB7 RX, the ST-LINK virtual COM port,
 * UM1907 §6.10), at register level.
 *
 * Sequence (RM0385 §5.2, §4.1.4, §3.3.2; STM32Cube's STM32746G-Discovery templates):
 * L1 caches on (ICIALLU, CCR.IC; DCISW over every set and way, CCR.DC), FLASH_ACR ARTEN
 * and PRFTEN, HSE 25 MHz crystal on, PLL M 25, N 432, P 2 (216 MHz), Q 9 (48 MHz), wait
 * PLLRDY, over-drive (ODEN, wait ODRDY, ODSWEN, wait ODSWRDY), LATENCY 7 read back, APB1
 * /4, APB2 /2, switch to the PLL and wait SWS. */
#include <stdint.h>

#include "board.h"

#define RCC 0x40023800u
#define RCC_CR REG32(RCC + 0x00u)
#define RCC_PLLCFGR REG32(RCC + 0x04u)
#define RCC_CFGR REG32(RCC + 0x08u)
#define RCC_AHB1ENR REG32(RCC + 0x30u)
#define RCC_APB1ENR REG32(RCC + 0x40u)
#define RCC_APB2ENR REG32(RCC + 0x44u)
#define RCC_DCKCFGR1 REG32(RCC + 0x8Cu)
#define RCC_DCKCFGR2 REG32(RCC + 0x90u)

#define PWR_CR1 REG32(0x40007000u)
#define PWR_CSR1 REG32(0x40007004u)

#define FLASH_ACR REG32(0x40023C00u)

#define GPIOA 0x40020000u
#define GPIOB 0x40020400u
#define GPIO_MODER(b) REG32((b) + 0x00u)
#define GPIO_AFRL(b) REG32((b) + 0x20u)
#define GPIO_AFRH(b) REG32((b) + 0x24u)

#define USART1 0x40011000u
#define UART_CR1 REG32(USART1 + 0x00u)
#define UART_BRR REG32(USART1 + 0x0Cu)
#define UART_ISR REG32(USART1 + 0x1Cu)
#define UART_TDR REG32(USART1 + 0x28u)

/* Cortex-M7 cache maintenance (ARMv7-M ARM B2.2.7, B4.8). */
#define SCB_CCSIDR REG32(0xE000ED80u)
#define SCB_CSSELR REG32(0xE000ED84u)
#define SCB_ICIALLU REG32(0xE000EF50u)
#define SCB_DCISW REG32(0xE000EF60u)

#define HSE_HZ 25000000u /* X2 on the board (UM1907 §6.8) */
#define BAUD 115200u

const char *board_name(void)
{
    return "disco-f746ng";
}

const char *board_uart_name(void)
{
    return "USART1";
}

uint32_t board_uart_baud(void)
{
    return BAUD;
}

static void barrier(void)
{
    __asm__ volatile("dsb\n\tisb" ::: "memory");
}

static void caches_on(void)
{
    barrier();
    SCB_ICIALLU = 0u;
    barrier();
    SCB_CCR |= 1u << 17; /* IC */
    barrier();

    SCB_CSSELR = 0u; /* level 1 data cache */
    barrier();
    uint32_t ccsidr = SCB_CCSIDR;
    uint32_t sets = ((ccsidr >> 13) & 0x7FFFu) + 1u, ways = ((ccsidr >> 3) & 0x3FFu) + 1u;
    for (uint32_t s = 0; s < sets; s++) {
        for (uint32_t w = 0; w < ways; w++) {
            /* 32-byte lines: set at bit 5; 4 ways: way at bits 31:30. */
            SCB_DCISW = (s << 5) | (w << 30);
        }
    }
    barrier();
    SCB_CCR |= 1u << 16; /* DC */
    barrier();
}

void board_init(void)
{
    caches_on();
    FLASH_ACR |= (1u << 9) | (1u << 8); /* ARTEN, PRFTEN (HAL_Init) */

    RCC_APB1ENR |= 1u << 28; /* PWREN */
    (void)RCC_APB1ENR;

    RCC_CR |= 1u << 16; /* HSEON */
    while (!(RCC_CR & (1u << 17))) { /* HSERDY */
    }
    /* HSE / M 25 * N 432 / P 2 = 216 MHz; / Q 9 = 48 MHz. */
    RCC_PLLCFGR = 25u | (432u << 6) | (0u << 16) | (1u << 22) /* HSE */ | (9u << 24);
    RCC_CR |= 1u << 24; /* PLLON */
    while (!(RCC_CR & (1u << 25))) { /* PLLRDY */
    }

    PWR_CR1 |= 1u << 16; /* ODEN */
    while (!(PWR_CSR1 & (1u << 16))) { /* ODRDY */
    }
    PWR_CR1 |= 1u << 17; /* ODSWEN */
    while (!(PWR_CSR1 & (1u << 17))) { /* ODSWRDY */
    }

    /* 7 wait states at 216 MHz, 2.7-3.6 V (RM0385 table 5). */
    FLASH_ACR = (FLASH_ACR & ~0xFu) | 7u;
    while ((FLASH_ACR & 0xFu) != 7u) {
    }

    /* AHB /1, APB1 /4 (54 MHz), APB2 /2 (108 MHz), SYSCLK = PLL. */
    RCC_CFGR = (RCC_CFGR & ~((0xFu << 4) | (7u << 10) | (7u << 13) | 3u)) | (5u << 10) |
               (4u << 13) | 2u;
    while (((RCC_CFGR >> 2) & 3u) != 2u) {
    }
}

uint32_t board_sysclk_hz(void)
{
    switch ((RCC_CFGR >> 2) & 3u) {
    case 0:
        return 16000000u;
    case 1:
        return HSE_HZ;
    case 2: {
        uint32_t cfg = RCC_PLLCFGR;
        uint32_t in = (cfg & (1u << 22)) ? HSE_HZ : 16000000u;
        uint32_t m = cfg & 0x3Fu, n = (cfg >> 6) & 0x1FFu, p = 2u * (((cfg >> 16) & 3u) + 1u);
        return m ? (uint32_t)((uint64_t)in * n / m / p) : 0u;
    }
    default:
        return 0u;
    }
}

uint32_t board_hclk_hz(void)
{
    static const uint8_t shift[16] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 6, 7, 8, 9};
    return board_sysclk_hz() >> shift[(RCC_CFGR >> 4) & 0xFu];
}

static uint32_t ppre(int apb)
{
    uint32_t p = (RCC_CFGR >> (apb == 1 ? 10 : 13)) & 7u;
    return p < 4u ? 1u : 1u << (p - 3u);
}

uint32_t board_pclk_hz(int apb)
{
    return board_hclk_hz() / ppre(apb);
}

uint32_t board_timclk_hz(int apb)
{
    uint32_t d = ppre(apb);
    if (RCC_DCKCFGR1 & (1u << 24)) { /* TIMPRE */
        return d <= 4u ? board_hclk_hz() : 4u * board_pclk_hz(apb);
    }
    return d == 1u ? board_pclk_hz(apb) : 2u * board_pclk_hz(apb);
}

uint32_t board_flash_latency(void)
{
    return FLASH_ACR & 0xFu;
}

volatile uint32_t *board_flash_acr(void)
{
    return (volatile uint32_t *)0x40023C00u;
}

const volatile uint32_t *board_uid(void)
{
    return (const volatile uint32_t *)0x1FF0F420u; /* RM0385 §45.1 */
}

uint16_t board_flash_kib(void)
{
    return *(const volatile uint16_t *)0x1FF0F442u; /* RM0385 §45.2 */
}

void board_tim2_clock_on(void)
{
    RCC_APB1ENR |= 1u << 0; /* TIM2EN */
    (void)RCC_APB1ENR;
}

static void uart_init(void)
{
    RCC_APB2ENR |= 1u << 4;               /* USART1EN */
    RCC_AHB1ENR |= (1u << 0) | (1u << 1); /* GPIOAEN, GPIOBEN */
    (void)RCC_AHB1ENR;
    /* PA9 TX, PB7 RX: alternate function 7 (DS10916 table 12). */
    GPIO_MODER(GPIOA) = (GPIO_MODER(GPIOA) & ~(3u << 18)) | (2u << 18);
    GPIO_AFRH(GPIOA) = (GPIO_AFRH(GPIOA) & ~(0xFu << 4)) | (7u << 4);
    GPIO_MODER(GPIOB) = (GPIO_MODER(GPIOB) & ~(3u << 14)) | (2u << 14);
    GPIO_AFRL(GPIOB) = (GPIO_AFRL(GPIOB) & ~(0xFu << 28)) | (7u << 28);
    RCC_DCKCFGR2 &= ~3u; /* USART1SEL = PCLK2 */
    /* Oversampling by 16: BRR = f / baud (RM0385 §34.5.4), rounded to nearest. */
    uint32_t f = board_pclk_hz(2);
    UART_BRR = (f + BAUD / 2u) / BAUD;
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
    while (!(UART_ISR & (1u << 6))) { /* TC */
    }
}
