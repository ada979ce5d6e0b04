/* exceptions: the ARMv6-M / ARMv7-M exception model, checked against QEMU.
 *
 * Prints the order in which handlers ran (as exception numbers), the
 * EXC_RETURN values they saw and the fault status registers:
 *   - SVC (with its immediate and a result returned through the stacked r0)
 *     that pends PendSV, which must tail-chain after it;
 *   - nested IRQs: a higher-priority IRQ pended inside a handler preempts,
 *     a lower-priority one tail-chains; on v7-M ICSR.RETTOBASE in each;
 *   - PRIMASK (and on v7-M BASEPRI, BASEPRI_MAX, FAULTMASK) holding off a
 *     software-pended IRQ (NVIC ISPR);
 *   - SysTick counting ticks while the core sleeps in WFI;
 *   - thread mode on the process stack (CONTROL.SPSEL), an SVC from there,
 *     and on v7-M unprivileged thread mode (CONTROL.nPRIV);
 *   - faults recovered by a handler that prints the status and skips the
 *     faulting instruction: UDF (16/32-bit), SDIV by zero with
 *     CCR.DIV_0_TRP, unaligned LDRD/LDM, unaligned LDR with
 *     CCR.UNALIGN_TRP, BX to an ARM-state address (INVSTATE), a precise
 *     BusFault (BFAR), and escalation to HardFault (HFSR.FORCED);
 *   - SDIV by zero returning 0 and an unaligned LDR succeeding when the
 *     traps are off;
 *   - MRS of APSR/IAPSR/EPSR/IEPSR/XPSR/EAPSR in thread and handler mode,
 *     PRIMASK, an MSP round trip, and the hints SEV/WFE/YIELD/NOP/DMB.
 * On ARMv6-M only the subset that exists there runs (every fault is a
 * HardFault; there is no CFSR/HFSR/BASEPRI/CCR to write). */
#include <stdint.h>
#include <stdio.h>

#if __ARM_ARCH_7M__ || __ARM_ARCH_7EM__
#define V7 1
#else
#define V7 0
#endif

#define REG(a) (*(volatile uint32_t *)(a))
#define ICSR REG(0xE000ED04u)
#define SCR REG(0xE000ED10u)
#define CCR REG(0xE000ED14u)
#define SHCSR REG(0xE000ED24u)
#define CFSR REG(0xE000ED28u)
#define HFSR REG(0xE000ED2Cu)
#define BFAR REG(0xE000ED38u)
#define SYST_CSR REG(0xE000E010u)
#define SYST_RVR REG(0xE000E014u)
#define SYST_CVR REG(0xE000E018u)
#define NVIC_ISER REG(0xE000E100u)
#define NVIC_ICER REG(0xE000E180u)
#define NVIC_ISPR REG(0xE000E200u)
#define NVIC_ICPR REG(0xE000E280u)
#define NVIC_IPR(n) REG(0xE000E400u + 4u * (n))

#define ICSR_PENDSVSET (1u << 28)
#define ICSR_RETTOBASE (1u << 11)

/* ---- event log: what ran, in order ---- */
static volatile uint32_t events[64];
static volatile unsigned n_events;

static void log_event(uint32_t e)
{
    if (n_events < sizeof events / sizeof events[0]) {
        events[n_events] = e;
    }
    n_events++;
}

static void print_events(const char *what)
{
    printf("%s:", what);
    for (unsigned i = 0; i < n_events && i < sizeof events / sizeof events[0]; i++) {
        printf(" %lx", (unsigned long)events[i]);
    }
    printf("\n");
    n_events = 0;
}

static inline uint32_t ipsr(void)
{
    uint32_t v;
    __asm__ volatile("mrs %0, ipsr" : "=r"(v));
    return v;
}

static inline uint32_t get_control(void)
{
    uint32_t v;
    __asm__ volatile("mrs %0, control" : "=r"(v));
    return v;
}

static inline void set_control(uint32_t v)
{
    __asm__ volatile("msr control, %0\n\tisb" ::"r"(v) : "memory");
}

static inline void barrier(void)
{
    __asm__ volatile("dsb\n\tisb" ::: "memory");
}

/* Handlers that need the exception frame: a naked stub picks MSP or PSP by
 * EXC_RETURN bit 2 and jumps to a C function with (frame, exc_return); the C
 * function returns with the untouched EXC_RETURN still in LR. */
