# ST NUCLEO-L4R5ZI (STM32L4R5ZI, Cortex-M4F).
CHIP_BOARDS += nucleo-l4r5zi
NN_CPU_nucleo-l4r5zi := cortex-m4
