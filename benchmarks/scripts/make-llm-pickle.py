#!/usr/bin/python3
"""Writes the data.pkl of a large language model's torch.save state dict, as transformers names it,
with Debian's python3-torch: the issue 14 pickle benchmark's second input beside many.pkl, whose
60,000 tensors have short names. Nothing here is committed.

usage: make-llm-pickle.py DIR  ->  DIR/mixtral.pt, DIR/mixtral.pkl (about 218 KB) and
                                  DIR/mixtral-real.pkl (about 245 KB)

Names and shapes are Mixtral-8x22B's (hidden 6144, 56 layers, 8 experts, intermediate 16384,
8 key/value heads, vocabulary 32768): 1,739 tensors. Each tensor is a zero-stride view of one
bfloat16 element, so the pickle carries the real names and sizes without the memory; the strides
are then (0, 0) instead of (6144, 1), a byte shorter each, and every tensor names the same storage.

mixtral-real.pkl is the data.pkl torch.save would write for the real tensors: each its own
storage of the real element count, contiguous strides. It is written by a pickler that does what
torch.save does (protocol 2; a storage pickled as the persistent id ('storage', its class, key,
location, element count); a tensor reduced to _rebuild_tensor_v2(storage, offset, size, stride,
requires_grad, OrderedDict())) over stand-ins that hold no memory, and that pickler is first checked
to write byte for byte the data.pkl torch.save writes for a small real bfloat16 state dict.
"""
import io
import os
import pickle
import sys
import zipfile
from collections import OrderedDict

import torch

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
H, L, E, I, V, KV = 6144, 56, 8, 16384, 32768, 1024
one = torch.zeros(1, dtype=torch.bfloat16)


def t(*shape):
    return one.expand(*shape)


sd = {"model.embed_tokens.weight": t(V, H)}
for layer in range(L):
    p = "model.layers.%d." % layer
    sd[p + "self_attn.q_proj.weight"] = t(H, H)
    sd[p + "self_attn.k_proj.weight"] = t(KV, H)
    sd[p + "self_attn.v_proj.weight"] = t(KV, H)
    sd[p + "self_attn.o_proj.weight"] = t(H, H)
    sd[p + "block_sparse_moe.gate.weight"] = t(E, H)
    for e in range(E):
        q = p + "block_sparse_moe.experts.%d." % e
        sd[q + "w1.weight"] = t(I, H)
        sd[q + "w2.weight"] = t(H, I)
        sd[q + "w3.weight"] = t(I, H)
    sd[p + "input_layernorm.weight"] = t(H)
    sd[p + "post_attention_layernorm.weight"] = t(H)
sd["model.norm.weight"] = t(H)
sd["lm_head.weight"] = t(V, H)
pt = os.path.join(out, "mixtral.pt")
torch.save(sd, pt)
with zipfile.ZipFile(pt) as z:
    name = [n for n in z.namelist() if n.endswith("/data.pkl")][0]
    with open(os.path.join(out, "mixtral.pkl"), "wb") as f:
        f.write(z.read(name))
print(len(sd), "tensors,", os.path.getsize(os.path.join(out, "mixtral.pkl")), "bytes of data.pkl")


class Storage:
    """A storage as torch.save names it: key, element count, class; no memory."""

    def __init__(self, key, numel):
        self.key, self.numel = key, numel


class Tensor:
    """A contiguous tensor of its own storage, reduced as torch 1.13's Tensor.__reduce_ex__ does."""

    def __init__(self, key, shape):
        numel, stride = 1, []
        for d in reversed(shape):
            stride.append(numel)
            numel *= d
        self.args = (Storage(key, numel), 0, tuple(shape), tuple(reversed(stride)), False)

    def __reduce_ex__(self, proto):
        return (torch._utils._rebuild_tensor_v2, self.args + (OrderedDict(),))


def data_pkl(shapes):
    buf = io.BytesIO()
    p = pickle.Pickler(buf, protocol=2)
    p.persistent_id = lambda o: (
        ("storage", torch.BFloat16Storage, o.key, "cpu", o.numel) if isinstance(o, Storage) else None
    )
    p.dump({name: Tensor(str(i), shape) for i, (name, shape) in enumerate(shapes)})
    return buf.getvalue()


small = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.LayerNorm(3), torch.nn.Linear(3, 2))
small = dict(small.to(torch.bfloat16).state_dict())
b = io.BytesIO()
torch.save(small, b)
with zipfile.ZipFile(io.BytesIO(b.getvalue())) as z:
    want = z.read([n for n in z.namelist() if n.endswith("/data.pkl")][0])
if data_pkl([(k, tuple(v.shape)) for k, v in small.items()]) != want:
    sys.exit("this torch.save writes another data.pkl than the stand-in pickler: not written")
real = data_pkl([(k, tuple(v.shape)) for k, v in sd.items()])
with open(os.path.join(out, "mixtral-real.pkl"), "wb") as f:
    f.write(real)
print(len(sd), "tensors,", len(real), "bytes of data.pkl with the real storages and strides")