#define FRAME_STUB(name, target)                                                  \
    __attribute__((naked)) void name(void)                                       \
    {                                                                            \
        __asm__ volatile("mov r1, lr\n\t"                                        \
                         "movs r0, #4\n\t"                                       \
                         "tst r0, r1\n\t"                                        \
                         "beq 1f\n\t"                                            \
                         "mrs r0, psp\n\t"                                       \
                         "b 2f\n"                                                \
                         "1:\tmrs r0, msp\n"                                     \
                         "2:\tldr r2, =" #target "\n\t"                          \
                         "bx r2\n\t"                                             \
                         ".ltorg");                                              \
    }

/* Stacked frame: r0 r1 r2 r3 r12 lr pc xpsr. */
enum { F_R0 = 0, F_LR = 5, F_PC = 6, F_XPSR = 7 };

/* ---- SVC and PendSV ---- */
static uint32_t psp_stack[256] __attribute__((aligned(8)));
static volatile uint32_t svc_saw_psp_frame;
static volatile uint32_t svc_exc_return;
static volatile uint32_t svc_icsr;

void svc_c(uint32_t *frame, uint32_t exc_return)
{
    uint16_t insn = ((const uint16_t *)frame[F_PC])[-1];
    uint32_t imm = insn & 0xFFu;
    log_event(ipsr());
    log_event(0x500 + imm);
    svc_exc_return = exc_return;
    svc_saw_psp_frame = (uintptr_t)frame >= (uintptr_t)psp_stack &&
                        (uintptr_t)frame < (uintptr_t)(psp_stack + 256);
    switch (imm) {
    case 1: /* pend PendSV: it must wait for us, then tail-chain */
        ICSR = ICSR_PENDSVSET;
        barrier();
        svc_icsr = ICSR;
        log_event(0x5E);
        break;
    case 2: /* return a value through the stacked r0 */
        frame[F_R0] = frame[F_R0] * 3 + 1;
        break;
    case 3: /* leave unprivileged thread mode */
        set_control(get_control() & ~1u);
        break;
    default:
        break;
    }
}
FRAME_STUB(SVC_Handler, svc_c)

void PendSV_Handler(void)
{
    log_event(ipsr());
}

static uint32_t svc2(uint32_t x)
{
    register uint32_t r0 __asm__("r0") = x;
    __asm__ volatile("svc #2" : "+r"(r0)::"memory");
    return r0;
}

static void test_svc_pendsv(void)
{
    __asm__ volatile("svc #1" ::: "memory");
    log_event(0);
    print_events("svc+pendsv");
    printf("svc icsr vectpending=%lu exc_return=%08lx\n",
           (unsigned long)((svc_icsr >> 12) & 0x1FFu), (unsigned long)svc_exc_return);
#if V7
    /* ICSR.RETTOBASE is ARMv7-M only (reserved on ARMv6-M). */
    printf("svc icsr rettobase=%lu\n", (unsigned long)((svc_icsr >> 11) & 1u));
#endif
    printf("svc #2 (20) -> %lu\n", (unsigned long)svc2(20));
    n_events = 0;
}

/* ---- nested and tail-chained IRQs (IRQ4 0x80, IRQ5 0x40, IRQ6 0xC0) ---- */
static volatile uint32_t rettobase[3];

void IRQ4_Handler(void)
{
    log_event(ipsr());
    NVIC_ISPR = (1u << 5) | (1u << 6); /* 5 preempts now, 6 waits */
    barrier();
    log_event(0x4E);
}

void IRQ5_Handler(void)
{
    rettobase[1] = (ICSR & ICSR_RETTOBASE) != 0;
    log_event(ipsr());
}

void IRQ6_Handler(void)
{
    rettobase[2] = (ICSR & ICSR_RETTOBASE) != 0;
    log_event(ipsr());
}

void IRQ3_Handler(void)
{
    log_event(ipsr());
}

static void test_nesting(void)
{
    /* Word access: ARMv6-M's NVIC_IPR has no byte access. */
    NVIC_IPR(1) = (0xC0u << 16) | (0x40u << 8) | 0x80u;
    NVIC_ISER = (1u << 3) | (1u << 4) | (1u << 5) | (1u << 6);
    NVIC_ISPR = 1u << 4;
    barrier();
    log_event(0);
    print_events("nested irq4>irq5, irq6 tail-chained");
#if V7
    printf("rettobase irq5=%lu irq6=%lu\n", (unsigned long)rettobase[1],
           (unsigned long)rettobase[2]);
#endif
}

