#!/usr/bin/python3
"""Writes the tokenizer-file fixtures for the tokenizer handler tests.

Run with Debian's interpreter (python3-sentencepiece):
    /usr/bin/python3 formats/src/test/resources/tokenizer/generate.py

- spiece.model, byte_fallback.model: real SentencePiece models trained by the sentencepiece library
  itself on a tiny built-in text (a unigram model, and a BPE model with byte_fallback, which adds the
  256 <0xXX> byte pieces).
- vocab.txt, merges.txt, tiny.tiktoken: written exactly as their producers write them (transformers'
  BertTokenizer.save_vocabulary: token + "\n" in id order; tokenizers' BPE.save: "#version: 0.2\n"
  then "left right\n"; tiktoken.load.dump_tiktoken_bpe: base64(token) + " " + rank + "\n" in rank
  order). Those libraries are not packaged in Debian, so their few lines of writer logic are
  reproduced here; the token lists come from the trained SentencePiece models.
"""
import base64
import io
import os

import sentencepiece as spm

HERE = os.path.dirname(os.path.abspath(__file__))
TEXT = """The quick brown fox jumps over the lazy dog.
A tokenizer splits text into pieces; safeload checks the files that define those pieces.
Models load vocab files, merge lists and rank files before they read a single weight.
Über naïve café — 東京 and Zürich: unicode text keeps the byte fallback honest.
""" * 20


def train(name, **kw):
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(TEXT.splitlines()), model_writer=model,
                                   num_threads=1, minloglevel=2, hard_vocab_limit=False, **kw)
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(model.getvalue())
    return spm.SentencePieceProcessor(model_proto=model.getvalue())


uni = train("spiece.model", model_type="unigram", vocab_size=100, character_coverage=1.0)
bpe = train("byte_fallback.model", model_type="bpe", vocab_size=320, byte_fallback=True, normalization_rule_name="identity",
            character_coverage=0.9995)

# vocab.txt, BERT style: special tokens first, then word pieces (continuations as ##piece).
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
for i in range(uni.get_piece_size()):
    if uni.is_control(i) or uni.is_unknown(i):
        continue
    p = uni.id_to_piece(i)
    token = p[1:] if p.startswith("\u2581") else "##" + p
    if token and token not in vocab and token != "##":
        vocab.append(token)
with open(os.path.join(HERE, "vocab.txt"), "w", encoding="utf-8", newline="\n") as f:
    for token in vocab:
        f.write(token + "\n")

# merges.txt, GPT-2 style: each BPE piece of two or more characters as the merge of its first
# character and the rest, in the model's order.
merges = []
for i in range(bpe.get_piece_size()):
    p = bpe.id_to_piece(i)
    if bpe.is_control(i) or bpe.is_unknown(i) or bpe.is_byte(i) or len(p) < 2:
        continue
    merges.append((p[0], p[1:]))
with open(os.path.join(HERE, "merges.txt"), "w", encoding="utf-8", newline="\n") as f:
    f.write("#version: 0.2\n")
    seen = set()
    for a, b in merges:
        if (a, b) not in seen and " " not in a + b:
            seen.add((a, b))
            f.write(a + " " + b + "\n")

# tiny.tiktoken: the 256 single bytes, then the UTF-8 bytes of the BPE pieces, ranks ascending
# with a gap (as real encodings leave for special tokens).
ranks = {bytes([b]): b for b in range(256)}
for i in range(bpe.get_piece_size()):
    if bpe.is_control(i) or bpe.is_unknown(i) or bpe.is_byte(i):
        continue
    tok = bpe.id_to_piece(i).replace("\u2581", " ").encode("utf-8")
    if tok not in ranks:
        ranks[tok] = len(ranks) + (10 if len(ranks) >= 270 else 0)
with open(os.path.join(HERE, "tiny.tiktoken"), "wb") as f:
    for token, rank in sorted(ranks.items(), key=lambda x: x[1]):
        f.write(base64.b64encode(token) + b" " + str(rank).encode() + b"\n")
