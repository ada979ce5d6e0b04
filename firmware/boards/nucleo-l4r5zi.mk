# ST NUCLEO-L4R5ZI (STM32L4R5ZI, Cortex-M4F): start-up to 120 MHz and the console on
# LPUART1 (boards/nucleo-l4r5zi/board.c); hello and timer from boards/stm32/.
CHIP_BOARDS += nucleo-l4r5zi
NN_CPU_nucleo-l4r5zi := cortex-m4
BOARD_SRCS_nucleo-l4r5zi := boards/nucleo-l4r5zi/board.c
BOARD_DEFS_nucleo-l4r5zi := -DBOARD_INIT -DBOARD_UART -Iboards/stm32
BOARD_DEPS_nucleo-l4r5zi := boards/stm32/board.h boards/nucleo-l4r5zi.mk
include boards/stm32/programs.mk
$(foreach p,$(STM32_PROGS),$(eval $(call STM32_PROG_RULE,$(p),nucleo-l4r5zi)))
ALL += $(foreach p,$(STM32_PROGS),$(p)-nucleo-l4r5zi.elf)
