#!/usr/bin/python3
"""Round-8 real producer output, sixth part: torch.jit.script and torch.jit.trace of the layers of common
architectures written the way their reference code writes them: a LLaMA block (RMSNorm, rotary embeddings
through torch.polar / view_as_complex / view_as_real, SwiGLU) and a grab-bag of tensor functions
(cumsum, flip, roll, one_hot, logsumexp, gather, masked_select, tril_indices, ...). Run with Debian's
interpreter (python3-torch 1.13):
    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack /usr/bin/python3 formats/src/test/resources/realfiles/generate_8f.py [OUT]
Each file is loaded and run here with torch.jit.load.
"""
import math
import os
import sys
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

warnings.filterwarnings("ignore")
torch.manual_seed(86)
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "torchscript")
os.makedirs(OUT, exist_ok=True)

class RMSNorm(nn.Module):
    def __init__(self, d: int, eps: float = 1e-6):
        super().__init__(); self.eps = eps; self.weight = nn.Parameter(torch.ones(d))
    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight

def precompute_freqs_cis(dim: int, end: int, theta: float = 10000.0):
    freqs = 1.0 / (theta ** (torch.arange(0, dim, 2)[: (dim // 2)].float() / dim))
    t = torch.arange(end, device=freqs.device).float()
    freqs = torch.outer(t, freqs).float()
    return torch.polar(torch.ones_like(freqs), freqs)

class Llama(nn.Module):
    def __init__(self, d=8, h=2, n=4):
        super().__init__()
        self.h = h; self.hd = d // h
        self.norm = RMSNorm(d); self.wq = nn.Linear(d, d, bias=False); self.wk = nn.Linear(d, d, bias=False); self.wv = nn.Linear(d, d, bias=False); self.wo = nn.Linear(d, d, bias=False)
        self.w1 = nn.Linear(d, 16, bias=False); self.w2 = nn.Linear(16, d, bias=False); self.w3 = nn.Linear(d, 16, bias=False)
        self.n = n
    def forward(self, x):
        b, s, d = x.shape
        hN = self.norm(x)
        q = self.wq(hN).view(b, s, self.h, self.hd); k = self.wk(hN).view(b, s, self.h, self.hd); v = self.wv(hN).view(b, s, self.h, self.hd)
        qc = torch.view_as_complex(q.float().reshape(b, s, self.h, -1, 2)); kc = torch.view_as_complex(k.float().reshape(b, s, self.h, -1, 2))
        fc = precompute_freqs_cis(self.hd, self.n)[:s].view(1, s, 1, -1)
        q = torch.view_as_real(qc * fc).flatten(3).type_as(x); k = torch.view_as_real(kc * fc).flatten(3).type_as(x)
        q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
        scores = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(self.hd)
        mask = torch.full((s, s), float("-inf")).triu(1)
        scores = F.softmax((scores + mask).float(), dim=-1).type_as(q)
        o = torch.matmul(scores, v).transpose(1, 2).contiguous().view(b, s, -1)
        x = x + self.wo(o)
        return x + self.w2(F.silu(self.w1(x)) * self.w3(x))

class Misc2(nn.Module):
    def forward(self, x):
        a = torch.cumsum(x, 0) + torch.flip(x, [0]) + torch.roll(x, 1, 0)
        b = torch.nn.functional.normalize(a, dim=-1) + torch.nn.functional.one_hot(torch.argmax(a, -1), a.size(-1)).to(a.dtype)
        c = torch.stack([b.max(-1).values, b.min(-1).values], -1).sum() + torch.logsumexp(b, -1).sum() + torch.var_mean(b)[0]
        d = torch.nn.functional.pad(b, (1, 1)) ; e = torch.gather(b, 1, torch.zeros_like(b, dtype=torch.long))
        f = b
        g = torch.nn.functional.layer_norm(b, (b.size(-1),)) + torch.erf(b) + torch.sign(b) + torch.nan_to_num(b) + torch.where(b > 0, b, -b)
        return c + d.sum() + e.sum() + f.sum() + g.sum() + torch.nn.functional.cross_entropy(b, torch.zeros(b.size(0), dtype=torch.long)) + torch.masked_select(b, b > 0).sum() + b.index_select(0, torch.tensor([0])).sum() + b.new_zeros(2).sum() + torch.tril_indices(3, 3).sum() + torch.triu_indices(3, 3, 1).sum()

mods = {"llama": (Llama(), torch.randn(1, 4, 8)), "misc2": (Misc2(), torch.randn(3, 4))}
for name, (m, x) in mods.items():
    for kind in ("script", "trace"):
        p = os.path.join(OUT, "r8f_%s_%s.pt" % (name, kind))
        s = torch.jit.script(m) if kind == "script" else torch.jit.trace(m, (x,), check_trace=False)
        torch.jit.save(s, p)
        torch.jit.load(p)(x)
