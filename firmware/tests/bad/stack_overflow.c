/* bad/stack_overflow: recursion with 1 KiB frames that runs the stack far
 * past its 8 KiB reservation, through the (unused) heap and into .bss, where
 * it overwrites half of a canary array -- on silicon without an MPU nothing
 * faults.  thimble must report the stack colliding with .bss and the PC where
 * it happened.  Linked for nano33ble (256 KiB SRAM); the recursion stops by
 * address, so it never leaves SRAM.  The other .bss variables (newlib's
 * malloc state, the _sbrk pointer) are clobbered too, so the result is
 * reported with semihosting calls only: no printf, no malloc, no exit(). */
#include <stdint.h>

#include "semihosting.h"

static volatile uint32_t canary[1024]; /* .bss, zero */

__attribute__((noinline)) static uint32_t dive(uint32_t depth)
{
    volatile uint32_t frame[256];
    for (unsigned i = 0; i < 256; i++) {
        frame[i] = 0xDEAD0000u | depth;
    }
    if ((uintptr_t)frame < (uintptr_t)&canary[512]) {
        return depth;
    }
    return dive(depth + 1) + (frame[0] & 1u) * 0;
}

static char *put_dec(char *p, uint32_t v)
{
    char tmp[10];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) {
        *p++ = tmp[--n];
    }
    return p;
}

int main(void)
{
    uint32_t depth = dive(0);
    uint32_t hit = 0;
    for (unsigned i = 0; i < 1024; i++) {
        hit += canary[i] != 0;
    }
    static const char a[] = "recursion depth ";
    static const char b[] = ", canary words overwritten ";
    char line[96];
    char *p = line;
    for (const char *q = a; *q; q++) {
        *p++ = *q;
    }
    p = put_dec(p, depth);
    for (const char *q = b; *q; q++) {
        *p++ = *q;
    }
    p = put_dec(p, hit);
    *p++ = '\n';
    *p = 0;
    sh_write0(line);
    sh_exit(0);
}
