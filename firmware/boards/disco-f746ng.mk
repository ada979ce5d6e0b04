# ST 32F746G-DISCO (STM32F746NG, Cortex-M7 with the single-precision FPv5): start-up to
# 216 MHz with over-drive, ART and L1 caches, and the console on USART1
# (boards/disco-f746ng/board.c); hello and timer from boards/stm32/.
# The F746's FPU is FPv5-SP (DS10916 §3.2): built with -mfpu=fpv5-sp-d16, not the
# double-precision fpv5-d16 of CPUFLAGS_cortex-m7 (QEMU's mps2-an500).
CPUFLAGS_cortex-m7-sp := -mcpu=cortex-m7 -mfloat-abi=hard -mfpu=fpv5-sp-d16
EXTRA_CPUS += cortex-m7-sp
CHIP_BOARDS += disco-f746ng
NN_CPU_disco-f746ng := cortex-m7-sp
BOARD_SRCS_disco-f746ng := boards/disco-f746ng/board.c
BOARD_DEFS_disco-f746ng := -DBOARD_INIT -DBOARD_UART -Iboards/stm32
BOARD_DEPS_disco-f746ng := boards/stm32/board.h boards/disco-f746ng.mk
include boards/stm32/programs.mk
$(foreach p,$(STM32_PROGS),$(eval $(call STM32_PROG_RULE,$(p),disco-f746ng)))
ALL += $(foreach p,$(STM32_PROGS),$(p)-disco-f746ng.elf)
