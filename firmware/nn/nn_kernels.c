/* int8 kernels: conv, depthwise conv, fully connected, pools, add, and the
 * data-movement operators. Semantics follow the TFLite int8 reference
 * kernels (see nn.h); the DSP paths compute the same exact int32 sums. */
#include <string.h>

#include "nn.h"
#include "nn_fixedpoint.h"

#if defined(__ARM_FEATURE_DSP) && defined(__ARM_FEATURE_SIMD32)
#include <arm_acle.h>
#define NN_DSP 1
#else
#define NN_DSP 0
#endif

int32_t nn_srdhm(int32_t a, int32_t b) { return fx_srdhm(a, b); }
int32_t nn_rdbpot(int32_t x, int32_t exponent) { return fx_rdbpot(x, exponent); }
int32_t nn_requantize(int32_t acc, int32_t mult, int32_t shift) { return fx_requantize(acc, mult, shift); }

#if NN_DSP
/* SXTB16 / SXTAB16 with the operand rotated right by 8 (bytes 1 and 3).
 * The rotate is an operand field of the instruction; ACLE's intrinsics take
 * no rotation and GCC 12 does not fold a separate ROR into them. */
static inline uint32_t sxtb16_ror8(uint32_t x)
{
    uint32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
}

static inline uint32_t sxtab16_ror8(uint32_t acc, uint32_t x)
{
    uint32_t r;
    __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(acc), "r"(x));
    return r;
}

static inline uint32_t rd32(const int8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4); /* one LDR: ARMv7-M allows unaligned word loads */
    return v;
}
#endif

/* sum over i < n of (a[i] + off) * w[i], added to acc. */
static inline int32_t dot_s8(const int8_t *a, const int8_t *w, int32_t n, int32_t off, int32_t acc)
{
#if NN_DSP
    /* SXTAB16 adds the offset to the sign-extended bytes 0 and 2 (and, after
     * a rotate by 8, 1 and 3) as two halfwords; SMLAD multiplies both halves
     * and accumulates. Values stay within int16: |a + off| <= 255. */
    const uint32_t off2 = ((uint32_t)off & 0xffffu) | ((uint32_t)off << 16);
    while (n >= 8) {
        uint32_t va = rd32(a), vw = rd32(w);
        uint32_t vb = rd32(a + 4), vx = rd32(w + 4);
        acc = __smlad(__sxtab16(off2, va), __sxtb16(vw), acc);
        acc = __smlad(sxtab16_ror8(off2, va), sxtb16_ror8(vw), acc);
        acc = __smlad(__sxtab16(off2, vb), __sxtb16(vx), acc);
        acc = __smlad(sxtab16_ror8(off2, vb), sxtb16_ror8(vx), acc);
        a += 8;
        w += 8;
        n -= 8;
    }
    if (n >= 4) {
        uint32_t va = rd32(a), vw = rd32(w);
        acc = __smlad(__sxtab16(off2, va), __sxtb16(vw), acc);
        acc = __smlad(sxtab16_ror8(off2, va), sxtb16_ror8(vw), acc);
        a += 4;
        w += 4;
        n -= 4;
    }
#endif
    while (n-- > 0) {
        acc += ((int32_t)*a++ + off) * (int32_t)*w++;
    }
    return acc;
}

/* Direct convolution: per output pixel and channel, a dot product over the
 * valid filter taps (padding taps skipped). */
