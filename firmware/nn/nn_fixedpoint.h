/* Fixed-point arithmetic of the TFLite int8 spec (internal to firmware/nn).
 *
 * srdhm: saturating rounding doubling high multiply, (a*b*2 + 2^31 rounded)
 * >> 32 with the one overflow case (INT32_MIN * INT32_MIN) saturated.
 * rdbpot: rounding arithmetic right shift by a power of two, ties away from
 * zero. requantize: TFLite's MultiplyByQuantizedMultiplier (left shift
 * first for positive exponents, then srdhm, then rdbpot). */
#ifndef THIMBLE_NN_FIXEDPOINT_H
#define THIMBLE_NN_FIXEDPOINT_H

#include <stdint.h>

static inline int32_t fx_srdhm(int32_t a, int32_t b)
{
    if (a == b && a == INT32_MIN) {
        return INT32_MAX;
    }
    /* The reference computes (ab + nudge) / 2^31 with nudge = 2^30 for
     * ab >= 0 and 1 - 2^30 otherwise, and a division that truncates toward
     * zero. For ab < 0 the sum is negative, and truncation equals
     * (sum + 2^31 - 1) >> 31 = (ab + 2^30) >> 31; for ab >= 0 it is
     * (ab + 2^30) >> 31 too. One arithmetic shift therefore gives the same
     * result for every input (SMULL, ADDS/ADC, and a funnel shift). */
    const int64_t ab = (int64_t)a * (int64_t)b;
    return (int32_t)((ab + (1 << 30)) >> 31);
}

static inline int32_t fx_rdbpot(int32_t x, int32_t exponent)
{
    if (exponent <= 0) {
        return x;
    }
    const int32_t mask = (int32_t)(((uint32_t)1 << exponent) - 1u);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

static inline int32_t fx_requantize(int32_t acc, int32_t mult, int32_t shift)
{
    const int32_t left = shift > 0 ? shift : 0;
    const int32_t right = shift > 0 ? 0 : -shift;
    return fx_rdbpot(fx_srdhm((int32_t)((uint32_t)acc << left), mult), right);
}

static inline int32_t fx_clamp(int32_t v, int32_t lo, int32_t hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

#endif
