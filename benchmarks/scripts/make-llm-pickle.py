#!/usr/bin/python3
"""Writes the data.pkl of a large language model's torch.save state dict, as transformers names it,
with Debian's python3-torch: the issue 14 pickle benchmark's second input beside many.pkl, whose
60,000 tensors have short names. Nothing here is committed.

usage: make-llm-pickle.py DIR  ->  DIR/mixtral.pt and DIR/mixtral.pkl (about 218 KB)

Names and shapes are Mixtral-8x22B's (hidden 6144, 56 layers, 8 experts, intermediate 16384,
8 key/value heads, vocabulary 32768): 1,739 tensors. Each tensor is a zero-stride view of one
bfloat16 element, so the pickle carries the real names and sizes without the memory; the strides
are then (0, 0) instead of (6144, 1), a byte shorter each, and every tensor names the same storage.
"""
import os
import sys
import zipfile

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
