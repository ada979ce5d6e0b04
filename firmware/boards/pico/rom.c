/* rom-pico: calls the RP2040 boot ROM the way pico-sdk does -- rom_table_lookup through the
 * 16-bit pointers at 0x14 (function table), 0x16 (data table) and 0x18 (the lookup function),
 * codes of two ASCII characters (RP2040 datasheet sec. 2.8.3) -- and prints what the bit,
 * memory, flash, soft-float and soft-double routines return, through semihosting. It runs at
 * the clock the ROM leaves (no board start-up), so it also shows that boot2 and the ROM's
 * reset path reach main. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define CODE(a, b) ((uint32_t)(a) | ((uint32_t)(b) << 8))

/* The ROM lives at address 0: read it through a laundered address so that the compiler does
 * not treat the small constants as null-pointer arithmetic. */
static uintptr_t rom_addr(uintptr_t a)
{
    __asm__("" : "+r"(a));
    return a;
}

static uint32_t rom_u8(uintptr_t a)
{
    return *(const volatile uint8_t *)rom_addr(a);
}

static uint32_t rom_u16(uintptr_t a)
{
    return *(const volatile uint16_t *)rom_addr(a);
}

typedef void *(*lookup_fn)(const uint16_t *table, uint32_t code);

static void *rom_lookup(uintptr_t table_ptr, uint32_t code)
{
    lookup_fn lookup = (lookup_fn)rom_addr(rom_u16(0x18));
    return lookup((const uint16_t *)rom_addr(rom_u16(table_ptr)), code);
}

static void *rom_func(uint32_t code)
{
    return rom_lookup(0x14, code);
}

static void *rom_data(uint32_t code)
{
    return rom_lookup(0x16, code);
}

typedef uint32_t (*u32_fn)(uint32_t);
typedef uint8_t *(*memset_fn)(uint8_t *, uint8_t, uint32_t);
typedef uint8_t *(*memcpy_fn)(uint8_t *, const uint8_t *, uint32_t);
typedef void (*void_fn)(void);
typedef float (*ff_fn)(float, float);
typedef float (*f_fn)(float);
typedef int (*fi_fn)(float);
typedef int (*fix_fn)(float, int);
typedef double (*dd_fn)(double, double);
typedef double (*d_fn)(double);
typedef double (*f2d_fn)(float);

static uint32_t bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static uint64_t dbits(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

/* newlib-nano's printf has no %llx: a double's bits as two words. */
static unsigned hi(double d)
{
    return (unsigned)(dbits(d) >> 32);
}

static unsigned lo(double d)
{
    return (unsigned)dbits(d);
}

static uint8_t src[64], dst[64];

int main(void)
{
    printf("rom: magic %c%c%02x version %u\n", (int)rom_u8(0x10), (int)rom_u8(0x11),
           (unsigned)rom_u8(0x12), (unsigned)rom_u8(0x13));
    printf("popcount32(0xf0f0f00f) = %u\n", (unsigned)((u32_fn)rom_func(CODE('P', '3')))(0xf0f0f00fu));
    printf("clz32(0x00010000) = %u\n", (unsigned)((u32_fn)rom_func(CODE('L', '3')))(0x10000u));
    printf("ctz32(0x00010000) = %u\n", (unsigned)((u32_fn)rom_func(CODE('T', '3')))(0x10000u));
    printf("reverse32(0x00000001) = 0x%08x\n", (unsigned)((u32_fn)rom_func(CODE('R', '3')))(1u));

    for (int i = 0; i < 64; i++) {
        src[i] = (uint8_t)(i * 7 + 1);
    }
    ((memset_fn)rom_func(CODE('M', 'S')))(dst, 0xA5, sizeof dst);
    ((memcpy_fn)rom_func(CODE('M', 'C')))(dst + 3, src + 1, 37);
    ((memcpy_fn)rom_func(CODE('C', '4')))(dst + 44, src + 8, 16);
    uint32_t sum = 0;
    for (int i = 0; i < 64; i++) {
        sum = sum * 31u + dst[i];
    }
    printf("memset/memcpy/memcpy44: hash 0x%08x, dst[3] %u, dst[40] 0x%02x, dst[63] %u\n",
           (unsigned)sum, dst[3], dst[40], dst[63]);

    ((void_fn)rom_func(CODE('F', 'C')))(); /* flash_flush_cache: a warned no-op */

    const uint32_t *sf = rom_data(CODE('S', 'F'));
    const uint32_t *sd = rom_data(CODE('S', 'D'));
    printf("float table %s, double table %s, size byte %u\n", sf ? "found" : "missing",
           sd ? "found" : "missing", (unsigned)rom_u8((uintptr_t)sf - 2));
    float fa = ((ff_fn)sf[0x00 / 4])(1.5f, 2.25f);
    float fm = ((ff_fn)sf[0x08 / 4])(1.5f, -3.0f);
    float fd = ((ff_fn)sf[0x0c / 4])(1.0f, 3.0f);
    float fs = ((f_fn)sf[0x18 / 4])(2.0f);
    printf("fadd 0x%08x fmul 0x%08x fdiv 0x%08x fsqrt 0x%08x\n", (unsigned)bits(fa),
           (unsigned)bits(fm), (unsigned)bits(fd), (unsigned)bits(fs));
    printf("float2int(-1.5) = %d, float2fix(0.5, 16) = 0x%x, float2uint(-3) = %d\n",
           ((fi_fn)sf[0x1c / 4])(-1.5f), (unsigned)((fix_fn)sf[0x20 / 4])(0.5f, 16),
           ((fi_fn)sf[0x24 / 4])(-3.0f));
    printf("fexp(1) 0x%08x fln(2) 0x%08x\n", (unsigned)bits(((f_fn)sf[0x4c / 4])(1.0f)),
           (unsigned)bits(((f_fn)sf[0x50 / 4])(2.0f)));
    double da = ((dd_fn)sd[0x00 / 4])(0.1, 0.2);
    double dq = ((dd_fn)sd[0x0c / 4])(1.0, 3.0);
    double dr = ((d_fn)sd[0x18 / 4])(2.0);
    double df = ((f2d_fn)sf[0x7c / 4])(0.1f);
    printf("dadd 0x%08x%08x ddiv 0x%08x%08x\n", hi(da), lo(da), hi(dq), lo(dq));
    printf("dsqrt 0x%08x%08x float2double 0x%08x%08x\n", hi(dr), lo(dr), hi(df), lo(df));
    return 0;
}
