#!/usr/bin/python3
"""Writes the small ONNX fixtures for safeload's tests with the real producer (Debian's python3-onnx).

Run from this directory with /usr/bin/python3 generate.py. Outputs are deterministic and committed.

  matmul_add.onnx          Y = X @ W + B, W = [[1,2],[3,4],[5,6]] (3x2), B = [0.5, -1]; X is 1x3
  external/model.onnx      the same graph with W and B in external/weights.data (offsets 0 and 4096)
  custom_domain.onnx       a node in domain com.example.custom (opset imported): rejected by default
  subgraph_if.onnx         If(cond) with then/else subgraphs holding their own initializers
  loop.onnx                Loop with a body subgraph (adds 1 to a counter each iteration)
  hostile/traversal.onnx   external data at "../weights.data" (CVE-2022-25882 shape): must be rejected
  hostile/mem_addr.onnx    external data at "*/_ORT_MEM_ADDR_/*" (ORT #28709): must be rejected
  long_doc_string.onnx     matmul_add with a 100 KB UTF-8 doc_string: the 64 KiB detection head ends
                           inside it, before the graph (issue: detection must not give up)
  hostile/shadowed_contrib_function.onnx
                           Y = com.microsoft::Gelu(X), with a model-local function of that name whose
                           body is an Identity: ONNX Runtime runs its contrib Gelu kernel, not the body
"""
import os
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx.external_data_helper import set_external_data

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = [helper.make_opsetid("", 13)]
IR = 7  # understood by every ONNX Runtime since 1.6


def save(model, name):
    onnx.checker.check_model(model)
    path = os.path.join(HERE, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(model.SerializeToString())


def matmul_add_graph(w, b):
    x = helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 3])
    y = helper.make_tensor_value_info("Y", TensorProto.FLOAT, [1, 2])
    nodes = [helper.make_node("MatMul", ["X", "W"], ["XW"], name="matmul"),
             helper.make_node("Add", ["XW", "B"], ["Y"], name="add")]
    return helper.make_graph(nodes, "matmul_add", [x], [y], [w, b])


W = np.array([[1, 2], [3, 4], [5, 6]], dtype=np.float32)
B = np.array([0.5, -1], dtype=np.float32)


def matmul_add():
    g = matmul_add_graph(numpy_helper.from_array(W, "W"), numpy_helper.from_array(B, "B"))
    m = helper.make_model(g, opset_imports=OPSET, producer_name="safeload-fixtures", ir_version=IR)
    m.metadata_props.append(onnx.StringStringEntryProto(key="purpose", value="safeload test"))
    save(m, "matmul_add.onnx")


def external():
    w = numpy_helper.from_array(W, "W")
    b = numpy_helper.from_array(B, "B")
    blob = bytearray(4096 + B.nbytes)
    blob[0:W.nbytes] = W.tobytes()
    blob[4096:4096 + B.nbytes] = B.tobytes()
    for t, off in ((w, 0), (b, 4096)):
        n = len(t.raw_data)
        set_external_data(t, location="weights.data", offset=off, length=n)
        t.ClearField("raw_data")
        t.data_location = TensorProto.EXTERNAL
    m = helper.make_model(matmul_add_graph(w, b), opset_imports=OPSET, producer_name="safeload-fixtures",
                          ir_version=IR)
    os.makedirs(os.path.join(HERE, "external"), exist_ok=True)
    with open(os.path.join(HERE, "external", "weights.data"), "wb") as f:
        f.write(bytes(blob))
    path = os.path.join(HERE, "external", "model.onnx")
    with open(path, "wb") as f:
        f.write(m.SerializeToString())
    onnx.checker.check_model(path)  # by path, so the checker resolves and checks the external file


def custom_domain():
    x = helper.make_tensor_value_info("X", TensorProto.FLOAT, [1])
    y = helper.make_tensor_value_info("Y", TensorProto.FLOAT, [1])
    n = helper.make_node("Frobnicate", ["X"], ["Y"], domain="com.example.custom")
    g = helper.make_graph([n], "custom", [x], [y])
    m = helper.make_model(g, opset_imports=OPSET + [helper.make_opsetid("com.example.custom", 1)],
                          ir_version=IR)
    save(m, "custom_domain.onnx")


