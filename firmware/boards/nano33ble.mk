# Arduino Nano 33 BLE Sense (nRF52840, Cortex-M4F): start-up (NVMC cache, HFXO)
# and the UARTE0 console in boards/nano33ble/board.c; its own programs
# hello-nano33ble (chip and clock read back) and timer-nano33ble (RTC0 and
# TIMER1 interrupts measured with CYCCNT) and level-nano33ble (TIMER1's
# interrupt line is level-sensitive: re-entry, ICPR, late enable, PRIMASK).
CHIP_BOARDS += nano33ble
NN_CPU_nano33ble := cortex-m4
BOARD_SRCS_nano33ble := boards/nano33ble/board.c
BOARD_DEFS_nano33ble := -DBOARD_INIT -DBOARD_UART -Iboards/nano33ble
BOARD_DEPS_nano33ble := boards/nano33ble/nrf52840.h boards/nano33ble.mk

NANO33BLE_PROGS := hello timer level
define NANO33BLE_RULE
$(OUT)/$(1)-nano33ble.elf: boards/nano33ble/$(1).c $(BOARD_SRCS_nano33ble) $(BOARD_DEPS_nano33ble) \
		$(COMMON_DEPS) ld/nano33ble.ld $(BUILD)/lib/cortex-m4/.stamp | $(OUT)
	$$(CC) $$(CFLAGS) $$(CPUFLAGS_cortex-m4) $(BOARD_DEFS_nano33ble) boards/nano33ble/$(1).c \
		$(BOARD_SRCS_nano33ble) $$(COMMON_SRCS) -L$(BUILD)/lib/cortex-m4 $$(LDFLAGS) \
		-Tld/nano33ble.ld -lm -o $$@
endef
$(foreach p,$(NANO33BLE_PROGS),$(eval $(call NANO33BLE_RULE,$(p))))
ALL += $(foreach p,$(NANO33BLE_PROGS),$(p)-nano33ble.elf)
