/* loadstore: every load/store addressing mode, checked against QEMU.
 *
 * loadstore_asm.S exercises immediate, register and PC/SP-relative
 * addressing, LDM/STM/PUSH/POP (incl. PC) on every profile, and on v7-M
 * pre/post-indexing with writeback, shifted register offsets, LDRD/STRD,
 * STMDB/LDMDB, LDRT/STRBT, PLD, LDREX/STREX/CLREX (byte, half, word) and
 * unaligned LDR/STR/LDRH/STRH.  This file prints what they observed, then
 * checks newlib's memcpy/memmove/memset/strlen/strcmp over every small
 * alignment and length, and plain C loads and stores of every width. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#if __ARM_ARCH_7M__ || __ARM_ARCH_7EM__
#define V7 1
#else
#define V7 0
#endif

uint32_t *ls_v6(uint8_t *buf, uint32_t *out);
#if V7
uint32_t *ls_v7(uint8_t *buf, uint32_t *out);
#endif

static uint8_t buf[256] __attribute__((aligned(8)));
static uint32_t out[128];

static void fill(uint8_t *p, unsigned n, uint8_t seed)
{
    for (unsigned i = 0; i < n; i++) {
        p[i] = (uint8_t)(seed + i * 37u + (i >> 3));
    }
}

static uint32_t fnv_bytes(uint32_t h, const void *p, unsigned n)
{
    const uint8_t *b = p;
    for (unsigned i = 0; i < n; i++) {
        h = (h ^ b[i]) * 16777619u;
    }
    return h;
}

static void dump(const char *name, const uint32_t *end)
{
    printf("%s (%u words)", name, (unsigned)(end - out));
    for (const uint32_t *p = out; p < end; p++) {
        printf("%s%08lx", (p - out) % 8 == 0 ? "\n " : " ", (unsigned long)*p);
    }
    printf("\n%s buf %08lx\n", name, (unsigned long)fnv_bytes(2166136261u, buf, sizeof buf));
}

static uint8_t src[96] __attribute__((aligned(8)));
static uint8_t dst[96] __attribute__((aligned(8)));

static void string_functions(void)
{
    uint32_t h = 2166136261u;
    for (unsigned so = 0; so < 4; so++) {
        for (unsigned d = 0; d < 4; d++) {
            for (unsigned n = 0; n < 40; n += 3) {
                fill(src, sizeof src, (uint8_t)(so * 16 + d));
                memset(dst, 0xEE, sizeof dst);
                memcpy(dst + d, src + so, n);
                h = fnv_bytes(h, dst, sizeof dst);
            }
        }
    }
    printf("memcpy %08lx\n", (unsigned long)h);

    h = 2166136261u;
    for (unsigned off = 0; off < 8; off++) {
        for (unsigned n = 0; n < 48; n += 5) {
            fill(dst, sizeof dst, (uint8_t)off);
            memmove(dst + off, dst + 3, n); /* overlapping both ways */
            memmove(dst + 2, dst + off + 4, n / 2);
            h = fnv_bytes(h, dst, sizeof dst);
        }
    }
    printf("memmove %08lx\n", (unsigned long)h);

    h = 2166136261u;
    for (unsigned off = 0; off < 8; off++) {
        for (unsigned n = 0; n < 70; n += 7) {
            memset(dst, 0x11, sizeof dst);
            memset(dst + off, (int)(0xA0 + n), n);
            h = fnv_bytes(h, dst, sizeof dst);
        }
    }
    printf("memset %08lx\n", (unsigned long)h);

    h = 2166136261u;
    for (unsigned off = 0; off < 8; off++) {
        for (unsigned n = 0; n < 40; n += 3) {
            memset(dst, 'x', sizeof dst);
            dst[off + n] = 0;
            h = (h ^ (uint32_t)strlen((const char *)dst + off)) * 16777619u;
            memcpy(src, dst, sizeof src);
            src[off + n / 2] = 'y';
            int c = strcmp((const char *)dst + off, (const char *)src + off);
            h = (h ^ (uint32_t)(c > 0 ? 1 : c < 0 ? 2 : 3)) * 16777619u;
        }
    }
    printf("strlen/strcmp %08lx\n", (unsigned long)h);
}

/* Plain C accesses of every width and signedness through volatile pointers,
 * so the compiler emits each load and store. */
static void c_accesses(void)
{
    fill(buf, sizeof buf, 0x5A);
    volatile uint8_t *b = buf;
    volatile int8_t *sb = (volatile int8_t *)buf;
    volatile uint16_t *hw = (volatile uint16_t *)buf;
    volatile int16_t *shw = (volatile int16_t *)buf;
    volatile uint32_t *w = (volatile uint32_t *)buf;
    volatile uint64_t *dw = (volatile uint64_t *)buf;
    uint32_t h = 2166136261u;
    for (int i = 0; i < 32; i++) {
        uint32_t v = (uint32_t)b[i * 7 % 256] + (uint32_t)sb[i * 5 % 256] +
                     (uint32_t)hw[i * 3 % 128] + (uint32_t)shw[i * 11 % 128] + w[i % 64];
        uint64_t d = dw[i % 32];
        h = (h ^ v) * 16777619u;
        h = (h ^ (uint32_t)(d >> 32) ^ (uint32_t)d) * 16777619u;
        w[(i * 13) % 64] = v;
        hw[(i * 17) % 128] = (uint16_t)(v >> 3);
        b[(i * 19) % 256] = (uint8_t)(v >> 5);
        dw[(i * 23) % 32] = d + v;
    }
    printf("c_accesses %08lx buf %08lx\n", (unsigned long)h,
           (unsigned long)fnv_bytes(2166136261u, buf, sizeof buf));
}

int main(void)
{
    printf("loadstore %s\n", V7 ? "armv7-m" : "armv6-m");

    fill(buf, sizeof buf, 0x10);
    dump("ls_v6", ls_v6(buf, out));
#if V7
    fill(buf, sizeof buf, 0x80);
    dump("ls_v7", ls_v7(buf, out));
#endif
    string_functions();
    c_accesses();
    return 0;
}
