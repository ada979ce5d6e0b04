/* RP2040 registers used by thimble's own pico firmware, written from the RP2040 datasheet
 * (register lists of sec. 2.14 RESETS, 2.15 CLOCKS, 2.16 XOSC, 2.18 PLL, 2.19 IO_BANK0, 4.2
 * UART, 4.6 TIMER, 4.7 WATCHDOG). Every APB peripheral has atomic aliases (sec. 2.1.2):
 * +0x1000 XOR, +0x2000 SET, +0x3000 CLR on write. */
#ifndef THIMBLE_RP2040_H
#define THIMBLE_RP2040_H

#include <stdint.h>

#define REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))
#define REG_XOR(addr) REG((addr) + 0x1000u)
#define REG_SET(addr) REG((addr) + 0x2000u)
#define REG_CLR(addr) REG((addr) + 0x3000u)

/* RESETS (sec. 2.14.3): one bit per block, 1 = held in reset. */
#define RESETS_BASE 0x4000C000u
#define RESETS_RESET (RESETS_BASE + 0x0)
#define RESETS_RESET_DONE (RESETS_BASE + 0x8)
#define RESET_IO_BANK0 (1u << 5)
#define RESET_IO_QSPI (1u << 6)
#define RESET_PADS_BANK0 (1u << 8)
#define RESET_PADS_QSPI (1u << 9)
#define RESET_PLL_SYS (1u << 12)
#define RESET_PLL_USB (1u << 13)
#define RESET_SYSCFG (1u << 18)
#define RESET_TIMER (1u << 21)
#define RESET_UART0 (1u << 22)
#define RESET_USBCTRL (1u << 24)
#define RESET_ALL 0x01FFFFFFu

/* CLOCKS (sec. 2.15.7): CTRL, DIV, SELECTED per clock generator. */
#define CLOCKS_BASE 0x40008000u
#define CLK_REF_CTRL (CLOCKS_BASE + 0x30)
#define CLK_REF_DIV (CLOCKS_BASE + 0x34)
#define CLK_REF_SELECTED (CLOCKS_BASE + 0x38)
#define CLK_SYS_CTRL (CLOCKS_BASE + 0x3C)
#define CLK_SYS_DIV (CLOCKS_BASE + 0x40)
#define CLK_SYS_SELECTED (CLOCKS_BASE + 0x44)
#define CLK_PERI_CTRL (CLOCKS_BASE + 0x48)
#define CLK_SYS_RESUS_CTRL (CLOCKS_BASE + 0x78)
#define CLK_REF_SRC_ROSC 0u
#define CLK_REF_SRC_XOSC 2u
#define CLK_SYS_SRC_AUX 1u
#define CLK_SYS_AUXSRC_LSB 5
#define CLK_SYS_AUXSRC_PLL_SYS 0u
#define CLK_PERI_ENABLE (1u << 11)
#define CLK_PERI_AUXSRC_CLK_SYS 0u
#define CLK_DIV_INT_LSB 8

/* XOSC (sec. 2.16.7). */
#define XOSC_BASE 0x40024000u
#define XOSC_CTRL (XOSC_BASE + 0x0)
#define XOSC_STATUS (XOSC_BASE + 0x4)
#define XOSC_STARTUP (XOSC_BASE + 0xC)
#define XOSC_FREQ_RANGE_1_15MHZ 0xAA0u
#define XOSC_ENABLE (0xFABu << 12)
#define XOSC_STATUS_STABLE (1u << 31)

/* PLL_SYS (sec. 2.18.4). */
#define PLL_SYS_BASE 0x40028000u
#define PLL_CS (PLL_SYS_BASE + 0x0)
#define PLL_PWR (PLL_SYS_BASE + 0x4)
#define PLL_FBDIV_INT (PLL_SYS_BASE + 0x8)
#define PLL_PRIM (PLL_SYS_BASE + 0xC)
#define PLL_CS_LOCK (1u << 31)
#define PLL_PWR_PD (1u << 0)
#define PLL_PWR_POSTDIVPD (1u << 3)
#define PLL_PWR_VCOPD (1u << 5)
#define PLL_PRIM_POSTDIV1_LSB 16
#define PLL_PRIM_POSTDIV2_LSB 12

/* WATCHDOG (sec. 4.7.6): the tick generator that clocks the TIMER. */
#define WATCHDOG_BASE 0x40058000u
#define WATCHDOG_TICK (WATCHDOG_BASE + 0x2C)
#define WATCHDOG_TICK_ENABLE (1u << 9)

/* TIMER (sec. 4.6.5). */
#define TIMER_BASE 0x40054000u
#define TIMER_ALARM0 (TIMER_BASE + 0x10)
#define TIMER_ARMED (TIMER_BASE + 0x20)
#define TIMER_TIMERAWL (TIMER_BASE + 0x28)
#define TIMER_INTR (TIMER_BASE + 0x34)
#define TIMER_INTE (TIMER_BASE + 0x38)
#define TIMER_IRQ_0 0

/* IO_BANK0 (sec. 2.19.6.1): GPIOn_CTRL at 8n + 4, FUNCSEL 2 = UART. */
#define IO_BANK0_BASE 0x40014000u
#define GPIO_CTRL(n) (IO_BANK0_BASE + 8u * (n) + 4u)
#define GPIO_FUNC_UART 2u

/* UART0, an Arm PL011 (sec. 4.2.8). */
#define UART0_BASE 0x40034000u
#define UART_DR (UART0_BASE + 0x00)
#define UART_FR (UART0_BASE + 0x18)
#define UART_IBRD (UART0_BASE + 0x24)
#define UART_FBRD (UART0_BASE + 0x28)
#define UART_LCR_H (UART0_BASE + 0x2C)
#define UART_CR (UART0_BASE + 0x30)
#define UART_FR_TXFF (1u << 5)
#define UART_FR_BUSY (1u << 3)
#define UART_LCR_H_WLEN8 (3u << 5)
#define UART_LCR_H_FEN (1u << 4)
#define UART_CR_UARTEN (1u << 0)
#define UART_CR_TXE (1u << 8)
#define UART_CR_RXE (1u << 9)

/* Cortex-M0+ system registers (ARMv6-M ARM B3.2, B3.3, B3.4). */
#define NVIC_ISER 0xE000E100u
#define SYST_CSR 0xE000E010u
#define SYST_RVR 0xE000E014u
#define SYST_CVR 0xE000E018u

/* The Pico's crystal (Raspberry Pi Pico datasheet sec. 2.1: 12 MHz). */
#define XOSC_HZ 12000000u

#endif