static void test_primask(void)
{
    __asm__ volatile("cpsid i" ::: "memory");
    NVIC_ISPR = 1u << 3;
    barrier();
    log_event(0x100 + ((NVIC_ISPR >> 3) & 1u)); /* still pending */
    __asm__ volatile("cpsie i\n\tisb" ::: "memory");
    log_event(0x200 + ((NVIC_ISPR >> 3) & 1u)); /* taken and cleared */
    print_events("primask");
}

#if V7
static void test_basepri(void)
{
    uint32_t v;
    __asm__ volatile("msr basepri, %0" ::"r"(0x80u) : "memory");
    NVIC_ISPR = 1u << 4; /* priority 0x80: masked by BASEPRI 0x80 */
    barrier();
    log_event(0x100 + ((NVIC_ISPR >> 4) & 1u));
    __asm__ volatile("msr basepri_max, %0" ::"r"(0xC0u) : "memory"); /* ignored: lower */
    __asm__ volatile("mrs %0, basepri" : "=r"(v));
    log_event(0x300 + v);
    __asm__ volatile("msr basepri_max, %0\n\tisb" ::"r"(0x40u) : "memory"); /* raises */
    __asm__ volatile("mrs %0, basepri" : "=r"(v));
    log_event(0x300 + v);
    __asm__ volatile("msr basepri, %0\n\tisb" ::"r"(0xC0u) : "memory"); /* unmasks 0x80 */
    log_event(0x200 + ((NVIC_ISPR >> 4) & 1u));
    __asm__ volatile("msr basepri, %0\n\tisb" ::"r"(0u) : "memory");
    print_events("basepri");

    __asm__ volatile("cpsid f" ::: "memory");
    NVIC_ISPR = 1u << 3;
    barrier();
    __asm__ volatile("mrs %0, faultmask" : "=r"(v));
    log_event(0x600 + v);
    log_event(0x100 + ((NVIC_ISPR >> 3) & 1u));
    __asm__ volatile("cpsie f\n\tisb" ::: "memory");
    log_event(0x200 + ((NVIC_ISPR >> 3) & 1u));
    print_events("faultmask");
}
#endif

/* ---- SysTick + WFI ---- */
static volatile uint32_t ticks;

void SysTick_Handler(void)
{
    ticks++;
    if (ticks == 1) {
        log_event(ipsr());
    }
    if (ticks == 5) {
        SYST_CSR = 0; /* exactly five ticks, however long the thread takes */
    }
}

static void test_systick(void)
{
    ticks = 0;
    SYST_RVR = 25000 - 1;
    SYST_CVR = 0;
    SYST_CSR = 7; /* ENABLE | TICKINT | CLKSOURCE=core */
    while (ticks < 5) {
        __asm__ volatile("wfi" ::: "memory");
    }
    print_events("systick");
    printf("systick ticks=%lu csr.enable=%lu\n", (unsigned long)ticks,
           (unsigned long)(SYST_CSR & 1u));
}

/* ---- thread mode on PSP ---- */
__attribute__((noinline)) static uint32_t psp_work(uint32_t n)
{
    volatile uint32_t acc[8];
    for (unsigned i = 0; i < 8; i++) {
        acc[i] = n * (i + 1);
    }
    return acc[3] + acc[7];
}

static void test_psp(void)
{
    uint32_t msp_before, msp_after, sp_in_thread;
    __asm__ volatile("mrs %0, msp" : "=r"(msp_before));
    __asm__ volatile("msr psp, %0" ::"r"(psp_stack + 256) : "memory");
    set_control(2); /* SPSEL: thread mode uses PSP */
    __asm__ volatile("mov %0, sp" : "=r"(sp_in_thread));
    uint32_t r = psp_work(5);
    uint32_t ctl = get_control();
    __asm__ volatile("svc #0" ::: "memory");
    uint32_t saw_psp = svc_saw_psp_frame, er = svc_exc_return;
#if V7
    set_control(3); /* unprivileged too */
    uint32_t ctl_unpriv = get_control();
    __asm__ volatile("svc #3" ::: "memory"); /* the handler drops nPRIV */
    uint32_t ctl_back = get_control();
#endif
    set_control(0);
    __asm__ volatile("mrs %0, msp" : "=r"(msp_after));
    int on_psp = sp_in_thread > (uintptr_t)psp_stack && sp_in_thread <= (uintptr_t)(psp_stack + 256);
    printf("psp: sp on psp=%d work=%lu control=%lx svc exc_return=%08lx frame on psp=%lu msp kept=%d\n",
           on_psp, (unsigned long)r, (unsigned long)ctl, (unsigned long)er, (unsigned long)saw_psp,
           msp_before == msp_after);
#if V7
    printf("psp: unprivileged control=%lx after svc #3 control=%lx\n", (unsigned long)ctl_unpriv,
           (unsigned long)ctl_back);
#endif
    print_events("psp");
}

