/* kws: MLPerf Tiny keyword spotting (DS-CNN), 12 classes. */
#include "model.h"

static const char *const APP_LABELS[MODEL_OUTPUT_ELEMS] = {
    "down", "go", "left", "no", "off", "on", "right", "stop", "up", "yes", "silence", "unknown",
};

#include "app_main.h"
