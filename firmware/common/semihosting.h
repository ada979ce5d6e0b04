/* ARM semihosting (BKPT 0xAB on M-profile) for thimble's test firmware.
 *
 * Operation numbers and parameter blocks follow Arm's "Semihosting for AArch32
 * and AArch64" specification (v2.0).  On M-profile the trap is the Thumb
 * instruction BKPT 0xAB with the operation in r0 and a pointer to the
 * parameter block (or, for a few calls, the parameter itself) in r1; the
 * result comes back in r0.
 */
#ifndef THIMBLE_SEMIHOSTING_H
#define THIMBLE_SEMIHOSTING_H

#include <stddef.h>
#include <stdint.h>

#define SYS_OPEN 0x01
#define SYS_CLOSE 0x02
#define SYS_WRITEC 0x03
#define SYS_WRITE0 0x04
#define SYS_WRITE 0x05
#define SYS_READ 0x06
#define SYS_CLOCK 0x10
#define SYS_TIME 0x11
#define SYS_GET_CMDLINE 0x15
#define SYS_HEAPINFO 0x16
#define SYS_EXIT 0x18
#define SYS_EXIT_EXTENDED 0x20

/* Reason codes for SYS_EXIT / SYS_EXIT_EXTENDED. */
#define ADP_STOPPED_APPLICATION_EXIT 0x20026
#define ADP_STOPPED_RUN_TIME_ERROR 0x20023

/* SYS_OPEN modes (ISO C fopen modes in the order the spec lists them). */
#define SH_MODE_R 0
#define SH_MODE_RB 1
#define SH_MODE_RPLUS 2
#define SH_MODE_W 4
#define SH_MODE_A 8

/* The raw trap: operation in r0, argument in r1, result in r0. */
static inline int32_t sh_call(int32_t op, const void *arg)
{
    register int32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

/* Block returned by SYS_HEAPINFO. */
struct sh_heapinfo {
    uint32_t heap_base;
    uint32_t heap_limit;
    uint32_t stack_base;
    uint32_t stack_limit;
};

void sh_write0(const char *s);
void sh_writec(char c);
/* Returns the number of bytes NOT written (0 on success), as the spec says. */
int32_t sh_write(int32_t handle, const void *buf, size_t len);
/* Returns the number of bytes NOT read. */
int32_t sh_read(int32_t handle, void *buf, size_t len);
/* Returns a handle, or -1 on failure. */
int32_t sh_open(const char *path, int32_t mode);
int32_t sh_close(int32_t handle);
/* Centiseconds since execution started. */
int32_t sh_clock(void);
/* Seconds since 1970-01-01. */
int32_t sh_time(void);
void sh_heapinfo(struct sh_heapinfo *out);
/* Copies the command line into buf (NUL-terminated); returns 0 on success. */
int32_t sh_get_cmdline(char *buf, size_t size);
/* SYS_EXIT with a reason code only (the AArch32 form carries no status). */
__attribute__((noreturn)) void sh_exit_reason(uint32_t reason);
/* SYS_EXIT_EXTENDED: application exit with an exit status. */
__attribute__((noreturn)) void sh_exit(int status);

#endif
