/* dsp_intrinsics (cortex-m4, cortex-m7): every instruction of the ARMv7E-M DSP
 * extension, checked against QEMU.  Part 1 runs each <arm_acle.h> DSP intrinsic
 * over thousands of pseudo-random operands (edge values mixed in) and prints an
 * FNV-1a checksum of the results.  Part 2 runs every DSP instruction (also those
 * without an intrinsic: SMMUL/SMMLA/SMMLS(R), SMLALxy, UMAAL, PKHBT/PKHTB,
 * SXTAB/SXTAH/UXTAB/UXTAH, ...) in inline assembly between an MSR that sets
 * NZCVQ+GE to random values and an MRS, and checksums result and APSR, so the GE
 * and sticky Q flags are compared too.  Output: one line per checksum. */
#include <arm_acle.h>
#include <stdint.h>
#include <stdio.h>

/* Operands per intrinsic (the _count build for the instruction-count check uses fewer). */
#ifndef N
#define N 3000
#endif

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

static const uint32_t special[] = {
    0x00000000u, 0x00000001u, 0xFFFFFFFFu, 0x7FFFFFFFu, 0x80000000u, 0x7FFF7FFFu,
    0x80008000u, 0x7F7F7F7Fu, 0x80808080u, 0x00010001u, 0xFFFF0000u, 0x0000FFFFu,
    0x7FFF8000u, 0x80007FFFu, 0x01010101u, 0xFEFEFEFEu, 0x00FF00FFu, 0xFF00FF00u,
};

/* Random word; one in four is an edge value or a mix of edge halfwords/bytes. */
static uint32_t operand(void)
{
    uint32_t r = rng();
    uint32_t n = sizeof special / sizeof special[0];
    switch (r & 7) {
    case 0:
        return special[(r >> 3) % n];
    case 1:
        return (special[(r >> 3) % n] & 0xFFFF0000u) | (special[(r >> 11) % n] & 0xFFFFu);
    default:
        return rng();
    }
}

static uint32_t fnv(uint32_t h, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        h = (h ^ (v & 0xFF)) * 16777619u;
        v >>= 8;
    }
    return h;
}

/* APSR flags written before each assembly test: random NZCVQ and GE. */
static uint32_t random_flags(void)
{
    return rng() & 0xF80F0000u;
}

static void report(const char *name, uint32_t h)
{
    printf("%-10s %08lx\n", name, (unsigned long)h);
}


/* Casts: the ACLE SIMD types are plain integer typedefs in GCC's arm_acle.h. */
#define I2(f) static uint32_t i_##f(uint32_t a, uint32_t b) { return (uint32_t)f(a, b); }
#define I1(f) static uint32_t i_##f(uint32_t a, uint32_t b) { (void)b; return (uint32_t)f(a); }
#define I3(f) static uint32_t i_##f(uint32_t a, uint32_t b) { return (uint32_t)f(a, b, rng()); }
#define IL(f) static uint32_t i_##f(uint32_t a, uint32_t b) { uint64_t acc = ((uint64_t)rng() << 32) | rng(); uint64_t r = f(a, b, acc); return (uint32_t)r ^ (uint32_t)(r >> 32) * 3u; }

I2(__sadd16)
I2(__sasx)
I2(__ssax)
I2(__ssub16)
I2(__sadd8)
I2(__ssub8)
I2(__qadd16)
I2(__qasx)
I2(__qsax)
I2(__qsub16)
I2(__qadd8)
I2(__qsub8)
I2(__shadd16)
I2(__shasx)
I2(__shsax)
I2(__shsub16)
I2(__shadd8)
I2(__shsub8)
I2(__uadd16)
I2(__uasx)
I2(__usax)
I2(__usub16)
I2(__uadd8)
I2(__usub8)
I2(__uqadd16)
I2(__uqasx)
I2(__uqsax)
I2(__uqsub16)
I2(__uqadd8)
I2(__uqsub8)
I2(__uhadd16)
I2(__uhasx)
I2(__uhsax)
I2(__uhsub16)
I2(__uhadd8)
I2(__uhsub8)
I2(__usad8)
I2(__smuad)
I2(__smuadx)
I2(__smusd)
I2(__smusdx)
I2(__qadd)
I2(__qsub)
I2(__sxtab16)
I2(__uxtab16)
I1(__sxtb16)
I1(__uxtb16)
I1(__qdbl)
I3(__smlad)
I3(__smladx)
I3(__smlsd)
I3(__smlsdx)
I3(__usada8)
I3(__smlabb)
I3(__smlabt)
I3(__smlatb)
I3(__smlatt)
I3(__smlawb)
I3(__smlawt)
IL(__smlald)
IL(__smlaldx)
IL(__smlsld)
IL(__smlsldx)

