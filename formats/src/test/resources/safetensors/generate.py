#!/usr/bin/python3
"""Writes the safetensors test fixtures beside this script.

There is no safetensors package on this machine (Debian does not ship python3-safetensors), so this
script writes the format itself, the way the reference Rust writer (`safetensors::tensor::prepare`)
lays it out: tensors ordered by descending dtype alignment then name, data_offsets assigned in that
order, JSON keys in that order with "__metadata__" first, header padded with spaces to a multiple of
8. Tensor values come from torch (Debian python3-torch) with a fixed seed, converted with numpy.
Run: /usr/bin/python3 generate.py
"""
import json
import os
import struct

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ALIGN = {"F64": 8, "I64": 8, "F32": 4, "I32": 4, "BF16": 2, "F16": 2, "I16": 2, "U8": 1, "I8": 1, "BOOL": 1}


def to_bytes(t):
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().astype("<i2").tobytes(), "BF16"
    name = {torch.float32: "F32", torch.float16: "F16", torch.float64: "F64", torch.int64: "I64",
            torch.int32: "I32", torch.int16: "I16", torch.uint8: "U8", torch.int8: "I8", torch.bool: "BOOL"}[t.dtype]
    arr = t.contiguous().numpy()
    return arr.astype(arr.dtype.newbyteorder("<")).tobytes(), name


def write(path, tensors, metadata=None):
    items = []
    for name, t in tensors.items():
        data, dtype = to_bytes(t)
        items.append((name, dtype, list(t.shape), data))
    items.sort(key=lambda i: (-ALIGN[i[1]], i[0]))
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    offset = 0
    for name, dtype, shape, data in items:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for item in items:
            f.write(item[3])


torch.manual_seed(7)
write(os.path.join(HERE, "tiny.safetensors"), {
    "embed.weight": torch.randn(4, 3),
    "layer.0.weight": torch.randn(3, 3, dtype=torch.float16),
    "layer.0.bias": torch.randn(3).to(torch.bfloat16),
    "position_ids": torch.arange(5, dtype=torch.int64),
    "mask": torch.tensor([True, False, True]),
    "scalar": torch.tensor(2.5, dtype=torch.float64),
}, {"format": "pt"})

shards = {
    "model-00001-of-00002.safetensors": {"model.embed.weight": torch.randn(8, 4), "model.layers.0.w": torch.randn(4, 4)},
    "model-00002-of-00002.safetensors": {"model.layers.1.w": torch.randn(4, 4), "lm_head.weight": torch.randn(8, 4)},
}
os.makedirs(os.path.join(HERE, "sharded"), exist_ok=True)
weight_map = {}
total = 0
for shard, tensors in shards.items():
    write(os.path.join(HERE, "sharded", shard), tensors, {"format": "pt"})
    for name, t in tensors.items():
        weight_map[name] = shard
        total += t.numel() * t.element_size()
with open(os.path.join(HERE, "sharded", "model.safetensors.index.json"), "w") as f:
    json.dump({"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))}, f, indent=2)
    f.write("\n")
with open(os.path.join(HERE, "sharded", "config.json"), "w") as f:
    json.dump({"architectures": ["TinyForCausalLM"], "hidden_size": 4, "vocab_size": 8, "torch_dtype": "float32"},
              f, indent=2)
    f.write("\n")
