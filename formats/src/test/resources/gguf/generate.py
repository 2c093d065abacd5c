#!/usr/bin/python3
"""Writes small GGUF fixtures for safeload's tests, following the GGUF v3 layout (docs/gguf.md).

Run from this directory with /usr/bin/python3 generate.py. Outputs are deterministic and committed.
Tensor bytes are random-looking but fixed (a seeded generator); quantised blocks are arbitrary bytes of
the right size, since the container does not constrain their contents.

  all_types.gguf   every metadata value type, arrays of each non-array type, F32/F16/Q4_0/Q8_0/Q4_K/BF16
                   tensors, default alignment 32, a benign chat template and a named one
  align64.gguf     general.alignment = 64, Q8_0 + F32 tensors with odd row counts, version 2
  align256.gguf    general.alignment = 256, Q4_0 + Q6_K + I8 tensors, last tensor unpadded
  command_r.gguf   per-architecture keys as llama.cpp writes them for an architecture whose name holds
                   '-' ("{arch}.block_count" -> command-r.block_count; issue 11)
"""
import os
import random
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

# ggml type id -> (block size, bytes per block)
GGML = {"F32": (0, 1, 4), "F16": (1, 1, 2), "Q4_0": (2, 32, 18), "Q8_0": (8, 32, 34),
        "Q4_K": (12, 256, 144), "Q6_K": (14, 256, 210), "I8": (24, 1, 1), "BF16": (30, 1, 2)}

UINT8, INT8, UINT16, INT16, UINT32, INT32, FLOAT32, BOOL, STRING, ARRAY, UINT64, INT64, FLOAT64 = range(13)
FMT = {UINT8: "<B", INT8: "<b", UINT16: "<H", INT16: "<h", UINT32: "<I", INT32: "<i", FLOAT32: "<f",
       BOOL: "<B", UINT64: "<Q", INT64: "<q", FLOAT64: "<d"}


def gstr(s):
    b = s.encode("utf-8")
    return struct.pack("<Q", len(b)) + b


def value(t, v):
    if t == STRING:
        return gstr(v)
    if t == ARRAY:
        et, items = v
        return struct.pack("<IQ", et, len(items)) + b"".join(value(et, i) for i in items)
    return struct.pack(FMT[t], v)


def write(name, version, kvs, tensors, alignment=32, pad_last=True):
    rnd = random.Random(name)
    out = bytearray(b"GGUF" + struct.pack("<I", version) + struct.pack("<QQ", len(tensors), len(kvs)))
    for k, t, v in kvs:
        out += gstr(k) + struct.pack("<I", t) + value(t, v)
    offset = 0
    blobs = []
    for tname, tname_type, dims in tensors:
        tid, blck, size = GGML[tname_type]
        nbytes = (dims[0] if dims else 1) // blck * size
        for d in dims[1:]:
            nbytes *= d
        out += gstr(tname) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
        out += struct.pack("<IQ", tid, offset)
        blobs.append(bytes(rnd.getrandbits(8) for _ in range(nbytes)))
        offset += (nbytes + alignment - 1) // alignment * alignment
    out += b"\0" * ((-len(out)) % alignment)
    for i, blob in enumerate(blobs):
        out += blob
        if pad_last or i < len(blobs) - 1:
            out += b"\0" * ((-len(out)) % alignment)
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(bytes(out))


TEMPLATE = ("{% for message in messages %}{{ '<|' + message['role'] + '|>\\n' + message['content'] }}"
            "{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}")

