/* hello: the smallest end-to-end check.  Prints one line through newlib's
 * printf (semihosting, or CMSDK UART0 when built with -DTHIMBLE_UART) and
 * exits with status 3 so that exit-status propagation is tested too. */
#include <stdio.h>

int main(void)
{
    printf("hello from thimble\n");
    return 3;
}