/* GE-setting intrinsics followed by __sel, and the saturating ones with __ssat16/__usat16. */
static uint32_t i_sel_after_sadd8(uint32_t a, uint32_t b) { return __sel(__sadd8(a, b), b); }
static uint32_t i_sel_after_usub16(uint32_t a, uint32_t b) { return __sel(a, __usub16(a, b)); }
static uint32_t i_ssat16(uint32_t a, uint32_t b) { (void)b; return (uint32_t)__ssat16(a, 9) ^ (uint32_t)__ssat16(a, 1) * 7u ^ (uint32_t)__ssat16(a, 16) * 13u; }
static uint32_t i_usat16(uint32_t a, uint32_t b) { (void)b; return (uint32_t)__usat16(a, 7) ^ (uint32_t)__usat16(a, 0) * 7u ^ (uint32_t)__usat16(a, 15) * 13u; }
static uint32_t i_ssat(uint32_t a, uint32_t b) { (void)b; return (uint32_t)__ssat((int32_t)a, 12) ^ (uint32_t)__ssat((int32_t)a, 32) * 5u; }
static uint32_t i_usat(uint32_t a, uint32_t b) { (void)b; return __usat((int32_t)a, 12) ^ __usat((int32_t)a, 31) * 5u; }

struct intrinsic {
    const char *name;
    uint32_t (*fn)(uint32_t, uint32_t);
};

static const struct intrinsic intrinsics[] = {
    {"sadd16", i___sadd16},
    {"sasx", i___sasx},
    {"ssax", i___ssax},
    {"ssub16", i___ssub16},
    {"sadd8", i___sadd8},
    {"ssub8", i___ssub8},
    {"qadd16", i___qadd16},
    {"qasx", i___qasx},
    {"qsax", i___qsax},
    {"qsub16", i___qsub16},
    {"qadd8", i___qadd8},
    {"qsub8", i___qsub8},
    {"shadd16", i___shadd16},
    {"shasx", i___shasx},
    {"shsax", i___shsax},
    {"shsub16", i___shsub16},
    {"shadd8", i___shadd8},
    {"shsub8", i___shsub8},
    {"uadd16", i___uadd16},
    {"uasx", i___uasx},
    {"usax", i___usax},
    {"usub16", i___usub16},
    {"uadd8", i___uadd8},
    {"usub8", i___usub8},
    {"uqadd16", i___uqadd16},
    {"uqasx", i___uqasx},
    {"uqsax", i___uqsax},
    {"uqsub16", i___uqsub16},
    {"uqadd8", i___uqadd8},
    {"uqsub8", i___uqsub8},
    {"uhadd16", i___uhadd16},
    {"uhasx", i___uhasx},
    {"uhsax", i___uhsax},
    {"uhsub16", i___uhsub16},
    {"uhadd8", i___uhadd8},
    {"uhsub8", i___uhsub8},
    {"usad8", i___usad8},
    {"smuad", i___smuad},
    {"smuadx", i___smuadx},
    {"smusd", i___smusd},
    {"smusdx", i___smusdx},
    {"qadd", i___qadd},
    {"qsub", i___qsub},
    {"sxtab16", i___sxtab16},
    {"uxtab16", i___uxtab16},
    {"sxtb16", i___sxtb16},
    {"uxtb16", i___uxtb16},
    {"qdbl", i___qdbl},
    {"smlad", i___smlad},
    {"smladx", i___smladx},
    {"smlsd", i___smlsd},
    {"smlsdx", i___smlsdx},
    {"usada8", i___usada8},
    {"smlabb", i___smlabb},
    {"smlabt", i___smlabt},
    {"smlatb", i___smlatb},
    {"smlatt", i___smlatt},
    {"smlawb", i___smlawb},
    {"smlawt", i___smlawt},
    {"smlald", i___smlald},
    {"smlaldx", i___smlaldx},
    {"smlsld", i___smlsld},
    {"smlsldx", i___smlsldx},
    {"sel/sadd8", i_sel_after_sadd8},
    {"sel/usub16", i_sel_after_usub16},
    {"ssat16", i_ssat16},
    {"usat16", i_usat16},
    {"ssat", i_ssat},
    {"usat", i_usat},
};