static void conv2d_direct(const nn_conv_params *p, const int8_t *in, int8_t *out)
{
    const int32_t in_c = p->in_c, k_w = p->k_w, k_h = p->k_h;
    for (int32_t b = 0; b < p->batches; b++) {
        const int8_t *in_b = in + b * p->in_h * p->in_w * in_c;
        for (int32_t oy = 0; oy < p->out_h; oy++) {
            const int32_t y0 = oy * p->stride_h - p->pad_h;
            for (int32_t ox = 0; ox < p->out_w; ox++) {
                const int32_t x0 = ox * p->stride_w - p->pad_w;
                /* Valid filter taps for this output position. */
                int32_t ky0 = 0, ky1 = k_h, kx0 = 0, kx1 = k_w;
                while (ky0 < k_h && y0 + ky0 * p->dil_h < 0) ky0++;
                while (ky1 > ky0 && y0 + (ky1 - 1) * p->dil_h >= p->in_h) ky1--;
                while (kx0 < k_w && x0 + kx0 * p->dil_w < 0) kx0++;
                while (kx1 > kx0 && x0 + (kx1 - 1) * p->dil_w >= p->in_w) kx1--;
                /* A contiguous run over (kx, c) when dilation is 1. */
                const int32_t run = (p->dil_w == 1) ? (kx1 - kx0) * in_c : 0;
                for (int32_t oc = 0; oc < p->out_c; oc++) {
                    int32_t acc = 0;
                    const int8_t *f_oc = p->filter + oc * k_h * k_w * in_c;
                    for (int32_t ky = ky0; ky < ky1; ky++) {
                        const int32_t iy = y0 + ky * p->dil_h;
                        const int8_t *in_row = in_b + iy * p->in_w * in_c;
                        const int8_t *f_row = f_oc + ky * k_w * in_c;
                        if (run) {
                            acc = dot_s8(in_row + (x0 + kx0) * in_c, f_row + kx0 * in_c, run, p->in_offset, acc);
                        } else {
                            for (int32_t kx = kx0; kx < kx1; kx++) {
                                const int32_t ix = x0 + kx * p->dil_w;
                                acc = dot_s8(in_row + ix * in_c, f_row + kx * in_c, in_c, p->in_offset, acc);
                            }
                        }
                    }
                    if (p->bias) {
                        acc += p->bias[oc];
                    }
                    acc = fx_requantize(acc, p->mult[oc], p->shift[oc]) + p->out_offset;
                    *out++ = (int8_t)fx_clamp(acc, p->act_min, p->act_max);
                }
            }
        }
    }
}

static inline int8_t conv_finish(const nn_conv_params *p, int32_t acc, int32_t oc)
{
    if (p->bias) {
        acc += p->bias[oc];
    }
    acc = fx_requantize(acc, p->mult[oc], p->shift[oc]) + p->out_offset;
    return (int8_t)fx_clamp(acc, p->act_min, p->act_max);
}

static inline int8_t finish_l(int32_t acc, int32_t mult, int32_t shift, int32_t out_offset, int32_t lo, int32_t hi)
{
    return (int8_t)fx_clamp(fx_requantize(acc, mult, shift) + out_offset, lo, hi);
}

#if NN_DSP
/* Longest im2col column (k_h * k_w * in_c) the DSP path handles; longer
 * ones use the direct path. Two columns live on the stack. */
#define NN_COL_MAX 1024

/* Four dot products at once: the two im2col columns c and c + NN_COL_MAX
 * against filters w and w + k, each n long (input offset added to the
 * columns). Every loaded word feeds two SMLADs; the fixed column distance
 * and the filter stride as offsets keep all pointers in registers. */
static inline void dot_2x2(const int8_t *c, const int8_t *w, int32_t k, int32_t n, int32_t off, int32_t *s)
{
    const uint32_t off2 = ((uint32_t)off & 0xffffu) | ((uint32_t)off << 16);
    int32_t s00 = 0, s01 = 0, s10 = 0, s11 = 0;
    const int8_t *const end = c + (n & ~3);
    while (c < end) {
        const uint32_t a = rd32(c), b = rd32(c + NN_COL_MAX), x = rd32(w), y = rd32(w + k);
        const uint32_t x02 = __sxtb16(x), x13 = sxtb16_ror8(x);
        const uint32_t a02 = __sxtab16(off2, a), a13 = sxtab16_ror8(off2, a);
        s00 = __smlad(a02, x02, s00);
        s00 = __smlad(a13, x13, s00);
        const uint32_t b02 = __sxtab16(off2, b), b13 = sxtab16_ror8(off2, b);
        s10 = __smlad(b02, x02, s10);
        s10 = __smlad(b13, x13, s10);
        const uint32_t y02 = __sxtb16(y), y13 = sxtb16_ror8(y);
        s01 = __smlad(a02, y02, s01);
        s01 = __smlad(a13, y13, s01);
        s11 = __smlad(b02, y02, s11);
        s11 = __smlad(b13, y13, s11);
        c += 4;
        w += 4;
    }
    for (int32_t i = 0; i < (n & 3); i++) {
        const int32_t va = c[i] + off, vb = c[i + NN_COL_MAX] + off, wx = w[i], wy = w[i + k];
        s00 += va * wx;
        s01 += va * wy;
        s10 += vb * wx;
        s11 += vb * wy;
    }
    s[0] = s00;
    s[1] = s01;
    s[2] = s10;
    s[3] = s11;
}

