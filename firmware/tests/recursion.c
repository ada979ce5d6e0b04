/* recursion: a recursive function of known depth and fixed frame size, for
 * thimble's stack high-water mark and --roi call counting.  Built with
 * -fstack-usage: prebuilt/recursion-cortex-m4.su lists each function's frame
 * as GCC laid it out, and tests/it/stack_recursion.rs checks that thimble's
 * stack peak is main + DEPTH x recurse + leaf (within 64 bytes) and that
 * --roi recurse counts DEPTH calls. */
#include <stdio.h>

#define DEPTH 100

/* noipa: no inlining, cloning or interprocedural tricks, so the symbols and
 * frames are the ones GCC reports. */
__attribute__((noipa)) int leaf(volatile int *p)
{
    volatile int scratch[8];
    for (int i = 0; i < 8; i++)
        scratch[i] = p[0] + i;
    return scratch[7];
}

__attribute__((noipa)) int recurse(int n)
{
    /* A volatile frame read after the call: no tail call, no loop. */
    volatile int frame[6];
    frame[0] = n;
    frame[5] = n * 3;
    int r = n == 0 ? leaf(frame) : recurse(n - 1);
    frame[1] = r;
    return frame[1] + frame[0] - frame[5] / 3;
}

int main(void)
{
    int r = recurse(DEPTH - 1);
    printf("recursion depth %d: %d\n", DEPTH, r);
    return 0;
}