#define A3(mn)                                                                      \
    static uint32_t a_##mn(uint32_t a, uint32_t b, uint32_t c, uint32_t fl, uint32_t *apsr) \
    {                                                                               \
        uint32_t d, g;                                                              \
        (void)c;                                                                    \
        __asm__ volatile("msr APSR_nzcvqg, %[fl]\n\t" #mn " %[d], %[a], %[b]\n\tmrs %[g], APSR" \
                         : [d] "=&r"(d), [g] "=&r"(g)                                   \
                         : [a] "r"(a), [b] "r"(b), [fl] "r"(fl)                         \
                         : "cc");                                                   \
        *apsr = g;                                                                  \
        return d;                                                                   \
    }
#define A4(mn)                                                                      \
    static uint32_t a_##mn(uint32_t a, uint32_t b, uint32_t c, uint32_t fl, uint32_t *apsr) \
    {                                                                               \
        uint32_t d, g;                                                              \
        __asm__ volatile("msr APSR_nzcvqg, %[fl]\n\t" #mn " %[d], %[a], %[b], %[c]\n\tmrs %[g], APSR" \
                         : [d] "=&r"(d), [g] "=&r"(g)                                   \
                         : [a] "r"(a), [b] "r"(b), [c] "r"(c), [fl] "r"(fl)             \
                         : "cc");                                                   \
        *apsr = g;                                                                  \
        return d;                                                                   \
    }
/* Long accumulate: RdLo = c, RdHi = a ^ b (so all four registers vary). */
#define AL(mn)                                                                      \
    static uint32_t a_##mn(uint32_t a, uint32_t b, uint32_t c, uint32_t fl, uint32_t *apsr) \
    {                                                                               \
        uint32_t lo = c, hi = a ^ (b << 3), g;                                      \
        __asm__ volatile("msr APSR_nzcvqg, %[fl]\n\t" #mn " %[lo], %[hi], %[a], %[b]\n\tmrs %[g], APSR" \
                         : [lo] "+&r"(lo), [hi] "+&r"(hi), [g] "=&r"(g)                  \
                         : [a] "r"(a), [b] "r"(b), [fl] "r"(fl)                         \
                         : "cc");                                                   \
        *apsr = g;                                                                  \
        return lo ^ (hi * 0x9E3779B1u);                                             \
    }
/* An instruction with a fixed operand text (immediates, shifts, rotations). */
#define AX(id, text)                                                                \
    static uint32_t a_##id(uint32_t a, uint32_t b, uint32_t c, uint32_t fl, uint32_t *apsr) \
    {                                                                               \
        uint32_t d, g;                                                              \
        (void)c;                                                                    \
        __asm__ volatile("msr APSR_nzcvqg, %[fl]\n\t" text "\n\tmrs %[g], APSR"     \
                         : [d] "=&r"(d), [g] "=&r"(g)                                   \
                         : [a] "r"(a), [b] "r"(b), [fl] "r"(fl)                         \
                         : "cc");                                                   \
        *apsr = g;                                                                  \
        return d;                                                                   \
    }

