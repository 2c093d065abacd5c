#!/usr/bin/python3
"""Writes the NumPy fixtures for structured dtypes, old spellings and zips made by other tools.

Run with Debian's interpreter (python3-numpy 1.24) on a machine with Info-ZIP's `zip` command:
    /usr/bin/python3 formats/src/test/resources/numpy/generate.py
The older fixtures in this folder (float32.npy, arrays.npz, object.npy, ...) come from ../pytorch/generate.py.
Every file is tiny; tests assert verdicts, not bytes.
"""
import io
import os
import shutil
import subprocess
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def out(name):
    return os.path.join(HERE, name)


# 1. Structured dtypes without object fields: np.load(allow_pickle=False) loads all of these.
flat = np.zeros(3, dtype=[("a", "<i4"), ("b", "<f8", (2,))])
flat["a"] = [1, 2, 3]
np.save(out("structured.npy"), flat)
nested = np.zeros(2, dtype=[("a", "<i4"), ("n", [("x", "u1"), ("y", "<f4", (2, 3))])])
np.save(out("structured_nested.npy"), nested)
# align=True inserts a nameless void padding field: ('', '|V3')
np.save(out("structured_padded.npy"), np.zeros(2, dtype=np.dtype([("a", "u1"), ("b", "<i4")], align=True)))
np.save(out("structured_titles.npy"),
        np.zeros(2, dtype=[(("Title", "t"), "<i2"), ("s", "S3"), ("u", "<U2"), ("d", "<M8[s]")]))
np.savez(out("structured.npz"), flat=flat, nested=nested)

# 2. A structured dtype with an object field: the array is pickled, like an object array.
obj = np.empty(1, dtype=[("a", "<i4"), ("o", "O")])
obj[0] = (1, "x")
np.save(out("structured_object.npy"), obj, allow_pickle=True)


# 3. Hand-written headers in spellings older writers used.
def npy(header, data, major=1):
    """An .npy with this header text (padded to 64 like NumPy does) and these data bytes."""
    pre = 10 if major == 1 else 12
    h = header
    while (pre + len(h) + 1) % 64:
        h += " "
    h = (h + "\n").encode("latin-1")
    length = len(h).to_bytes(2 if major == 1 else 4, "little")
    return b"\x93NUMPY" + bytes([major, 0]) + length + h + data


# Python 2 wrote shape entries as longs: (2L, 3L). NumPy strips the L for versions 1.0 and 2.0.
data = np.arange(6, dtype="<f8").tobytes()
with open(out("python2_long.npy"), "wb") as f:
    f.write(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2L, 3L), }", data))
# NumPy 1.x before the |O spelling wrote object arrays as |O8; the payload is a pickle either way.
buf = io.BytesIO()
np.save(buf, np.array([{"k": 1}], dtype=object), allow_pickle=True)
payload = buf.getvalue()
header_end = payload.index(b"\n") + 1
with open(out("object_o8.npy"), "wb") as f:
    f.write(npy("{'descr': '|O8', 'fortran_order': False, 'shape': (1,), }", payload[header_end:]))

# 4. Zero-filled tensors compressed: 44 KB from a few hundred bytes, which is no zip bomb.
np.savez_compressed(out("zeros_compressed.npz"), zeros=np.zeros((100, 110), dtype="<f4"),
                    bias=np.zeros(16, dtype="<f4"))
# A sparse matrix kept dense, as scipy's carex_20_data.npz holds: 1.4 MB deflated about 200:1, over
# the 100:1 ratio limit, under its 16 MiB floor.
sparse = np.zeros((420, 420), dtype="<f8")
sparse[np.arange(420), np.arange(420)] = np.arange(1, 421)
np.savez_compressed(out("sparse_dense_compressed.npz"), a=sparse)

# 5. An .npz re-zipped by Info-ZIP's zip command: with its extended timestamp (0x5455) and Unix UID/GID
# (0x7875) extra fields, and with -X (no extra fields). Fixed times keep the bytes stable.
work = tempfile.mkdtemp()
try:
    np.save(os.path.join(work, "w.npy"), np.arange(6, dtype="<f4").reshape(2, 3))
    np.save(os.path.join(work, "b.npy"), np.zeros(3, dtype="<i8"))
    for name in ("w.npy", "b.npy"):
        os.utime(os.path.join(work, name), (1700000000, 1700000000))
    for target, flags in (("zip_command.npz", ["-q"]), ("zip_command_X.npz", ["-q", "-X"]),
                          ("zip_command_stored.npz", ["-q", "-0"])):
        if os.path.exists(out(target)):
            os.remove(out(target))
        subprocess.run(["zip"] + flags + [out(target), "w.npy", "b.npy"], cwd=work, check=True)
finally:
    shutil.rmtree(work)

# Every fixture must load the way the tests expect.
for name in ("structured.npy", "structured_nested.npy", "structured_padded.npy", "structured_titles.npy",
             "python2_long.npy"):
    np.load(out(name), allow_pickle=False)
for name in ("structured.npz", "zeros_compressed.npz", "sparse_dense_compressed.npz", "zip_command.npz", "zip_command_X.npz",
             "zip_command_stored.npz"):
    with np.load(out(name), allow_pickle=False) as z:
        [z[k] for k in z.files]
for name in ("structured_object.npy", "object_o8.npy"):
    try:
        np.load(out(name), allow_pickle=False)
        raise SystemExit(name + " loaded without allow_pickle")
    except ValueError:
        np.load(out(name), allow_pickle=True)
print("ok")
