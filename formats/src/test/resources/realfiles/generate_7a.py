#!/usr/bin/python3
"""Round-7a real producer output for the false-rejection sweep (RealFilesTest), beside generate.py and
generate_more.py: objects and layouts neither writes. Run with Debian's interpreter (python3-torch 1.13,
python3-numpy 1.24):
    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack /usr/bin/python3 formats/src/test/resources/realfiles/generate_7a.py
Each file is loaded here with the reference reader (torch.load(weights_only=True), torch.jit.load,
numpy.load(allow_pickle=False)) and is a few KB at most. Files the default policy refuses on purpose are
listed in RealFilesTest.REFUSED with the reason.
"""
import os
import sys
from typing import Dict, List, Tuple

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(7)


def out(*parts):
    p = os.path.join(HERE, *parts)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


def tsave(obj, name, weights_only=True, **kw):
    path = out("torch", "r7a_" + name)
    torch.save(obj, path, **kw)
    torch.load(path, weights_only=weights_only)


def jsave(module, name):
    path = out("torchscript", "r7a_" + name)
    torch.jit.save(module, path)
    torch.jit.load(path)


def nsave(name, a):
    path = out("numpy", "r7a_" + name)
    np.save(path, a)
    np.load(path, allow_pickle=False)


# ---------------------------------------------------------------------------------------------- torch
class WithBuffers(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(3, 2)
        self.bn = torch.nn.BatchNorm2d(2)
        self.register_buffer("mask", torch.tensor([True, False]))
        self.register_buffer("steps", torch.tensor(0, dtype=torch.int64))
        self.register_buffer("scratch", torch.zeros(2), persistent=False)


tsave(WithBuffers().state_dict(), "module_buffers.pt")
tsave(WithBuffers().state_dict(), "module_buffers_legacy.pt", _use_new_zipfile_serialization=False)
for proto in (2, 3):
    tsave(WithBuffers().state_dict(), "module_buffers_protocol%d.pt" % proto, pickle_protocol=proto)
base = torch.arange(12.0)
tsave({"end_slice": base[12:], "step": base[::3], "unfold": base.unfold(0, 4, 2),
       "as_strided": base.as_strided((3, 3), (1, 1), 2), "t": base.view(3, 4).t(),
       "zero_stride_2d": torch.zeros(1, 1).expand(4, 5), "diag": base.view(3, 4).diagonal()},
      "strided_views.pt")
tsave({"end_slice": base[12:], "unfold": base.unfold(0, 4, 2), "t": base.view(3, 4).t()},
      "strided_views_legacy.pt", _use_new_zipfile_serialization=False)
tsave({"i8": torch.tensor([-128, 127], dtype=torch.int8), "b0": torch.tensor(True),
       "c0": torch.tensor(1 + 2j), "bf0": torch.tensor(1.5, dtype=torch.bfloat16),
       "nan": torch.tensor([float("nan"), float("-inf")]), "none": None, "ints": {1: 2, -3: (4, 5)},
       "text": "caf\u00e9", "nested": [[], (), {}]}, "scalars_and_values.pt")
tsave({"w": torch.randn(2, 3).contiguous(memory_format=torch.contiguous_format),
       "cl3d": torch.randn(1, 2, 2, 2, 2).contiguous(memory_format=torch.channels_last_3d)},
      "channels_last_3d.pt")
tsave({"device": torch.device("cpu"), "size": torch.Size([]), "w": torch.ones(1)}, "device_and_empty_size.pt",
      # torch 1.13's weights-only unpickler lacks torch.device (later releases admit it)
      weights_only=False)
tsave(torch.nn.Parameter(torch.ones(2, dtype=torch.float64), requires_grad=False), "frozen_parameter_legacy.pt",
      _use_new_zipfile_serialization=False)
# A dynamically quantized Linear's state dict: its packed params are (qint8 weight, float bias) beside
# the dtype torch.qint8 itself.
qlin = torch.ao.quantization.quantize_dynamic(torch.nn.Sequential(torch.nn.Linear(4, 3)), {torch.nn.Linear},
                                              dtype=torch.qint8)
# torch 1.13's weights-only unpickler lacks the quantized dtypes; torch 2.x admits every dtype.
tsave(qlin.state_dict(), "dynamic_quantized_linear.pt", weights_only=False)


class Quantizable(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.quant = torch.ao.quantization.QuantStub()
        self.conv = torch.nn.Conv2d(1, 2, 3)
        self.lin = torch.nn.Linear(2, 2)
        self.dequant = torch.ao.quantization.DeQuantStub()

    def forward(self, x):
        return self.dequant(self.lin(torch.relu(self.conv(self.quant(x))).mean((2, 3))))


# Static (post-training) quantization: qtensors with per-channel weights, scale/zero_point buffers and
# a Linear's packed params holding torch.qint8.
static = Quantizable().eval()
static.qconfig = torch.ao.quantization.get_default_qconfig("fbgemm")
static = torch.ao.quantization.prepare(static)
static(torch.randn(2, 1, 5, 5))
tsave(torch.ao.quantization.convert(static).state_dict(), "static_quantized_state_dict.pt", weights_only=False)
tsave({"q": torch.quantize_per_tensor(torch.randn(3), 0.1, 2, torch.qint8),
       "qc": torch.quantize_per_channel(torch.randn(2, 3), torch.tensor([0.1, 0.2], dtype=torch.float64),
                                        torch.tensor([0, 1]), 0, torch.quint8)},
      # as above: torch 2.x's weights-only unpickler admits _rebuild_qtensor, 1.13's does not
      "quantized_legacy.pt", weights_only=False, _use_new_zipfile_serialization=False)

# ---------------------------------------------------------------------------------------------- torchscript
class Buffers(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(3, 2)
        self.register_buffer("scale", torch.ones(2))

    def forward(self, x):
        return self.lin(x) * self.scale


jsave(torch.jit.script(Buffers()), "scripted_buffers.pt")
jsave(torch.jit.trace(Buffers(), torch.randn(1, 3)), "traced_buffers.pt")
jsave(torch.jit.trace(torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2),
                                          torch.nn.MaxPool2d(2), torch.nn.Flatten()).eval(),
                      torch.randn(1, 1, 6, 6)), "traced_conv_pool_flatten.pt")
jsave(torch.jit.script(torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.Tanh(), torch.nn.Dropout(0.1),
                                           torch.nn.Linear(3, 1), torch.nn.Sigmoid()).eval()),
      "scripted_mlp_tanh_sigmoid.pt")
