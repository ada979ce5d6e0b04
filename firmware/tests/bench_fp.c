/* bench_fp (cortex-m4, cortex-m7): a speed benchmark of FPU-heavy loops, written the way
 * TensorFlow Lite Micro's float reference kernels and a float front end write them
 * (single precision, hard-float ABI, -O2): loops over SRAM arrays of deterministic
 * pseudo-random data.
 *
 *   dequant    int8 -> float, (q - zero_point) * scale (VCVT.F32.S32, VMUL)
 *   fc         float fully connected 64 -> 32 with bias and ReLU (VLDR, VFMA, VMAXNM or VCMP)
 *   conv1d     3-tap float filter over a 256-sample signal (VMLA/VFMA chains)
 *   norm       layer normalisation: mean, variance, 1/sqrtf, scale and shift (VSQRT, VDIV)
 *   softmax    over 32 logits: max, expf, sum, division (libm expf: integer and FP mixed)
 *   logistic   1 / (1 + expf(-x)) over 64 values
 *   requant    float -> int8, lrintf(x / scale) + zero point, clamped (VDIV, VCVTR)
 *   rms        a root-mean-square energy of frames and a log (logf), as a keyword-spotting
 *              front end computes per frame
 *
 * Each kernel folds its output bits into an FNV-1a checksum once per repeat; main prints one
 * line per kernel. scripts/bench.sh runs it in thimble and QEMU and compares the output. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifndef FP_REPEAT
#define FP_REPEAT 3600
#endif

#define N_IN 64
#define N_OUT 32
#define SIG_N 256
#define NORM_N 128
#define SM_N 32
#define LOG_N 64
#define FRAME 32
#define FRAMES 8

static int8_t q_in[N_IN];
static float x_in[N_IN];
static float fc_w[N_OUT * N_IN];
static float fc_b[N_OUT];
static float fc_y[N_OUT];
static float sig[SIG_N + 2];
static float sig_y[SIG_N];
static float norm_x[NORM_N];
static float norm_y[NORM_N];
static float sm_y[SM_N];
static float lg_y[LOG_N];
static int8_t rq_y[NORM_N];
static float rms_y[FRAMES];

static uint32_t rng_state = 0x13579BDFu;
static uint32_t rng(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    rng_state = x;
    return x;
}

/* A float in [-range, range) from the generator, exact in single precision. */
static float rnd(float range)
{
    return ((int32_t)(rng() >> 8) - (1 << 23)) * (range / (float)(1 << 23));
}

static uint32_t fnv(uint32_t h, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        h = (h ^ (v & 0xFF)) * 16777619u;
        v >>= 8;
    }
    return h;
}

/* Folds the bits of n floats into the checksum: a rotate-xor over the words (one EOR with a
 * rotated operand each, so that the checksum stays a small part of the run), then FNV-1a. */
static uint32_t fnv_floats(uint32_t h, const float *x, int n)
{
    uint32_t acc = 0;
    for (int i = 0; i < n; i++) {
        uint32_t v;
        memcpy(&v, &x[i], sizeof v);
        acc = ((acc << 5) | (acc >> 27)) ^ v;
    }
    return fnv(h, acc);
}

static void dequant(const int8_t *q, float *x, int n, int32_t zp, float scale)
{
    for (int i = 0; i < n; i++) {
        x[i] = (float)(q[i] - zp) * scale;
    }
}

static void fc(const float *x, const float *w, const float *b, float *y)
{
    for (int o = 0; o < N_OUT; o++) {
        const float *row = &w[o * N_IN];
        float acc = b[o];
        for (int i = 0; i < N_IN; i += 4) {
            acc += row[i] * x[i];
            acc += row[i + 1] * x[i + 1];
            acc += row[i + 2] * x[i + 2];
            acc += row[i + 3] * x[i + 3];
        }
        y[o] = acc > 0.0f ? acc : 0.0f;
    }
}

static void conv1d(const float *s, float *y, int n)
{
    const float k0 = 0.25f, k1 = 0.5f, k2 = -0.125f;
    for (int i = 0; i < n; i++) {
        y[i] = k0 * s[i] + k1 * s[i + 1] + k2 * s[i + 2];
    }
}