/* The receptive field of output pixel (oy, ox) as one contiguous column of
 * k_h * k_w * in_c bytes. Padding taps hold the input zero point, so they
 * add (zp + in_offset) * w = 0 exactly, as a skipped tap does. */
static const int8_t *im2col(const nn_conv_params *p, const int8_t *in_b, int32_t oy, int32_t ox, int8_t *col)
{
    const int32_t in_c = p->in_c;
    const int32_t y0 = oy * p->stride_h - p->pad_h, x0 = ox * p->stride_w - p->pad_w;
    const int8_t zp = (int8_t)(-p->in_offset);
    const int32_t row = p->k_w * in_c;
    int8_t *d = col;
    for (int32_t ky = 0; ky < p->k_h; ky++) {
        const int32_t iy = y0 + ky * p->dil_h;
        if (iy < 0 || iy >= p->in_h) {
            memset(d, zp, (uint32_t)row);
        } else if (p->dil_w == 1 && x0 >= 0 && x0 + p->k_w <= p->in_w) {
            memcpy(d, in_b + (iy * p->in_w + x0) * in_c, (uint32_t)row);
        } else {
            for (int32_t kx = 0; kx < p->k_w; kx++) {
                const int32_t ix = x0 + kx * p->dil_w;
                if (ix < 0 || ix >= p->in_w) {
                    memset(d + kx * in_c, zp, (uint32_t)in_c);
                } else {
                    memcpy(d + kx * in_c, in_b + (iy * p->in_w + ix) * in_c, (uint32_t)in_c);
                }
            }
        }
        d += row;
    }
    return col;
}

/* im2col + a 2x2 blocked matrix product: two output pixels by two output
 * channels per inner loop. */
static void conv2d_dsp(const nn_conv_params *p, const int8_t *in, int8_t *out)
{
    int8_t cols[2][NN_COL_MAX];
    const int32_t k = p->k_h * p->k_w * p->in_c, out_c = p->out_c;
    /* Locals: the int8 output stores would otherwise force reloads of p. */
    const int8_t *const filter = p->filter;
    const int32_t *const bias = p->bias, *const mult = p->mult, *const shift = p->shift;
    const int32_t in_offset = p->in_offset, out_offset = p->out_offset, lo = p->act_min, hi = p->act_max;
    const int32_t pixels = p->out_h * p->out_w;
    for (int32_t b = 0; b < p->batches; b++) {
        const int8_t *in_b = in + b * p->in_h * p->in_w * p->in_c;
        int32_t px = 0;
        for (; px + 2 <= pixels; px += 2) {
            const int8_t *c0 = im2col(p, in_b, px / p->out_w, px % p->out_w, cols[0]);
            const int8_t *c1 = im2col(p, in_b, (px + 1) / p->out_w, (px + 1) % p->out_w, cols[1]);
            int8_t *o0 = out, *o1 = out + out_c;
            int32_t oc = 0;
            for (; oc + 2 <= out_c; oc += 2) {
                int32_t s[4];
                const int8_t *w0 = filter + oc * k;
                dot_2x2(c0, w0, k, k, in_offset, s);
                const int32_t b0 = bias ? bias[oc] : 0, b1 = bias ? bias[oc + 1] : 0;
                o0[oc] = finish_l(s[0] + b0, mult[oc], shift[oc], out_offset, lo, hi);
                o0[oc + 1] = finish_l(s[1] + b1, mult[oc + 1], shift[oc + 1], out_offset, lo, hi);
                o1[oc] = finish_l(s[2] + b0, mult[oc], shift[oc], out_offset, lo, hi);
                o1[oc + 1] = finish_l(s[3] + b1, mult[oc + 1], shift[oc + 1], out_offset, lo, hi);
            }
            for (; oc < out_c; oc++) {
                const int8_t *w = p->filter + oc * k;
                o0[oc] = conv_finish(p, dot_s8(c0, w, k, p->in_offset, 0), oc);
                o1[oc] = conv_finish(p, dot_s8(c1, w, k, p->in_offset, 0), oc);
            }
            out += 2 * out_c;
        }
        for (; px < pixels; px++) {
            const int8_t *c0 = im2col(p, in_b, px / p->out_w, px % p->out_w, cols[0]);
            for (int32_t oc = 0; oc < out_c; oc++) {
                out[oc] = conv_finish(p, dot_s8(c0, p->filter + oc * k, k, p->in_offset, 0), oc);
            }
            out += out_c;
        }
    }
}
#endif