jsave(torch.jit.script(torch.nn.LayerNorm(4)), "scripted_layernorm.pt")
jsave(torch.jit.trace(torch.nn.Embedding(5, 2), torch.tensor([[0, 1]])), "traced_embedding.pt")



class Interpolate(torch.nn.Module):
    def forward(self, x):
        return torch.nn.functional.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)


# Scripted F.interpolate compiles every mode's branch (nearest-exact, antialiased, 3-d kernels).
jsave(torch.jit.script(Interpolate()), "scripted_interpolate.pt")


class Misc(torch.nn.Module):
    def forward(self, a, b):
        x, y = torch.chunk(torch.cat([a, b], dim=1), 2, dim=1)
        z = torch.einsum("ij,jk->ik", x, y.t()) + torch.bmm(x.unsqueeze(0), y.t().unsqueeze(0)).squeeze(0)
        return (torch.nn.functional.gelu(z) + torch.nn.functional.silu(z)).clamp(-1.0, 1.0).mean(dim=0)


jsave(torch.jit.script(Misc()), "scripted_misc_ops.pt")
jsave(torch.jit.trace(Misc(), (torch.randn(2, 3), torch.randn(2, 3))), "traced_misc_ops.pt")


class LoopDict(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = torch.nn.ModuleList([torch.nn.Linear(3, 3) for _ in range(2)])
        self.table: Dict[str, int] = {"a": 1}

    def forward(self, x) -> Tuple[torch.Tensor, List[int]]:
        out: List[int] = []
        for layer in self.layers:
            x = layer(x)
            out.append(x.size(0))
        return x, out


jsave(torch.jit.script(LoopDict()), "scripted_loop_dict.pt")
jsave(torch.jit.script(torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3, stride=2), torch.nn.GroupNorm(2, 4),
                                           torch.nn.ReLU6(), torch.nn.AvgPool2d(2)).eval()),
      "scripted_conv_groupnorm.pt")

# ---------------------------------------------------------------------------------------------- numpy
nsave("bool_scalar.npy", np.array(True))
nsave("mixed_order_struct.npy", np.zeros(2, dtype=[("a", ">i4"), ("b", "<f8"), ("c", "?"), ("d", ">c8")]))
nsave("fortran_1d.npy", np.asfortranarray(np.arange(5, dtype=np.int64)))
nsave("fortran_big_endian.npy", np.asfortranarray(np.arange(6, dtype=">f8").reshape(2, 3)))
nsave("datetime_years.npy", np.array(["2020", "2021"], dtype="M8[Y]"))
nsave("timedelta_weeks.npy", np.array([1, 2], dtype="m8[W]"))
nsave("struct_of_strings.npy", np.array([(b"ab", "xy")], dtype=[("s", "S2"), ("u", "<U2")]))
nsave("half_subarray_field.npy", np.zeros(2, dtype=[("h", "<f2", (3,))]))
nsave("empty_struct_field_shape.npy", np.zeros(2, dtype=[("z", "<i4", (0,)), ("a", "u1")]))
nsave("recarray.npy", np.rec.array([(1, 2.0)], dtype=[("x", "<i4"), ("y", "<f4")]))
np.savez(out("numpy", "r7a_savez_mixed.npz"), np.zeros((2, 0)), s=np.array("text"), b=np.array([True]))
np.savez_compressed(out("numpy", "r7a_savez_compressed_struct.npz"),
                    a=np.zeros(3, dtype=[("x", "<f4"), ("y", ">i2")]), f=np.asfortranarray(np.ones((2, 2))))
for f in sorted(os.listdir(out("numpy"))):
    if f.startswith("r7a_") and f.endswith(".npz"):
        with np.load(out("numpy", f), allow_pickle=False) as z:
            [z[k] for k in z.files]
print("done", file=sys.stderr)
