/* ARM semihosting calls used by the startup code and the newlib retarget. */
#include "semihosting.h"

#include <string.h>

void sh_write0(const char *s)
{
    sh_call(SYS_WRITE0, s);
}

void sh_writec(char c)
{
    sh_call(SYS_WRITEC, &c);
}

int32_t sh_write(int32_t handle, const void *buf, size_t len)
{
    uint32_t block[3] = {(uint32_t)handle, (uint32_t)(uintptr_t)buf, (uint32_t)len};
    return sh_call(SYS_WRITE, block);
}

int32_t sh_read(int32_t handle, void *buf, size_t len)
{
    uint32_t block[3] = {(uint32_t)handle, (uint32_t)(uintptr_t)buf, (uint32_t)len};
    return sh_call(SYS_READ, block);
}

int32_t sh_open(const char *path, int32_t mode)
{
    uint32_t block[3] = {(uint32_t)(uintptr_t)path, (uint32_t)mode, (uint32_t)strlen(path)};
    return sh_call(SYS_OPEN, block);
}

int32_t sh_close(int32_t handle)
{
    uint32_t block[1] = {(uint32_t)handle};
    return sh_call(SYS_CLOSE, block);
}

int32_t sh_clock(void)
{
    return sh_call(SYS_CLOCK, 0);
}

int32_t sh_time(void)
{
    return sh_call(SYS_TIME, 0);
}

void sh_heapinfo(struct sh_heapinfo *out)
{
    /* The parameter is the address of a word that holds the block's address. */
    uint32_t ptr = (uint32_t)(uintptr_t)out;
    sh_call(SYS_HEAPINFO, &ptr);
}

int32_t sh_get_cmdline(char *buf, size_t size)
{
    uint32_t block[2] = {(uint32_t)(uintptr_t)buf, (uint32_t)size};
    return sh_call(SYS_GET_CMDLINE, block);
}

void sh_exit_reason(uint32_t reason)
{
    sh_call(SYS_EXIT, (const void *)(uintptr_t)reason);
    for (;;) {
    }
}

void sh_exit(int status)
{
    uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
    sh_call(SYS_EXIT_EXTENDED, block);
    /* A host without SYS_EXIT_EXTENDED: fall back to the plain form. */
    sh_exit_reason(status == 0 ? ADP_STOPPED_APPLICATION_EXIT : ADP_STOPPED_RUN_TIME_ERROR);
}