A3(sadd16)
A3(sasx)
A3(ssax)
A3(ssub16)
A3(sadd8)
A3(ssub8)
A3(qadd16)
A3(qasx)
A3(qsax)
A3(qsub16)
A3(qadd8)
A3(qsub8)
A3(shadd16)
A3(shasx)
A3(shsax)
A3(shsub16)
A3(shadd8)
A3(shsub8)
A3(uadd16)
A3(uasx)
A3(usax)
A3(usub16)
A3(uadd8)
A3(usub8)
A3(uqadd16)
A3(uqasx)
A3(uqsax)
A3(uqsub16)
A3(uqadd8)
A3(uqsub8)
A3(uhadd16)
A3(uhasx)
A3(uhsax)
A3(uhsub16)
A3(uhadd8)
A3(uhsub8)
A3(sel)
A3(qadd)
A3(qsub)
A3(qdadd)
A3(qdsub)
A3(smulbb)
A3(smulbt)
A3(smultb)
A3(smultt)
A3(smulwb)
A3(smulwt)
A3(smuad)
A3(smuadx)
A3(smusd)
A3(smusdx)
A3(smmul)
A3(smmulr)
A3(usad8)
A4(smlabb)
A4(smlabt)
A4(smlatb)
A4(smlatt)
A4(smlawb)
A4(smlawt)
A4(smlad)
A4(smladx)
A4(smlsd)
A4(smlsdx)
A4(smmla)
A4(smmlar)
A4(smmls)
A4(smmlsr)
A4(usada8)
AL(smlalbb)
AL(smlalbt)
AL(smlaltb)
AL(smlaltt)
AL(smlald)
AL(smlaldx)
AL(smlsld)
AL(smlsldx)
AL(umaal)
AX(sxtab16_r0, "sxtab16 %[d], %[a], %[b]")
AX(sxtab16_r8, "sxtab16 %[d], %[a], %[b], ror #8")
AX(sxtab16_r16, "sxtab16 %[d], %[a], %[b], ror #16")
AX(sxtab16_r24, "sxtab16 %[d], %[a], %[b], ror #24")
AX(uxtab16_r0, "uxtab16 %[d], %[a], %[b]")
AX(uxtab16_r8, "uxtab16 %[d], %[a], %[b], ror #8")
AX(uxtab16_r16, "uxtab16 %[d], %[a], %[b], ror #16")
AX(uxtab16_r24, "uxtab16 %[d], %[a], %[b], ror #24")
AX(sxtab_r0, "sxtab %[d], %[a], %[b]")
AX(sxtab_r8, "sxtab %[d], %[a], %[b], ror #8")
AX(sxtab_r16, "sxtab %[d], %[a], %[b], ror #16")
AX(sxtab_r24, "sxtab %[d], %[a], %[b], ror #24")
AX(uxtab_r0, "uxtab %[d], %[a], %[b]")
AX(uxtab_r8, "uxtab %[d], %[a], %[b], ror #8")
AX(uxtab_r16, "uxtab %[d], %[a], %[b], ror #16")
AX(uxtab_r24, "uxtab %[d], %[a], %[b], ror #24")
AX(sxtah_r0, "sxtah %[d], %[a], %[b]")
AX(sxtah_r8, "sxtah %[d], %[a], %[b], ror #8")
AX(sxtah_r16, "sxtah %[d], %[a], %[b], ror #16")
AX(sxtah_r24, "sxtah %[d], %[a], %[b], ror #24")
AX(uxtah_r0, "uxtah %[d], %[a], %[b]")
AX(uxtah_r8, "uxtah %[d], %[a], %[b], ror #8")
AX(uxtah_r16, "uxtah %[d], %[a], %[b], ror #16")
AX(uxtah_r24, "uxtah %[d], %[a], %[b], ror #24")
AX(sxtb16_r0, "sxtb16 %[d], %[a]")
AX(sxtb16_r8, "sxtb16 %[d], %[a], ror #8")
AX(sxtb16_r16, "sxtb16 %[d], %[a], ror #16")
AX(sxtb16_r24, "sxtb16 %[d], %[a], ror #24")
AX(uxtb16_r0, "uxtb16 %[d], %[a]")
AX(uxtb16_r8, "uxtb16 %[d], %[a], ror #8")
AX(uxtb16_r16, "uxtb16 %[d], %[a], ror #16")
AX(uxtb16_r24, "uxtb16 %[d], %[a], ror #24")
AX(pkhbt_0, "pkhbt %[d], %[a], %[b]")
AX(pkhbt_1, "pkhbt %[d], %[a], %[b], lsl #1")
AX(pkhbt_15, "pkhbt %[d], %[a], %[b], lsl #15")
AX(pkhbt_31, "pkhbt %[d], %[a], %[b], lsl #31")
AX(pkhtb_1, "pkhtb %[d], %[a], %[b], asr #1")
AX(pkhtb_16, "pkhtb %[d], %[a], %[b], asr #16")
AX(pkhtb_31, "pkhtb %[d], %[a], %[b], asr #31")
AX(pkhtb_32, "pkhtb %[d], %[a], %[b], asr #32")
AX(ssat16_1, "ssat16 %[d], #1, %[a]")
AX(ssat16_8, "ssat16 %[d], #8, %[a]")
AX(ssat16_16, "ssat16 %[d], #16, %[a]")
AX(usat16_0, "usat16 %[d], #0, %[a]")
AX(usat16_8, "usat16 %[d], #8, %[a]")
AX(usat16_15, "usat16 %[d], #15, %[a]")

