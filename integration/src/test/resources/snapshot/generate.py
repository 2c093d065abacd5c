#!/usr/bin/env python3
"""Writes a small Hugging Face-style model snapshot for safeload's end-to-end tests.

Run with Debian's /usr/bin/python3 (python3-sentencepiece, python3-numpy). What each file is written by:
  model.safetensors      copied from formats/.../safetensors/reference/empty-first.safetensors, written by the
                         reference safetensors writer (see that directory's generate.py)
  model.onnx             copied from formats/.../onnx/matmul_add.onnx, written by python3-onnx
  tokenizer.model        trained here by SentencePiece (python3-sentencepiece), a unigram model
  *.json                 json.dump as transformers and tokenizers write them (indent 2); trainer_state.json
                         carries NaN and Infinity the way Python's json module spells them
  vocab.txt, merges.txt  a WordPiece vocabulary and GPT-2 style merges, as BERT/GPT-2 repositories carry
  chat_template.jinja    a chat template in the shape transformers saves beside tokenizer_config.json
  README.md, .gitattributes  a model card and the LFS attributes every Hub repository has
The outputs are committed; the tests do not need Python.
"""
import json
import os
import shutil
import tempfile

import sentencepiece as spm

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "model")
FORMATS = os.path.join(HERE, "..", "..", "..", "..", "..", "formats", "src", "test", "resources")

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", "safe", "##load", "model",
         "the", "a", "is", "##s", ",", ".", "!"]

TEMPLATE = (
    "{%- for message in messages %}"
    "{{- '<|' + message['role'] + '|>\\n' + message['content'] | trim + '\\n' }}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|assistant|>\\n' }}{%- endif %}"
)


def dump(name, obj):
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    shutil.copy(os.path.join(FORMATS, "safetensors", "reference", "empty-first.safetensors"),
                os.path.join(OUT, "model.safetensors"))
    shutil.copy(os.path.join(FORMATS, "onnx", "matmul_add.onnx"), os.path.join(OUT, "model.onnx"))

    dump("config.json", {"architectures": ["BertModel"], "hidden_size": 2, "model_type": "bert",
                         "num_attention_heads": 1, "num_hidden_layers": 1, "torch_dtype": "float32",
                         "transformers_version": "4.46.0", "vocab_size": len(VOCAB)})
    dump("generation_config.json", {"_from_model_config": True, "pad_token_id": 0,
                                    "transformers_version": "4.46.0"})
    dump("special_tokens_map.json", {"cls_token": "[CLS]", "mask_token": "[MASK]", "pad_token": "[PAD]",
                                     "sep_token": "[SEP]", "unk_token": "[UNK]"})
    dump("tokenizer_config.json", {
        "added_tokens_decoder": {str(i): {"content": t, "lstrip": False, "normalized": False,
                                          "rstrip": False, "single_word": False, "special": True}
                                 for i, t in enumerate(VOCAB[:5])},
        "chat_template": TEMPLATE, "clean_up_tokenization_spaces": True, "do_lower_case": True,
        "model_max_length": 512, "tokenizer_class": "BertTokenizer", "unk_token": "[UNK]"})
    added = [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True} for i, t in enumerate(VOCAB[:5])]
    dump("tokenizer.json", {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {"type": "TemplateProcessing",
                           "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                                      {"Sequence": {"id": "A", "type_id": 0}},
                                      {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
                           "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                                    {"Sequence": {"id": "A", "type_id": 0}},
                                    {"SpecialToken": {"id": "[SEP]", "type_id": 0}},
                                    {"Sequence": {"id": "B", "type_id": 1}},
                                    {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
                           "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]},
                                              "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]}}},
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": {t: i for i, t in enumerate(VOCAB)}}})
    dump("trainer_state.json", {"best_metric": float("nan"), "epoch": 1.0, "global_step": 10,
                                "log_history": [{"loss": float("inf"), "step": 1},
                                                {"grad_norm": float("-inf"), "step": 2}]})
    with open(os.path.join(OUT, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(VOCAB) + "\n")
    with open(os.path.join(OUT, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\nh e\nl l\nhe ll\nhell o\nw o\nr l\nwo rl\nworl d\n")
    with open(os.path.join(OUT, "chat_template.jinja"), "w", encoding="utf-8") as f:
        f.write(TEMPLATE + "\n")
    with open(os.path.join(OUT, "README.md"), "w", encoding="utf-8") as f:
        f.write("---\nlicense: apache-2.0\nlibrary_name: transformers\n---\n\n# tiny-safeload\n\n"
                "A tiny model for safeload's end-to-end tests.\n")
    with open(os.path.join(OUT, ".gitattributes"), "w", encoding="utf-8") as f:
        f.write("*.safetensors filter=lfs diff=lfs merge=lfs -text\n*.onnx filter=lfs diff=lfs merge=lfs -text\n"
                "*.model filter=lfs diff=lfs merge=lfs -text\n")
    with tempfile.TemporaryDirectory() as tmp:
        corpus = os.path.join(tmp, "corpus.txt")
        with open(corpus, "w", encoding="utf-8") as f:
            for i in range(200):
                f.write("hello world, safeload checks the model before it is loaded %d times.\n" % i)
                f.write("the quick brown fox jumps over the lazy dog number %d!\n" % i)
        spm.SentencePieceTrainer.train(input=corpus, model_prefix=os.path.join(tmp, "sp"), vocab_size=60,
                                       model_type="unigram", character_coverage=1.0, minloglevel=2,
                                       normalization_rule_name="identity")
        shutil.copy(os.path.join(tmp, "sp.model"), os.path.join(OUT, "tokenizer.model"))


if __name__ == "__main__":
    main()
