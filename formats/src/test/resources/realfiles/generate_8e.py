#!/usr/bin/python3
"""Round-8 real producer output, fifth part: np.save of field names and titles outside ASCII that still
fit a 1.0 (Latin-1) header. repr writes a printable Latin-1 character as itself ('caf\xe9' is the byte
0xE9) and a non-printable one as an escape ('a\\xa0b' for a no-break space). Run with Debian's
interpreter (python3-numpy 1.24):
    /usr/bin/python3 formats/src/test/resources/realfiles/generate_8e.py [OUT]
"""
import os
import sys

import numpy as np

HERE = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
os.makedirs(os.path.join(HERE, "numpy"), exist_ok=True)


def nsave(name, a):
    path = os.path.join(HERE, "numpy", "r8e_" + name)
    np.save(path, a)
    with open(path, "rb") as f:
        assert f.read(8) == b"\x93NUMPY\x01\x00", name  # still a 1.0 header
    np.load(path, allow_pickle=False)


nsave("latin1_field_name.npy", np.zeros(2, dtype=[("caf\u00e9", "<f4"), ("\u00b5s", "<i2")]))
nsave("latin1_title.npy", np.zeros(2, dtype=[(("Temp\u00e9rature \u00b0C", "t"), "<f4")]))
nsave("escaped_nbsp_field_name.npy", np.zeros(2, dtype=[("a\u00a0b", "<f4")]))
nsave("escaped_controls_field_name.npy", np.zeros(2, dtype=[("x\u0085\u00ad\u0001\u007f", "u1")]))
# A name holding an apostrophe: repr quotes it with double quotes.
nsave("apostrophe_field_name.npy", np.zeros(2, dtype=[("driver's age", "<f4"), ('say "hi"', "u1")]))