typedef uint32_t (*asm_fn)(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t *);
struct asm_test {
    const char *name;
    asm_fn fn;
};

static const struct asm_test asm_tests[] = {
    {"sadd16", a_sadd16},
    {"sasx", a_sasx},
    {"ssax", a_ssax},
    {"ssub16", a_ssub16},
    {"sadd8", a_sadd8},
    {"ssub8", a_ssub8},
    {"qadd16", a_qadd16},
    {"qasx", a_qasx},
    {"qsax", a_qsax},
    {"qsub16", a_qsub16},
    {"qadd8", a_qadd8},
    {"qsub8", a_qsub8},
    {"shadd16", a_shadd16},
    {"shasx", a_shasx},
    {"shsax", a_shsax},
    {"shsub16", a_shsub16},
    {"shadd8", a_shadd8},
    {"shsub8", a_shsub8},
    {"uadd16", a_uadd16},
    {"uasx", a_uasx},
    {"usax", a_usax},
    {"usub16", a_usub16},
    {"uadd8", a_uadd8},
    {"usub8", a_usub8},
    {"uqadd16", a_uqadd16},
    {"uqasx", a_uqasx},
    {"uqsax", a_uqsax},
    {"uqsub16", a_uqsub16},
    {"uqadd8", a_uqadd8},
    {"uqsub8", a_uqsub8},
    {"uhadd16", a_uhadd16},
    {"uhasx", a_uhasx},
    {"uhsax", a_uhsax},
    {"uhsub16", a_uhsub16},
    {"uhadd8", a_uhadd8},
    {"uhsub8", a_uhsub8},
    {"sel", a_sel},
    {"qadd", a_qadd},
    {"qsub", a_qsub},
    {"qdadd", a_qdadd},
    {"qdsub", a_qdsub},
    {"smulbb", a_smulbb},
    {"smulbt", a_smulbt},
    {"smultb", a_smultb},
    {"smultt", a_smultt},
    {"smulwb", a_smulwb},
    {"smulwt", a_smulwt},
    {"smuad", a_smuad},
    {"smuadx", a_smuadx},
    {"smusd", a_smusd},
    {"smusdx", a_smusdx},
    {"smmul", a_smmul},
    {"smmulr", a_smmulr},
    {"usad8", a_usad8},
    {"smlabb", a_smlabb},
    {"smlabt", a_smlabt},
    {"smlatb", a_smlatb},
    {"smlatt", a_smlatt},
    {"smlawb", a_smlawb},
    {"smlawt", a_smlawt},
    {"smlad", a_smlad},
    {"smladx", a_smladx},
    {"smlsd", a_smlsd},
    {"smlsdx", a_smlsdx},
    {"smmla", a_smmla},
    {"smmlar", a_smmlar},
    {"smmls", a_smmls},
    {"smmlsr", a_smmlsr},
    {"usada8", a_usada8},
    {"smlalbb", a_smlalbb},
    {"smlalbt", a_smlalbt},
    {"smlaltb", a_smlaltb},
    {"smlaltt", a_smlaltt},
    {"smlald", a_smlald},
    {"smlaldx", a_smlaldx},
    {"smlsld", a_smlsld},
    {"smlsldx", a_smlsldx},
    {"umaal", a_umaal},
    {"sxtab16 ror0", a_sxtab16_r0},
    {"sxtab16 ror8", a_sxtab16_r8},
    {"sxtab16 ror16", a_sxtab16_r16},
    {"sxtab16 ror24", a_sxtab16_r24},
    {"uxtab16 ror0", a_uxtab16_r0},
    {"uxtab16 ror8", a_uxtab16_r8},
    {"uxtab16 ror16", a_uxtab16_r16},
    {"uxtab16 ror24", a_uxtab16_r24},
    {"sxtab ror0", a_sxtab_r0},
    {"sxtab ror8", a_sxtab_r8},
    {"sxtab ror16", a_sxtab_r16},
    {"sxtab ror24", a_sxtab_r24},
    {"uxtab ror0", a_uxtab_r0},
    {"uxtab ror8", a_uxtab_r8},
    {"uxtab ror16", a_uxtab_r16},
    {"uxtab ror24", a_uxtab_r24},
    {"sxtah ror0", a_sxtah_r0},
    {"sxtah ror8", a_sxtah_r8},
    {"sxtah ror16", a_sxtah_r16},
    {"sxtah ror24", a_sxtah_r24},
    {"uxtah ror0", a_uxtah_r0},
    {"uxtah ror8", a_uxtah_r8},
    {"uxtah ror16", a_uxtah_r16},
    {"uxtah ror24", a_uxtah_r24},
    {"sxtb16 ror0", a_sxtb16_r0},
    {"sxtb16 ror8", a_sxtb16_r8},
    {"sxtb16 ror16", a_sxtb16_r16},
    {"sxtb16 ror24", a_sxtb16_r24},
    {"uxtb16 ror0", a_uxtb16_r0},
    {"uxtb16 ror8", a_uxtb16_r8},
    {"uxtb16 ror16", a_uxtb16_r16},
    {"uxtb16 ror24", a_uxtb16_r24},
    {"pkhbt 0", a_pkhbt_0},
    {"pkhbt 1", a_pkhbt_1},
    {"pkhbt 15", a_pkhbt_15},
    {"pkhbt 31", a_pkhbt_31},
    {"pkhtb 1", a_pkhtb_1},
    {"pkhtb 16", a_pkhtb_16},
    {"pkhtb 31", a_pkhtb_31},
    {"pkhtb 32", a_pkhtb_32},
    {"ssat16 1", a_ssat16_1},
    {"ssat16 8", a_ssat16_8},
    {"ssat16 16", a_ssat16_16},
    {"usat16 0", a_usat16_0},
    {"usat16 8", a_usat16_8},
    {"usat16 15", a_usat16_15},
};