write("all_types.gguf", 3, [
    ("general.architecture", STRING, "llama"),
    ("general.name", STRING, "safeload fixture ünïcode"),
    ("llama.block_count", UINT32, 2),
    ("test.u8", UINT8, 200), ("test.i8", INT8, -100), ("test.u16", UINT16, 60000),
    ("test.i16", INT16, -30000), ("test.u32", UINT32, 4000000000), ("test.i32", INT32, -2000000000),
    ("test.f32", FLOAT32, 0.25), ("test.bool", BOOL, 1), ("test.u64", UINT64, 2**63 + 5),
    ("test.i64", INT64, -(2**62)), ("test.f64", FLOAT64, -1.5),
    ("test.arr_u8", ARRAY, (UINT8, [1, 2, 3])), ("test.arr_i8", ARRAY, (INT8, [-1, 0, 1])),
    ("test.arr_u16", ARRAY, (UINT16, [1, 65535])), ("test.arr_i16", ARRAY, (INT16, [-2, 2])),
    ("test.arr_u32", ARRAY, (UINT32, [7])), ("test.arr_i32", ARRAY, (INT32, [-7, 7])),
    ("test.arr_f32", ARRAY, (FLOAT32, [0.5, 1.5])), ("test.arr_bool", ARRAY, (BOOL, [0, 1, 1])),
    ("test.arr_str", ARRAY, (STRING, ["a", "bc", ""])), ("test.arr_u64", ARRAY, (UINT64, [2**64 - 1])),
    ("test.arr_i64", ARRAY, (INT64, [-1])), ("test.arr_f64", ARRAY, (FLOAT64, [2.0])),
    ("test.arr_empty", ARRAY, (UINT32, [])),
    ("tokenizer.ggml.model", STRING, "gpt2"),
    ("tokenizer.ggml.tokens", ARRAY, (STRING, ["<s>", "</s>", "hi"])),
    ("tokenizer.ggml.scores", ARRAY, (FLOAT32, [0.0, 0.0, -1.0])),
    ("tokenizer.ggml.token_type", ARRAY, (INT32, [3, 3, 1])),
    ("tokenizer.chat_template", STRING, TEMPLATE),
    ("tokenizer.chat_template.tool_use", STRING, "{{ messages[0]['content'] }}"),
], [
    ("tok_embd.weight", "F32", [8, 3]),
    ("blk.0.attn_q.weight", "F16", [4, 4]),
    ("blk.0.ffn_up.weight", "Q4_0", [64, 2]),
    ("blk.0.ffn_down.weight", "Q8_0", [32, 3]),
    ("blk.1.ffn_up.weight", "Q4_K", [256, 1]),
    ("output_norm.weight", "BF16", [5]),
    ("scalar", "F32", []),
])

write("align64.gguf", 2, [
    ("general.architecture", STRING, "test"),
    ("general.alignment", UINT32, 64),
], [
    ("a", "Q8_0", [32, 5]),
    ("b", "F32", [3, 1, 1, 1]),
    ("c", "F32", [0, 7]),
], alignment=64)

write("align256.gguf", 3, [
    ("general.architecture", STRING, "test"),
    ("general.alignment", UINT32, 256),
], [
    ("q", "Q4_0", [96]),
    ("k", "Q6_K", [256, 2]),
    ("i", "I8", [13]),
], alignment=256, pad_last=False)

# Key names follow llama.cpp's LLM_KV patterns ("%s.block_count", "%s.attention.head_count", ...).
write("command_r.gguf", 3, [
    ("general.architecture", STRING, "command-r"),
    ("general.name", STRING, "safeload hyphenated architecture"),
    ("command-r.block_count", UINT32, 1),
    ("command-r.context_length", UINT32, 128),
    ("command-r.embedding_length", UINT32, 8),
    ("command-r.feed_forward_length", UINT32, 16),
    ("command-r.attention.head_count", UINT32, 2),
    ("command-r.attention.head_count_kv", UINT32, 2),
    ("command-r.attention.layer_norm_epsilon", FLOAT32, 2.0 ** -17),  # exact in float32
    ("command-r.rope.freq_base", FLOAT32, 10000.0),
    ("command-r.logit_scale", FLOAT32, 0.0625),
    ("tokenizer.ggml.model", STRING, "gpt2"),
    ("tokenizer.ggml.tokens", ARRAY, (STRING, ["<PAD>", "<BOS_TOKEN>", "hi"])),
], [
    ("token_embd.weight", "F16", [8, 3]),
    ("blk.0.attn_norm.weight", "F32", [8]),
    ("blk.0.attn_q.weight", "Q8_0", [32, 8]),
])
