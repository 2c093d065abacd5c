#!/usr/bin/python3
"""Writes fixtures for what torch.load(weights_only=True) admits beyond plain dense tensors.

Run with Debian's interpreter (python3-torch 1.13):
    /usr/bin/python3 formats/src/test/resources/pytorch/generate_weights_only.py
Each file is a few KB, written by torch's own writer: a quantized state dict (per-tensor and
per-channel), a sparse COO tensor, plain values torch 2.x admits (complex, bytearray, Counter), and an
archive with the 40-digit .data/serialization_id record torch 2.x writes (torch 1.13 does not write
it, so it is added through torch's own PyTorchFileWriter, the way torch 2.x's _save does at the end).
"""
import collections
import io
import os
import pickle
import zipfile

import torch
import torch.serialization

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(1234)


def out(name):
    return os.path.join(HERE, name)


def check(name):
    # torch 1.13's weights_only unpickler predates complex/bytearray/Counter/_rebuild_qtensor, so the
    # files are read back with the full loader to show they round-trip.
    return torch.load(out(name))


# 1. Quantized tensors: per-tensor affine (quint8) and per-channel affine (qint8, qint32).
q = {
    "per_tensor": torch.quantize_per_tensor(torch.randn(2, 3), 0.05, 10, torch.quint8),
    "per_channel": torch.quantize_per_channel(torch.randn(3, 4), torch.tensor([0.1, 0.2, 0.3]),
                                              torch.tensor([0, 1, 2]), 0, torch.qint8),
    "bias_q32": torch.quantize_per_tensor(torch.randn(4), 0.01, 0, torch.qint32),
}
torch.save(q, out("quantized_state_dict.pt"))
assert torch.equal(check("quantized_state_dict.pt")["per_channel"].int_repr(), q["per_channel"].int_repr())

# 2. A sparse COO tensor (and a hybrid one with a dense dimension) next to a dense one.
sparse = torch.tensor([[0.0, 1.5, 0.0], [2.0, 0.0, 0.0]]).to_sparse()
hybrid = torch.sparse_coo_tensor(torch.tensor([[0, 2]]), torch.ones(2, 3), (4, 3))
torch.save({"sparse": sparse, "hybrid": hybrid, "dense": torch.arange(3.0)}, out("sparse_coo.pt"))
assert torch.equal(check("sparse_coo.pt")["sparse"].to_dense(), sparse.to_dense())
# the same in the legacy (stacked-pickle) layout, whose storages follow the pickles
torch.save({"sparse": sparse, "hybrid": hybrid}, out("sparse_coo_legacy.pt"), _use_new_zipfile_serialization=False)
assert torch.equal(check("sparse_coo_legacy.pt")["hybrid"].to_dense(), hybrid.to_dense())

# 3. Plain values torch 2.x admits: complex, bytearray, collections.Counter, in a state-dict-like dict.
misc = {"weight": torch.ones(2), "phase": complex(1.0, -2.5), "raw": bytearray(b"\x00\x01safeload"),
        "vocab_counts": collections.Counter({"a": 3, "b": 1}), "empty_counts": collections.Counter()}
torch.save(misc, out("complex_bytearray_counter.pt"))
assert check("complex_bytearray_counter.pt")["vocab_counts"]["a"] == 3

# 4. torch 2.x layout: a 40-digit .data/serialization_id record (two zero-padded 20-digit numbers,
# no newline) after the data records, written by torch's own zip writer.
buf_name = out("serialization_id_40.pt")
with open(buf_name, "wb") as f:
    writer = torch._C.PyTorchFileWriter(f)
    torch.serialization._save({"w": torch.arange(4.0)}, writer, pickle, 2)
    sid = b"%020d%020d" % (12345678901234567890, 987654321)
    writer.write_record(".data/serialization_id", sid, len(sid))
    del writer
with zipfile.ZipFile(buf_name) as z:
    names = z.namelist()
    assert "archive/.data/serialization_id" in names, names
    assert len(z.read("archive/.data/serialization_id")) == 40
assert torch.equal(check("serialization_id_40.pt")["w"], torch.arange(4.0))
