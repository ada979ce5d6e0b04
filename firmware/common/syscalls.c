/* newlib retarget: stdio through ARM semihosting, through the CMSDK APB UART0
 * of the MPS2 boards when built with -DTHIMBLE_UART, or through the board's own
 * UART (firmware/boards/<board>/, board_uart_write) when built with -DBOARD_UART.
 * _exit always leaves through semihosting so the exit status reaches the host. */
#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "semihosting.h"

#undef errno
extern int errno;

/* Linker script symbols: the heap runs from the end of .bss to the stack. */
extern char __heap_start[];
extern char __heap_end[];

#ifdef THIMBLE_UART
/* CMSDK APB UART (Arm DDI 0479, "Cortex-M System Design Kit", 4.3): DATA +0,
 * STATE +4 (bit 0 TX buffer full), CTRL +8 (bit 0 TX enable), BAUDDIV +0x10. */
#define UART0_BASE 0x40004000u
#define UART_DATA (*(volatile uint32_t *)(UART0_BASE + 0x0))
#define UART_STATE (*(volatile uint32_t *)(UART0_BASE + 0x4))
#define UART_CTRL (*(volatile uint32_t *)(UART0_BASE + 0x8))
#define UART_BAUDDIV (*(volatile uint32_t *)(UART0_BASE + 0x10))

static void uart_putc(char c)
{
    static int ready;
    if (!ready) {
        UART_BAUDDIV = 16; /* the smallest legal divisor */
        UART_CTRL |= 1u;   /* TX enable */
        ready = 1;
    }
    while (UART_STATE & 1u) {
    }
    UART_DATA = (uint8_t)c;
}
#endif

/* Semihosting handles for ":tt" (the host console), opened on first use. */
static int32_t sh_stdin = -2;
#if !defined(THIMBLE_UART) && !defined(BOARD_UART)
static int32_t sh_stdout = -2, sh_stderr = -2;
#endif

static int32_t console(int32_t *slot, int32_t mode)
{
    if (*slot == -2) {
        *slot = sh_open(":tt", mode);
    }
    return *slot;
}

int _write(int fd, const char *buf, int len)
{
    if (fd != 1 && fd != 2) {
        errno = EBADF;
        return -1;
    }
#if defined(BOARD_UART)
    extern void board_uart_write(const char *buf, int len);
    board_uart_write(buf, len);
    return len;
#elif defined(THIMBLE_UART)
    for (int i = 0; i < len; i++) {
        uart_putc(buf[i]);
    }
    return len;
#else
    int32_t h = fd == 1 ? console(&sh_stdout, SH_MODE_W) : console(&sh_stderr, SH_MODE_A);
    if (h < 0) {
        for (int i = 0; i < len; i++) {
            sh_writec(buf[i]);
        }
        return len;
    }
    int32_t left = sh_write(h, buf, (size_t)len);
    return len - left;
#endif
}

int _read(int fd, char *buf, int len)
{
    if (fd != 0) {
        errno = EBADF;
        return -1;
    }
    int32_t h = console(&sh_stdin, SH_MODE_R);
    if (h < 0) {
        return 0;
    }
    int32_t left = sh_read(h, buf, (size_t)len);
    return len - left;
}

int _close(int fd)
{
    (void)fd;
    return 0;
}

int _lseek(int fd, int off, int whence)
{
    (void)fd;
    (void)off;
    (void)whence;
    return 0;
}

int _fstat(int fd, struct stat *st)
{
    (void)fd;
    st->st_mode = S_IFCHR;
    return 0;
}

int _isatty(int fd)
{
    (void)fd;
    return 1;
}

int _getpid(void)
{
    return 1;
}

int _kill(int pid, int sig)
{
    (void)pid;
    (void)sig;
    errno = EINVAL;
    return -1;
}

void *_sbrk(ptrdiff_t incr)
{
    static char *brk = __heap_start;
    if (incr > __heap_end - brk || incr < __heap_start - brk) {
        errno = ENOMEM;
        return (void *)-1;
    }
    char *old = brk;
    brk += incr;
    return old;
}

__attribute__((noreturn)) void _exit(int status)
{
    sh_exit(status);
}
