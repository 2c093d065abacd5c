#!/usr/bin/python3
"""Writes the worst-case inputs of the adversarial review (issue 10) into a directory.

Usage: /usr/bin/python3 benchmarks/scripts/hostile-inputs.py OUT_DIR [--verify]

Each input is built byte by byte with the standard library only (no torch, numpy or onnx), at the
size the review used, so that the timings in BENCHMARKS.md measure the same shapes:

  dag.pkl             442 bytes: a protocol-2 pickle whose dict key is a DAG of shared tuples, 60
                      levels deep (each level the TUPLE2 of the previous level taken twice through
                      BINPUT/BINGET). As a tree it has 2**60 leaves, so anything that hashes,
                      compares or copies the key structurally instead of by identity never ends.
                      CPython's own pickle.loads hangs on it too (tuple hashes are not cached):
                      never unpickle it.
  dag.pt              the same pickle as archive/data.pkl of a torch-style zip (stored entries,
                      archive/version "3\\n", archive/byteorder "little").
  bomb.pt             ~11 MB torch-style zip whose deflated archive/data.pkl inflates to exactly
                      1 GiB (a valid pickle, then filler). 550 random bytes per 64 KiB keep the
                      compression ratio at ~96:1, just under a 100:1 ratio cap, so a reader has to
                      inflate it (or trust the declared size) to find out.
  marks.npz           ~7.7 MB npz (stored members, each a tiny valid .npy) whose 60 member names
                      are w00 ... w59 followed by 32,000 U+0301 (COMBINING ACUTE ACCENT): ~64 KB names.
  marks-reorder.npz   the same, but each run is 16,000 U+0301 (combining class 230) followed by
                      16,000 U+0316 (class 220): canonical reordering (NFC/NFD) must move every
                      U+0316 in front of every U+0301, quadratic in an insertion sort.
  many-external/      model.onnx (~10 MB) whose 110,000 initializers (55 per file) live in 2,000 external data
                      files (data/w0000.data ...), written too; every reference is valid.
  many-functions.onnx ~10 MB: 6,000 model-local functions (domain ai.onnx.preview, allowed by the
                      default policy), each with If nodes whose then/else branches are subgraphs and
                      a call to the previous function (call chains at most 40 deep); the main graph
                      holds If and Loop nodes with nested subgraphs (8 levels) that call functions.

With --verify, checks each file with the real readers of /usr/bin/python3 where they exist: zipfile,
pickletools.dis (small pickles only), numpy.load, onnx.load (with its external data) and
onnx.checker.
"""

import io
import os
import random
import struct
import sys
import zipfile

# ---------------------------------------------------------------------------------------------
# pickle


def dag_pickle(levels=60, size=442):
    """PROTO 2; {} ; key = t60 where t0 = 'x...x' and t(i) = (t(i-1), t(i-1)); value 1; SETITEM."""
    head = b"\x80\x02}"  # PROTO 2, EMPTY_DICT
    # Each level: BINPUT i (memoise the previous level), BINGET i (a second reference), TUPLE2.
    body = b"".join(b"q" + bytes([i]) + b"h" + bytes([i]) + b"\x86" for i in range(levels))
    tail = b"K\x01s."  # BININT1 1, SETITEM, STOP
    # The leaf is a BINUNICODE string sized so that the whole pickle is the review's 442 bytes.
    leaf_len = size - len(head) - 5 - len(body) - len(tail)
    assert leaf_len >= 1
    leaf = b"X" + struct.pack("<I", leaf_len) + b"x" * leaf_len
    p = head + leaf + body + tail
    assert len(p) == size, len(p)
    return p


# ---------------------------------------------------------------------------------------------
# zip