void nn_conv2d_s8(const nn_conv_params *p, const int8_t *in, int8_t *out)
{
#if NN_DSP
    if (p->k_h * p->k_w * p->in_c <= NN_COL_MAX) {
        conv2d_dsp(p, in, out);
        return;
    }
#endif
    conv2d_direct(p, in, out);
}

static inline int8_t dw_finish(const nn_conv_params *p, int32_t acc, int32_t oc)
{
    if (p->bias) {
        acc += p->bias[oc];
    }
    acc = fx_requantize(acc, p->mult[oc], p->shift[oc]) + p->out_offset;
    return (int8_t)fx_clamp(acc, p->act_min, p->act_max);
}

void nn_depthwise_conv2d_s8(const nn_conv_params *p, const int8_t *in, int8_t *out)
{
    const int32_t in_c = p->in_c, out_c = p->out_c, dm = p->depth_mult;
    for (int32_t b = 0; b < p->batches; b++) {
        const int8_t *in_b = in + b * p->in_h * p->in_w * in_c;
        for (int32_t oy = 0; oy < p->out_h; oy++) {
            const int32_t y0 = oy * p->stride_h - p->pad_h;
            for (int32_t ox = 0; ox < p->out_w; ox++) {
                const int32_t x0 = ox * p->stride_w - p->pad_w;
                int32_t ky0 = 0, ky1 = p->k_h, kx0 = 0, kx1 = p->k_w;
                while (ky0 < p->k_h && y0 + ky0 * p->dil_h < 0) ky0++;
                while (ky1 > ky0 && y0 + (ky1 - 1) * p->dil_h >= p->in_h) ky1--;
                while (kx0 < p->k_w && x0 + kx0 * p->dil_w < 0) kx0++;
                while (kx1 > kx0 && x0 + (kx1 - 1) * p->dil_w >= p->in_w) kx1--;
                int32_t oc = 0;
#if NN_DSP
                if (dm == 1) {
                    /* Four channels at a time: bytes 0/2 and 1/3 as halfword
                     * pairs, one 16x16 multiply-accumulate per channel. The
                     * parameters are copied to locals: the int8 output stores
                     * would otherwise force the compiler to reload them. */
                    const uint32_t off2 = ((uint32_t)p->in_offset & 0xffffu) | ((uint32_t)p->in_offset << 16);
                    const int32_t in_step = p->dil_w * in_c, f_step = out_c;
                    const int32_t in_row = p->in_w * in_c * p->dil_h, f_row = p->k_w * out_c;
                    const int32_t nky = ky1 - ky0, nkx = kx1 - kx0;
                    const int8_t *in0 = in_b + ((y0 + ky0 * p->dil_h) * p->in_w + x0 + kx0 * p->dil_w) * in_c;
                    const int8_t *f0 = p->filter + (ky0 * p->k_w + kx0) * out_c;
                    const int32_t *bias = p->bias, *mult = p->mult, *shift = p->shift;
                    const int32_t out_offset = p->out_offset, lo = p->act_min, hi = p->act_max;
                    for (; oc + 4 <= out_c; oc += 4) {
                        int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
                        const int8_t *ir = in0 + oc, *fr = f0 + oc;
                        for (int32_t ky = 0; ky < nky; ky++) {
                            const int8_t *ip = ir, *fp = fr;
                            for (int32_t kx = 0; kx < nkx; kx++) {
                                const uint32_t vi = rd32(ip), vf = rd32(fp);
                                const uint32_t i02 = __sxtab16(off2, vi), i13 = sxtab16_ror8(off2, vi);
                                const uint32_t f02 = __sxtb16(vf), f13 = sxtb16_ror8(vf);
                                a0 = __smlabb(i02, f02, a0);
                                a2 = __smlatt(i02, f02, a2);
                                a1 = __smlabb(i13, f13, a1);
                                a3 = __smlatt(i13, f13, a3);
                                ip += in_step;
                                fp += f_step;
                            }
                            ir += in_row;
                            fr += f_row;
                        }
                        if (bias) {
                            a0 += bias[oc];
                            a1 += bias[oc + 1];
                            a2 += bias[oc + 2];
                            a3 += bias[oc + 3];
                        }
                        out[oc] = finish_l(a0, mult[oc], shift[oc], out_offset, lo, hi);
                        out[oc + 1] = finish_l(a1, mult[oc + 1], shift[oc + 1], out_offset, lo, hi);
                        out[oc + 2] = finish_l(a2, mult[oc + 2], shift[oc + 2], out_offset, lo, hi);
                        out[oc + 3] = finish_l(a3, mult[oc + 3], shift[oc + 3], out_offset, lo, hi);
                    }
                }
#endif
                for (; oc < out_c; oc++) {
                    const int32_t ic = oc / dm;
                    int32_t acc = 0;
                    for (int32_t ky = ky0; ky < ky1; ky++) {
                        const int32_t iy = y0 + ky * p->dil_h;
                        for (int32_t kx = kx0; kx < kx1; kx++) {
                            const int32_t ix = x0 + kx * p->dil_w;
                            const int32_t v = in_b[(iy * p->in_w + ix) * in_c + ic] + p->in_offset;
                            acc += v * p->filter[(ky * p->k_w + kx) * out_c + oc];
                        }
                    }
                    out[oc] = dw_finish(p, acc, oc);
                }
                out += out_c;
            }
        }
    }
}

