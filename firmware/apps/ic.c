/* ic: MLPerf Tiny image classification (ResNet-8 on CIFAR-10), 10 classes. */
#include "model.h"

static const char *const APP_LABELS[MODEL_OUTPUT_ELEMS] = {
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
};

#include "app_main.h"
