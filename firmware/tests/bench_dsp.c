/* bench_dsp (cortex-m4, cortex-m7): a speed benchmark of DSP-extension-heavy loops, written the
 * way CMSIS-NN and CMSIS-DSP write their int8/q15 kernels: <arm_acle.h> intrinsics (inline
 * assembly where GCC has none) in loops over SRAM arrays of deterministic pseudo-random data.
 *
 *   expand     q7 -> q15 with offset (SXTAB16, ROR 8, PKHBT, PKHTB)
 *   fc         int8 fully connected on the q15 input (SXTB16, PKHBT/PKHTB, SMLAD), requantised
 *              with SMMULR, a rounding shift and SSAT 8
 *   fir        q15 FIR, two outputs per pass (SMLALD, SMLALDX, PKHBT, SSAT 16)
 *   cmplx      q15 complex multiply (SMUSD, SMUADX, PKHBT)
 *   resadd     residual add of int8 and q15 tensors (QADD8, SHADD8, QADD16, QSUB16, SHADD16,
 *              UHADD8, SSAT16/USAT16)
 *   maxpool    2x2 int8 max pooling and ReLU (SSUB8 + SEL), unsigned min (USUB8 + SEL)
 *   sad        8x8 block matching on a uint8 image (USAD8, USADA8)
 *   filter     uint8 -> q15 (UXTB16, UXTAB16) and a 3-tap filter (SMULBB, SMLABB, SMLAWB,
 *              SMULWB, SMMLA, SMLALBB)
 *
 * Each kernel folds its output into an FNV-1a checksum once per repeat; main prints one line
 * per kernel. scripts/bench.sh runs it in thimble and QEMU and compares the output. */
#include <arm_acle.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifndef DSP_REPEAT
#define DSP_REPEAT 1400
#endif

#define FC_IN 256
#define FC_OUT 32
#define FIR_TAPS 32
#define FIR_N 256
#define CPLX_N 128
#define RES_N 512
#define POOL_H 16
#define POOL_W 16
#define POOL_C 16
#define IMG_W 48
#define IMG_H 24
#define BLK 8
#define FILT_N 512

static int8_t act[FC_IN];
static int16_t act_q15[FC_IN];
static int8_t fc_w[FC_OUT * FC_IN];
static int32_t fc_bias[FC_OUT];
static int32_t fc_mult[FC_OUT];
static int32_t fc_shift[FC_OUT];
static int8_t fc_out[FC_OUT];
static int16_t fir_x[FIR_N + FIR_TAPS];
static int16_t fir_c[FIR_TAPS];
static int16_t fir_y[FIR_N];
static int16_t cplx_a[2 * CPLX_N];
static int16_t cplx_b[2 * CPLX_N];
static int16_t cplx_y[2 * CPLX_N];
static int8_t res_a[RES_N];
static int8_t res_b[RES_N];
static int8_t res_y[RES_N];
static int16_t res_qa[RES_N];
static int16_t res_qb[RES_N];
static int16_t res_qy[RES_N];
static uint8_t res_u[RES_N];
static int8_t pool_in[POOL_H * POOL_W * POOL_C];
static int8_t pool_out[(POOL_H / 2) * (POOL_W / 2) * POOL_C];
static uint8_t pool_min[(POOL_H / 2) * (POOL_W / 2) * POOL_C];
static uint8_t img_a[IMG_H * IMG_W];
static uint8_t img_b[IMG_H * IMG_W];
static uint32_t sad_best[(IMG_H / BLK) * (IMG_W / BLK)];
static uint8_t filt_in[FILT_N];
static int16_t filt_q15[FILT_N];
static int32_t filt_out[FILT_N];

/* xorshift32 (Marsaglia 2003): deterministic, no libc state. */
static uint32_t rng_state = 0x2545F491u;
static uint32_t rng(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    rng_state = x;
    return x;
}

/* FNV-1a over 32-bit words (n is a multiple of 4): cheap next to the kernels. */
static uint32_t fnv_bytes(uint32_t h, const void *p, unsigned n)
{
    const uint32_t *w = p;
    for (unsigned i = 0; i < n / 4; i++) {
        h = (h ^ w[i]) * 16777619u;
    }
    return h;
}

/* Word access to packed data (CMSIS's arm_nn_read_q7x4 / read_q15x2: unaligned-safe memcpy,
 * one LDR/STR on Cortex-M4). */
