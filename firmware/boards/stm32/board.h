/* What thimble's STM32 board files (firmware/boards/<board>/board.c) give the programs
 * shared by both STM32 boards (hello.c, timer.c): the clocks as the RCC registers say they
 * are, and the board's names. board_init() and board_uart_write() are called by
 * common/startup.c and common/syscalls.c (-DBOARD_INIT -DBOARD_UART). */
#ifndef THIMBLE_STM32_BOARD_H
#define THIMBLE_STM32_BOARD_H

#include <stdint.h>

#define REG32(addr) (*(volatile uint32_t *)(addr))

/* Cortex-M registers (ARMv7-M ARM B3.2, C1.6; DWT C1.8). */
#define SCB_CCR REG32(0xE000ED14u)
#define NVIC_ISER(n) REG32(0xE000E100u + 4u * (n))
#define DEMCR REG32(0xE000EDFCu)
#define DWT_CTRL REG32(0xE0001000u)
#define DWT_CYCCNT REG32(0xE0001004u)
#define DBGMCU_IDCODE REG32(0xE0042000u)

/* TIM2: the same general-purpose timer at the same address on both chips (RM0432 §39,
 * RM0385 §24), IRQ 28, clocked from APB1's timer clock. */
#define TIM2_BASE 0x40000000u
#define TIM_CR1(b) REG32((b) + 0x00u)
#define TIM_DIER(b) REG32((b) + 0x0Cu)
#define TIM_SR(b) REG32((b) + 0x10u)
#define TIM_EGR(b) REG32((b) + 0x14u)
#define TIM_CNT(b) REG32((b) + 0x24u)
#define TIM_PSC(b) REG32((b) + 0x28u)
#define TIM_ARR(b) REG32((b) + 0x2Cu)
#define TIM2_IRQ 28u

const char *board_name(void);
/* The console UART's name ("LPUART1", "USART1") and baud rate. */
const char *board_uart_name(void);
uint32_t board_uart_baud(void);
/* Clocks in Hz, computed from the RCC registers as the reference manual defines them. */
uint32_t board_sysclk_hz(void);
uint32_t board_hclk_hz(void);
uint32_t board_pclk_hz(int apb);
uint32_t board_timclk_hz(int apb);
/* FLASH_ACR.LATENCY, and the address of the 96-bit unique ID and of the flash size. */
uint32_t board_flash_latency(void);
volatile uint32_t *board_flash_acr(void);
const volatile uint32_t *board_uid(void);
uint16_t board_flash_kib(void);
/* Enables APB1's TIM2 clock (RCC APB1ENR1 / APB1ENR). */
void board_tim2_clock_on(void);

void board_init(void);
void board_uart_write(const char *buf, int len);

#endif
