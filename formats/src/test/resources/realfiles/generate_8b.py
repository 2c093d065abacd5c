#!/usr/bin/python3
"""Round-8 real producer output, second part (beside generate_8.py): odd tensor kinds, TorchScript
language features (NamedTuple, Enum, interfaces, exported and ignored methods, container attributes,
freezing), and torch.onnx.export options (modules as functions, opsets 7 to 17). Run with Debian's
interpreter (python3-torch 1.13, python3-numpy 1.24, python3-onnx 1.12):
    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack /usr/bin/python3 formats/src/test/resources/realfiles/generate_8b.py [OUT]
Each file is loaded here with the reference reader; files the default policy refuses on purpose are
listed in RealFilesTest.REFUSED.
"""
import enum
import os
import sys
import warnings
from typing import Dict, List, NamedTuple, Optional, Tuple

import torch
import torch.nn as nn

warnings.filterwarnings("ignore")
HERE = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(88)
P = "r8b_"


def out(*parts):
    p = os.path.join(HERE, *parts)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


def tsave(obj, name, weights_only=True, **kw):
    path = out("torch", P + name)
    try:
        torch.save(obj, path, **kw)
    except Exception as e:
        print("torch.save fails for", name, ":", str(e)[:120], file=sys.stderr)
        if os.path.exists(path):
            os.remove(path)
        return
    try:
        torch.load(path, weights_only=weights_only)
    except Exception as e:  # noted and kept: the sweep checks that safeload refuses it as well
        print("weights_only=%s refuses %s: %s" % (weights_only, name, str(e)[-80:]), file=sys.stderr)
        torch.load(path, weights_only=False)


def jsave(make, name, **kw):
    path = out("torchscript", P + name)
    try:
        torch.jit.save(make(), path, **kw)
        torch.jit.load(path)
    except Exception as e:
        print("torch.jit fails for", name, ":", str(e)[:160], file=sys.stderr)
        if os.path.exists(path):
            os.remove(path)


# ---------------------------------------------------------------------------------------------- torch
c = torch.tensor([1 + 2j, 3 - 1j])
tsave({"conj": c.conj()}, "conj.pt")  # (torch 1.13 cannot save complex32)
tsave({"neg": c.conj().imag}, "neg_bit.pt")
tsave({"conj": c.conj()}, "conj_legacy.pt", _use_new_zipfile_serialization=False)
tsave({"req_grad_leaf": torch.ones(2, requires_grad=True), "int_param": nn.Parameter(torch.ones(2, dtype=torch.int64),
                                                                                     requires_grad=False)},
      "requires_grad.pt")
tsave(nn.ParameterList([nn.Parameter(torch.ones(1)), nn.Parameter(torch.zeros(2))]).state_dict(), "parameter_list.pt")
tsave(nn.ParameterDict({"a": nn.Parameter(torch.ones(1))}).state_dict(), "parameter_dict.pt")
tsave({"q32": torch.quantize_per_tensor(torch.randn(3), 0.1, 0, torch.qint32),
       "qu8": torch.quantize_per_tensor(torch.randn(3), 0.1, 3, torch.quint8)}, "qint32_quint8.pt", weights_only=False)
try:
    nt = torch.nested.nested_tensor([torch.ones(2), torch.ones(3)])
    tsave({"nested": nt}, "nested_tensor.pt")
except Exception as e:
    print("nested tensor:", e, file=sys.stderr)
big = torch.arange(24.0).view(2, 3, 4)
tsave({"permuted": big.permute(2, 0, 1), "neg_free_flip_copy": big.flip(0), "select": big[1], "expand3": big[:, :1].expand(2, 3, 4),
       "empty_view": big[:, :0], "scalar_view": big[1, 2, 3]}, "views_more.pt")
tsave({"w": torch.ones(2)}, "pickle_protocol3_legacy_buffer_hooks.pt", pickle_protocol=3)
lin = nn.Linear(2, 2)
lin.register_forward_hook(lambda m, i, o: o)
tsave(lin.state_dict(), "state_dict_of_hooked.pt")
sd = nn.Sequential(nn.Linear(2, 2)).state_dict()
tsave(sd, "state_dict_metadata.pt")  # OrderedDict with a _metadata attribute (version per prefix)
tsave(dict(sd), "state_dict_plain_dict.pt")

# ---------------------------------------------------------------------------------------------- torchscript
class Point(NamedTuple):
    x: torch.Tensor
    y: int


class Color(enum.Enum):
    RED = 1
    GREEN = 2


class WithTypes(nn.Module):
    def __init__(self):
        super().__init__()
        self.names: List[str] = ["a", "b"]
        self.table: Dict[str, torch.Tensor] = {"k": torch.ones(2)}
        self.maybe: Optional[torch.Tensor] = None
        self.pair: Tuple[int, float] = (1, 2.0)
        self.tensors = [torch.zeros(1)]

    def forward(self, x: torch.Tensor, color: Color) -> Point:
        if color == Color.RED:
            x = x + self.table["k"]
        return Point(x, len(self.names))

    @torch.jit.export
    def helper(self, n: int) -> List[int]:
        return [i * 2 for i in range(n)]

    @torch.jit.ignore
    def python_only(self):
        return "ignored"


