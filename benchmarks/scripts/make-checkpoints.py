#!/usr/bin/python3
"""Writes the PyTorch checkpoints of the issue 14 pickle benchmarks with Debian's python3-torch
(torch.save defaults: zip container, pickle protocol 2). Nothing here is committed; sizes are printed.

usage: make-checkpoints.py DIR
  DIR/resnet18.pt        ResNet-18's state dict (torchvision's names and shapes, random values) (about 47 MB)
  DIR/many-tensors.pt    a state dict of 60,000 small tensors: a large real data.pkl (several MB)
  DIR/small/NNN.pt       120 small models (a 2-layer MLP state dict each, a few KB)
"""
import os
import sys

import torch


def resnet18_state_dict():
    """The state dict torchvision's resnet18() has (names, shapes, dtypes), built without torchvision."""
    sd = {}

    def conv(name, cout, cin, k):
        sd[name + ".weight"] = torch.randn(cout, cin, k, k)

    def bn(name, c):
        sd[name + ".weight"] = torch.ones(c)
        sd[name + ".bias"] = torch.zeros(c)
        sd[name + ".running_mean"] = torch.zeros(c)
        sd[name + ".running_var"] = torch.ones(c)
        sd[name + ".num_batches_tracked"] = torch.tensor(0)

    conv("conv1", 64, 3, 7)
    bn("bn1", 64)
    cin = 64
    for layer, cout in enumerate((64, 128, 256, 512), start=1):
        for block in range(2):
            p = "layer%d.%d" % (layer, block)
            conv(p + ".conv1", cout, cin, 3)
            bn(p + ".bn1", cout)
            conv(p + ".conv2", cout, cout, 3)
            bn(p + ".bn2", cout)
            if block == 0 and cin != cout:
                conv(p + ".downsample.0", cout, cin, 1)
                bn(p + ".downsample.1", cout)
            cin = cout
    sd["fc.weight"] = torch.randn(1000, 512)
    sd["fc.bias"] = torch.zeros(1000)
    return sd


out = sys.argv[1]
os.makedirs(os.path.join(out, "small"), exist_ok=True)
torch.manual_seed(0)
torch.save(resnet18_state_dict(), os.path.join(out, "resnet18.pt"))
many = {"layers.%d.%s" % (i // 4, ("weight", "bias", "scale", "shift")[i % 4]): torch.zeros(2) for i in range(60_000)}
torch.save(many, os.path.join(out, "many-tensors.pt"))
for i in range(120):
    mlp = torch.nn.Sequential(torch.nn.Linear(16, 32), torch.nn.ReLU(), torch.nn.Linear(32, 4))
    torch.save(mlp.state_dict(), os.path.join(out, "small", "%03d.pt" % i))
for name in ("resnet18.pt", "many-tensors.pt"):
    print(name, os.path.getsize(os.path.join(out, name)))
