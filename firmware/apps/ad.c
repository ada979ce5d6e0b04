/* ad: MLPerf Tiny anomaly detection (fully-connected autoencoder on 5x128
 * log-mel frames); prints the reconstruction error. */
#include "model.h"

#define APP_AUTOENCODER 1

#include "app_main.h"
