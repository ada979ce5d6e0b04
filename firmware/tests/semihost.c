/* semihost: every semihosting call the firmware library offers, with output
 * that is the same in QEMU and thimble (no paths, times or host-specific
 * values are printed, only properties of them).  Ends with the plain
 * AArch32 SYS_EXIT (ADP_Stopped_ApplicationExit), i.e. exit status 0, so
 * that form is covered too (every other program uses SYS_EXIT_EXTENDED). */
#include <stdio.h>
#include <string.h>

#include "semihosting.h"

int main(void)
{
    printf("semihost\n");
    fflush(stdout);

    sh_write0("SYS_WRITE0 line\n");
    const char *s = "SYS_WRITEC line\n";
    for (const char *p = s; *p; p++) {
        sh_writec(*p);
    }

    int32_t tt = sh_open(":tt", SH_MODE_W);
    static const char msg[] = "SYS_WRITE to :tt\n";
    int32_t left = sh_write(tt, msg, sizeof msg - 1);
    printf(":tt handle valid=%d write left=%ld\n", tt >= 0, (long)left);
    fflush(stdout);

    /* A host path that does not exist: -1 in QEMU and (sandboxed) thimble. */
    int32_t h = sh_open("/nonexistent-thimble-dir/file.bin", SH_MODE_RB);
    printf("open missing -> %ld\n", (long)h);

    int32_t c0 = sh_clock();
    volatile uint32_t spin = 0;
    for (uint32_t i = 0; i < 20000; i++) {
        spin += i;
    }
    int32_t c1 = sh_clock();
    printf("clock non-negative=%d monotonic=%d\n", c0 >= 0, c1 >= c0);

    int32_t t = sh_time();
    printf("time after 2020=%d\n", t > 1577836800);

    char cmdline[128];
    memset(cmdline, 0x55, sizeof cmdline);
    int32_t rc = sh_get_cmdline(cmdline, sizeof cmdline);
    printf("get_cmdline rc=%ld terminated=%d\n", (long)rc, memchr(cmdline, 0, sizeof cmdline) != NULL);

    struct sh_heapinfo hi;
    memset(&hi, 0, sizeof hi);
    sh_heapinfo(&hi);
    printf("heapinfo returned\n");

    printf("exiting with SYS_EXIT\n");
    fflush(stdout);
    sh_exit_reason(ADP_STOPPED_APPLICATION_EXIT);
}
