/* bad/heap_collision: malloc takes the heap to 1 KiB below the stack's 8 KiB
 * reservation (the heap block is filled with a pattern), then a recursion of
 * 1 KiB frames runs the stack 12 KiB deep: 4 KiB into the heap block, still
 * far above static data, so a check against static data alone sees nothing.
 * thimble must report the stack running into the heap's break (what _sbrk
 * gave out) and the PC where it happened.  Linked for nano33ble; the
 * recursion stops by address.  The heap block is clobbered, so the result is
 * reported with semihosting calls only. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "semihosting.h"
#include "text.h"

extern char __heap_end[];
extern void *_sbrk(int incr);

static uintptr_t stop_at;

__attribute__((noinline)) static uint32_t dive(uint32_t depth)
{
    volatile uint32_t frame[256];
    for (unsigned i = 0; i < 256; i++) {
        frame[i] = 0xDEAD0000u | depth;
    }
    if ((uintptr_t)frame < stop_at) {
        return depth;
    }
    return dive(depth + 1) + (frame[0] & 1u) * 0;
}

int main(void)
{
    char *brk = _sbrk(0);
    size_t size = (size_t)(__heap_end - brk) - 1024;
    uint32_t *block = malloc(size);
    if (block == NULL) {
        sh_write0("malloc failed\n");
        sh_exit(1);
    }
    size_t words = size / 4;
    for (size_t i = 0; i < words; i++) {
        block[i] = 0x48454150u; /* "HEAP" */
    }
    stop_at = (uintptr_t)__heap_end - 12 * 1024;
    uint32_t depth = dive(0);
    uint32_t hit = 0;
    for (size_t i = 0; i < words; i++) {
        hit += block[i] != 0x48454150u;
    }
    char line[96];
    char *p = put(line, "recursion depth ");
    p = put_dec(p, depth);
    p = put(p, ", heap words overwritten ");
    p = put_dec(p, hit);
    *p++ = '\n';
    *p = 0;
    sh_write0(line);
    sh_exit(0);
}