int main(void)
{
    uint32_t all = 2166136261u;
    printf("dsp_intrinsics: %u intrinsics, %u instruction forms, %u operands each\n",
           (unsigned)(sizeof intrinsics / sizeof intrinsics[0]),
           (unsigned)(sizeof asm_tests / sizeof asm_tests[0]), (unsigned)N);
    for (unsigned t = 0; t < sizeof intrinsics / sizeof intrinsics[0]; t++) {
        uint32_t h = 2166136261u;
        for (int i = 0; i < N; i++) {
            uint32_t a = operand(), b = operand();
            h = fnv(h, intrinsics[t].fn(a, b));
        }
        report(intrinsics[t].name, h);
        all = fnv(all, h);
    }
    for (unsigned t = 0; t < sizeof asm_tests / sizeof asm_tests[0]; t++) {
        uint32_t h = 2166136261u;
        for (int i = 0; i < N; i++) {
            uint32_t a = operand(), b = operand(), c = operand(), apsr;
            uint32_t d = asm_tests[t].fn(a, b, c, random_flags(), &apsr);
            h = fnv(fnv(h, d), apsr & 0xF80F0000u);
        }
        printf("%-14s %08lx\n", asm_tests[t].name, (unsigned long)h);
        all = fnv(all, h);
    }
    printf("all %08lx\n", (unsigned long)all);
    return 0;
}
