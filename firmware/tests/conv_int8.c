/* conv_int8: the headline acceptance program.
 *
 * A TFLite-Micro-style int8 2-D convolution (NHWC input, OHWI weights, int32
 * bias, per-output-channel requantisation with a fixed-point multiplier and
 * shift, input/output zero points, activation clamp) over deterministic
 * pseudo-random data.  It prints a checksum of the int8 output, a few output
 * values and the raw int32 accumulator sum, so a differential run against
 * QEMU compares real data. */
#include <stdint.h>
#include <stdio.h>

#define IN_H 12
#define IN_W 12
#define IN_C 8
#define OUT_C 16
#define K_H 3
#define K_W 3
#define STRIDE 1
#define PAD 1
#define OUT_H ((IN_H + 2 * PAD - K_H) / STRIDE + 1)
#define OUT_W ((IN_W + 2 * PAD - K_W) / STRIDE + 1)

static int8_t input[IN_H * IN_W * IN_C];
static int8_t weights[OUT_C * K_H * K_W * IN_C];
static int32_t bias[OUT_C];
static int32_t out_mult[OUT_C];
static int32_t out_shift[OUT_C];
static int8_t output[OUT_H * OUT_W * OUT_C];

static const int32_t input_offset = 3;    /* -input_zero_point */
static const int32_t output_offset = -5;  /* output_zero_point */
static const int32_t act_min = -128;
static const int32_t act_max = 127;

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

/* Rounding doubling high multiply, as gemmlowp / TFLite define it. */
static int32_t sat_rounding_doubling_high_mul(int32_t a, int32_t b)
{
    if (a == b && a == INT32_MIN) {
        return INT32_MAX;
    }
    int64_t ab = (int64_t)a * (int64_t)b;
    int32_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
    return (int32_t)((ab + nudge) / (1ll << 31));
}

static int32_t rounding_divide_by_pot(int32_t x, int exponent)
{
    int32_t mask = (int32_t)((1ll << exponent) - 1);
    int32_t remainder = x & mask;
    int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

static int32_t multiply_by_quantized_multiplier(int32_t x, int32_t mult, int shift)
{
    int left = shift > 0 ? shift : 0;
    int right = shift > 0 ? 0 : -shift;
    return rounding_divide_by_pot(sat_rounding_doubling_high_mul(x * (1 << left), mult), right);
}

/* CONV_REPEAT > 1 builds the speed benchmark (bench_conv_int8): the same
 * convolution run repeatedly, one input byte changed between runs. */
#ifndef CONV_REPEAT
#define CONV_REPEAT 1
#endif

static int64_t acc_sum;

static void conv(void)
{
    for (int oy = 0; oy < OUT_H; oy++) {
        for (int ox = 0; ox < OUT_W; ox++) {
            for (int oc = 0; oc < OUT_C; oc++) {
                int32_t acc = bias[oc];
                for (int ky = 0; ky < K_H; ky++) {
                    int iy = oy * STRIDE - PAD + ky;
                    if (iy < 0 || iy >= IN_H) {
                        continue;
                    }
                    for (int kx = 0; kx < K_W; kx++) {
                        int ix = ox * STRIDE - PAD + kx;
                        if (ix < 0 || ix >= IN_W) {
                            continue;
                        }
                        const int8_t *in = &input[(iy * IN_W + ix) * IN_C];
                        const int8_t *w = &weights[((oc * K_H + ky) * K_W + kx) * IN_C];
                        for (int ic = 0; ic < IN_C; ic++) {
                            acc += (in[ic] + input_offset) * w[ic];
                        }
                    }
                }
                acc_sum += acc;
                acc = multiply_by_quantized_multiplier(acc, out_mult[oc], (int)out_shift[oc]);
                acc += output_offset;
                if (acc < act_min) {
                    acc = act_min;
                }
                if (acc > act_max) {
                    acc = act_max;
                }
                output[(oy * OUT_W + ox) * OUT_C + oc] = (int8_t)acc;
            }
        }
    }
}

int main(void)
{
    for (unsigned i = 0; i < sizeof input; i++) {
        input[i] = (int8_t)rng();
    }
    for (unsigned i = 0; i < sizeof weights; i++) {
        weights[i] = (int8_t)rng();
    }
    for (int oc = 0; oc < OUT_C; oc++) {
        bias[oc] = (int32_t)(rng() % 4096u) - 2048;
        /* A multiplier in [2^30, 2^31) and a right shift of 9..12: a realistic
         * effective scale around 2^-11. */
        out_mult[oc] = (int32_t)(0x40000000u | (rng() & 0x3FFFFFFFu));
        out_shift[oc] = -(int32_t)(9 + rng() % 4u);
    }

    uint32_t h_runs = 2166136261u;
    for (int rep = 0; rep < CONV_REPEAT; rep++) {
        if (rep > 0) {
            input[(unsigned)rep * 97u % sizeof input] ^= (int8_t)rep;
        }
        conv();
        if (CONV_REPEAT > 1) {
            for (unsigned i = 0; i < sizeof output; i += 4) {
                uint32_t w = (uint32_t)(uint8_t)output[i] | (uint32_t)(uint8_t)output[i + 1] << 8 |
                             (uint32_t)(uint8_t)output[i + 2] << 16 |
                             (uint32_t)(uint8_t)output[i + 3] << 24;
                h_runs = (h_runs ^ w) * 16777619u;
            }
        }
    }
    if (CONV_REPEAT > 1) {
        printf("repeat %d runs-hash %08lx\n", CONV_REPEAT, (unsigned long)h_runs);
    }

    /* FNV-1a over the int8 output. */
    uint32_t h = 2166136261u;
    int32_t sum = 0;
    int saturated = 0;
    for (unsigned i = 0; i < sizeof output; i++) {
        h = (h ^ (uint8_t)output[i]) * 16777619u;
        sum += output[i];
        saturated += output[i] == act_min || output[i] == act_max;
    }
    printf("conv_int8 %dx%dx%d -> %dx%dx%d k%dx%d\n", IN_H, IN_W, IN_C, OUT_H, OUT_W, OUT_C, K_H,
           K_W);
    printf("acc_sum %08lx%08lx\n", (unsigned long)((uint64_t)acc_sum >> 32),
           (unsigned long)(uint32_t)acc_sum);
    printf("out_sum %ld saturated %d\n", (long)sum, saturated);
    printf("out[0..8]");
    for (int i = 0; i < 8; i++) {
        printf(" %d", output[i]);
    }
    printf("\nout[last] %d\n", output[sizeof output - 1]);
    printf("checksum %08lx\n", (unsigned long)h);
    return 0;
}