static void norm(const float *x, float *y, int n, float gamma, float beta)
{
    float mean = 0.0f;
    for (int i = 0; i < n; i++) {
        mean += x[i];
    }
    mean /= (float)n;
    float var = 0.0f;
    for (int i = 0; i < n; i++) {
        float d = x[i] - mean;
        var += d * d;
    }
    var /= (float)n;
    float inv = 1.0f / sqrtf(var + 1e-5f);
    for (int i = 0; i < n; i++) {
        y[i] = (x[i] - mean) * inv * gamma + beta;
    }
}

static void softmax(const float *x, float *y, int n)
{
    float max = x[0];
    for (int i = 1; i < n; i++) {
        if (x[i] > max) {
            max = x[i];
        }
    }
    float sum = 0.0f;
    for (int i = 0; i < n; i++) {
        y[i] = expf(x[i] - max);
        sum += y[i];
    }
    for (int i = 0; i < n; i++) {
        y[i] /= sum;
    }
}

static void logistic(const float *x, float *y, int n)
{
    for (int i = 0; i < n; i++) {
        y[i] = 1.0f / (1.0f + expf(-x[i]));
    }
}

static void requant(const float *x, int8_t *q, int n, float scale, int32_t zp)
{
    for (int i = 0; i < n; i++) {
        long v = lrintf(x[i] / scale) + zp;
        q[i] = (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
    }
}

static void rms(const float *s, float *y)
{
    for (int f = 0; f < FRAMES; f++) {
        const float *p = &s[f * FRAME];
        float e = 0.0f;
        for (int i = 0; i < FRAME; i++) {
            e += p[i] * p[i];
        }
        y[f] = logf(sqrtf(e / FRAME) + 1e-6f);
    }
}

int main(void)
{
    for (int i = 0; i < N_IN; i++) {
        q_in[i] = (int8_t)rng();
    }
    for (int i = 0; i < N_OUT * N_IN; i++) {
        fc_w[i] = rnd(0.25f);
    }
    for (int i = 0; i < N_OUT; i++) {
        fc_b[i] = rnd(1.0f);
    }
    for (int i = 0; i < SIG_N + 2; i++) {
        sig[i] = rnd(4.0f);
    }
    for (int i = 0; i < NORM_N; i++) {
        norm_x[i] = rnd(8.0f);
    }

    uint32_t h[8] = {
        2166136261u, 2166136261u, 2166136261u, 2166136261u,
        2166136261u, 2166136261u, 2166136261u, 2166136261u,
    };
    for (int r = 0; r < FP_REPEAT; r++) {
        /* Inputs drift a little per repeat so that no pass repeats the previous one. */
        q_in[r % N_IN] = (int8_t)rng();
        sig[r % SIG_N] = rnd(4.0f);
        norm_x[r % NORM_N] = rnd(8.0f);

        dequant(q_in, x_in, N_IN, 3, 0.0625f);
        h[0] = fnv_floats(h[0], x_in, N_IN);
        fc(x_in, fc_w, fc_b, fc_y);
        h[1] = fnv_floats(h[1], fc_y, N_OUT);
        conv1d(sig, sig_y, SIG_N);
        h[2] = fnv_floats(h[2], sig_y, SIG_N);
        norm(norm_x, norm_y, NORM_N, 1.5f, 0.25f);
        h[3] = fnv_floats(h[3], norm_y, NORM_N);
        softmax(fc_y, sm_y, SM_N);
        h[4] = fnv_floats(h[4], sm_y, SM_N);
        logistic(x_in, lg_y, LOG_N);
        h[5] = fnv_floats(h[5], lg_y, LOG_N);
        requant(norm_y, rq_y, NORM_N, 0.02f, -5);
        for (int i = 0; i < NORM_N; i += 4) {
            uint32_t v;
            memcpy(&v, &rq_y[i], sizeof v);
            h[6] = fnv(h[6], v);
        }
        rms(sig_y, rms_y);
        h[7] = fnv_floats(h[7], rms_y, FRAMES);
    }

    static const char *const names[8] = {
        "dequant", "fc", "conv1d", "norm", "softmax", "logistic", "requant", "rms",
    };
    for (int k = 0; k < 8; k++) {
        printf("%-9s %08lx\n", names[k], (unsigned long)h[k]);
    }
    return 0;
}
