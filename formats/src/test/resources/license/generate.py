#!/usr/bin/python3
"""Writes small model files that declare a licence, for safeload's licence-policy tests.

Run from anywhere with /usr/bin/python3 generate.py; outputs are deterministic and committed.

  mit.gguf            GGUF v3, general.license = "MIT" (GGUF's own key; docs/gguf.md)
  apache.safetensors  safetensors, __metadata__ {"format": "pt", "license": "Apache-2.0"}
  llama.safetensors   safetensors, __metadata__ {"license": "llama3.2"} (a Hugging Face key, not SPDX)
  cc.onnx             ONNX (written by the onnx package), metadata_props license = "CC-BY-4.0"
"""
import json
import os
import struct

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def gstr(s):
    b = s.encode("utf-8")
    return struct.pack("<Q", len(b)) + b


def gguf(name, kvs):
    # One F32 tensor of 4 elements, default alignment 32; every value a string (type 8).
    out = bytearray(b"GGUF" + struct.pack("<IQQ", 3, 1, len(kvs)))
    for k, v in kvs:
        out += gstr(k) + struct.pack("<I", 8) + gstr(v)
    out += gstr("w") + struct.pack("<I", 1) + struct.pack("<Q", 4) + struct.pack("<IQ", 0, 0)
    out += b"\0" * ((-len(out)) % 32)
    out += np.arange(4, dtype="<f4").tobytes()
    out += b"\0" * ((-len(out)) % 32)
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(bytes(out))


def safetensors(name, metadata):
    data = np.arange(4, dtype="<f4").tobytes()
    header = {"__metadata__": metadata, "w": {"dtype": "F32", "shape": [4], "data_offsets": [0, len(data)]}}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


gguf("mit.gguf", [("general.architecture", "test"), ("general.license", "MIT")])
safetensors("apache.safetensors", {"format": "pt", "license": "Apache-2.0"})
safetensors("llama.safetensors", {"format": "pt", "license": "llama3.2"})

x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])
y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])
graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g", [x], [y])
model = helper.make_model(graph, producer_name="safeload-fixture", opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
helper.set_model_props(model, {"license": "CC-BY-4.0"})
onnx.checker.check_model(model)
with open(os.path.join(HERE, "cc.onnx"), "wb") as f:
    f.write(model.SerializeToString())
