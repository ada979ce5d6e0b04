/* Console output for the nn apps: semihosting SYS_WRITE0 through helper
 * fw's firmware/common (its startup runs exit(main())), or the board's UART
 * on chip boards built with -DBOARD_UART (firmware/boards/<board>/). */
#ifndef THIMBLE_NN_IO_H
#define THIMBLE_NN_IO_H

#include <string.h>

#include "semihosting.h"

/* Writes a NUL-terminated string to the host console. */
static inline void io_puts(const char *s)
{
#if defined(BOARD_UART)
    extern void board_uart_write(const char *buf, int len);
    board_uart_write(s, (int)strlen(s));
#else
    sh_write0(s);
#endif
}

#endif
