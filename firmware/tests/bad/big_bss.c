/* bad/big_bss: a 300 KiB .bss, more than nano33ble's 256 KiB of SRAM.  It is
 * linked with tests/bad/nano33ble-bigram.ld (RAM enlarged) so that the link
 * succeeds; thimble, holding the real board, must refuse to load it with one
 * clear line naming .bss, its size, the region and the overflow. */
#include <stdint.h>
#include <stdio.h>

static uint8_t big[300 * 1024];

int main(void)
{
    for (unsigned i = 0; i < sizeof big; i += 4096) {
        big[i] = (uint8_t)i;
    }
    printf("big_bss %u\n", (unsigned)big[4096]);
    return 0;
}
