/* float (cortex-m4 only): single-precision arithmetic through the FPv4-SP
 * unit, checked against QEMU.  Prints per-operation FNV-1a hashes of the
 * result bit patterns (never %f, which would pull in newlib's float printf)
 * over pseudo-random finite operands, then the same over special values
 * (signed zeros, infinities, NaNs, denormals, FLT_MAX), and the FPSCR
 * cumulative exception flags.  The DSP/FPU work (issue 3) extends this. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint32_t bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static float from_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static uint32_t rng_state = 0x9E3779B9u;
static uint32_t rng(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    rng_state = x;
    return x;
}

static uint32_t fnv(uint32_t h, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        h = (h ^ (v & 0xFF)) * 16777619u;
        v >>= 8;
    }
    return h;
}

static inline uint32_t get_fpscr(void)
{
    uint32_t v;
    __asm__ volatile("vmrs %0, fpscr" : "=r"(v));
    return v;
}

static inline void set_fpscr(uint32_t v)
{
    __asm__ volatile("vmsr fpscr, %0" ::"r"(v) : "memory");
}

/* Operations kept out of line (noinline + volatile operands) so that each
 * is a real FPU instruction and nothing is folded at compile time. */
#define BINOP(name, expr)                                                     \
    __attribute__((noinline)) static float name(float a, float b)          \
    {                                                                     \
        return expr;                                                      \
    }
BINOP(f_add, a + b)
BINOP(f_sub, a - b)
BINOP(f_mul, a * b)
BINOP(f_div, a / b)
BINOP(f_nmul, -(a * b))
BINOP(f_fma, __builtin_fmaf(a, b, 0.25f))
BINOP(f_mla, a * b + a)
BINOP(f_sqrt, __builtin_sqrtf(a < 0 ? -a : a) + b * 0.0f)
BINOP(f_abs_neg, __builtin_fabsf(a) - (-b))
BINOP(f_max, a > b ? a : b)

typedef float (*binop)(float, float);
static const struct {
    const char *name;
    binop fn;
} ops[] = {
    {"vadd", f_add}, {"vsub", f_sub}, {"vmul", f_mul}, {"vdiv", f_div},
    {"vnmul", f_nmul}, {"vfma", f_fma}, {"vmla", f_mla}, {"vsqrt", f_sqrt},
    {"vabs/vneg", f_abs_neg}, {"vcmp/max", f_max},
};

static float rand_float(void)
{
    /* Finite values over a wide exponent range, both signs. */
    uint32_t r = rng();
    uint32_t exp = 100u + (r >> 24) % 56u; /* 2^-27 .. 2^28 */
    return from_bits((r & 0x807FFFFFu) | (exp << 23));
}

static const uint32_t specials[] = {
    0x00000000, 0x80000000, 0x3F800000, 0xBF800000, 0x7F800000, 0xFF800000,
    0x7FC00000, 0x7F800001, 0xFFC12345, 0x00000001, 0x807FFFFF, 0x00800000,
    0x7F7FFFFF, 0xFF7FFFFF, 0x4B000000, 0x3EAAAAAB,
};
#define NSPEC (sizeof specials / sizeof specials[0])

int main(void)
{
    printf("float fpv4-sp fpscr=%08lx\n", (unsigned long)get_fpscr());

    float a[64], b[64];
    for (int i = 0; i < 64; i++) {
        a[i] = rand_float();
        b[i] = rand_float();
    }
    for (unsigned k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        uint32_t h = 2166136261u;
        for (int i = 0; i < 64; i++) {
            for (int j = 0; j < 64; j += 7) {
                h = fnv(h, bits(ops[k].fn(a[i], b[j])));
            }
        }
        printf("%-10s %08lx  sample %08lx\n", ops[k].name, (unsigned long)h,
               (unsigned long)bits(ops[k].fn(a[3], b[5])));
    }

    /* Conversions: float -> int32/uint32 (round toward zero, saturating),
     * int -> float (round to nearest). */
    uint32_t hc = 2166136261u;
    for (int i = 0; i < 64; i++) {
        volatile float f = a[i] * 1000.0f;
        volatile int32_t s = (int32_t)f;
        volatile uint32_t u = (uint32_t)f;
        volatile float back = (float)(int32_t)(rng() >> 1);
        volatile float ub = (float)rng();
        hc = fnv(fnv(fnv(fnv(hc, (uint32_t)s), u), bits(back)), bits(ub));
    }
    printf("vcvt       %08lx\n", (unsigned long)hc);

    /* A small dot product, the shape of a dequantised layer. */
    float acc = 0.0f;
    for (int i = 0; i < 64; i++) {
        acc += a[i] * b[63 - i] * 1e-3f;
    }
    printf("dot        %08lx\n", (unsigned long)bits(acc));
    printf("fpscr flags (finite) %08lx\n", (unsigned long)(get_fpscr() & 0x9Fu));

    set_fpscr(0);
    for (unsigned k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        uint32_t h = 2166136261u;
        for (unsigned i = 0; i < NSPEC; i++) {
            for (unsigned j = 0; j < NSPEC; j++) {
                h = fnv(h, bits(ops[k].fn(from_bits(specials[i]), from_bits(specials[j]))));
            }
        }
        printf("special %-10s %08lx\n", ops[k].name, (unsigned long)h);
    }
    printf("fpscr flags (special) %08lx\n", (unsigned long)(get_fpscr() & 0x9Fu));
    return 0;
}
