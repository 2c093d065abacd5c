#!/usr/bin/python3
"""Round-8 real producer output, third part (beside generate_8.py and generate_8b.py): other writers of the
same formats. numpy.lib.format.write_array at explicit versions and open_memmap; onnx.save_model with
convert_attribute and with external data in a subfolder, onnx.shape_inference, onnx.compose.merge_models,
onnx.utils.extract_model; torch.package, ScriptFunction.save and the lite-interpreter form. Run with
Debian's interpreter (python3-torch 1.13, python3-numpy 1.24, python3-onnx 1.12):
    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack /usr/bin/python3 formats/src/test/resources/realfiles/generate_8c.py [OUT]
Files the default policy refuses on purpose are listed in RealFilesTest.REFUSED.
"""
import os
import sys
import warnings

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import TensorProto, compose, helper, numpy_helper
warnings.filterwarnings("ignore")
HERE = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
P = "r8c_"


def out(*parts):
    p = os.path.join(HERE, *parts)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


# numpy explicit versions and open_memmap
for ver in ((1, 0), (2, 0), (3, 0)):
    with open(out("numpy", P + "write_array_v%d.npy" % ver[0]), "wb") as f:
        np.lib.format.write_array(f, np.arange(6, dtype="<f4").reshape(2, 3), version=ver)
with open(out("numpy", P + "write_array_v2_fortran_struct.npy"), "wb") as f:
    np.lib.format.write_array(f, np.asfortranarray(np.zeros((2, 2), dtype=[("a", "<i2")])), version=(2, 0))
m = np.lib.format.open_memmap(out("numpy", P + "open_memmap.npy"), mode="w+", dtype="<i4", shape=(3, 2))
m[:] = 1
m.flush()
del m
m = np.lib.format.open_memmap(out("numpy", P + "open_memmap_fortran.npy"), mode="w+", dtype=">f8", shape=(2, 2), fortran_order=True)
del m
m = np.lib.format.open_memmap(out("numpy", P + "open_memmap_v2.npy"), mode="w+", dtype="u1", shape=(4,), version=(2, 0))
del m
for f in sorted(os.listdir(out("numpy"))):
    if f.startswith(P):
        np.load(out("numpy", f), allow_pickle=False)

# onnx external data variants
x = helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 16])
y = helper.make_tensor_value_info("Y", TensorProto.FLOAT, [1, 16])
W = numpy_helper.from_array(np.ones((16, 16), np.float32), "W")
cst = helper.make_node("Constant", [], ["B"], value=numpy_helper.from_array(np.zeros(16, np.float32)))
g = helper.make_graph([cst, helper.make_node("Gemm", ["X", "W", "B"], ["Y"])], "g", [x], [y], [W])


def mk():
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])


d = out("onnx", P + "ext_convert_attribute", "model.onnx")
onnx.save_model(mk(), d, save_as_external_data=True, all_tensors_to_one_file=True, location="weights.data",
                size_threshold=0, convert_attribute=True)
onnx.checker.check_model(d)
onnx.load(d)
d = out("onnx", P + "ext_subdir", "model.onnx")
out("onnx", P + "ext_subdir", "weights", "w.data")  # onnx.save_model does not create the folder
onnx.save_model(mk(), d, save_as_external_data=True, all_tensors_to_one_file=True, location="weights/w.data",
                size_threshold=0)
onnx.checker.check_model(d)
onnx.load(d)
# shape inference output, compose.merge_models (it imports the default domain once per merged model),
# extract_model
m = onnx.shape_inference.infer_shapes(mk())
onnx.save_model(m, out("onnx", P + "shape_inferred.onnx"))
m1 = helper.make_model(helper.make_graph([helper.make_node("Relu", ["A"], ["B"])], "m1",
       [helper.make_tensor_value_info("A", TensorProto.FLOAT, [2])], [helper.make_tensor_value_info("B", TensorProto.FLOAT, [2])]),
       opset_imports=[helper.make_opsetid("", 13)])
m2 = helper.make_model(helper.make_graph([helper.make_node("Neg", ["C"], ["D"])], "m2",
       [helper.make_tensor_value_info("C", TensorProto.FLOAT, [2])], [helper.make_tensor_value_info("D", TensorProto.FLOAT, [2])]),
       opset_imports=[helper.make_opsetid("", 13)])
mm = compose.merge_models(m1, m2, io_map=[("B", "C")], prefix1="a/", prefix2="b/")
onnx.checker.check_model(mm)
onnx.save_model(mm, out("onnx", P + "compose_merged.onnx"))
onnx.save_model(mk(), out("onnx", P + "full.onnx"))
onnx.utils.extract_model(out("onnx", P + "full.onnx"), out("onnx", P + "extracted.onnx"), ["X"], ["Y"])
os.remove(out("onnx", P + "full.onnx"))

# torch.package (its archive holds the pickles and any code PackageImporter imports; torch.load cannot read
# it), ScriptFunction.save, and the lite-interpreter (mobile bytecode) form.
from torch.package import PackageExporter  # noqa: E402

with PackageExporter(out("torch", P + "package.pt")) as pe:
    pe.save_pickle("model", "weights.pkl", {"w": torch.ones(2)})


@torch.jit.script
def fn(x: torch.Tensor) -> torch.Tensor:
    return x * 2


fn.save(out("torchscript", P + "script_function.pt"))
torch.jit.load(out("torchscript", P + "script_function.pt"))
try:
    torch.jit.script(nn.Linear(2, 2))._save_for_lite_interpreter(out("torchscript", P + "lite.ptl"))
except Exception as e:
    print("lite:", e, file=sys.stderr)
print("done", file=sys.stderr)
