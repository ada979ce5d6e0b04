/* Kernel test harness: runs a batch of kernel cases described in the data
 * symbol nn_test_blob and prints each output as hex, so a host test can
 * compare every firmware kernel with a reference implementation bit for bit
 * (model-import/tests/it/toolchain_kernels.rs: random shapes and quantization,
 * QEMU today, the simulator later via --load nn_test_blob=FILE).
 *
 * Blob layout (little-endian int32 words, byte arrays padded to 4 bytes):
 *   per case: kernel, n_params, in_bytes, in2_bytes, filter_bytes, chans,
 *             out_bytes, has_bias, params[n_params], bias[chans], mult[chans],
 *             shift[chans], in, in2, filter
 *   kernel 0 ends the list.
 * Kernels: 1 conv2d, 2 depthwise, 3 fully connected (params: nn_fc_params
 * fields; bias uses `bias`), 4 avg pool, 5 max pool, 6 add, 7 softmax.
 * Output: "case <i>: <hex>" per case, then "cases: <n>". */
#include <stdint.h>
#include <string.h>

#include "nn.h"
#include "nn_io.h"

#define NN_TEST_BLOB_BYTES (192 * 1024)
#define NN_TEST_OUT_BYTES (32 * 1024)

/* In .data (not .bss) so the bytes exist in the ELF file and can be patched. */
__attribute__((aligned(16), section(".data.nn_test_blob"))) uint8_t nn_test_blob[NN_TEST_BLOB_BYTES] = {0};
__attribute__((aligned(16))) int8_t nn_test_out[NN_TEST_OUT_BYTES];

static char line[96];

static const int32_t *take(const uint8_t **p, int32_t bytes)
{
    const int32_t *r = (const int32_t *)*p;
    *p += (bytes + 3) & ~3;
    return r;
}

static char *put_int(char *p, int32_t v)
{
    char tmp[12];
    int n = 0;
    uint32_t u = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
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
    return p;
}

static void print_case(int32_t index, const int8_t *out, int32_t n)
{
    static const char hex[] = "0123456789abcdef";
    char *p = line;
    memcpy(p, "case ", 5);
    p = put_int(p + 5, index);
    *p++ = ':';
    *p++ = ' ';
    for (int32_t i = 0; i < n; i++) {
        const uint8_t b = (uint8_t)out[i];
        *p++ = hex[b >> 4];
        *p++ = hex[b & 15];
        if (p - line > (int)sizeof(line) - 4 || i == n - 1) {
            if (i != n - 1) {
                *p++ = '\\'; /* continued on the next line */
            }
            *p++ = '\n';
            *p = 0;
            io_puts(line);
            p = line;
            if (i != n - 1) {
                *p++ = ' ';
            }
        }
    }
    if (n == 0) {
        *p++ = '\n';
        *p = 0;
        io_puts(line);
    }
}

int main(void)
{
    const uint8_t *p = nn_test_blob;
    int32_t index = 0;
    for (;;) {
        const int32_t *h = take(&p, 8 * 4);
        const int32_t kernel = h[0], n_params = h[1], in_bytes = h[2], in2_bytes = h[3];
        const int32_t filter_bytes = h[4], chans = h[5], out_bytes = h[6], has_bias = h[7];
        if (kernel == 0 || out_bytes > NN_TEST_OUT_BYTES || n_params > 32) {
            break;
        }
        const int32_t *params = take(&p, n_params * 4);
        const int32_t *bias = take(&p, chans * 4);
        const int32_t *mult = take(&p, chans * 4);
        const int32_t *shift = take(&p, chans * 4);
        const int8_t *in = (const int8_t *)take(&p, in_bytes);
        const int8_t *in2 = (const int8_t *)take(&p, in2_bytes);
        const int8_t *filter = (const int8_t *)take(&p, filter_bytes);
        memset(nn_test_out, 0x55, (uint32_t)out_bytes);
        if (kernel == 1 || kernel == 2) {
            nn_conv_params cp;
            memcpy(&cp, params, 20 * 4);
            cp.filter = filter;
            cp.bias = has_bias ? bias : 0;
            cp.mult = mult;
            cp.shift = shift;
            if (kernel == 1) {
                nn_conv2d_s8(&cp, in, nn_test_out);
            } else {
                nn_depthwise_conv2d_s8(&cp, in, nn_test_out);
            }
        } else if (kernel == 3) {
            nn_fc_params fp;
            memcpy(&fp, params, 10 * 4);
            fp.filter = filter;
            fp.bias = has_bias ? bias : 0;
            nn_fully_connected_s8(&fp, in, nn_test_out);
        } else if (kernel == 4 || kernel == 5) {
            nn_pool_params pp;
            memcpy(&pp, params, sizeof(pp));
            if (kernel == 4) {
                nn_avg_pool_s8(&pp, in, nn_test_out);
            } else {
                nn_max_pool_s8(&pp, in, nn_test_out);
            }
        } else if (kernel == 6) {
            nn_add_params ap;
            memcpy(&ap, params, sizeof(ap));
            nn_add_s8(&ap, in, in2, nn_test_out);
        } else if (kernel == 7) {
            nn_softmax_params sp;
            memcpy(&sp, params, sizeof(sp));
            nn_softmax_s8(&sp, in, nn_test_out);
        }
        print_case(index, nn_test_out, out_bytes);
        index++;
    }
    char *q = line;
    memcpy(q, "cases: ", 7);
    q = put_int(q + 7, index);
    *q++ = '\n';
    *q = 0;
    io_puts(line);
    return 0;
}
