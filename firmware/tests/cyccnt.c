/* cyccnt: times three small kernels with the DWT cycle counter (CYCCNT) and
 * prints the counts, so that thimble's own accounting (--roi FUNCTION) can be
 * checked against what firmware measures on itself (tests/it/cyccnt_roi.rs) and
 * docs/timing.md can explain the cycles per instruction of each loop.
 *
 * Built for mps2-an386 (zero wait states), nano33ble (nRF52840 instruction
 * cache) and nucleo-l4r5zi (flash behind the
 * ART accelerator, 5 wait states): the weights are const, i.e. in flash.
 * Not recorded by qemu-check: QEMU's CYCCNT does not count (reads 0). */
#include <stdint.h>
#include <stdio.h>
#include <arm_acle.h>

#define DEMCR (*(volatile uint32_t *)0xE000EDFCu)
#define DWT_CTRL (*(volatile uint32_t *)0xE0001000u)
#define DWT_CYCCNT (*(volatile uint32_t *)0xE0001004u)

#define N 256

/* Weights in flash, activations and buffers in SRAM. */
static const int8_t weights[N] = {
#define W4(k) (int8_t)(k * 37 + 11), (int8_t)(k * 53 - 7), (int8_t)(k * 71 + 3), (int8_t)(k * 13 - 90)
#define W16(k) W4(4 * k), W4(4 * k + 1), W4(4 * k + 2), W4(4 * k + 3)
    W16(0), W16(1), W16(2), W16(3), W16(4), W16(5), W16(6), W16(7),
    W16(8), W16(9), W16(10), W16(11), W16(12), W16(13), W16(14), W16(15)};
static int8_t act[N];
static uint8_t src[N], dst[N];

/* The plain C int8 dot product of a TinyML fully connected layer. */
__attribute__((noipa)) int32_t dot_int8(const int8_t *x, const int8_t *w, int n)
{
    int32_t s = 0;
    for (int i = 0; i < n; i++)
        s += x[i] * w[i];
    return s;
}

/* A word-at-a-time copy (what memcpy does for aligned buffers). */
__attribute__((noipa)) void copy_words(uint32_t *d, const uint32_t *s, int words)
{
    for (int i = 0; i < words; i++)
        d[i] = s[i];
}

/* The DSP int8 dot product of CMSIS-NN: two int8 pairs per SMLAD after
 * sign-extending with SXTB16. */
static inline uint32_t ror8(uint32_t v)
{
    return (v >> 8) | (v << 24);
}

__attribute__((noipa)) int32_t dot_smlad(const int8_t *x, const int8_t *w, int n)
{
    int32_t s = 0;
    const uint32_t *xp = (const uint32_t *)x, *wp = (const uint32_t *)w;
    for (int i = 0; i < n / 4; i++) {
        uint32_t a = xp[i], b = wp[i];
        s = __smlad(__sxtb16(a), __sxtb16(b), s);
        s = __smlad(__sxtb16(ror8(a)), __sxtb16(ror8(b)), s);
    }
    return s;
}

int main(void)
{
    for (int i = 0; i < N; i++) {
        act[i] = (int8_t)(i * 7 - 100);
        src[i] = (uint8_t)i;
    }
    DEMCR |= 1u << 24;   /* TRCENA */
    DWT_CYCCNT = 0;
    DWT_CTRL |= 1u;      /* CYCCNTENA */
    for (int round = 0; round < 2; round++) {
        uint32_t t0 = DWT_CYCCNT;
        int32_t r = dot_int8(act, weights, N);
        uint32_t t1 = DWT_CYCCNT;
        printf("dot_int8 %lu cycles (result %ld)\n", (unsigned long)(t1 - t0), (long)r);
        t0 = DWT_CYCCNT;
        copy_words((uint32_t *)dst, (const uint32_t *)src, N / 4);
        t1 = DWT_CYCCNT;
        printf("copy_words %lu cycles (check %u)\n", (unsigned long)(t1 - t0), dst[N - 1]);
        t0 = DWT_CYCCNT;
        r = dot_smlad(act, weights, N);
        t1 = DWT_CYCCNT;
        printf("dot_smlad %lu cycles (result %ld)\n", (unsigned long)(t1 - t0), (long)r);
    }
    return 0;
}
