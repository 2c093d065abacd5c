#!/usr/bin/python3
"""Round-8 real producer output, seventh part: torch.jit.script of the Python that forward methods hold
besides tensor maths: assert and raise with f-strings, `with torch.no_grad():` (TorchScript's own grad_mode
class), Optional refinement, dict outputs, string and list methods, a TorchScript class, ModuleDict and
ModuleList loops, while/break/continue, zip/enumerate/range, math constants, %-formatting. Run with Debian's interpreter
(python3-torch 1.13):
    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack /usr/bin/python3 formats/src/test/resources/realfiles/generate_8g.py [OUT]
Each file is loaded and run here with torch.jit.load.
"""
import math
import os
import sys
import warnings
from typing import Dict, List, Optional, Tuple

import torch
import torch.nn as nn

warnings.filterwarnings("ignore")
torch.manual_seed(87)
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "torchscript")
os.makedirs(OUT, exist_ok=True)


class Raises(nn.Module):
    def forward(self, x: torch.Tensor, y: Optional[torch.Tensor] = None) -> Dict[str, torch.Tensor]:
        assert x.dim() == 2, "expected 2-d"
        if x.size(0) == 0:
            raise ValueError(f"empty batch of {x.size(1)} features")
        out: Dict[str, torch.Tensor] = {}
        if y is not None:
            out["y"] = y
        with torch.no_grad():
            out["x"] = x * 2
        names = "a,b".split(",")
        out["n"] = torch.tensor(len(",".join(names)))
        for k, v in out.items():
            out[k] = v + 0
        if torch.jit.is_scripting():
            out["s"] = x.sum()
        return out


class StrOps(nn.Module):
    def forward(self, x: torch.Tensor, label: str) -> Tuple[torch.Tensor, str]:
        s = "{}-{}".format(label, x.size(0))
        s = s.upper().lower().strip() + str(x.dtype) + str(x.shape)
        if s.startswith("a") and "b" in s:
            s = s.replace("a", "c")
        return x, s


class Lists(nn.Module):
    def forward(self, xs: List[torch.Tensor]) -> List[torch.Tensor]:
        ys = [t * 2 for t in xs]
        ys.append(torch.zeros(1))
        ys.insert(0, torch.ones(1))
        ys.reverse()
        z = sorted([int(t.numel()) for t in ys])
        return ys + [torch.tensor(z)]


@torch.jit.script
class Box:
    def __init__(self, lo: float, hi: float):
        self.lo = lo
        self.hi = hi
    def clip(self, x: torch.Tensor) -> torch.Tensor:
        return x.clamp(self.lo, self.hi)

class Lang(nn.Module):
    scale: torch.jit.Final[float]
    def __init__(self):
        super().__init__()
        self.scale = 2.0
        self.heads = nn.ModuleDict({"a": nn.Linear(2, 2), "b": nn.Linear(2, 2)})
        self.seq = nn.ModuleList([nn.ReLU(), nn.Tanh()])
        self.box = Box(-1.0, 1.0)
    @torch.jit.unused
    def python_only(self, x):
        return x
    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, int, float, str]:
        y = x
        for k, h in self.heads.items():
            y = y + h(x)
        for i, m in enumerate(self.seq):
            y = m(y) * (i + 1)
        n = 0
        while n < 3:
            n += 1
            if n == 2:
                continue
            if n > 5:
                break
        for a, b in zip([1, 2], [3, 4]):
            n += a * b
        for j in range(0, 10, 3):
            n += j
        q, r = divmod(n, 4)
        # constant-folded: 0.0 * inf is a NaN with its sign bit set, which the printer writes -nan
        f = math.sqrt(float(q)) + math.pi + math.log(2.0) + float("inf") * 0.0 + round(2.5) + abs(-1)
        t = min(q, r) + max(q, r)
        y = self.box.clip(y * self.scale)
        if y.dtype == torch.float32 and not y.is_cuda:
            y = y.to(torch.float64).cpu().to(y.device).float()
        d: Dict[str, int] = {"k": 1}
        t += d.get("k", 0) + len(list(d.keys()))
        s = "%s-%d" % ("v", t)
        if isinstance(x, torch.Tensor) and hasattr(self, "scale"):
            s = s + "!"
        return y, t, f, s


for name, m, args in (("raises", Raises(), (torch.ones(2, 2),)), ("strops", StrOps(), (torch.ones(2), "ab")),
                      ("lists", Lists(), ([torch.ones(2)],)), ("language", Lang(), (torch.ones(1, 2),))):
    p = os.path.join(OUT, "r8g_%s_script.pt" % name)
    torch.jit.save(torch.jit.script(m), p)
    torch.jit.load(p)(*args)


# Traced: a causal mask filled in place (fairseq-style) and a mixture-of-experts combine with index_add_.
class MaskAndCombine(nn.Module):
    def __init__(self):
        super().__init__()
        self.experts = nn.ModuleList([nn.Linear(4, 4) for _ in range(2)])

    def forward(self, x, route):
        mask = torch.full((x.size(0), x.size(0)), float("-inf")).triu_(1)
        keep = torch.ones(x.size(0), x.size(0)).tril_()
        out = torch.zeros_like(x)
        for i, e in enumerate(self.experts):
            idx = (route == i).nonzero().squeeze(1)
            out.index_add_(0, idx, e(x.index_select(0, idx)))
        return torch.index_add(out, 0, route, x) + (mask.softmax(-1) * keep).sum()


p = os.path.join(OUT, "r8g_mask_and_combine_trace.pt")
args = (torch.randn(3, 4), torch.tensor([0, 1, 0]))
torch.jit.save(torch.jit.trace(MaskAndCombine(), args, check_trace=False), p)
torch.jit.load(p)(*args)
