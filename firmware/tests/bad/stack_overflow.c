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
#include "text.h"

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

int main(void)
{
    uint32_t depth = dive(0);
    uint32_t hit = 0;
    for (unsigned i = 0; i < 1024; i++) {
        hit += canary[i] != 0;
    }
    char line[96];
    char *p = put(line, "recursion depth ");
    p = put_dec(p, depth);
    p = put(p, ", canary words overwritten ");
    p = put_dec(p, hit);
    *p++ = '\n';
    *p = 0;
    sh_write0(line);
    sh_exit(0);
}
