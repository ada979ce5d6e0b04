/* bad/spin: never exits, so a run must stop at --max-cycles /
 * --max-instructions.  The loop does real work on a volatile counter so it
 * cannot be mistaken for a parked default handler or a WFI deadlock. */
#include <stdint.h>

volatile uint32_t spin_counter;

int main(void)
{
    for (;;) {
        spin_counter = spin_counter * 1664525u + 1013904223u;
    }
}
