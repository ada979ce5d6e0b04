/* bad/jump_unmapped: calls a function at 0x90000000 (Thumb bit set), where no
 * memory exists on any of thimble's boards.  The instruction fetch faults;
 * with no BusFault handler enabled it escalates to HardFault, whose default
 * handler spins, and thimble must report a HardFault with PC 0x90000000. */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
    printf("jumping to 0x90000000\n");
    void (*volatile target)(void) = (void (*)(void))(uintptr_t)(0x90000000u | 1u);
    target();
    printf("returned from unmapped memory\n");
    return 1;
}
