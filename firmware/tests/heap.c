/* heap: newlib's malloc on top of _sbrk, which hands out memory from
 * __heap_start (end of .bss) up to __stack_limit and then fails with ENOMEM.
 * Allocates 64 KiB blocks until malloc returns NULL, writes the first and
 * last word of each, frees them all and allocates again.  The block count
 * follows from the board's RAM and the stack reservation, the same in QEMU
 * and thimble for an MPS2 ELF. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define BLOCK (64u * 1024u)
#define MAX_BLOCKS 128

extern char __heap_start[], __heap_end[];

static uint32_t *blocks[MAX_BLOCKS];

int main(void)
{
    unsigned n = 0;
    errno = 0;
    while (n < MAX_BLOCKS) {
        uint32_t *p = malloc(BLOCK);
        if (p == NULL) {
            break;
        }
        p[0] = n;
        p[BLOCK / 4 - 1] = ~n;
        blocks[n++] = p;
    }
    int enomem = errno == ENOMEM;
    unsigned ok = 0;
    for (unsigned i = 0; i < n; i++) {
        ok += blocks[i][0] == i && blocks[i][BLOCK / 4 - 1] == ~i;
    }
    uint32_t span = (uint32_t)(__heap_end - __heap_start);
    printf("heap %lu KiB: %u blocks of 64 KiB, contents ok %u, enomem %d\n",
           (unsigned long)(span / 1024), n, ok, enomem);
    for (unsigned i = 0; i < n; i++) {
        free(blocks[i]);
    }
    void *again = malloc(BLOCK * 4);
    printf("after free: 256 KiB block %s\n", again ? "ok" : "FAILED");
    free(again);
    return n > 0 && ok == n && enomem && again ? 0 : 1;
}
