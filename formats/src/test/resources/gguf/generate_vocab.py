#!/usr/bin/python3
"""Writes GGUF vocabularies the way llama.cpp's gguf-py writer lays them out, for safeload's tests.

Run from this directory with /usr/bin/python3 generate_vocab.py. Outputs are deterministic and committed.

gguf-py picks a metadata value's type from the Python value (GGUFValueType.get_type: str -> STRING,
bool -> BOOL, float -> FLOAT32, int -> INT32) and an array's element type from its first item, so a
converter whose token scores are all Python ints writes tokenizer.ggml.scores as ARRAY<INT32>. The
Devstral-Small-2 GGUFs of unsloth and bartowski carry such arrays; llama.cpp reads them
(ggml-org/llama.cpp#27254, #27260).

  vocab_int_scores.gguf    llama vocabulary with INT32 scores, INT32 token types, one F32 tensor
  vocab_float_scores.gguf  the same vocabulary with FLOAT32 scores (the usual case)
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
ALIGNMENT = 32
STRING, ARRAY, UINT32, INT32, FLOAT32, BOOL = 8, 9, 4, 5, 6, 7
PACK = {UINT32: "<I", INT32: "<i", FLOAT32: "<f", BOOL: "<?"}


def type_of(v):
    # the order matters: bool is an int in Python
    if isinstance(v, str):
        return STRING
    if isinstance(v, list):
        return ARRAY
    if isinstance(v, float):
        return FLOAT32
    if isinstance(v, bool):
        return BOOL
    return INT32


def encode_string(s):
    raw = s.encode("utf-8")
    return struct.pack("<Q", len(raw)) + raw


def encode_value(v, t):
    if t == STRING:
        return encode_string(v)
    if t == ARRAY:
        et = type_of(v[0])
        return struct.pack("<IQ", et, len(v)) + b"".join(encode_value(x, et) for x in v)
    return struct.pack(PACK[t], v)


def write(name, scores):
    tokens = ["<unk>", "<s>", "</s>", "\u2581a", "\u2581b", "ab", "\u2581ab", "<0x0A>"]
    kv = [
        ("general.architecture", "llama", None),
        ("general.name", "safeload vocab fixture", None),
        ("llama.block_count", 1, UINT32),
        ("llama.context_length", 64, UINT32),
        ("llama.embedding_length", 8, UINT32),
        ("tokenizer.ggml.model", "llama", None),
        ("tokenizer.ggml.tokens", tokens, None),
        ("tokenizer.ggml.scores", scores, None),
        ("tokenizer.ggml.token_type", [2, 3, 3, 1, 1, 1, 1, 6], None),
        ("tokenizer.ggml.bos_token_id", 1, UINT32),
        ("tokenizer.ggml.eos_token_id", 2, UINT32),
        ("tokenizer.ggml.add_bos_token", True, None),
    ]
    weights = struct.pack("<64f", *[i / 64 for i in range(64)])
    out = bytearray(b"GGUF" + struct.pack("<IQQ", 3, 1, len(kv)))
    for key, v, t in kv:
        t = t if t is not None else type_of(v)
        out += encode_string(key) + struct.pack("<I", t) + encode_value(v, t)
    # one tensor info: name, n_dims, ne[0..], ggml type F32 (0), offset 0 in the data section
    out += encode_string("token_embd.weight") + struct.pack("<IQQIQ", 2, 8, 8, 0, 0)
    out += b"\0" * (-len(out) % ALIGNMENT)
    out += weights + b"\0" * (-len(weights) % ALIGNMENT)
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(bytes(out))


write("vocab_int_scores.gguf", [0, 0, 0, -1, -2, -3, -4, 0])
write("vocab_float_scores.gguf", [0.0, 0.0, 0.0, -1.0, -2.0, -3.0, -4.0, 0.0])
