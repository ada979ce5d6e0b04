/* ci/ci_fault: a data read from an address where nothing is mapped, three
 * calls deep (main -> run_pipeline -> filter_block -> read_sample).  On
 * nano33ble (nRF52840) 0x60000000 is outside flash, SRAM and the peripheral
 * space, so the load is a precise BusFault; with BusFault disabled it
 * escalates to HardFault, whose default handler spins.  thimble must print
 * one readable fault line, the decoded fault registers and a backtrace with
 * each function, its offset and its file:line. */
#include <stdint.h>

#include "semihosting.h"

#define SENSOR_FIFO ((volatile const int16_t *)0x60000000u)

__attribute__((noinline)) static int32_t read_sample(volatile const int16_t *fifo, uint32_t i)
{
    return fifo[i];
}

__attribute__((noinline)) static int32_t filter_block(volatile const int16_t *fifo, uint32_t n)
{
    int32_t acc = 0;
    for (uint32_t i = 0; i < n; i++) {
        acc += read_sample(fifo, i) >> 2;
    }
    return acc;
}

__attribute__((noinline)) static int32_t run_pipeline(uint32_t blocks)
{
    int32_t total = 0;
    for (uint32_t b = 0; b < blocks; b++) {
        total += filter_block(SENSOR_FIFO + 64u * b, 64);
    }
    return total;
}

int main(void)
{
    sh_write0("ci_fault: reading the sensor FIFO\n");
    int32_t v = run_pipeline(4);
    sh_write0(v ? "nonzero\n" : "zero\n");
    sh_exit(0);
}