void nn_fully_connected_s8(const nn_fc_params *p, const int8_t *in, int8_t *out)
{
    for (int32_t b = 0; b < p->batches; b++) {
        const int8_t *x = in + b * p->in_n;
        for (int32_t o = 0; o < p->out_n; o++) {
            const int8_t *w = p->filter + o * p->in_n;
            int32_t acc;
            if (p->filter_offset == 0) {
                acc = dot_s8(x, w, p->in_n, p->in_offset, 0);
            } else {
                acc = 0;
                for (int32_t i = 0; i < p->in_n; i++) {
                    acc += (w[i] + p->filter_offset) * (x[i] + p->in_offset);
                }
            }
            if (p->bias) {
                acc += p->bias[o];
            }
            acc = fx_requantize(acc, p->mult, p->shift) + p->out_offset;
            *out++ = (int8_t)fx_clamp(acc, p->act_min, p->act_max);
        }
    }
}

static void pool(const nn_pool_params *p, const int8_t *in, int8_t *out, int is_max)
{
    const int32_t c = p->c;
    for (int32_t b = 0; b < p->batches; b++) {
        const int8_t *in_b = in + b * p->in_h * p->in_w * c;
        for (int32_t oy = 0; oy < p->out_h; oy++) {
            const int32_t y0 = oy * p->stride_h - p->pad_h;
            const int32_t fy0 = y0 < 0 ? -y0 : 0;
            const int32_t fy1 = (p->in_h - y0) < p->k_h ? (p->in_h - y0) : p->k_h;
            for (int32_t ox = 0; ox < p->out_w; ox++) {
                const int32_t x0 = ox * p->stride_w - p->pad_w;
                const int32_t fx0 = x0 < 0 ? -x0 : 0;
                const int32_t fx1 = (p->in_w - x0) < p->k_w ? (p->in_w - x0) : p->k_w;
                for (int32_t ch = 0; ch < c; ch++) {
                    int32_t acc = is_max ? -128 : 0;
                    int32_t count = 0;
                    for (int32_t fy = fy0; fy < fy1; fy++) {
                        const int8_t *row = in_b + ((y0 + fy) * p->in_w) * c + ch;
                        for (int32_t fx = fx0; fx < fx1; fx++) {
                            const int32_t v = row[(x0 + fx) * c];
                            if (is_max) {
                                acc = v > acc ? v : acc;
                            } else {
                                acc += v;
                            }
                            count++;
                        }
                    }
                    if (!is_max) {
                        if (count == 0) {
                            acc = 0;
                        } else {
                            /* Round half away from zero, as the reference. */
                            acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
                        }
                    }
                    *out++ = (int8_t)fx_clamp(acc, p->act_min, p->act_max);
                }
            }
        }
    }
}

