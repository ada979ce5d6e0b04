/* nano33ble start-up and console (Arduino Nano 33 BLE Sense, nRF52840), at
 * register level: board_init() runs from common/startup.c before any
 * constructor, board_uart_write() is newlib's _write (-DBOARD_UART).
 *
 * Start-up as Nordic's and Arduino's do it: the NVMC instruction cache on
 * (ICACHECNF.CACHEEN, off at reset), then the 64 MHz crystal oscillator
 * (TASKS_HFCLKSTART, wait for EVENTS_HFCLKSTARTED: the CPU already runs at
 * 64 MHz from HFINT; the crystal makes the clock accurate).
 *
 * Console: UARTE0 on the Nano's Serial1 pins (TX P1.03 = D1, RX P1.10 = D0),
 * 115200 baud 8N1. EasyDMA reads RAM only, so text is copied to a RAM buffer
 * and sent in chunks, waiting for EVENTS_ENDTX after each. */
#include "nrf52840.h"

#define TX_PORT 1u
#define TX_PIN 3u
#define RX_PIN 10u

void board_init(void)
{
    NVMC_ICACHECNF = NVMC_ICACHECNF_CACHEEN;

    CLOCK_EVENTS_HFCLKSTARTED = 0;
    CLOCK_TASKS_HFCLKSTART = 1;
    while (CLOCK_EVENTS_HFCLKSTARTED == 0) {
    }
    CLOCK_EVENTS_HFCLKSTARTED = 0;

    /* TX idles high: drive it before the UARTE takes the pin. */
    P1_OUTSET = 1u << TX_PIN;
    P1_DIRSET = 1u << TX_PIN;
    UARTE0_PSEL_TXD = (TX_PORT << 5) | TX_PIN;
    UARTE0_PSEL_RXD = (TX_PORT << 5) | RX_PIN;
    UARTE0_BAUDRATE = UARTE_BAUDRATE_115200;
    UARTE0_CONFIG = 0; /* 8N1, no flow control */
    UARTE0_ENABLE = UARTE_ENABLE_UARTE;
}

static uint8_t tx_buf[64];

void board_uart_write(const char *buf, int len)
{
    while (len > 0) {
        int n = len < (int)sizeof tx_buf ? len : (int)sizeof tx_buf;
        for (int i = 0; i < n; i++) {
            tx_buf[i] = (uint8_t)buf[i];
        }
        UARTE0_TXD_PTR = (uint32_t)(uintptr_t)tx_buf;
        UARTE0_TXD_MAXCNT = (uint32_t)n;
        UARTE0_EVENTS_ENDTX = 0;
        UARTE0_TASKS_STARTTX = 1;
        while (UARTE0_EVENTS_ENDTX == 0) {
        }
        buf += n;
        len -= n;
    }
}
