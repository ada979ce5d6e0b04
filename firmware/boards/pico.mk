# Raspberry Pi Pico (RP2040, Cortex-M0+): start-up and UART0 in boards/pico/board.c, boot2 in
# boards/pico/boot2.S (its CRC-32 appended by scripts/rp2040_boot2.py, linked first in flash by
# ld/pico.ld), and programs of its own: hello-pico (UART hello and the clock read back from
# the registers), timer-pico (TIMER alarm 0 interrupt) and sdkpath-pico (hardware paths
# pico-sdk takes: USB PHY power-down, INTR cleared through the CLR alias, the LED on GPIO 25).
CHIP_BOARDS += pico
NN_CPU_pico := cortex-m0plus
PICO_DIR := boards/pico
# Generated from boot2.S by the rule below and committed (as tests/alu_asm.S is).
PICO_BOOT2 := $(PICO_DIR)/boot2_crc.S
BOARD_SRCS_pico := $(PICO_DIR)/board.c $(PICO_BOOT2)
BOARD_DEFS_pico := -DBOARD_INIT -DBOARD_UART -I$(PICO_DIR)
BOARD_DEPS_pico := $(PICO_DIR)/rp2040.h boards/pico.mk

$(BUILD)/pico/boot2.elf: $(PICO_DIR)/boot2.S boards/pico.mk
	@mkdir -p $(BUILD)/pico
	$(CC) -mcpu=cortex-m0plus -mthumb -nostdlib -nostartfiles -Wl,--build-id=none \
		-Wl,-Ttext=0x20041f00 -Wl,-e,boot2_entry $< -o $@
$(BUILD)/pico/boot2.bin: $(BUILD)/pico/boot2.elf
	$(OBJCOPY) -O binary -j .text $< $@
$(PICO_BOOT2): $(BUILD)/pico/boot2.bin ../scripts/rp2040_boot2.py
	python3 ../scripts/rp2040_boot2.py $< $@

PICO_PROGS := hello timer sdkpath
define PICO_RULE
$(OUT)/$(1)-pico.elf: $(PICO_DIR)/$(1).c $(BOARD_SRCS_pico) $(BOARD_DEPS_pico) $(COMMON_DEPS) ld/pico.ld \
		$(BUILD)/lib/cortex-m0plus/.stamp | $(OUT)
	$$(CC) $$(CFLAGS) $$(CPUFLAGS_cortex-m0plus) $(BOARD_DEFS_pico) $(PICO_DIR)/$(1).c $$(COMMON_SRCS) \
		$(BOARD_SRCS_pico) -L$(BUILD)/lib/cortex-m0plus $$(LDFLAGS) -Tld/pico.ld -lm -o $$@
endef
$(foreach p,$(PICO_PROGS),$(eval $(call PICO_RULE,$(p))))
ALL += $(foreach p,$(PICO_PROGS),$(p)-pico.elf)

# rom-pico: the boot ROM's routines through its tables; no board start-up, semihosting output.
$(OUT)/rom-pico.elf: $(PICO_DIR)/rom.c $(PICO_BOOT2) $(COMMON_DEPS) ld/pico.ld \
		$(BUILD)/lib/cortex-m0plus/.stamp | $(OUT)
	$(CC) $(CFLAGS) $(CPUFLAGS_cortex-m0plus) $(PICO_DIR)/rom.c $(COMMON_SRCS) $(PICO_BOOT2) \
		-L$(BUILD)/lib/cortex-m0plus $(LDFLAGS) -Tld/pico.ld -lm -o $@
ALL += rom-pico.elf