void nn_avg_pool_s8(const nn_pool_params *p, const int8_t *in, int8_t *out) { pool(p, in, out, 0); }
void nn_max_pool_s8(const nn_pool_params *p, const int8_t *in, int8_t *out) { pool(p, in, out, 1); }

void nn_add_s8(const nn_add_params *p, const int8_t *a, const int8_t *b, int8_t *out)
{
    for (int32_t i = 0; i < p->n; i++) {
        const int32_t x = (int32_t)((uint32_t)(a[i] + p->in1_offset) << p->left_shift);
        const int32_t y = (int32_t)((uint32_t)(b[i] + p->in2_offset) << p->left_shift);
        const int32_t sx = fx_requantize(x, p->in1_mult, p->in1_shift);
        const int32_t sy = fx_requantize(y, p->in2_mult, p->in2_shift);
        const int32_t r = fx_requantize(sx + sy, p->out_mult, p->out_shift) + p->out_offset;
        out[i] = (int8_t)fx_clamp(r, p->act_min, p->act_max);
    }
}

void nn_quantize_f32_s8(const float *in, int8_t *out, int32_t n, float scale, int32_t zero_point)
{
    for (int32_t i = 0; i < n; i++) {
        /* round() of a float: half away from zero; division in single precision. */
        const float q = __builtin_roundf(in[i] / scale);
        int32_t v;
        if (q >= 2147483520.0f) {
            v = INT32_MAX;
        } else if (q <= -2147483648.0f) {
            v = INT32_MIN;
        } else {
            v = (int32_t)q;
        }
        /* The reference adds the zero point in int32 after the cast. */
        v = (int32_t)((uint32_t)v + (uint32_t)zero_point);
        out[i] = (int8_t)fx_clamp(v, -128, 127);
    }
}

void nn_dequantize_s8_f32(const int8_t *in, float *out, int32_t n, float scale, int32_t zero_point)
{
    for (int32_t i = 0; i < n; i++) {
        /* (q - zp) * scale is exact in double; one float rounding either way. */
        out[i] = (float)(in[i] - zero_point) * scale;
    }
}

void nn_copy(void *dst, const void *src, uint32_t bytes)
{
    if (dst != src) {
        memmove(dst, src, bytes);
    }
}

void nn_shape_i32(const int32_t *dims, int32_t rank, int32_t *out)
{
    for (int32_t i = 0; i < rank; i++) {
        out[i] = dims[i];
    }
}

void nn_strided_slice(const nn_slice_params *p, const void *in, void *out)
{
    const uint8_t *src = in;
    uint8_t *dst = out;
    const int32_t es = p->elem_size;
    const int32_t s3 = 1, s2 = p->in_dims[3], s1 = s2 * p->in_dims[2], s0 = s1 * p->in_dims[1];
    for (int32_t i0 = 0; i0 < p->out_dims[0]; i0++) {
        const int32_t d0 = p->start[0] + i0 * p->stride[0];
        for (int32_t i1 = 0; i1 < p->out_dims[1]; i1++) {
            const int32_t d1 = p->start[1] + i1 * p->stride[1];
            for (int32_t i2 = 0; i2 < p->out_dims[2]; i2++) {
                const int32_t d2 = p->start[2] + i2 * p->stride[2];
                for (int32_t i3 = 0; i3 < p->out_dims[3]; i3++) {
                    const int32_t d3 = p->start[3] + i3 * p->stride[3];
                    const int32_t idx = d0 * s0 + d1 * s1 + d2 * s2 + d3 * s3;
                    memcpy(dst, src + idx * es, (uint32_t)es);
                    dst += es;
                }
            }
        }
    }
}

void nn_pack(const void *const *inputs, int32_t n_inputs, int32_t outer, int32_t inner_bytes, void *out)
{
    uint8_t *dst = out;
    for (int32_t o = 0; o < outer; o++) {
        for (int32_t i = 0; i < n_inputs; i++) {
            memcpy(dst, (const uint8_t *)inputs[i] + o * inner_bytes, (uint32_t)inner_bytes);
            dst += inner_bytes;
        }
    }
}
