#!/usr/bin/python3
"""Writes files that numpy.load or torch.load reads as one thing and Python's zipfile as another
(ZipPolyglotTest). Run with Debian's interpreter (python3-torch 1.13, python3-numpy):
    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack /usr/bin/python3 formats/src/test/resources/polyglot/generate.py
The hidden archive holds a torch checkpoint whose data.pkl calls builtins.print (harmless here; any
callable in a real attack). Checked when written: numpy.load(allow_pickle=False) and
torch.load(weights_only=True) return a uint8 array, zipfile.ZipFile opens the archive at the end.
"""
import io
import os
import pickle
import zipfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))


class Call:
    def __reduce__(self):
        return (print, ("zipfile read a checkpoint nobody checked",))


inner = io.BytesIO()
with zipfile.ZipFile(inner, "w") as z:
    z.writestr("archive/data.pkl", pickle.dumps(Call(), protocol=2))
    z.writestr("archive/version", "3\n")
hidden = inner.getvalue()

npy = os.path.join(HERE, "npy_ending_in_zip.npy")
np.save(npy, np.frombuffer(hidden, dtype=np.uint8))
legacy = os.path.join(HERE, "legacy_ending_in_zip.pt")
torch.save({"w": torch.frombuffer(bytearray(hidden), dtype=torch.uint8)}, legacy,
           _use_new_zipfile_serialization=False)

assert np.load(npy, allow_pickle=False).tobytes() == hidden
assert bytes(torch.load(legacy, weights_only=True)["w"].numpy()) == hidden
for f in (npy, legacy):
    assert zipfile.ZipFile(f).namelist() == ["archive/data.pkl", "archive/version"], f
print("done")
