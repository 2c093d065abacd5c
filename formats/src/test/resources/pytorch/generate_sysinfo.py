#!/usr/bin/python3
"""Writes legacy checkpoints whose sys_info says little_endian=False, as torch.save writes on a
big-endian host (LegacySysInfoTest). Run with Debian's interpreter (python3-torch 1.13):
    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack /usr/bin/python3 formats/src/test/resources/pytorch/generate_sysinfo.py
torch.save writes legacy storages little-endian on every host and torch.load reads them so whatever
sys_info says (checked below), so the flag is patched in after saving. One file holds a sparse COO
tensor with valid indices; in the other, one index is 2**56: out of bounds as torch reads it, 1 if
the bytes were read big-endian.
"""
import io
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def save_big_endian_sysinfo(obj, name):
    buf = io.BytesIO()
    torch.save(obj, buf, _use_new_zipfile_serialization=False)
    b = bytearray(buf.getvalue())
    k = b.find(b"little_endian") + len(b"little_endian")
    k += 2 if b[k] == 0x71 else 0  # BINPUT after the key
    assert b[k] == 0x88  # NEWTRUE
    b[k] = 0x89  # NEWFALSE
    path = os.path.join(HERE, name)
    with open(path, "wb") as f:
        f.write(bytes(b))
    return path


valid = torch.sparse_coo_tensor(torch.tensor([[0, 2], [1, 0]]), torch.tensor([1.0, 2.0]), (3, 3))
p = save_big_endian_sysinfo({"s": valid}, "legacy_sysinfo_big_endian_sparse.pt")
assert torch.equal(torch.load(p, weights_only=True)["s"].to_dense(), valid.to_dense())

bad = torch._sparse_coo_tensor_unsafe(torch.tensor([[0, 0], [0, 1 << 56]]), torch.tensor([1.0, 2.0]), (3, 3))
p = save_big_endian_sysinfo({"s": bad}, "legacy_sysinfo_big_endian_sparse_oob.pt")
validate = torch._utils._validate_loaded_sparse_tensors
torch._utils._validate_loaded_sparse_tensors = lambda: torch._utils._sparse_tensors_to_validate.clear()
assert torch.load(p)["s"]._indices().tolist() == [[0, 0], [0, 1 << 56]]  # read little-endian
torch._utils._validate_loaded_sparse_tensors = validate
print("done")
