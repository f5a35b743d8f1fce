"""The OCR models, loaded when this module is imported: the image workers' forkserver
preloads it (batch.PRELOAD), so that every worker forked from the server has the models
already (their pages shared with it) rather than importing ONNX Runtime and loading them
again, 0.45 s of CPU a worker, after the run itself loaded them for the first reading.

The server must stay one thread (a fork copies no lock another thread holds): the thread
pools these libraries would start at import are turned off first. One BLAS thread is what
a worker wants anyway (a worker per core); ONNX Runtime's telemetry thread is turned off by
localize.image.ocr itself, before anything imports ONNX Runtime.
"""

from __future__ import annotations

import os

# (before anything imports numpy, OpenCV or ONNX Runtime in this process)
os.environ["OPENBLAS_NUM_THREADS"] = "1"

from localize.image.ocr import process_engine  # noqa: E402 - the environment above first

try:
    process_engine()
except Exception:  # noqa: BLE001 - a server that failed here would start no worker at all:
    pass  # each worker loads the models itself, and says what is wrong for its image