jsave(lambda: torch.jit.script(WithTypes()), "scripted_namedtuple_enum.pt")


@torch.jit.interface
class Act(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pass


class Doubler(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * 2


class UsesInterface(nn.Module):
    impl: Act

    def __init__(self):
        super().__init__()
        self.impl = Doubler()

    def forward(self, x):
        return self.impl.forward(x)


jsave(lambda: torch.jit.script(UsesInterface()), "scripted_interface.pt")


class Consts(nn.Module):
    __constants__ = ["scale"]

    def __init__(self):
        super().__init__()
        self.scale = 2.5
        self.lin = nn.Linear(2, 2)

    def forward(self, x):
        y = self.lin(x) * self.scale
        out = torch.jit.annotate(List[torch.Tensor], [])
        for i in range(2):
            out.append(y + i)
        return torch.stack(out).sum(0)


jsave(lambda: torch.jit.freeze(torch.jit.script(Consts()).eval()), "frozen_consts.pt")
jsave(lambda: torch.jit.script(nn.Sequential(nn.BatchNorm1d(3), nn.RNN(3, 2)) if False else nn.GRU(3, 2, bidirectional=True)),
      "scripted_gru_bidir.pt")
jsave(lambda: torch.jit.script(nn.RNN(3, 2, num_layers=2)), "scripted_rnn.pt")
jsave(lambda: torch.jit.script(nn.Sequential(nn.Conv3d(1, 1, 2), nn.BatchNorm3d(1), nn.PReLU(), nn.Dropout3d())),
      "scripted_conv3d_prelu.pt")
jsave(lambda: torch.jit.trace(nn.utils.weight_norm(nn.Linear(2, 2)), torch.randn(1, 2)), "traced_weight_norm.pt")
jsave(lambda: torch.jit.trace(nn.utils.parametrizations.orthogonal(nn.Linear(2, 2)), torch.randn(1, 2)),
      "traced_parametrized.pt")
jsave(lambda: torch.jit.script(nn.Transformer(4, 1, 1, 1, 4).eval()), "scripted_transformer.pt")
jsave(lambda: torch.jit.trace(nn.LSTM(2, 3, proj_size=1), torch.randn(2, 1, 2)), "traced_lstm_proj.pt")
jsave(lambda: torch.jit.script(nn.Sequential(nn.Upsample(scale_factor=2), nn.PixelShuffle(2), nn.Softmax(dim=1),
                                             nn.LogSoftmax(dim=1), nn.Hardswish(), nn.Mish(), nn.ELU()).eval()),
      "scripted_activations.pt")

# ---------------------------------------------------------------------------------------------- onnx export
import onnx  # noqa: E402


def export(module, args, name, opset, **kw):
    path = out("onnx", P + name)
    try:
        torch.onnx.export(module, args, path, opset_version=opset, **kw)
        onnx.checker.check_model(path)
    except Exception as e:
        print("export", name, "failed:", type(e).__name__, str(e)[:200], file=sys.stderr)
        if os.path.exists(path):
            os.remove(path)


blk = nn.Sequential(nn.Linear(3, 3), nn.LayerNorm(3), nn.GELU(), nn.Linear(3, 2))
export(blk, torch.randn(1, 3), "export_modules_as_functions_op15.onnx", 15, export_modules_as_functions=True)
for op in (7, 8, 10, 12, 16, 17):
    export(nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(8, 1)),
           torch.randn(1, 1, 6, 6), "export_cnn_op%d.onnx" % op, op, input_names=["x"], output_names=["y"],
           dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
export(nn.LSTM(2, 3, num_layers=2), torch.randn(2, 1, 2), "export_lstm_2layer_op9.onnx", 9)
export(nn.RNN(2, 3, nonlinearity="relu"), torch.randn(2, 1, 2), "export_rnn_relu_op13.onnx", 13)
export(nn.Embedding(5, 2), torch.tensor([[0, 3]]), "export_embedding_op11.onnx", 11,
       dynamic_axes={"input.1" if False else "ids": {0: "b", 1: "t"}}, input_names=["ids"])
export(nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5)), torch.randn(1, 2), "export_doc_string_op13.onnx", 13,
       verbose=False, do_constant_folding=True, export_params=True)


class IfModel(nn.Module):
    def forward(self, x):
        if x.sum() > 0:
            return x * 2
        return x - 1


export(torch.jit.script(IfModel()), torch.randn(2), "export_scripted_if_op13.onnx", 13)


class LoopModel(nn.Module):
    def forward(self, x, n: int):
        for _ in range(n):
            x = x + 1
        return x


export(torch.jit.script(LoopModel()), (torch.randn(2), 3), "export_scripted_loop_op13.onnx", 13)
print("done", file=sys.stderr)