def subgraph_if():
    cond = helper.make_tensor_value_info("cond", TensorProto.BOOL, [])
    y = helper.make_tensor_value_info("Y", TensorProto.FLOAT, [2])
    then_out = helper.make_tensor_value_info("then_y", TensorProto.FLOAT, [2])
    else_out = helper.make_tensor_value_info("else_y", TensorProto.FLOAT, [2])
    then_g = helper.make_graph(
        [helper.make_node("Constant", [], ["then_y"],
                          value=numpy_helper.from_array(np.array([1, 2], dtype=np.float32), "tv"))],
        "then", [], [then_out])
    else_g = helper.make_graph(
        [helper.make_node("Identity", ["ev"], ["else_y"])], "else", [], [else_out],
        [numpy_helper.from_array(np.array([3, 4], dtype=np.float32), "ev")])
    n = helper.make_node("If", ["cond"], ["Y"], then_branch=then_g, else_branch=else_g)
    g = helper.make_graph([n], "if", [cond], [y])
    save(helper.make_model(g, opset_imports=OPSET, ir_version=IR), "subgraph_if.onnx")


def loop():
    trip = helper.make_tensor_value_info("trip", TensorProto.INT64, [])
    v0 = helper.make_tensor_value_info("v0", TensorProto.FLOAT, [1])
    vout = helper.make_tensor_value_info("vout", TensorProto.FLOAT, [1])
    body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]),
         helper.make_node("Add", ["v_in", "one"], ["v_out"])],
        "body",
        [helper.make_tensor_value_info("i", TensorProto.INT64, []),
         helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
         helper.make_tensor_value_info("v_in", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
         helper.make_tensor_value_info("v_out", TensorProto.FLOAT, [1])],
        [numpy_helper.from_array(np.array([1], dtype=np.float32), "one")])
    n = helper.make_node("Loop", ["trip", "", "v0"], ["vout"], body=body)
    g = helper.make_graph([n], "loop", [trip, v0], [vout])
    save(helper.make_model(g, opset_imports=OPSET, ir_version=IR), "loop.onnx")


def hostile(name, location):
    w = numpy_helper.from_array(W, "W")
    b = numpy_helper.from_array(B, "B")
    set_external_data(w, location=location, offset=0, length=len(w.raw_data))
    w.ClearField("raw_data")
    w.data_location = TensorProto.EXTERNAL
    m = helper.make_model(matmul_add_graph(w, b), opset_imports=OPSET, ir_version=IR)
    # Not checked by path: onnx.checker would (rightly) refuse to resolve these locations.
    os.makedirs(os.path.join(HERE, "hostile"), exist_ok=True)
    with open(os.path.join(HERE, "hostile", name), "wb") as f:
        f.write(m.SerializeToString())


def long_doc_string():
    g = matmul_add_graph(numpy_helper.from_array(W, "W"), numpy_helper.from_array(B, "B"))
    # Mixed ASCII and multi-byte text, so a cut of the head may fall inside a character.
    text = ("Dokumentation f\u00fcr dieses Modell \u2014 \u6a21\u578b\u6587\u6863 \U0001f9ea. " * 2000)
    text = text[:100 * 1000]
    m = helper.make_model(g, opset_imports=OPSET, producer_name="safeload-fixtures", ir_version=IR,
                          doc_string=text)
    save(m, "long_doc_string.onnx")


def shadowed_contrib_function():
    body = [helper.make_node("Identity", ["x"], ["y"])]
    f = helper.make_function("com.microsoft", "Gelu", ["x"], ["y"], body, OPSET)
    x = helper.make_tensor_value_info("X", TensorProto.FLOAT, [2])
    y = helper.make_tensor_value_info("Y", TensorProto.FLOAT, [2])
    g = helper.make_graph([helper.make_node("Gelu", ["X"], ["Y"], domain="com.microsoft")], "g",
                          [x], [y])
    m = helper.make_model(g, opset_imports=OPSET + [helper.make_opsetid("com.microsoft", 1)],
                          functions=[f], ir_version=8)
    save(m, "hostile/shadowed_contrib_function.onnx")


if __name__ == "__main__":
    matmul_add()
    external()
    custom_domain()
    subgraph_if()
    loop()
    hostile("traversal.onnx", "../weights.data")
    hostile("mem_addr.onnx", "*/_ORT_MEM_ADDR_/*")
    long_doc_string()
    shadowed_contrib_function()
