#!/usr/bin/env python3
"""Writes safetensors files with empty tensors using the reference library itself.

Unlike ../generate.py, this needs the `safetensors` Python package (the reference writer, Rust
`safetensors::tensor::prepare` behind `safetensors.numpy.save_file`), which Debian does not ship:
run it in a virtual environment, e.g.
    python3 -m venv /tmp/st && /tmp/st/bin/pip install safetensors numpy && /tmp/st/bin/python generate.py
The outputs are committed, so the tests do not need the package. Written with safetensors 0.8.0.
"""
import os

import numpy as np
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))

# The writer orders tensors by dtype alignment, then name, and gives an empty tensor the offset where
# it falls in that order: [8, 8] here, the end of "a" and the start of "z".
save_file({"a": np.arange(2, dtype=np.float32), "m": np.zeros((0,), dtype=np.float32),
           "z": np.arange(3, dtype=np.float32)}, os.path.join(HERE, "empty-middle.safetensors"))
# An empty bias that sorts first: [0, 0], the start of "weight".
save_file({"bias": np.zeros((0,), dtype=np.float32), "weight": np.ones((2, 2), dtype=np.float32)},
          os.path.join(HERE, "empty-first.safetensors"), metadata={"format": "np"})