/* ---- faults ---- */
static volatile uint32_t fault_status[4];

void fault_c(uint32_t *frame, uint32_t exc_return)
{
    uint32_t n = ipsr();
    log_event(n);
    (void)exc_return;
#if V7
    uint32_t cfsr = CFSR, hfsr = HFSR;
    fault_status[0] = cfsr;
    fault_status[1] = hfsr;
    fault_status[2] = (cfsr & 0x8000u) ? BFAR : 0;
    CFSR = cfsr; /* write one to clear */
    HFSR = hfsr;
    if (cfsr & (1u << 17)) { /* INVSTATE: resume at the caller */
        frame[F_PC] = frame[F_LR] & ~1u;
        frame[F_XPSR] |= 1u << 24;
        return;
    }
#endif
    uint16_t hw = *(const uint16_t *)frame[F_PC];
    frame[F_PC] += (hw >> 11) >= 0x1Du ? 4 : 2;
}
FRAME_STUB(HardFault_Handler, fault_c)
FRAME_STUB(UsageFault_Handler, fault_c)
FRAME_STUB(BusFault_Handler, fault_c)
FRAME_STUB(MemManage_Handler, fault_c)

static void report_fault(const char *what)
{
    printf("%-22s", what);
    for (unsigned i = 0; i < n_events && i < 4; i++) {
        printf(" exc=%lu", (unsigned long)events[i]);
    }
#if V7
    printf(" cfsr=%08lx hfsr=%08lx bfar=%08lx", (unsigned long)fault_status[0],
           (unsigned long)fault_status[1], (unsigned long)fault_status[2]);
#endif
    printf("\n");
    n_events = 0;
    fault_status[0] = fault_status[1] = fault_status[2] = 0;
}

static uint32_t words[4] __attribute__((aligned(8))) = {0x03020100, 0x07060504, 0x0B0A0908,
                                                         0x0F0E0D0C};

#if V7
__attribute__((noinline)) static uint32_t arm_state_target(void)
{
    return 0x1234;
}
#endif

static void test_faults(void)
{
    uint32_t a = 0;
#if V7
    uint32_t b = 0;
#endif
    uintptr_t odd = (uintptr_t)words + 1;

    __asm__ volatile("udf #7" ::: "memory");
    report_fault("udf (escalated)");
#if V7
    SHCSR |= (1u << 18) | (1u << 17) | (1u << 16); /* USG, BUS, MEM fault enable */
    barrier();
    __asm__ volatile("udf #9" ::: "memory");
    report_fault("udf");
    __asm__ volatile("udf.w #0x123" ::: "memory");
    report_fault("udf.w");

    CCR |= 1u << 4; /* DIV_0_TRP */
    barrier();
    __asm__ volatile("movs %0, #0\n\tmovs %1, #9\n\tsdiv %1, %1, %0" : "=&r"(a), "=&r"(b)::"memory");
    report_fault("sdiv/0 trapped");
    CCR &= ~(1u << 4);
    barrier();
    __asm__ volatile("movs %0, #0\n\tmovs %1, #9\n\tsdiv %1, %1, %0\n\tudiv %0, %1, %0"
                     : "=&r"(a), "=&r"(b)::"memory");
    printf("%-22s q=%lu %lu\n", "sdiv/udiv by 0", (unsigned long)b, (unsigned long)a);

    __asm__ volatile("ldrd %0, %1, [%2]" : "=&r"(a), "=&r"(b) : "r"(odd) : "memory");
    report_fault("ldrd unaligned");
    __asm__ volatile("ldr %0, [%1]" : "=&r"(a) : "r"(odd) : "memory");
    printf("%-22s %08lx\n", "ldr unaligned ok", (unsigned long)a);
    CCR |= 1u << 3; /* UNALIGN_TRP */
    barrier();
    __asm__ volatile("ldrh %0, [%1]" : "=&r"(a) : "r"(odd) : "memory");
    CCR &= ~(1u << 3); /* before printf: newlib does unaligned accesses */
    barrier();
    report_fault("ldrh unalign_trp");

    uint32_t (*fn)(void) = (uint32_t(*)(void))((uintptr_t)arm_state_target & ~(uintptr_t)1);
    __asm__ volatile("movs r0, #0\n\tblx %1\n\tmov %0, r0" : "=r"(a) : "r"(fn) : "r0", "r1", "r2", "r3", "r12", "lr", "memory");
    report_fault("bx to arm state");

    __asm__ volatile("ldr %0, [%1]" : "=&r"(a) : "r"(0x90000000u) : "memory");
    report_fault("load unmapped");

    SHCSR &= ~((1u << 18) | (1u << 17) | (1u << 16));
    barrier();
#endif
    __asm__ volatile("ldm %1!, {%0}" : "=l"(a), "+l"(odd)::"memory");
    report_fault("ldm unaligned");
    __asm__ volatile("ldr %0, [%1]" : "=&l"(a) : "l"(0x90000000u) : "memory");
    report_fault("load unmapped (hard)");
}