def torch_zip(path, data_pkl, compress=zipfile.ZIP_STORED):
    """A torch.save-style archive: archive/data.pkl, archive/byteorder, archive/version."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as z:
        info = zipfile.ZipInfo("archive/data.pkl", date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = compress
        if isinstance(data_pkl, bytes):
            z.writestr(info, data_pkl)
        else:
            # A generator of chunks: streamed through zipfile's deflater, never held whole.
            with z.open(info, "w", force_zip64=False) as out:
                for chunk in data_pkl:
                    out.write(chunk)
        for name, data in (("archive/byteorder", b"little"), ("archive/version", b"3\n")):
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)


GIB = 1 << 30


def bomb_chunks(total=GIB, block=64 << 10, noise=550, seed=10):
    """A valid pickle ({'w': b'...'}), then filler up to `total` bytes. Every `block` bytes start
    with `noise` random bytes (deterministic) so that deflate cannot shrink the whole by more than
    about block/noise."""
    rnd = random.Random(seed)
    prefix = b"\x80\x02}X\x01\x00\x00\x00wC\x04\x00\x00\x00\x00s."  # {'w': b'\0\0\0\0'}
    zeros = bytes(block - noise)
    written = 0
    first = True
    while written < total:
        chunk = rnd.randbytes(noise) + zeros
        if first:
            chunk = prefix + chunk[len(prefix):]
            first = False
        chunk = chunk[: total - written]
        written += len(chunk)
        yield chunk


def tiny_npy():
    """A valid version-1.0 .npy of one little-endian float32 zero (128-byte header)."""
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }"
    pad = 128 - 10 - len(header) - 1
    h = (header + " " * pad + "\n").encode("latin1")
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h + b"\x00\x00\x00\x00"


MARK_NAMES = 60
MARK_RUN = 32_000


def marks_npz(path, reorder):
    npy = tiny_npy()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as z:
        for i in range(MARK_NAMES):
            if reorder:
                marks = "\u0301" * (MARK_RUN // 2) + "\u0316" * (MARK_RUN // 2)
            else:
                marks = "\u0301" * MARK_RUN
            # Distinct bases that no case folding merges: the names differ only before the marks.
            name = "w%02d" % i + marks + ".npy"
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), npy)


# ---------------------------------------------------------------------------------------------
# protobuf (ONNX)


def varint(n):
    assert n >= 0
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def vf(field, n):
    """A varint field."""
    return varint(field << 3) + varint(n)


def lf(field, payload):
    """A length-delimited field (bytes, string or embedded message)."""
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    return varint(field << 3 | 2) + varint(len(payload)) + payload


# onnx.proto field numbers
# ModelProto: ir_version 1, producer_name 2, graph 7, opset_import 8, functions 25
# OperatorSetIdProto: domain 1, version 2
# GraphProto: node 1, name 2, initializer 5, input 11, output 12
# NodeProto: input 1, output 2, name 3, op_type 4, attribute 5, domain 7
# AttributeProto: name 1, i 3, g 6, type 20 (INT 2, GRAPH 5)
# ValueInfoProto: name 1, type 2; TypeProto: tensor_type 1; Tensor: elem_type 1, shape 2
# TensorShapeProto: dim 1; Dimension: dim_value 1
# TensorProto: dims 1, data_type 2, name 8, external_data 13, data_location 14 (EXTERNAL = 1)
# StringStringEntryProto: key 1, value 2
# FunctionProto: name 1, input 4, output 5, node 7, opset_import 9, domain 10
FLOAT, BOOL, INT64 = 1, 9, 7
FN_DOMAIN = "ai.onnx.preview"


def opset(domain, version):
    return lf(1, domain) + vf(2, version) if domain else vf(2, version)


def value_info(name, elem_type, dims=(1,)):
    shape = lf(2, b"".join(lf(1, vf(1, d)) for d in dims))
    return lf(1, name) + lf(2, lf(1, vf(1, elem_type) + shape))


def node(op, inputs, outputs, name=None, domain=None, attrs=()):
    b = b"".join(lf(1, i) for i in inputs) + b"".join(lf(2, o) for o in outputs)
    if name:
        b += lf(3, name)
    b += lf(4, op)
    for a in attrs:
        b += lf(5, a)
    if domain:
        b += lf(7, domain)
    return b


def graph_attr(name, graph):
    return lf(1, name) + lf(6, graph) + vf(20, 5)


def int_attr(name, value):
    return lf(1, name) + vf(3, value) + vf(20, 2)


def model(graph, opsets, functions=(), ir_version=8):
    b = vf(1, ir_version) + lf(2, "hostile-inputs.py")
    b += lf(7, graph)
    for d, v in opsets:
        b += lf(8, opset(d, v))
    return b + b"".join(lf(25, f) for f in functions)


EXT_FILES = 2_000
EXT_PER_FILE = 55
EXT_ELEMS = 16  # float32[16]: 64 bytes per tensor


def many_external(dirpath):
    os.makedirs(os.path.join(dirpath, "data"), exist_ok=True)
    inits = []
    nbytes = EXT_ELEMS * 4
    payload = struct.pack("<%df" % EXT_ELEMS, *([0.5] * EXT_ELEMS))
    for f in range(EXT_FILES):
        # No extension a handler claims (".bin" would be read as a PyTorch file): the content decides.
        loc = "data/w%04d.data" % f
        with open(os.path.join(dirpath, loc), "wb") as out:
            out.write(payload * EXT_PER_FILE)
        for k in range(EXT_PER_FILE):
            t = vf(1, EXT_ELEMS) + vf(2, FLOAT) + lf(8, "layer%04d.part%02d.weight" % (f, k))
            for key, value in (("location", loc), ("offset", str(k * nbytes)), ("length", str(nbytes))):
                t += lf(13, lf(1, key) + lf(2, value))
            t += vf(14, 1)
            inits.append(lf(5, t))
    # One node so that the graph does something with an initializer; every initializer is also a
    # graph input (IR < 4 style is not needed: IR 8 lets initializers stand alone).
    g = lf(1, node("Identity", ["layer0000.part00.weight"], ["y"], name="id"))
    g += lf(2, "many_external") + b"".join(inits)
    g += lf(12, value_info("y", FLOAT, [EXT_ELEMS]))
    with open(os.path.join(dirpath, "model.onnx"), "wb") as out:
        out.write(model(g, [("", 17)]))


FUNCTIONS = 6_000
FN_IFS = 2  # If nodes per function body
CALL_CHAIN = 40  # a function calls the previous one, except every CALL_CHAIN-th
MAIN_TREES = 2_400  # If/Loop nodes at the top of the main graph
TREE_DEPTH = 8  # nested subgraph levels below each of them


def branch(cond, x, out, tag, depth, fn=None):
    """A subgraph (no inputs: it captures x from the outer scope) that computes `out`, itself
    holding a nested If (depth - 1 more levels) or, at the bottom, an Identity or a function call."""
    if depth == 0:
        if fn is not None:
            nodes = lf(1, node(fn, [x], [out], name=tag + "c", domain=FN_DOMAIN))
        else:
            nodes = lf(1, node("Identity", [x], [out], name=tag + "i"))
    else:
        nodes = lf(1, if_node(cond, x, out, tag, depth - 1, fn))
    return nodes + lf(2, "g_" + tag) + lf(12, value_info(out, FLOAT))


def if_node(cond, x, out, tag, depth, fn=None):
    then_g = branch(cond, x, out + "t", tag + "t", depth, fn)
    else_g = branch(cond, x, out + "e", tag + "e", 0, None)  # a chain, not a binary tree
    # The outer output name must match neither branch's: If outputs are positional.
    return node("If", [cond], [out], name="if_" + tag,
                attrs=[graph_attr("then_branch", then_g), graph_attr("else_branch", else_g)])


def loop_node(x, out, tag, depth, fn):
    # body(iter, cond, x) -> (cond, x'); the nested If inside is the subgraph tree.
    body = lf(1, node("Identity", ["b_cond_" + tag], ["b_cond_out_" + tag], name="lc_" + tag))
    body += lf(1, if_node("b_cond_" + tag, "b_x_" + tag, "b_x_out_" + tag, tag, depth - 1, fn))
    body += lf(2, "body_" + tag)
    body += lf(11, value_info("b_iter_" + tag, INT64, []))
    body += lf(11, value_info("b_cond_" + tag, BOOL, []))
    body += lf(11, value_info("b_x_" + tag, FLOAT))
    body += lf(12, value_info("b_cond_out_" + tag, BOOL, []))
    body += lf(12, value_info("b_x_out_" + tag, FLOAT))
    return node("Loop", ["trip", "cond", x], [out], name="loop_" + tag, attrs=[graph_attr("body", body)])


def function(i):
    name = "f%04d" % i
    fops = lf(9, opset("", 17)) + lf(9, opset(FN_DOMAIN, 1))
    b = lf(1, name) + lf(4, "x") + lf(5, "y") + fops + lf(10, FN_DOMAIN)
    # A condition from the input, then If nodes whose branches are subgraphs (two levels deep).
    b += lf(7, node("ReduceSum", ["x"], ["s"], name="s"))
    b += lf(7, node("Cast", ["s"], ["c"], name="cast", attrs=[int_attr("to", BOOL)]))
    prev = "x"
    for k in range(FN_IFS):
        callee = "f%04d" % (i - 1) if (k == 0 and i % CALL_CHAIN != 0) else None
        b += lf(7, if_node("c", prev, "h%d" % k, "%s_%d" % (name, k), 1, callee))
        prev = "h%d" % k
    b += lf(7, node("Identity", [prev], ["y"], name="out"))
    return b


def many_functions(path):
    fns = [function(i) for i in range(FUNCTIONS)]
    g = [lf(1, node("Cast", ["x"], ["cond"], name="cond", attrs=[int_attr("to", BOOL)]))]
    outs = []
    for t in range(MAIN_TREES):
        fn = "f%04d" % ((t * 37) % FUNCTIONS)
        out = "o%04d" % t
        if t % 2 == 0:
            n = if_node("cond", "x", out, "m%04d" % t, TREE_DEPTH, fn)
        else:
            n = loop_node("x", out, "m%04d" % t, TREE_DEPTH, fn)
        g.append(lf(1, n))
        outs.append(out)
    g.append(lf(2, "many_functions"))
    g.append(lf(11, value_info("x", FLOAT, [1])))
    g.append(lf(11, value_info("trip", INT64, [])))
    g.extend(lf(12, value_info(o, FLOAT)) for o in outs)
    with open(path, "wb") as out:
        out.write(model(b"".join(g), [("", 17), (FN_DOMAIN, 1)], fns))


# ---------------------------------------------------------------------------------------------


def build(out):
    os.makedirs(out, exist_ok=True)
    p = dag_pickle()
    with open(os.path.join(out, "dag.pkl"), "wb") as f:
        f.write(p)
    torch_zip(os.path.join(out, "dag.pt"), p)
    torch_zip(os.path.join(out, "bomb.pt"), bomb_chunks(), compress=zipfile.ZIP_DEFLATED)
    marks_npz(os.path.join(out, "marks.npz"), reorder=False)
    marks_npz(os.path.join(out, "marks-reorder.npz"), reorder=True)
    many_external(os.path.join(out, "many-external"))
    many_functions(os.path.join(out, "many-functions.onnx"))


def verify(out):
    import pickletools
    import unicodedata

    def size(name):
        return os.path.getsize(os.path.join(out, name))

    # dag.pkl: disassemble (never load: hashing the key walks 2**60 tuples).
    p = open(os.path.join(out, "dag.pkl"), "rb").read()
    s = io.StringIO()
    pickletools.dis(p, out=s)
    ops = s.getvalue().splitlines()
    assert sum(" TUPLE2" in l for l in ops) == 60 and sum(" BINGET" in l for l in ops) == 60
    print("dag.pkl: %d bytes, %d opcodes, pickletools.dis ok" % (len(p), len(ops) - 1))

    with zipfile.ZipFile(os.path.join(out, "dag.pt")) as z:
        assert z.testzip() is None
        assert [i.compress_type for i in z.infolist()] == [0, 0, 0]
        assert z.read("archive/data.pkl") == p and z.read("archive/version") == b"3\n"
        assert z.read("archive/byteorder") == b"little"
        print("dag.pt: %d bytes, entries %s, all stored" % (size("dag.pt"), z.namelist()))

    with zipfile.ZipFile(os.path.join(out, "bomb.pt")) as z:
        i = z.getinfo("archive/data.pkl")
        assert i.compress_type == zipfile.ZIP_DEFLATED and i.file_size == GIB
        with z.open(i) as f:  # streams, checks the CRC at the end
            head = f.read(64)
            pickletools.dis(head[: head.index(b".") + 1], out=io.StringIO())
            n = len(head)
            while True:
                b = f.read(8 << 20)
                if not b:
                    break
                n += len(b)
        assert n == GIB
        print("bomb.pt: %d bytes, archive/data.pkl deflated %d -> %d bytes (%.0f:1), prefix pickle ok"
              % (size("bomb.pt"), i.compress_size, i.file_size, i.file_size / i.compress_size))

    import numpy as np

    for name in ("marks.npz", "marks-reorder.npz"):
        with zipfile.ZipFile(os.path.join(out, name)) as z:
            names = z.namelist()
            assert len(names) == MARK_NAMES and len(set(names)) == MARK_NAMES
            longest = max(len(n.encode()) for n in names)
            marks = sum(unicodedata.combining(c) != 0 for c in names[0])
        with np.load(os.path.join(out, name)) as npz:
            arrays = [npz[k] for k in npz.files]
            assert all(a.shape == (1,) and a.dtype == np.float32 for a in arrays)
        print("%s: %d bytes, %d members, names up to %d bytes with %d combining marks, numpy.load ok"
              % (name, size(name), len(names), longest, marks))

    import onnx

    ext = os.path.join(out, "many-external")
    m = onnx.load(os.path.join(ext, "model.onnx"), load_external_data=False)
    files = {e.value for t in m.graph.initializer for e in t.external_data if e.key == "location"}
    assert len(files) == EXT_FILES
    onnx.external_data_helper.load_external_data_for_model(m, ext)  # reads every external tensor
    assert all(len(t.raw_data) == EXT_ELEMS * 4 for t in m.graph.initializer)
    onnx.checker.check_model(os.path.join(ext, "model.onnx"))
    print("many-external/model.onnx: %d bytes, %d initializers in %d external files, onnx.load (with "
          "external data) and onnx.checker ok" % (os.path.getsize(os.path.join(ext, "model.onnx")),
                                                  len(m.graph.initializer), len(files)))

    m = onnx.load(os.path.join(out, "many-functions.onnx"))
    subgraphs = [0]

    def count(g):
        for n in g.node:
            for a in n.attribute:
                if a.type == onnx.AttributeProto.GRAPH:
                    subgraphs[0] += 1
                    count(a.g)

    count(m.graph)
    for f in m.functions:
        for n in f.node:
            for a in n.attribute:
                if a.type == onnx.AttributeProto.GRAPH:
                    subgraphs[0] += 1
                    count(a.g)
    try:
        onnx.checker.check_model(m)
        checked = "onnx.checker ok"
    except onnx.checker.ValidationError as e:
        checked = "onnx.checker: " + str(e).splitlines()[0][:100]
    print("many-functions.onnx: %d bytes, %d functions, %d main-graph nodes, %d subgraphs, onnx.load ok, %s"
          % (size("many-functions.onnx"), len(m.functions), len(m.graph.node), subgraphs[0], checked))


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    build(argv[1])
    if "--verify" in argv[2:]:
        verify(argv[1])


if __name__ == "__main__":
    main(sys.argv)