static inline uint32_t rd32(const void *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline void wr32(void *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

/* The DSP instructions GCC's arm_acle.h has no intrinsic for. */
#define ASM_RRR(name, insn)                                                                  \
    static inline uint32_t name(uint32_t a, uint32_t b)                                      \
    {                                                                                        \
        uint32_t r;                                                                          \
        __asm__(insn " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));                              \
        return r;                                                                            \
    }
ASM_RRR(smmulr, "smmulr")
ASM_RRR(smulbb, "smulbb")
ASM_RRR(smulwb, "smulwb")

static inline uint32_t sxtb16_ror8(uint32_t x)
{
    uint32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
}

static inline uint32_t sxtab16_ror8(uint32_t a, uint32_t x)
{
    uint32_t r;
    __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(a), "r"(x));
    return r;
}

static inline uint32_t uxtb16_ror8(uint32_t x)
{
    uint32_t r;
    __asm__("uxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
}

static inline uint32_t pkhbt16(uint32_t a, uint32_t b)
{
    uint32_t r;
    __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

static inline uint32_t pkhbt0(uint32_t a, uint32_t b)
{
    uint32_t r;
    __asm__("pkhbt %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

static inline uint32_t pkhtb16(uint32_t a, uint32_t b)
{
    uint32_t r;
    __asm__("pkhtb %0, %1, %2, asr #16" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

static inline uint32_t smlabb(uint32_t a, uint32_t b, uint32_t acc)
{
    uint32_t r;
    __asm__("smlabb %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
    return r;
}

static inline int32_t smmla(int32_t a, int32_t b, int32_t acc)
{
    int32_t r;
    __asm__("smmla %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
    return r;
}

static inline uint64_t smlalbb(uint32_t a, uint32_t b, uint64_t acc)
{
    uint32_t lo = (uint32_t)acc, hi = (uint32_t)(acc >> 32);
    __asm__("smlalbb %0, %1, %2, %3" : "+r"(lo), "+r"(hi) : "r"(a), "r"(b));
    return ((uint64_t)hi << 32) | lo;
}

/* q7 -> q15 with an offset in natural lane order (CMSIS-NN arm_q7_to_q15_with_offset):
 * SXTAB16 on the word and on it rotated by 8, re-interleaved with PKHTB/PKHBT. */
__attribute__((noinline)) static void expand(const int8_t *src, int16_t *dst, int n, int16_t offset)
{
    uint32_t off2 = pkhbt16((uint16_t)offset, (uint16_t)offset);
    for (int i = 0; i < n / 4; i++) {
        uint32_t in = rd32(src);
        src += 4;
        uint32_t odd = sxtab16_ror8(off2, in);
        uint32_t even = __sxtab16(off2, in);
        wr32(dst, pkhbt16(even, odd));
        wr32(dst + 2, pkhtb16(odd, even));
        dst += 4;
    }
}

/* Four int8 weights as two q15 pairs in natural order (CMSIS-NN read_and_pad). */
static inline uint32_t read_and_pad(const int8_t *p, uint32_t *hi)
{
    uint32_t in = rd32(p);
    uint32_t odd = sxtb16_ror8(in);
    uint32_t even = __sxtb16(in);
    *hi = pkhtb16(odd, even);
    return pkhbt16(even, odd);
}

/* Rounding right shift of a requantised value (CMSIS arm_nn_divide_by_power_of_two). */
static inline int32_t rshift_round(int32_t x, int s)
{
    int32_t mask = (1 << s) - 1;
    int32_t rem = x & mask;
    int32_t thr = (mask >> 1) + (x < 0);
    return (x >> s) + (rem > thr);
}

/* int8 fully connected: two output rows per pass, SMLAD on SXTB16-expanded weights
 * (CMSIS-NN arm_nn_mat_mult_kernel_s8_s16 style). */
__attribute__((noinline)) static void fc(void)
{
    for (int row = 0; row < FC_OUT; row += 2) {
        int32_t acc0 = fc_bias[row];
        int32_t acc1 = fc_bias[row + 1];
        const int8_t *w0 = &fc_w[row * FC_IN];
        const int8_t *w1 = w0 + FC_IN;
        const int16_t *x = act_q15;
        for (int c = 0; c < FC_IN / 4; c++) {
            uint32_t x01 = rd32(x);
            uint32_t x23 = rd32(x + 2);
            x += 4;
            uint32_t a23, b23;
            uint32_t a01 = read_and_pad(w0, &a23);
            uint32_t b01 = read_and_pad(w1, &b23);
            w0 += 4;
            w1 += 4;
            acc0 = __smlad(a01, x01, acc0);
            acc0 = __smlad(a23, x23, acc0);
            acc1 = __smlad(b01, x01, acc1);
            acc1 = __smlad(b23, x23, acc1);
        }
        int32_t r0 = (int32_t)smmulr((uint32_t)(acc0 << 1), (uint32_t)fc_mult[row]);
        int32_t r1 = (int32_t)smmulr((uint32_t)(acc1 << 1), (uint32_t)fc_mult[row + 1]);
        r0 = rshift_round(r0, (int)fc_shift[row]) - 3;
        r1 = rshift_round(r1, (int)fc_shift[row + 1]) - 3;
        fc_out[row] = (int8_t)__ssat(r0, 8);
        fc_out[row + 1] = (int8_t)__ssat(r1, 8);
    }
}

/* q15 FIR, two outputs per pass (CMSIS-DSP arm_fir_q15 style): 64-bit accumulators. */
__attribute__((noinline)) static void fir(void)
{
    for (int n = 0; n < FIR_N; n += 2) {
        int64_t acc0 = 0;
        int64_t acc1 = 0;
        const int16_t *x = &fir_x[n];
        const int16_t *c = fir_c;
        uint32_t x01 = rd32(x);
        for (int k = 0; k < FIR_TAPS; k += 2) {
            uint32_t c01 = rd32(c);
            uint32_t x23 = rd32(x + 2);
            c += 2;
            x += 2;
            acc0 = __smlald(x01, c01, acc0);
            /* x[n+2] in the low half, x[n+1] in the high: with exchange, x1*c0 + x2*c1. */
            acc1 = __smlaldx(pkhbt0(x23, x01), c01, acc1);
            x01 = x23;
        }
        fir_y[n] = (int16_t)__ssat((int32_t)(acc0 >> 15), 16);
        fir_y[n + 1] = (int16_t)__ssat((int32_t)(acc1 >> 15), 16);
    }
}

/* q15 complex multiply (CMSIS-DSP arm_cmplx_mult_cmplx_q15 style). */
__attribute__((noinline)) static void cmplx(void)
{
    for (int i = 0; i < CPLX_N; i++) {
        uint32_t a = rd32(&cplx_a[2 * i]);
        uint32_t b = rd32(&cplx_b[2 * i]);
        int32_t re = __smusd(a, b) >> 17;
        int32_t im = __smuadx(a, b) >> 17;
        wr32(&cplx_y[2 * i], pkhbt16((uint32_t)re, (uint32_t)im));
    }
}

/* Residual adds: int8 saturating and halving, q15 saturating, uint8 averaging. */
__attribute__((noinline)) static void resadd(void)
{
    for (int i = 0; i < RES_N; i += 4) {
        uint32_t a = rd32(&res_a[i]);
        uint32_t b = rd32(&res_b[i]);
        uint32_t s = __qadd8(a, b);
        wr32(&res_y[i], __shadd8(s, a));
        wr32(&res_u[i], __uhadd8(a, b));
    }
    for (int i = 0; i < RES_N; i += 2) {
        uint32_t a = rd32(&res_qa[i]);
        uint32_t b = rd32(&res_qb[i]);
        uint32_t s = __qadd16(a, b);
        uint32_t d = __qsub16(a, b);
        uint32_t h = __shadd16(s, d);
        wr32(&res_qy[i], (uint32_t)__ssat16(h, 12) ^ (uint32_t)__usat16(d, 12));
    }
}

/* 2x2 max pooling with ReLU (SSUB8 sets GE per byte, SEL picks), and the unsigned 2x2
 * minimum of the same bytes (USUB8 + SEL). */
__attribute__((noinline)) static void maxpool(void)
{
    for (int y = 0; y < POOL_H / 2; y++) {
        for (int x = 0; x < POOL_W / 2; x++) {
            for (int c = 0; c < POOL_C; c += 4) {
                const int8_t *p = &pool_in[((2 * y) * POOL_W + 2 * x) * POOL_C + c];
                uint32_t v0 = rd32(p);
                uint32_t v1 = rd32(p + POOL_C);
                uint32_t v2 = rd32(p + POOL_W * POOL_C);
                uint32_t v3 = rd32(p + POOL_W * POOL_C + POOL_C);
                __ssub8(v0, v1);
                uint32_t m = __sel(v0, v1);
                __ssub8(v2, v3);
                uint32_t n = __sel(v2, v3);
                __ssub8(m, n);
                m = __sel(m, n);
                __ssub8(m, 0);
                m = __sel(m, 0);
                __usub8(v0, v1);
                uint32_t u = __sel(v1, v0);
                __usub8(v2, v3);
                uint32_t w = __sel(v3, v2);
                __usub8(u, w);
                u = __sel(w, u);
                int o = (y * (POOL_W / 2) + x) * POOL_C + c;
                wr32(&pool_out[o], m);
                wr32(&pool_min[o], u);
            }
        }
    }
}

/* Block matching: for each 8x8 block of img_a, the best SAD over a +-2 pixel search in img_b. */
__attribute__((noinline)) static void sad(void)
{
    for (int by = 0; by < IMG_H / BLK; by++) {
        for (int bx = 0; bx < IMG_W / BLK; bx++) {
            uint32_t best = 0xFFFFFFFFu;
            for (int dy = -2; dy <= 2; dy++) {
                int y0 = by * BLK + dy;
                if (y0 < 0 || y0 + BLK > IMG_H) {
                    continue;
                }
                for (int dx = -2; dx <= 2; dx++) {
                    int x0 = bx * BLK + dx;
                    if (x0 < 0 || x0 + BLK > IMG_W) {
                        continue;
                    }
                    const uint8_t *a = &img_a[by * BLK * IMG_W + bx * BLK];
                    const uint8_t *b = &img_b[y0 * IMG_W + x0];
                    uint32_t s = __usad8(rd32(a), rd32(b));
                    s = __usada8(rd32(a + 4), rd32(b + 4), s);
                    for (int r = 1; r < BLK; r++) {
                        a += IMG_W;
                        b += IMG_W;
                        s = __usada8(rd32(a), rd32(b), s);
                        s = __usada8(rd32(a + 4), rd32(b + 4), s);
                    }
                    if (s < best) {
                        best = s;
                    }
                }
            }
            sad_best[by * (IMG_W / BLK) + bx] = best;
        }
    }
}

/* uint8 -> q15 (UXTB16, UXTAB16 with a bias), then a 3-tap filter on halfwords with the
 * SMULxy/SMLAxy/SMLAWy/SMULWy family, a SMMLA correction and a 64-bit SMLALBB energy. */
static uint64_t filt_energy;

__attribute__((noinline)) static void filter(void)
{
    uint32_t bias2 = 0x00100010u;
    for (int i = 0; i < FILT_N; i += 4) {
        uint32_t in = rd32(&filt_in[i]);
        wr32(&filt_q15[i], __uxtab16(bias2, in));
        wr32(&filt_q15[i + 2], uxtb16_ror8(in));
    }
    uint64_t e = 0;
    for (int i = 1; i < FILT_N - 1; i++) {
        uint32_t prev = (uint16_t)filt_q15[i - 1];
        uint32_t cur = (uint16_t)filt_q15[i];
        uint32_t next = (uint16_t)filt_q15[i + 1];
        uint32_t acc = smulbb(prev, 0x3000u);
        acc = smlabb(cur, 0x5000u, acc);
        acc = __smlawb((int32_t)(acc << 4), (int32_t)next, (int32_t)acc);
        acc += smulwb(acc, 0x7123u);
        filt_out[i] = smmla((int32_t)acc, 0x12345678, (int32_t)cur);
        e = smlalbb(cur, next, e);
    }
    filt_energy += e;
}

static void fill_s8(int8_t *p, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        p[i] = (int8_t)rng();
    }
}

static void fill_u8(uint8_t *p, unsigned n, uint32_t mask)
{
    for (unsigned i = 0; i < n; i++) {
        p[i] = (uint8_t)(rng() & mask);
    }
}

static void fill_s16(int16_t *p, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        p[i] = (int16_t)rng();
    }
}

enum { K_EXPAND, K_FC, K_FIR, K_CMPLX, K_RESADD, K_MAXPOOL, K_SAD, K_FILTER, K_COUNT };
static const char *const names[K_COUNT] = {"expand", "fc",      "fir", "cmplx",
                                           "resadd", "maxpool", "sad", "filter"};

int main(void)
{
    fill_s8(act, sizeof act);
    fill_s8(fc_w, sizeof fc_w);
    for (int i = 0; i < FC_OUT; i++) {
        fc_bias[i] = (int32_t)(rng() % 8192u) - 4096;
        fc_mult[i] = (int32_t)(0x40000000u | (rng() & 0x3FFFFFFFu));
        fc_shift[i] = (int32_t)(10 + rng() % 4u);
    }
    fill_s16(fir_x, FIR_N + FIR_TAPS);
    fill_s16(fir_c, FIR_TAPS);
    fill_s16(cplx_a, 2 * CPLX_N);
    fill_s16(cplx_b, 2 * CPLX_N);
    fill_s8(res_a, sizeof res_a);
    fill_s8(res_b, sizeof res_b);
    fill_s16(res_qa, RES_N);
    fill_s16(res_qb, RES_N);
    fill_s8(pool_in, sizeof pool_in);
    fill_u8(img_a, sizeof img_a, 0xFF);
    for (unsigned i = 0; i < sizeof img_b; i++) {
        /* img_b: img_a shifted by one pixel plus noise, so the search has a clear minimum. */
        img_b[i] = (uint8_t)(img_a[(i + 1) % sizeof img_a] + (rng() & 7));
    }
    fill_u8(filt_in, sizeof filt_in, 0xFF);

    uint32_t h[K_COUNT];
    for (int k = 0; k < K_COUNT; k++) {
        h[k] = 2166136261u;
    }
    for (int rep = 0; rep < DSP_REPEAT; rep++) {
        /* Change an input byte of every kernel between repeats (from the running checksums). */
        act[(unsigned)rep * 37u % FC_IN] ^= (int8_t)(h[K_FC] | 1);
        fir_x[(unsigned)rep * 11u % FIR_N] ^= (int16_t)(h[K_FIR] | 1);
        cplx_a[(unsigned)rep * 7u % (2 * CPLX_N)] ^= (int16_t)(h[K_CMPLX] | 1);
        res_a[(unsigned)rep * 13u % RES_N] ^= (int8_t)(h[K_RESADD] | 1);
        res_qa[(unsigned)rep * 5u % RES_N] ^= (int16_t)(h[K_RESADD] | 1);
        pool_in[(unsigned)rep * 29u % sizeof pool_in] ^= (int8_t)(h[K_MAXPOOL] | 1);
        img_b[(unsigned)rep * 17u % sizeof img_b] ^= (uint8_t)(h[K_SAD] | 1);
        filt_in[(unsigned)rep * 3u % FILT_N] ^= (uint8_t)(h[K_FILTER] | 1);

        expand(act, act_q15, FC_IN, 7);
        h[K_EXPAND] = fnv_bytes(h[K_EXPAND], act_q15, sizeof act_q15);
        fc();
        h[K_FC] = fnv_bytes(h[K_FC], fc_out, sizeof fc_out);
        fir();
        h[K_FIR] = fnv_bytes(h[K_FIR], fir_y, sizeof fir_y);
        cmplx();
        h[K_CMPLX] = fnv_bytes(h[K_CMPLX], cplx_y, sizeof cplx_y);
        resadd();
        h[K_RESADD] = fnv_bytes(h[K_RESADD], res_y, sizeof res_y);
        h[K_RESADD] = fnv_bytes(h[K_RESADD], res_u, sizeof res_u);
        h[K_RESADD] = fnv_bytes(h[K_RESADD], res_qy, sizeof res_qy);
        maxpool();
        h[K_MAXPOOL] = fnv_bytes(h[K_MAXPOOL], pool_out, sizeof pool_out);
        h[K_MAXPOOL] = fnv_bytes(h[K_MAXPOOL], pool_min, sizeof pool_min);
        sad();
        h[K_SAD] = fnv_bytes(h[K_SAD], sad_best, sizeof sad_best);
        filter();
        h[K_FILTER] = fnv_bytes(h[K_FILTER], filt_out, sizeof filt_out);
    }
    h[K_FILTER] = fnv_bytes(h[K_FILTER], &filt_energy, sizeof filt_energy);

    printf("bench_dsp repeat %d\n", DSP_REPEAT);
    for (int k = 0; k < K_COUNT; k++) {
        printf("%-8s %08lx\n", names[k], (unsigned long)h[k]);
    }
    printf("fc_out[0..4] %d %d %d %d sad_best[0] %lu\n", fc_out[0], fc_out[1], fc_out[2],
           fc_out[3], (unsigned long)sad_best[0]);
    return 0;
}
