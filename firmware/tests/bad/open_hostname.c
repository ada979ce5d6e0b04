/* bad/open_hostname: asks the host, through semihosting SYS_OPEN, for
 * /etc/hostname and prints the handle it gets.  thimble must refuse by default
 * (handle -1) and only open host files inside --semihosting-root DIR.  Exits 0
 * when refused, 1 when the host handed out a file. */
#include <stdio.h>

#include "semihosting.h"

int main(void)
{
    int32_t h = sh_open("/etc/hostname", SH_MODE_R);
    printf("open /etc/hostname -> %ld\n", (long)h);
    if (h >= 0) {
        char buf[16];
        int32_t left = sh_read(h, buf, sizeof buf);
        printf("read %ld bytes\n", (long)(sizeof buf - (unsigned)left));
        sh_close(h);
        return 1;
    }
    return 0;
}
