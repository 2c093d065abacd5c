#!/usr/bin/python3
"""Writes the small TorchScript fixtures for safeload's tests with the real producer (Debian's python3-torch 1.13).

Run from this directory with /usr/bin/python3 generate.py. Weights come from fixed seeds; each model's
output for a fixed input is recorded in expected.json (read by the DJL integration test).

  cnn_traced.pt        torch.jit.trace of a small CNN (conv, batch norm, relu, max pool, linear, softmax)
  mlp_scripted.pt      torch.jit.script of an MLP with control flow (if on a flag, a for loop over
                       range, a while loop, a ModuleList, a helper function, a __setstate__-free Final)
  lstm_scripted.pt     torch.jit.script of an LSTM followed by a linear head on the last step
  lstm_traced.pt       torch.jit.trace of the same kind of model
  setstate_scripted.pt torch.jit.script of a module with __getstate__/__setstate__ (runs at load)
  attention_scripted.pt torch.jit.script of a self-attention block (MultiheadAttention, softmax,
                       dropout, layer norm): its compiled torch.nn.functional code calls
                       warnings.warn, which only the torchscript-warnings profile admits

With names (generate.py attention_scripted.pt), writes only those files and their entries in
expected.json: torch.jit.save writes a new archive each run, and the other fixtures stay as they are.
"""
import sys
import json
import os
from typing import List, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

HERE = os.path.dirname(os.path.abspath(__file__))


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3, padding=1)
        self.bn = nn.BatchNorm2d(2)
        self.fc = nn.Linear(2 * 4 * 4, 4)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn(self.conv(x))), 2)
        x = torch.flatten(x, 1)
        return F.softmax(self.fc(x), dim=1)


def helper(x: torch.Tensor, k: int) -> torch.Tensor:
    for _ in range(k):
        x = torch.tanh(x) * 0.5 + x
    return x


class MLP(nn.Module):
    scale: torch.jit.Final[float]

    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(4, 8), nn.Linear(8, 8)])
        self.head = nn.Linear(8, 3)
        self.use_gelu = True
        self.scale = 2.0
        self.register_buffer("offset", torch.tensor([0.25, -0.5, 1.0]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = layer(x)
            if self.use_gelu:
                x = F.gelu(x)
            else:
                x = F.relu(x)
        x = helper(x, 2)
        n = 0
        while n < 3 and bool(x.abs().max() > 100.0):
            x = x / self.scale
            n += 1
        y = self.head(x) + self.offset
        if y.dim() == 2:
            y = y.sum(dim=0, keepdim=True) / x.size(0)
        return y


class LSTMModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 5, batch_first=True)
        self.head = nn.Linear(5, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.lstm(x)
        return self.head(out[:, -1, :])


class Stateful(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
        self.factor = 3

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.matmul(x, self.weight) * self.factor

    @torch.jit.export
    def __getstate__(self) -> Tuple[Tensor, int, bool]:
        return (self.weight, self.factor, self.training)

    @torch.jit.export
    def __setstate__(self, state: Tuple[Tensor, int, bool]) -> None:
        self.weight = state[0]
        self.factor = state[1] + 0
        self.training = state[2]



class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(8, 2)
        self.norm = nn.LayerNorm(8)
        self.drop = nn.Dropout(0.1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y, _ = self.attn(x, x, x, need_weights=False)
        return F.softmax(self.norm(x + self.drop(y)), dim=-1)


def save(module, name, example):
    path = os.path.join(HERE, name)
    torch.jit.save(module, path)
    loaded = torch.jit.load(path)
    with torch.no_grad():
        out = loaded(example)
    return {"input_shape": list(example.shape), "input": example.flatten().tolist(),
            "output_shape": list(out.shape), "output": [float(v) for v in out.flatten().tolist()]}


def main(only):
    def cnn():
        torch.manual_seed(1)
        x = torch.linspace(-1.0, 1.0, 64).reshape(1, 1, 8, 8)
        return torch.jit.trace(CNN().eval(), x), x

    def mlp():
        torch.manual_seed(2)
        return torch.jit.script(MLP().eval()), torch.linspace(-2.0, 2.0, 8).reshape(2, 4)

    def lstm_scripted():
        torch.manual_seed(3)
        return torch.jit.script(LSTMModel().eval()), torch.linspace(-1.0, 1.0, 12).reshape(1, 4, 3)

    def lstm_traced():
        torch.manual_seed(4)
        x = torch.linspace(-1.0, 1.0, 12).reshape(1, 4, 3)
        return torch.jit.trace(LSTMModel().eval(), x), x

    def stateful():
        return torch.jit.script(Stateful().eval()), torch.tensor([[1.0, -1.0]])

    def attention():
        torch.manual_seed(5)
        return torch.jit.script(Attention().eval()), torch.linspace(-1.0, 1.0, 24).reshape(3, 1, 8)

    makers = {
        "cnn_traced.pt": cnn,
        "mlp_scripted.pt": mlp,
        "lstm_scripted.pt": lstm_scripted,
        "lstm_traced.pt": lstm_traced,
        "setstate_scripted.pt": stateful,
        "attention_scripted.pt": attention,
    }
    path = os.path.join(HERE, "expected.json")
    expected = {}
    if only:
        with open(path) as f:
            expected = json.load(f)
    for name, make in makers.items():
        if not only or name in only:
            module, x = make()
            expected[name] = save(module, name, x)

    with open(path, "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
