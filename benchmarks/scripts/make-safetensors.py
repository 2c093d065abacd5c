#!/usr/bin/python3
"""Writes a valid safetensors file of one U8 tensor of SIZE bytes, as the reference writer lays it out
(header padded with spaces to 8 bytes). Random bytes by default; --sparse leaves the data a hole (reads
as zeros, costs no disk), for large-model runs. Standard library only.

usage: make-safetensors.py SIZE PATH [--sparse]
"""
import json
import os
import struct
import sys


def main():
    size, path = int(sys.argv[1]), sys.argv[2]
    sparse = "--sparse" in sys.argv[3:]
    header = json.dumps({"weight": {"dtype": "U8", "shape": [size], "data_offsets": [0, size]}},
                        separators=(",", ":")).encode()
    header += b" " * (-len(header) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header)))
        f.write(header)
        if sparse:
            f.truncate(8 + len(header) + size)
        else:
            left = size
            while left:
                n = min(left, 16 << 20)
                f.write(os.urandom(n))
                left -= n


if __name__ == "__main__":
    main()
