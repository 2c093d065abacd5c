#!/usr/bin/python3
"""Round-8 real producer output, seventh part: torch.jit.script of the Python that forward methods hold
besides tensor maths: assert and raise with f-strings, `with torch.no_grad():` (TorchScript's own grad_mode
class), Optional refinement, dict outputs, string methods, list methods. Run with Debian's interpreter
(python3-torch 1.13):
    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack /usr/bin/python3 formats/src/test/resources/realfiles/generate_8g.py [OUT]
Each file is loaded and run here with torch.jit.load.
"""
import os
import sys
import warnings
from typing import Dict, List, Optional, Tuple

import torch
import torch.nn as nn

warnings.filterwarnings("ignore")
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


for name, m, args in (("raises", Raises(), (torch.ones(2, 2),)), ("strops", StrOps(), (torch.ones(2), "ab")),
                      ("lists", Lists(), ([torch.ones(2)],))):
    p = os.path.join(OUT, "r8g_%s_script.pt" % name)
    torch.jit.save(torch.jit.script(m), p)
    torch.jit.load(p)(*args)
