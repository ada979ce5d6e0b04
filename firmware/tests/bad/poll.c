/* bad/poll: waits for a ready bit that never comes. On the STM32L4R5 the ADC
 * sets ISR.ADRDY (bit 0) once ADEN is set (RM0432 sec. 21.4.9); thimble models
 * no ADC, so the bit stays 0 and the loop spins until the run limit, whose
 * message must name the register and the bit (ADC_ISR, 0x50040000, bit 0 ADRDY). */
#include <stdint.h>
#include <stdio.h>

#define ADC_ISR (*(volatile uint32_t *)0x50040000u)
#define ADC_CR (*(volatile uint32_t *)0x50040008u)

int main(void)
{
    puts("enabling the ADC");
    ADC_CR |= 1u; /* ADEN */
    while (!(ADC_ISR & 1u)) {
    }
    puts("ADC ready");
    return 0;
}
