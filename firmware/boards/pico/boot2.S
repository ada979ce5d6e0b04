/* boot2 for thimble's pico firmware: the second stage the RP2040's boot ROM copies from the
 * first 256 bytes of flash to 0x2004_1F00 and enters with LR = 0 once their CRC-32 checks out
 * (RP2040 datasheet sec. 2.8.1.3; scripts/rp2040_boot2.py appends the CRC).
 *
 * The ROM leaves the flash readable with slow serial 03h reads. This stage switches the SSI to
 * what the Pico's W25Q16JV does fastest without DDR: quad I/O fast read (EBh) in continuous
 * read mode, SCK = clk_sys / 2, so that every later XIP cache miss is 8 address+mode clocks,
 * 4 wait clocks and 16 data clocks (W25Q16JV datasheet sec. 8.2.13 "Fast Read Quad I/O").
 * Quad I/O needs the flash's QE bit (status register 2, bit 1); it is set once if clear.
 * Then the image's vector table at 0x1000_0100 is entered: VTOR, MSP and PC from it. A caller
 * that is not the ROM (LR != 0) gets a return instead. */
    .syntax unified
    .cpu cortex-m0plus
    .thumb
    .file "boot2.S"

    .equ SSI_BASE, 0x18000000           /* XIP_SSI, datasheet sec. 4.10.13 */
    .equ SSI_CTRLR0, 0x00
    .equ SSI_CTRLR1, 0x04
    .equ SSI_SSIENR, 0x08
    .equ SSI_BAUDR, 0x14
    .equ SSI_SR, 0x28
    .equ SSI_DR0, 0x60
    .equ SSI_SPI_CTRLR0, 0xF4
    .equ SR_BUSY, 0x01
    .equ SR_TFE, 0x04
    .equ CTRLR0_SERIAL_8BIT, (7 << 16)                      /* DFS_32 = 7, TMOD = TX and RX */
    .equ CTRLR0_QUAD_XIP, ((2 << 21) | (31 << 16) | (3 << 8)) /* quad, 32-bit, EEPROM read */
    .equ SPI_EB_COMMAND, ((4 << 11) | (2 << 8) | (8 << 2) | 1) /* 4 wait, 8-bit cmd, 32-bit addr, 1C2A */
    .equ SPI_XIP_CONTINUOUS, ((0xA0 << 24) | (4 << 11) | (8 << 2) | 2) /* mode A0, no cmd, 2C2A */
    .equ IMAGE_VECTORS, 0x10000100
    .equ VTOR, 0xE000ED08

    .section .text.boot2, "ax"
    .global boot2_entry
    .type boot2_entry, %function
    .thumb_func
boot2_entry:
    push {lr}
    ldr r3, =SSI_BASE
    movs r0, #0
    str r0, [r3, #SSI_SSIENR]
    movs r0, #2
    str r0, [r3, #SSI_BAUDR]
    ldr r0, =CTRLR0_SERIAL_8BIT
    str r0, [r3, #SSI_CTRLR0]
    movs r0, #1
    str r0, [r3, #SSI_SSIENR]

    movs r0, #0x35                      /* read status register 2 */
    bl status_read
    lsrs r0, r0, #2                     /* QE (bit 1) into carry */
    bcs quad_enabled
    movs r0, #0x06                      /* write enable */
    str r0, [r3, #SSI_DR0]
    bl ssi_idle
    ldr r0, [r3, #SSI_DR0]
    movs r0, #0x31                      /* write status register 2 ... */
    str r0, [r3, #SSI_DR0]
    movs r0, #0x02                      /* ... with QE set */
    str r0, [r3, #SSI_DR0]
    bl ssi_idle
    ldr r0, [r3, #SSI_DR0]
    ldr r0, [r3, #SSI_DR0]
write_busy:
    movs r0, #0x05                      /* status register 1: BUSY in bit 0 */
    bl status_read
    lsrs r0, r0, #1
    bcs write_busy

quad_enabled:
    movs r0, #0
    str r0, [r3, #SSI_SSIENR]
    ldr r0, =CTRLR0_QUAD_XIP
    str r0, [r3, #SSI_CTRLR0]
    movs r0, #0
    str r0, [r3, #SSI_CTRLR1]           /* one 32-bit frame per transfer */
    ldr r1, =(SSI_BASE + SSI_SPI_CTRLR0)
    ldr r0, =SPI_EB_COMMAND
    str r0, [r1]
    movs r0, #1
    str r0, [r3, #SSI_SSIENR]
    movs r0, #0xEB                      /* one EBh read puts the flash in continuous mode */
    str r0, [r3, #SSI_DR0]
    movs r0, #0xA0                      /* address 0, mode bits A0h */
    str r0, [r3, #SSI_DR0]
    bl ssi_idle
    movs r0, #0
    str r0, [r3, #SSI_SSIENR]
    ldr r0, =SPI_XIP_CONTINUOUS          /* from now on: address + A0h, no command */
    str r0, [r1]
    movs r0, #1
    str r0, [r3, #SSI_SSIENR]

    pop {r0}
    cmp r0, #0
    beq enter_image
    bx r0
enter_image:
    ldr r1, =VTOR
    ldr r0, =IMAGE_VECTORS
    str r0, [r1]
    ldmia r0!, {r1, r2}
    msr msp, r1
    bx r2

/* status_read: sends command r0 and a dummy byte; returns the second byte received. */
    .thumb_func
status_read:
    push {lr}
    str r0, [r3, #SSI_DR0]
    str r0, [r3, #SSI_DR0]
    bl ssi_idle
    ldr r0, [r3, #SSI_DR0]
    ldr r0, [r3, #SSI_DR0]
    pop {pc}

/* ssi_idle: waits until the transmit FIFO is empty and the SSI no longer busy. */
    .thumb_func
ssi_idle:
    ldr r2, [r3, #SSI_SR]
    movs r0, #(SR_TFE | SR_BUSY)
    ands r2, r0
    cmp r2, #SR_TFE
    bne ssi_idle
    bx lr

/* The literal pool last, in the words just below the CRC, as pico-sdk's boot2 keeps its own:
 * the stack boot2 runs on (the ROM's, below 0x2004_1F00) must not reach it. IMAGE_VECTORS is
 * the pool's last word (0xF8), where status_read's push would land if the ROM's stack started
 * at the top of SRAM instead: the image would then not start. Eight literals of 4 bytes. */
    .org 252 - 8 * 4
    .ltorg
