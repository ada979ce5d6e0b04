# Arduino Nano 33 BLE Sense (nRF52840, Cortex-M4F).
CHIP_BOARDS += nano33ble
NN_CPU_nano33ble := cortex-m4
