#!/usr/bin/python3
"""Writes the real-producer fixtures for the PyTorch, pickle and NumPy handler tests.

Run with Debian's interpreter (python3-torch, python3-torchvision, python3-numpy):
    /usr/bin/python3 formats/src/test/resources/pytorch/generate.py
Every file is small (tens of KB at most) and produced by the real libraries' own writers, so the tests
check safeload against what PyTorch and NumPy actually emit. Seeds are fixed, but torch.save embeds no
timestamps only for the zip format; re-running may still change bytes, which is fine: tests assert verdicts.
"""
import bz2
import gzip
import io
import lzma
import os
import pickle
import struct
import tarfile

import numpy as np
import torch
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
NUMPY_DIR = os.path.join(os.path.dirname(HERE), "numpy")
PICKLE_DIR = os.path.join(os.path.dirname(HERE), "pickle")
os.makedirs(NUMPY_DIR, exist_ok=True)
os.makedirs(PICKLE_DIR, exist_ok=True)
torch.manual_seed(1234)


def out(name):
    return os.path.join(HERE, name)


# 1. State dicts of real torchvision modules (small building blocks, not whole networks).
block = torchvision.models.resnet.BasicBlock(4, 4)  # conv + batchnorm: float weights, long num_batches_tracked
torch.save(block.state_dict(), out("resnet_basicblock_state_dict.pt"))
mlp = torchvision.ops.MLP(8, [16, 4])
torch.save(mlp.state_dict(), out("torchvision_mlp_state_dict.pth"))

# 2. An optimizer checkpoint: model + Adam state after one step + plain training metadata.
model = torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss = model(torch.randn(2, 6)).sum()
loss.backward()
opt.step()
torch.save({"epoch": 3, "model": model.state_dict(), "optimizer": opt.state_dict(), "best_loss": 0.25,
            "tags": ["a", "b"], "shape": (1, 2)}, out("optimizer_checkpoint.ckpt"))

# 3. The legacy (pre-1.6) stacked-pickle format.
torch.save(model.state_dict(), out("legacy_state_dict.pt"), _use_new_zipfile_serialization=False)

# 4. Unusual dtypes.
torch.save({"bf16": torch.randn(3, 2).to(torch.bfloat16), "bool": torch.tensor([True, False, True]),
            "int8": torch.arange(-4, 4, dtype=torch.int8), "int32": torch.arange(5, dtype=torch.int32),
            "int64": torch.arange(7), "f16": torch.randn(4).half(), "f64": torch.randn(2, dtype=torch.float64),
            "uint8": torch.arange(6, dtype=torch.uint8), "empty": torch.zeros(0, 3)}, out("dtypes.pt"))

# 5. Views that share one storage (one data/ record, several tensors with offsets and strides).
base = torch.arange(24, dtype=torch.float32)
torch.save({"base": base, "slice": base[2:9], "matrix": base.view(4, 6), "transposed": base.view(4, 6).t(),
            "strided": base[::3]}, out("shared_views.pt"))

# 6. Things torch.load(weights_only=True) refuses, written by the real producers.
torch.save(model.state_dict(), out("protocol4_state_dict.pt"), pickle_protocol=4)  # FRAME etc.
scripted = torch.jit.script(torch.nn.Linear(2, 2))
torch.jit.save(scripted, out("torchscript_linear.pt"))  # constants.pkl + code/
with open(out("optimizer_checkpoint.ckpt"), "rb") as f:
    ckpt = f.read()
with gzip.GzipFile(out("checkpoint.pt.gz"), "wb", mtime=0) as f:
    f.write(ckpt)
with open(out("checkpoint.pt.bz2"), "wb") as f:
    f.write(bz2.compress(ckpt))
with open(out("checkpoint.pt.xz"), "wb") as f:
    f.write(lzma.compress(ckpt))


