#!/usr/bin/python3
"""Writes the ONNX sparse-tensor fixtures with the real producer (Debian's python3-onnx 1.12).

Run from anywhere with /usr/bin/python3 generate.py. Outputs are deterministic and committed.
Each model is Y = X + W with X of shape [3, 4] and W a sparse initializer of dense shape [3, 4]
holding 3 values (1, 2, 3) at the elements (0, 1), (1, 2), (2, 3); only the indices vary.

Valid (onnx.checker.check_model passes; safeload must accept):
  valid_linear.onnx        indices [1, 6, 11] of shape [3] (linearised), raw_data
  valid_coo.onnx           indices [[0, 1], [1, 2], [2, 3]] of shape [3, 2] (coordinates)
  valid_int64_data.onnx    indices [1, 6, 11] in int64_data (packed), not raw_data
  valid_constant.onnx      a Constant node whose sparse_value attribute holds the same tensor
Invalid (onnx.checker.check_model fails with the message noted; written unchecked):
  oob_linear.onnx          [1, 6, 12]: 12 is past the 12 elements ("out of range [0, 11]")
  negative_linear.onnx     [-1, 6, 11] ("out of range")
  oob_coo.onnx             [[0, 1], [1, 4], [2, 3]]: 4 is past dimension 1 of size 4 ("out of range")
  oob_int64_data.onnx      [1, 6, 12] in int64_data
  oob_constant.onnx        [1, 6, 12] in a Constant node's sparse_value attribute
  unsorted_linear.onnx     [6, 1, 11] ("not in sorted order")
  repeated_linear.onnx     [1, 6, 6] ("not in sorted order": one element written twice)
  unsorted_coo.onnx        [[1, 2], [0, 1], [2, 3]] ("not in lexicographic sorted order")
  count_mismatch.onnx      [1, 6] for 3 values ("has 2 values, but NNZ is 3")
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
DIMS = [3, 4]


def sparse(indices, shape=None, typed=False):
    values = numpy_helper.from_array(np.array([1, 2, 3], dtype=np.float32), "W")
    idx = np.array(indices, dtype=np.int64).reshape(shape or (len(indices),))
    if typed:
        ind = helper.make_tensor("W_indices", TensorProto.INT64, idx.shape, idx.flatten().tolist())
    else:
        ind = numpy_helper.from_array(idx, "W_indices")
    return helper.make_sparse_tensor(values, ind, DIMS)


def model(s, constant=False):
    x = helper.make_tensor_value_info("X", TensorProto.FLOAT, DIMS)
    y = helper.make_tensor_value_info("Y", TensorProto.FLOAT, DIMS)
    if constant:
        nodes = [helper.make_node("Constant", [], ["W"], sparse_value=s), helper.make_node("Add", ["X", "W"], ["Y"])]
        g = helper.make_graph(nodes, "sparse", [x], [y])
    else:
        g = helper.make_graph([helper.make_node("Add", ["X", "W"], ["Y"])], "sparse", [x], [y],
                              sparse_initializer=[s])
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], ir_version=7)


def save(m, name, valid):
    try:
        onnx.checker.check_model(m)
        ok = True
    except onnx.checker.ValidationError as e:
        ok = False
        print("%-22s checker: %s" % (name, str(e).splitlines()[0]))
    assert ok == valid, name
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(m.SerializeToString())


save(model(sparse([1, 6, 11])), "valid_linear.onnx", True)
save(model(sparse([0, 1, 1, 2, 2, 3], (3, 2))), "valid_coo.onnx", True)
save(model(sparse([1, 6, 11], typed=True)), "valid_int64_data.onnx", True)
save(model(sparse([1, 6, 11]), constant=True), "valid_constant.onnx", True)
save(model(sparse([1, 6, 12])), "oob_linear.onnx", False)
save(model(sparse([-1, 6, 11])), "negative_linear.onnx", False)
save(model(sparse([0, 1, 1, 4, 2, 3], (3, 2))), "oob_coo.onnx", False)
save(model(sparse([1, 6, 12], typed=True)), "oob_int64_data.onnx", False)
save(model(sparse([1, 6, 12]), constant=True), "oob_constant.onnx", False)
save(model(sparse([6, 1, 11])), "unsorted_linear.onnx", False)
save(model(sparse([1, 6, 6])), "repeated_linear.onnx", False)
save(model(sparse([1, 2, 0, 1, 2, 3], (3, 2))), "unsorted_coo.onnx", False)
save(model(sparse([1, 6])), "count_mismatch.onnx", False)
