/* SOFTMAX int8 -> int8, computed as the TFLite reference kernel does: input
 * differences to the row maximum are scaled into Q5.26, exp() is evaluated
 * in fixed point (a Taylor polynomial on [-1/4, 0) and a barrel shifter of
 * exp(-2^k) constants for the integer part), the sum is accumulated in
 * Q12.19, inverted with three Newton-Raphson steps, and each output is
 * exp * (1/sum) rounded into [-128, 127] with scale 1/256, zero point -128. */
#include "nn.h"
#include "nn_fixedpoint.h"

/* Multiply by a power of two with saturation (exponent > 0) or rounding
 * (exponent < 0). */
static int32_t mul_pot(int32_t x, int32_t exponent)
{
    if (exponent < 0) {
        return fx_rdbpot(x, -exponent);
    }
    const int32_t threshold = (int32_t)((1u << (31 - exponent)) - 1u);
    if (x > threshold) {
        return INT32_MAX;
    }
    if (x < -threshold) {
        return INT32_MIN;
    }
    return (int32_t)((uint32_t)x << exponent);
}

/* exp(a) for a in [-1/4, 0), a and result with 0 integer bits (Q0.31). */
static int32_t exp_quarter(int32_t a)
{
    const int32_t c_exp_m1_8 = 1895147668; /* exp(-1/8) */
    const int32_t c_1_3 = 715827883;       /* 1/3 */
    const int32_t x = a + (1 << 28);       /* a + 1/8 */
    const int32_t x2 = fx_srdhm(x, x);
    const int32_t x3 = fx_srdhm(x2, x);
    const int32_t x4 = fx_srdhm(x2, x2);
    const int32_t x4_4 = mul_pot(x4, -2);
    const int32_t poly = mul_pot(fx_srdhm(x4_4 + x3, c_1_3) + x2, -1);
    return c_exp_m1_8 + fx_srdhm(c_exp_m1_8, x + poly);
}

/* exp(a) for a <= 0 given in Q5.26; result in Q0.31. */
static int32_t exp_neg_q5_26(int32_t a)
{
    const int32_t one_quarter = 1 << 24;
    const int32_t mask = one_quarter - 1;
    const int32_t a_mod_minus_quarter = (a & mask) - one_quarter;
    /* Rescale Q5.26 -> Q0.31: the value is in [-1/4, 0), no saturation. */
    int32_t result = exp_quarter(mul_pot(a_mod_minus_quarter, 5));
    const int32_t remainder = a_mod_minus_quarter - a;
    /* exp(-2^k) for k = -2 .. 4, in Q0.31, selected by bit 26 + k. */
    static const int32_t k_mult[7] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
    for (int32_t k = 0; k < 7; k++) {
        if (remainder & (1 << (24 + k))) {
            result = fx_srdhm(result, k_mult[k]);
        }
    }
    if (a == 0) {
        result = INT32_MAX;
    }
    return result;
}

/* 1 / (1 + x) for x in [0, 1), in and out Q0.31. */
static int32_t one_over_one_plus_x(int32_t a)
{
    /* half_denominator = (a + 1) / 2, rounded half away from zero. */
    const int64_t sum = (int64_t)a + INT32_MAX;
    const int32_t half_den = (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
    const int32_t c_48_17 = 1515870810;      /* 48/17 in Q2.29 */
    const int32_t c_neg_32_17 = -1010580540; /* -32/17 in Q2.29 */
    int32_t x = c_48_17 + fx_srdhm(half_den, c_neg_32_17); /* Q2.29 */
    for (int i = 0; i < 3; i++) {
        const int32_t hdx = fx_srdhm(half_den, x);          /* Q2.29 */
        const int32_t one_minus = (1 << 29) - hdx;          /* Q2.29 */
        x = x + mul_pot(fx_srdhm(x, one_minus), 2);         /* Q4.27 -> Q2.29 */
    }
    /* x / 2 in Q1.30 (same raw bits) -> Q0.31. */
    return mul_pot(x, 1);
}

void nn_softmax_s8(const nn_softmax_params *p, const int8_t *in, int8_t *out)
{
    const int32_t depth = p->depth;
    for (int32_t r = 0; r < p->outer; r++) {
        const int8_t *x = in + r * depth;
        int8_t *y = out + r * depth;
        int32_t max = -128;
        for (int32_t c = 0; c < depth; c++) {
            max = x[c] > max ? x[c] : max;
        }
        int32_t sum = 0; /* Q12.19 */
        for (int32_t c = 0; c < depth; c++) {
            const int32_t diff = x[c] - max;
            if (diff >= p->diff_min) {
                const int32_t scaled = fx_srdhm((int32_t)((uint32_t)diff << p->left_shift), p->mult);
                sum += fx_rdbpot(exp_neg_q5_26(scaled), 12);
            }
        }
        /* Reciprocal of the sum: normalise into [1, 2), invert. */
        const int32_t headroom_plus_one = __builtin_clz((uint32_t)sum);
        const int32_t bits_over_unit = 12 - headroom_plus_one;
        const int32_t shifted_minus_one = (int32_t)(((uint32_t)sum << headroom_plus_one) - (1u << 31));
        const int32_t scale = one_over_one_plus_x(shifted_minus_one);
        for (int32_t c = 0; c < depth; c++) {
            const int32_t diff = x[c] - max;
            if (diff >= p->diff_min) {
                const int32_t scaled = fx_srdhm((int32_t)((uint32_t)diff << p->left_shift), p->mult);
                const int32_t e = exp_neg_q5_26(scaled);
                const int32_t v = fx_rdbpot(fx_srdhm(scale, e), bits_over_unit + 31 - 8) - 128;
                y[c] = (int8_t)fx_clamp(v, -128, 127);
            } else {
                y[c] = -128;
            }
        }
    }
}
