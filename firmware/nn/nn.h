/* thimble int8 kernel library: TFLite int8 quantization semantics, bit-exact
 * with the TFLite Micro reference kernels.
 *
 * Activations are asymmetric int8 (real = scale * (q - zero_point)); weights
 * are symmetric int8, per output channel for convolutions; biases are int32
 * with scale input_scale * weight_scale. Accumulators are requantized with
 * the fixed-point multiplier/shift pair computed offline (TFLite's
 * QuantizeMultiplier) via a saturating rounding doubling high multiply and a
 * rounding arithmetic right shift, then offset and clamped to the fused
 * activation range.
 *
 * Layouts are NHWC. Conv filters are [out_c][k_h][k_w][in_c]; depthwise
 * filters are [k_h][k_w][out_c]; fully-connected weights are [out_n][in_n].
 *
 * Each kernel is portable C; where the core has the DSP extension
 * (__ARM_FEATURE_DSP: Cortex-M4/M7/M33) the conv, depthwise and fully
 * connected inner loops use SXTB16/SMLAD (ACLE intrinsics) instead. The
 * integer results are identical either way (only the summation order of
 * exact int32 sums changes). */
#ifndef THIMBLE_NN_H
#define THIMBLE_NN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* CONV_2D and DEPTHWISE_CONV_2D. */
typedef struct {
    int32_t batches, in_h, in_w, in_c;
    int32_t out_h, out_w, out_c;
    int32_t k_h, k_w;
    int32_t stride_h, stride_w, dil_h, dil_w;
    int32_t pad_h, pad_w;
    int32_t depth_mult;         /* depthwise only: out_c = in_c * depth_mult */
    int32_t in_offset;          /* -input zero point */
    int32_t out_offset;         /* output zero point */
    int32_t act_min, act_max;   /* fused activation clamp (quantized) */
    const int8_t *filter;
    const int32_t *bias;        /* [out_c] or 0 */
    const int32_t *mult;        /* [out_c] Q31 significands */
    const int32_t *shift;       /* [out_c] exponents (>0: left shift) */
} nn_conv_params;

/* FULLY_CONNECTED (per-tensor weights). */
typedef struct {
    int32_t batches, in_n, out_n;
    int32_t in_offset, filter_offset, out_offset;
    int32_t mult, shift;
    int32_t act_min, act_max;
    const int8_t *filter;       /* [out_n][in_n] */
    const int32_t *bias;        /* [out_n] or 0 */
} nn_fc_params;

/* AVERAGE_POOL_2D and MAX_POOL_2D. */
typedef struct {
    int32_t batches, in_h, in_w, c, out_h, out_w;
    int32_t k_h, k_w, stride_h, stride_w, pad_h, pad_w;
    int32_t act_min, act_max;
} nn_pool_params;

/* ADD of two same-shape tensors with rescaling (TFLite's general int8 path). */
typedef struct {
    int32_t n;
    int32_t in1_offset, in2_offset, left_shift;
    int32_t in1_mult, in1_shift, in2_mult, in2_shift;
    int32_t out_mult, out_shift, out_offset;
    int32_t act_min, act_max;
} nn_add_params;

/* SOFTMAX int8 -> int8 (output scale 1/256, zero point -128). */
typedef struct {
    int32_t outer, depth;
    int32_t mult, left_shift;   /* beta * input_scale in Q5.26 input scaling */
    int32_t diff_min;
} nn_softmax_params;

/* STRIDED_SLICE, resolved offline to a start/stride/count per dimension
 * (rank padded to 4 with leading 1s). */
typedef struct {
    int32_t in_dims[4], start[4], stride[4], out_dims[4];
    int32_t elem_size;
} nn_slice_params;

void nn_conv2d_s8(const nn_conv_params *p, const int8_t *in, int8_t *out);
void nn_depthwise_conv2d_s8(const nn_conv_params *p, const int8_t *in, int8_t *out);
void nn_fully_connected_s8(const nn_fc_params *p, const int8_t *in, int8_t *out);
void nn_avg_pool_s8(const nn_pool_params *p, const int8_t *in, int8_t *out);
void nn_max_pool_s8(const nn_pool_params *p, const int8_t *in, int8_t *out);
void nn_add_s8(const nn_add_params *p, const int8_t *a, const int8_t *b, int8_t *out);
void nn_softmax_s8(const nn_softmax_params *p, const int8_t *in, int8_t *out);
void nn_quantize_f32_s8(const float *in, int8_t *out, int32_t n, float scale, int32_t zero_point);
void nn_dequantize_s8_f32(const int8_t *in, float *out, int32_t n, float scale, int32_t zero_point);
/* RESHAPE: a copy (nothing when in == out). */
void nn_copy(void *dst, const void *src, uint32_t bytes);
void nn_shape_i32(const int32_t *dims, int32_t rank, int32_t *out);
void nn_strided_slice(const nn_slice_params *p, const void *in, void *out);
/* PACK: out is [outer][n_inputs][inner_bytes]. */
void nn_pack(const void *const *inputs, int32_t n_inputs, int32_t outer, int32_t inner_bytes, void *out);

/* Fixed-point helpers (exposed for tests). */
int32_t nn_srdhm(int32_t a, int32_t b);
int32_t nn_rdbpot(int32_t x, int32_t exponent);
int32_t nn_requantize(int32_t acc, int32_t mult, int32_t shift);

#ifdef __cplusplus
}
#endif

#endif