/* ---- special registers and hints ---- */
static volatile uint32_t handler_xpsr[4];

void IRQ7_Handler(void)
{
    uint32_t x, i, e, ie;
    __asm__ volatile("mrs %0, xpsr\n\tmrs %1, iapsr\n\tmrs %2, eapsr\n\tmrs %3, iepsr"
                     : "=r"(x), "=r"(i), "=r"(e), "=r"(ie));
    /* Keep IPSR (and, via the mask, nothing the compiler's flag use decides). */
    handler_xpsr[0] = x & 0x1FFu;
    handler_xpsr[1] = i & 0x1FFu;
    handler_xpsr[2] = e;
    handler_xpsr[3] = ie & 0x1FFu;
}

static void test_system(void)
{
    uint32_t apsr, iapsr, epsr, iepsr, primask, msp = 0, msp2;
    /* Known flags first: N and C set (APSR reads back exactly these). */
    __asm__ volatile("msr apsr_nzcvq, %4\n\t"
                     "mrs %0, apsr\n\t"
                     "mrs %1, iapsr\n\t"
                     "mrs %2, epsr\n\t"
                     "mrs %3, iepsr"
                     : "=&r"(apsr), "=&r"(iapsr), "=&r"(epsr), "=&r"(iepsr)
                     : "r"(0xA0000000u)
                     : "cc");
    /* EPSR reads as zero through MRS (the T bit is not visible). */
    printf("thread apsr=%08lx iapsr=%08lx epsr=%08lx iepsr=%08lx\n",
           (unsigned long)(apsr & 0xF8000000u), (unsigned long)(iapsr & 0xF80001FFu),
           (unsigned long)epsr, (unsigned long)iepsr);

    __asm__ volatile("cpsid i\n\tmrs %0, primask" : "=r"(primask)::"memory");
    __asm__ volatile("cpsie i" ::: "memory");
    printf("primask after cpsid i=%lu\n", (unsigned long)primask);

    __asm__ volatile("mrs %0, msp\n\tmsr msp, %0\n\tmrs %1, msp" : "=&r"(msp), "=r"(msp2));
    printf("msr msp round trip=%d\n", msp == msp2);

    /* SEV sets the event register, so the WFE after it does not sleep. */
    __asm__ volatile("sev\n\twfe\n\tyield\n\tnop\n\tdmb\n\tdsb\n\tisb" ::: "memory");
    printf("sev/wfe/yield/nop/dmb/dsb/isb ok\n");

    NVIC_ISER = 1u << 7;
    NVIC_ISPR = 1u << 7;
    barrier();
    /* EAPSR: the ICI/IT bits only (GE bits depend on what newlib ran). */
    printf("irq7 xpsr.ipsr=%lu iapsr.ipsr=%lu eapsr.ici/it=%08lx iepsr.ipsr=%lu\n",
           (unsigned long)handler_xpsr[0], (unsigned long)handler_xpsr[1],
           (unsigned long)(handler_xpsr[2] & 0x0600FC00u), (unsigned long)handler_xpsr[3]);
}

int main(void)
{
    printf("exceptions %s\n", V7 ? "armv7-m" : "armv6-m");
    test_svc_pendsv();
    test_nesting();
    test_primask();
#if V7
    test_basepri();
#endif
    test_systick();
    test_psp();
    test_faults();
    test_system();
    printf("done\n");
    return 0;
}
