# The programs every STM32 board builds from boards/stm32/ (included by the board
# fragments boards/<board>.mk, which set NN_CPU_<board>, BOARD_SRCS_<board>,
# BOARD_DEFS_<board> and BOARD_DEPS_<board> first):
#   hello-<board>.elf  greeting + clocks, flash latency, IDs read back from the chip
#   timer-<board>.elf  TIM2 update interrupt at 1 kHz, period measured with DWT CYCCNT
#   flashws-<board>.elf the same flash-bound loop at two FLASH_ACR.LATENCY values
ifndef STM32_PROG_RULE
STM32_PROGS := hello timer flashws
# $(1) = program, $(2) = board
define STM32_PROG_RULE
$(OUT)/$(1)-$(2).elf: boards/stm32/$(1).c boards/stm32/board.h boards/stm32/programs.mk \
		$(BOARD_SRCS_$(2)) $(BOARD_DEPS_$(2)) $(COMMON_DEPS) ld/$(2).ld \
		$(BUILD)/lib/$(NN_CPU_$(2))/.stamp | $(OUT)
	$$(CC) $$(CFLAGS) $$(CPUFLAGS_$(NN_CPU_$(2))) $(BOARD_DEFS_$(2)) boards/stm32/$(1).c \
		$$(COMMON_SRCS) $(BOARD_SRCS_$(2)) -L$(BUILD)/lib/$(NN_CPU_$(2)) $$(LDFLAGS) \
		-Tld/$(2).ld -lm -o $$@
endef
endif
