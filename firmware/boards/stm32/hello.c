/* hello-<board>: greets over the board's console UART and reports what the chip says about
 * itself, read back from its registers: the clocks the start-up configured (RCC), the flash
 * wait states (FLASH_ACR.LATENCY), the device ID (DBGMCU_IDCODE), the unique ID and the
 * flash size (system memory). Shared by the STM32 boards (firmware/boards/<board>/board.c). */
#include <stdint.h>
#include <stdio.h>

#include "board.h"

int main(void)
{
    printf("hello from %s over %s at %lu Bd\n", board_name(), board_uart_name(),
           (unsigned long)board_uart_baud());
    printf("SYSCLK %lu Hz, HCLK %lu Hz, PCLK1 %lu Hz, PCLK2 %lu Hz\n",
           (unsigned long)board_sysclk_hz(), (unsigned long)board_hclk_hz(),
           (unsigned long)board_pclk_hz(1), (unsigned long)board_pclk_hz(2));
    printf("flash latency %lu wait states, %u KiB\n", (unsigned long)board_flash_latency(),
           (unsigned)board_flash_kib());
    uint32_t id = DBGMCU_IDCODE;
    printf("DEV_ID 0x%03lx REV_ID 0x%04lx\n", (unsigned long)(id & 0xFFFu),
           (unsigned long)(id >> 16));
    const volatile uint32_t *uid = board_uid();
    printf("UID %08lx %08lx %08lx\n", (unsigned long)uid[0], (unsigned long)uid[1],
           (unsigned long)uid[2]);
    return 0;
}
