/* kws_loop: the kws app with model_invoke() run APP_LOOP_RUNS times before it
 * prints (the same input each time, so the same output as kws): the steady
 * state of repeated inferences that scripts/bench.sh times (issue 14), with
 * start-up a small part of the run. */
#include "model.h"

#ifndef APP_LOOP_RUNS
#define APP_LOOP_RUNS 20
#endif

static void model_invoke_repeated(void)
{
    for (int i = 0; i < APP_LOOP_RUNS; i++) {
        model_invoke();
    }
}

/* app_main.h's main() calls model_invoke(): the loop instead. */
#define model_invoke model_invoke_repeated
#include "kws.c"
