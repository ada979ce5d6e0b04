/* vww: MLPerf Tiny visual wake words (MobileNetV1 0.25), person / no person. */
#include "model.h"

static const char *const APP_LABELS[MODEL_OUTPUT_ELEMS] = {"no_person", "person"};

#include "app_main.h"