# The legacy tar format (PyTorch <= 0.1.10): torch can read it but no longer writes it, so build the
# member layout torch.serialization._legacy_load expects, with a harmless sys_info pickle.
def tar_member(t, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0
    t.addfile(info, io.BytesIO(data))


with tarfile.open(out("legacy_tar.pt"), "w", format=tarfile.USTAR_FORMAT) as t:
    tar_member(t, "sys_info", pickle.dumps({"protocol_version": 1001, "little_endian": True,
                                            "type_sizes": {"short": 2, "int": 4, "long": 4}}, protocol=2))
    tar_member(t, "storages", pickle.dumps(0, protocol=2))
    tar_member(t, "tensors", pickle.dumps(0, protocol=2))
    tar_member(t, "pickle", pickle.dumps({}, protocol=2))

# 7. NumPy.
rng = np.random.default_rng(7)
np.save(os.path.join(NUMPY_DIR, "float32.npy"), rng.standard_normal((3, 4)).astype(np.float32))
np.save(os.path.join(NUMPY_DIR, "int64_fortran.npy"), np.asfortranarray(np.arange(12).reshape(3, 4)))
np.save(os.path.join(NUMPY_DIR, "bool.npy"), np.array([True, False]))
np.save(os.path.join(NUMPY_DIR, "bigendian.npy"), np.arange(5, dtype=">i4"))
np.save(os.path.join(NUMPY_DIR, "scalar.npy"), np.float64(2.5))
np.save(os.path.join(NUMPY_DIR, "empty.npy"), np.zeros((0, 3), dtype=np.float16))
np.save(os.path.join(NUMPY_DIR, "unicode.npy"), np.array(["ab", "cde"]))
np.save(os.path.join(NUMPY_DIR, "object.npy"), np.array([1, "x", None], dtype=object), allow_pickle=True)
np.savez(os.path.join(NUMPY_DIR, "arrays.npz"), w=np.ones((2, 2)), b=np.arange(3, dtype=np.int16))
np.savez_compressed(os.path.join(NUMPY_DIR, "arrays_compressed.npz"), w=np.zeros((16, 16)),
                    b=np.arange(30, dtype=np.uint8))
np.savez(os.path.join(NUMPY_DIR, "object_member.npz"), o=np.array([{"k": 1}], dtype=object))

# 8. Plain pickles of data (what pickle.dump writes for plain containers), per protocol, each with the
# value as CPython reads it back, in a canonical text form the Java test renders too (differential test).
shared = [9]
data = {"name": "model", "unicode": "\u017c\u00f3\u0142w \u2713", "sizes": [1, 2, 3], "neg": -7, "zero": 0,
        "i32": -2 ** 31, "big": 2 ** 80, "bigneg": -(2 ** 70), "ratio": 0.5, "tiny": 1e-300, "inf": float("inf"),
        "flag": True, "off": False, "none": None, "pair": (1, "a"),
        "nested": {"t": ((), (1,), (1, 2), (1, 2, 3)), "l": [], "d": {}}, "set": {1, 2}, "bytes": b"\x00\x01",
        "shared": shared, "again": shared, "esc": "a'b\\c\n"}


def canon(o):
    if o is None:
        return "None"
    if isinstance(o, bool):
        return "True" if o else "False"
    if isinstance(o, int):
        return str(o)
    if isinstance(o, float):
        return "f" + struct.pack(">d", o).hex()
    if isinstance(o, str):
        return "'" + "".join(c if 0x20 <= ord(c) < 0x7f and c not in "'\\" else "\\u%04x" % ord(c) for c in o) + "'"
    if isinstance(o, bytes):
        return "b%d" % len(o)
    if isinstance(o, list):
        return "[" + ",".join(canon(x) for x in o) + "]"
    if isinstance(o, tuple):
        return "(" + ",".join(canon(x) for x in o) + ")"
    if isinstance(o, set):
        return "set(" + ",".join(canon(x) for x in o) + ")"
    if isinstance(o, dict):
        return "{" + ",".join(canon(k) + ":" + canon(v) for k, v in o.items()) + "}"
    raise TypeError(type(o))


for proto in range(0, 6):
    path = os.path.join(PICKLE_DIR, "data_v%d.pkl" % proto)
    with open(path, "wb") as f:
        pickle.dump(data, f, protocol=proto)
    with open(path, "rb") as f:
        back = pickle.load(f)
    with open(os.path.join(PICKLE_DIR, "data_v%d.txt" % proto), "w") as f:
        f.write(canon(back) + "\n")
