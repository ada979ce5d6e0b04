/* hello-nano33ble: prints over UARTE0 which chip it runs on and the clock it
 * set up, read back from the registers (FICR, CLOCK, NVMC). */
#include <stdio.h>

#include "nrf52840.h"

int main(void)
{
    uint32_t part = FICR_INFO_PART, variant = FICR_INFO_VARIANT;
    char v[5] = {(char)(variant >> 24), (char)(variant >> 16), (char)(variant >> 8),
                 (char)variant, 0};
    printf("hello from nano33ble: nRF%lx variant %s, %lu KiB flash, %lu KiB RAM\n",
           (unsigned long)part, v, (unsigned long)FICR_INFO_FLASH,
           (unsigned long)FICR_INFO_RAM);
    printf("device id %08lx%08lx\n", (unsigned long)FICR_DEVICEID1,
           (unsigned long)FICR_DEVICEID0);

    uint32_t stat = CLOCK_HFCLKSTAT;
    int xtal = (stat & CLOCK_HFCLKSTAT_SRC_XTAL) != 0;
    int running = (stat & CLOCK_STAT_RUNNING) != 0;
    /* HCLK is 64 MHz from either source (PS "CLOCK"): the crystal makes it accurate. */
    printf("clock: %s, %s, CPU at 64 MHz (HFCLKSTAT 0x%08lx)\n",
           xtal ? "HFXO crystal" : "HFINT RC oscillator", running ? "running" : "not running",
           (unsigned long)stat);
    printf("instruction cache %s (ICACHECNF 0x%08lx)\n",
           (NVMC_ICACHECNF & NVMC_ICACHECNF_CACHEEN) ? "on" : "off",
           (unsigned long)NVMC_ICACHECNF);
    return xtal && running ? 0 : 1;
}
