#!/usr/bin/python3
"""Writes a sharded PyTorch checkpoint as transformers' save_pretrained(safe_serialization=False) does.

Run with Debian's interpreter (python3-torch):
    /usr/bin/python3 formats/src/test/resources/pytorch-sharded/generate.py

Two shards written by torch.save (flat state dicts, the zip format) and the index transformers writes
beside them: {"metadata": {"total_size": bytes}, "weight_map": {tensor: shard}}, json.dumps with
indent=2 and sort_keys=True plus a newline (transformers is not packaged in Debian, so its few lines
of index writing are reproduced here).
"""
import json
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(7)
model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
state = {"model." + k: v for k, v in model.state_dict().items()}
names = sorted(state)
shards = {"pytorch_model-00001-of-00002.bin": names[:2], "pytorch_model-00002-of-00002.bin": names[2:]}
weight_map = {}
total = 0
for shard, keys in shards.items():
    torch.save({k: state[k] for k in keys}, os.path.join(HERE, shard))
    for k in keys:
        weight_map[k] = shard
        total += state[k].numel() * state[k].element_size()
with open(os.path.join(HERE, "pytorch_model.bin.index.json"), "w", encoding="utf-8") as f:
    f.write(json.dumps({"metadata": {"total_size": total}, "weight_map": weight_map}, indent=2, sort_keys=True) + "\n")
