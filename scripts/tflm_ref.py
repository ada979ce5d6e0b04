#!/usr/bin/env python3
"""Reference output of a .tflite model from the TFLite Micro interpreter.

    scripts/tflm_ref.py MODEL.tflite INPUT.bin OUTPUT.bin

INPUT.bin holds the raw bytes of the input tensor (its dtype and shape, e.g.
500 little-endian float32 for kws); OUTPUT.bin receives the raw bytes of the
output tensor. Needs `pip install tflite-micro numpy`.
"""
import sys

import numpy as np
from tflite_micro import runtime


def reference(model_path, input_bytes):
    interp = runtime.Interpreter.from_file(model_path)
    det = interp.get_input_details(0)
    shape, dtype = tuple(det["shape"]), np.dtype(det["dtype"])
    want = int(np.prod(shape)) * dtype.itemsize
    if len(input_bytes) != want:
        raise ValueError(f"input has {len(input_bytes)} bytes, the model's input tensor {shape} {dtype} needs {want}")
    x = np.frombuffer(input_bytes, dtype=dtype).reshape(shape)
    interp.set_input(x, 0)
    interp.invoke()
    return np.ascontiguousarray(interp.get_output(0)).tobytes()


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    with open(argv[2], "rb") as f:
        data = f.read()
    try:
        out = reference(argv[1], data)
    except ValueError as e:
        sys.stderr.write(f"tflm_ref: {e}\n")
        return 1
    with open(argv[3], "wb") as f:
        f.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
