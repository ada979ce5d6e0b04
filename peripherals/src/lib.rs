//! Devices of the modelled boards: the Cortex-M system control space (NVIC, SCB, SysTick, DWT,
//! FPU control), the CMSDK UART of the MPS2 boards, and ARM semihosting with a host sandbox.
