/* Shared main() of the model apps: runs model_invoke() on model_input, leaves
 * the result in model_output, prints the top class and the scores (or, for
 * an autoencoder without labels, the reconstruction error) and returns 0.
 *
 * Include after "model.h"; define APP_LABELS (array of MODEL_OUTPUT_ELEMS
 * strings) for classifiers, or APP_AUTOENCODER for a model whose output
 * reconstructs its input. No libc formatting: small integer printers only. */
#include <stdint.h>

#include "nn_io.h"

static char *app_fmt_int(char *p, int32_t v)
{
    char tmp[12];
    int n = 0;
    uint32_t u = v < 0 ? (uint32_t)0 - (uint32_t)v : (uint32_t)v;
    do {
        tmp[n++] = (char)('0' + u % 10u);
        u /= 10u;
    } while (u);
    if (v < 0) {
        *p++ = '-';
    }
    while (n) {
        *p++ = tmp[--n];
    }
    *p = 0;
    return p;
}

/* Fixed-point print with 6 decimals (|v| < 2^31 / 1e6 printed exactly enough). */
__attribute__((unused)) static char *app_fmt_float(char *p, float v)
{
    if (v != v) {
        p[0] = 'n'; p[1] = 'a'; p[2] = 'n'; p[3] = 0;
        return p + 3;
    }
    if (v < 0) {
        *p++ = '-';
        v = -v;
    }
    if (v > 2000.0f) {
        p = app_fmt_int(p, (int32_t)(v > 2.0e9f ? 2.0e9f : v));
        return p;
    }
    int32_t whole = (int32_t)v;
    int32_t frac = (int32_t)((v - (float)whole) * 1000000.0f + 0.5f);
    if (frac >= 1000000) {
        whole++;
        frac -= 1000000;
    }
    p = app_fmt_int(p, whole);
    *p++ = '.';
    for (int32_t d = 100000; d; d /= 10) {
        *p++ = (char)('0' + (frac / d) % 10);
    }
    *p = 0;
    return p;
}

static char *app_cat(char *p, const char *s)
{
    while (*s) {
        *p++ = *s++;
    }
    *p = 0;
    return p;
}

__attribute__((unused)) static float app_score(int32_t i)
{
#if MODEL_OUTPUT_IS_FLOAT
    return model_output[i];
#else
    return (float)model_output[i];
#endif
}

int main(void)
{
    static char line[80];
    char *p;
    model_invoke();
    p = app_cat(line, "model: ");
    p = app_cat(p, MODEL_NAME);
    app_cat(p, "\n");
    io_puts(line);
#ifdef APP_AUTOENCODER
    /* Anomaly score: mean squared reconstruction error. */
    float err = 0.0f;
    for (int32_t i = 0; i < MODEL_OUTPUT_ELEMS; i++) {
        const float d = (float)model_input[i] - (float)model_output[i];
        err += d * d;
    }
    err /= (float)MODEL_OUTPUT_ELEMS;
    p = app_cat(line, "anomaly score (mse): ");
    p = app_fmt_float(p, err);
    app_cat(p, "\n");
    io_puts(line);
    const int32_t shown = 8;
#else
    int32_t top = 0;
    for (int32_t i = 1; i < MODEL_OUTPUT_ELEMS; i++) {
        if (app_score(i) > app_score(top)) {
            top = i;
        }
    }
    p = app_cat(line, "top: ");
    p = app_fmt_int(p, top);
    p = app_cat(p, " ");
    p = app_cat(p, APP_LABELS[top]);
    app_cat(p, "\n");
    io_puts(line);
    const int32_t shown = MODEL_OUTPUT_ELEMS;
#endif
    for (int32_t i = 0; i < shown && i < MODEL_OUTPUT_ELEMS; i++) {
        p = app_cat(line, "score ");
        p = app_fmt_int(p, i);
        p = app_cat(p, ": ");
#if MODEL_OUTPUT_IS_FLOAT
        p = app_fmt_float(p, model_output[i]);
#else
        p = app_fmt_int(p, model_output[i]);
#endif
        app_cat(p, "\n");
        io_puts(line);
    }
#ifdef APP_DUMP_OUTPUT
    /* Raw output bytes, for bit-exact comparison where the output symbol
     * cannot be dumped (QEMU): "output-hex: " then 32 bytes per line. */
    {
        static const char hex[] = "0123456789abcdef";
        const uint8_t *b = (const uint8_t *)model_output;
        const int32_t n = (int32_t)sizeof(model_output);
        for (int32_t i = 0; i < n; i += 24) {
            p = app_cat(line, "output-hex: ");
            for (int32_t k = i; k < n && k < i + 24; k++) {
                *p++ = hex[b[k] >> 4];
                *p++ = hex[b[k] & 15];
            }
            app_cat(p, "\n");
            io_puts(line);
        }
    }
#endif
    return 0;
}
