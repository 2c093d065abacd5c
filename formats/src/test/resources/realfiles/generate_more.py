#!/usr/bin/python3
"""More real producer output for the false-rejection sweep (RealFilesTest), beside generate.py: objects
torch.load(weights_only=True) loads that generate.py does not write, and np.save/np.savez of dtypes and
layouts it does not cover. Run with Debian's interpreter (python3-torch 1.13, python3-numpy 1.24):
    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack /usr/bin/python3 formats/src/test/resources/realfiles/generate_more.py
Each file is checked here with the reader itself (torch.load(weights_only=True),
numpy.load(allow_pickle=False)) and is a few KB at most.
"""
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(11)


def out(*parts):
    p = os.path.join(HERE, *parts)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


def tsave(obj, name, **kw):
    path = out("torch", name)
    torch.save(obj, path, **kw)
    torch.load(path, weights_only=True)


def nsave(name, a):
    path = out("numpy", name)
    np.save(path, a)
    np.load(path, allow_pickle=False)


# ---------------------------------------------------------------------------------------------- torch
x = torch.arange(6.0)
tsave({"dtype": torch.float16, "w": torch.ones(2)}, "more_dtype_value.pt")
tsave(torch.ones(3).storage(), "more_typed_storage.pt")
tsave({"x": x, "y": x.view(2, 3), "z": x[2:]}, "more_shared_views.pt")
tsave({"big": 2 ** 100, "neg": -(2 ** 70), "w": torch.ones(1)}, "more_big_ints.pt")
tsave({"bf16": torch.ones(2, dtype=torch.bfloat16), "f16": torch.ones(2, dtype=torch.half)}, "more_half_types.pt")
tsave(torch.ones(2), "more_legacy_bare.pt", _use_new_zipfile_serialization=False)
tsave({"x": x, "y": x.view(2, 3)}, "more_legacy_shared.pt", _use_new_zipfile_serialization=False)
tsave(torch.ones(3).storage(), "more_legacy_storage.pt", _use_new_zipfile_serialization=False)
tsave({"e": torch.empty(0, dtype=torch.int64), "b": torch.zeros(2, dtype=torch.bool)}, "more_legacy_empty_bool.pt",
      _use_new_zipfile_serialization=False)
tsave(torch.ones(2, dtype=torch.complex64), "more_legacy_complex.pt", _use_new_zipfile_serialization=False)
# torch.save names the archive's top folder after the file's stem, so a file saved as "ckpt .pt" or
# "ckpt..pt" holds "ckpt /data.pkl" or "ckpt./data.pkl"; renaming the file keeps the folder's name.
for stem, name in (("more_archive_name_space ", "more_archive_name_space.pt"),
                   ("more_archive_name_dot.", "more_archive_name_dot.pt")):
    tsave({"w": torch.ones(2)}, stem + ".pt")
    os.replace(out("torch", stem + ".pt"), out("torch", name))
# weights_only=True loads these, but the default profile leaves them out until each has a bounds rule
# (PickleProfile.torchWeightsStrict): a meta tensor, a CSR sparse tensor, a bare untyped storage.
tsave({"m": torch.ones(2, device="meta")}, "more_meta_tensor.pt")
tsave({"csr": torch.eye(3).to_sparse_csr()}, "more_sparse_csr.pt")
tsave(torch.ones(3).storage().untyped(), "more_untyped_storage.pt")

# ---------------------------------------------------------------------------------------------- numpy
nsave("more_aligned_struct.npy", np.zeros(2, dtype=np.dtype([("a", "u1"), ("b", "<f8")], align=True)))
nsave("more_offsets_struct.npy",
      np.zeros(2, dtype=np.dtype({"names": ["a", "b"], "formats": ["u1", "<f4"], "offsets": [0, 8], "itemsize": 16})))
nsave("more_titles.npy", np.zeros(2, dtype=np.dtype([(("Title A", "a"), "<f4"), ("b", "<i2")])))
nsave("more_subarray_field.npy", np.zeros(2, dtype=[("x", "<f4", (2, 3)), ("y", "u1")]))
nsave("more_nested_struct.npy", np.zeros(2, dtype=[("p", [("x", "<f4"), ("y", "<f4")]), ("id", "<i8")]))
nsave("more_subarray_dtype.npy", np.zeros(3, dtype=("<f4", (2,))))
nsave("more_datetime_generic.npy", np.array(["NaT", "NaT"], dtype="M8"))
nsave("more_timedelta_generic.npy", np.array([1, 2], dtype="m8"))
nsave("more_datetime_10s.npy", np.array([0, 1], dtype="M8[10s]"))
nsave("more_timedelta_us.npy", np.array([0, 1], dtype="m8[us]"))
nsave("more_bytes_100.npy", np.array([b"x" * 100], dtype="S100"))
nsave("more_unicode_empty.npy", np.array(["", ""], dtype="U"))
nsave("more_scalar_struct.npy", np.zeros((), dtype=[("a", "<i4")]))
nsave("more_empty_struct.npy", np.zeros(0, dtype=[("a", "<i4")]))
nsave("more_fieldless_void.npy", np.zeros(2, dtype=np.dtype({"names": [], "formats": [], "itemsize": 4})))
nsave("more_fortran_struct.npy", np.asfortranarray(np.zeros((2, 3), dtype=[("a", "<i4")])))
nsave("more_rank_32.npy", np.zeros((1,) * 32, dtype="u1"))
nsave("more_huge_empty_dim.npy", np.zeros((0, 2 ** 40), dtype="u1"))
np.savez(out("numpy", "more_savez_struct_unicode.npz"), a=np.zeros(2, dtype=[("x", "<f4", (2,))]),
         b=np.array(["x"], dtype="U3"))
np.savez(out("numpy", "more_savez_unicode_key.npz"), **{"\u00e9t\u00e9": np.ones(2)})
np.savez(out("numpy", "more_savez_long_key.npz"), **{"k" * 300: np.ones(2)})
np.savez(out("numpy", "more_savez_scalars.npz"), a=np.float32(1), b=np.array(5), c=np.datetime64("NaT"))
np.savez_compressed(out("numpy", "more_savez_compressed_fortran.npz"), a=np.asfortranarray(np.ones((3, 4))))
np.savez_compressed(out("numpy", "more_savez_compressed_zeros.npz"), a=np.zeros(100000, dtype=np.float32))
for f in sorted(os.listdir(out("numpy"))):
    if f.startswith("more_") and f.endswith(".npz"):
        with np.load(out("numpy", f), allow_pickle=False) as z:
            [z[k] for k in z.files]
print("done")
