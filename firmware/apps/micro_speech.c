/* micro_speech: the TFLite Micro "yes/no" speech example, 4 classes. */
#include "model.h"

static const char *const APP_LABELS[MODEL_OUTPUT_ELEMS] = {"silence", "unknown", "yes", "no"};

#include "app_main.h"
