#!/usr/bin/python3
"""Writes a broad set of small files the way ordinary users produce them, for the false-rejection sweep
(RealFilesTest). Run with Debian's interpreter (python3-torch 1.13, python3-numpy, python3-onnx 1.12,
python3-sentencepiece 0.1.97):
    /usr/bin/python3 formats/src/test/resources/realfiles/generate.py
Every file comes from the real library's own writer (torch.save, torch.jit.save, np.save/np.savez,
onnx.save_model, SentencePieceTrainer); the Hugging Face side files are the JSON that transformers writes
(not packaged in Debian, so written here with json.dump the way save_pretrained does: indent=2,
sort_keys for config.json). Each file is a few KB. Tests assert verdicts, not bytes.
"""
import collections
import io
import json
import os
import shutil

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(7)


def out(*parts):
    p = os.path.join(HERE, *parts)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


# ---------------------------------------------------------------------------------------------- torch
T = "torch"
DTYPES = {
    "float16": torch.float16, "bfloat16": torch.bfloat16, "float32": torch.float32, "float64": torch.float64,
    "int8": torch.int8, "uint8": torch.uint8, "int16": torch.int16, "int32": torch.int32, "int64": torch.int64,
    "bool": torch.bool, "complex64": torch.complex64, "complex128": torch.complex128,
}
for name, dt in DTYPES.items():
    if dt.is_complex:
        t = torch.randn(3, 2, dtype=dt)
    elif dt.is_floating_point:
        t = torch.randn(3, 2).to(dt)
    elif dt == torch.bool:
        t = torch.tensor([[True, False], [False, True], [True, True]])
    else:
        t = torch.arange(6, dtype=dt).reshape(3, 2)
    torch.save({"w": t, "scalar": t[0, 0].clone()}, out(T, "dtype_%s.pt" % name))
# One tensor alone (not in a dict), a list and a tuple of tensors, a 0-d tensor, an empty tensor.
torch.save(torch.randn(4, 4), out(T, "bare_tensor.pt"))
torch.save([torch.ones(2), torch.zeros(3, dtype=torch.int64)], out(T, "tensor_list.pt"))
torch.save((torch.ones(2), torch.tensor(3.5)), out(T, "tensor_tuple.pt"))
torch.save({"zero_d": torch.tensor(1.0), "empty": torch.empty(0), "empty2d": torch.empty(3, 0)},
           out(T, "zero_d_and_empty.pt"))
# Views with storage offsets, shared storages, non-contiguous tensors, expanded (stride 0), channels_last.
base = torch.arange(48, dtype=torch.float32)
torch.save({"base": base, "tail": base[40:], "narrow": base.view(6, 8).narrow(1, 2, 3),
            "permuted": base.view(2, 3, 8).permute(2, 0, 1), "every_other": base[1::2],
            "expanded": torch.ones(1, 4).expand(3, 4), "channels_last":
                torch.randn(1, 3, 2, 2).contiguous(memory_format=torch.channels_last)},
           out(T, "views_and_strides.pt"))
# Only a slice saved: torch.save writes the whole underlying storage.
torch.save({"slice_of_big": torch.arange(100, dtype=torch.int16)[10:12]}, out(T, "slice_of_big_storage.pt"))
# Parameters, requires_grad, nested containers, OrderedDict, checkpoint metadata of every plain type.
lin = torch.nn.Linear(3, 2)
torch.save({"param": lin.weight, "frozen": torch.nn.Parameter(torch.ones(2), requires_grad=False),
            "grad_tensor": torch.ones(2, requires_grad=True)}, out(T, "parameters.pt"))
torch.save(torch.nn.Parameter(torch.randn(2, 2)), out(T, "bare_parameter.pt"))
nested = collections.OrderedDict()
nested["encoder"] = {"layers": [{"w": torch.randn(2, 2), "b": torch.zeros(2)} for _ in range(2)]}
nested["decoder"] = collections.OrderedDict(head=torch.randn(2))
nested["meta"] = {"epoch": 12, "step": 2 ** 40, "lr": 3e-4, "loss": float("nan"), "best": float("inf"),
                  "name": "run-\u00e9t\u00e9", "note": None, "done": False, "shape": (2, 3), "ids": [1, -2, 3],
                  "empty": {}, "empty_list": [], "empty_tuple": (), "neg_big": -(2 ** 63)}
torch.save(nested, out(T, "nested_checkpoint.pt"))
torch.save({"shape": torch.Size([2, 3]), "dtype_name": str(torch.float16), "w": torch.ones(1)},
           out(T, "torch_size.pt"))
# Optimizer and scheduler state dicts, the usual training checkpoint.
model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
optimizers = {
    "sgd": torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4),
    "adam": torch.optim.Adam(model.parameters(), lr=1e-3, amsgrad=True),
    "adamw": torch.optim.AdamW(model.parameters(), lr=1e-3),
    "rmsprop": torch.optim.RMSprop(model.parameters(), lr=1e-2, centered=True),
    "adagrad": torch.optim.Adagrad(model.parameters()),
}
for name, opt in optimizers.items():
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    for _ in range(2):
        opt.zero_grad()
        model(torch.randn(5, 4)).sum().backward()
        opt.step()
        sched.step()
    torch.save({"epoch": 2, "model_state_dict": model.state_dict(), "optimizer_state_dict": opt.state_dict(),
                "scheduler": sched.state_dict(), "loss": 0.125, "args": {"lr": 0.1, "tag": None}},
               out(T, "train_ckpt_%s.pt" % name))
# Two param groups with different options (a common fine-tuning set-up).
opt = torch.optim.AdamW([{"params": model[0].parameters(), "lr": 1e-4},
                         {"params": model[3].parameters(), "weight_decay": 0.0}], lr=1e-3)
model(torch.randn(5, 4)).sum().backward()
opt.step()
torch.save(opt.state_dict(), out(T, "optimizer_param_groups.pt"))
# Mixed precision: a GradScaler state dict (floats, ints, a bool) next to the weights.
torch.save({"model": model.half().state_dict(), "scaler": {"scale": 65536.0, "growth_factor": 2.0,
            "backoff_factor": 0.5, "growth_interval": 2000, "_growth_tracker": 0}}, out(T, "amp_ckpt.pt"))
model.float()
# Pickle protocols 2..5 in both the zip and the legacy format.
sd = model.state_dict()
for proto in (2, 3, 4, 5):
    torch.save(sd, out(T, "zip_protocol%d.pt" % proto), pickle_protocol=proto)
    torch.save(sd, out(T, "legacy_protocol%d.pt" % proto), pickle_protocol=proto,
               _use_new_zipfile_serialization=False)
torch.save({"d": DTYPES and {n: torch.zeros(2, dtype=d) for n, d in DTYPES.items()}},
           out(T, "legacy_all_dtypes.pt"), _use_new_zipfile_serialization=False)
torch.save(nested, out(T, "legacy_nested.pt"), _use_new_zipfile_serialization=False)
torch.save({"base": base, "tail": base[40:], "t": base.view(6, 8).t()}, out(T, "legacy_views.pt"),
           _use_new_zipfile_serialization=False)
# Saved to a buffer (the zip's top-level folder is then "archive"), and under a name with dots/dashes.
buf = io.BytesIO()
torch.save(sd, buf)
with open(out(T, "via_bytesio.pt"), "wb") as f:
    f.write(buf.getvalue())
torch.save(sd, out(T, "model-v1.2_final.bin"))
torch.save(sd, out(T, "pytorch_model.bin"))
# Whole pickled modules: torch.load(weights_only=True) refuses them (they need the class's code).
torch.save(model, out(T, "whole_module.pt"))
torch.save({"sparse": torch.eye(3).to_sparse()}, out(T, "sparse.pt"))

# ----------------------------------------------------------------------------------------- TorchScript
J = "torchscript"


class Small(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(3, 2)
        self.register_buffer("count", torch.zeros(1, dtype=torch.int64))

    def forward(self, x):
        return torch.relu(self.fc(x)) + self.count


small = Small().eval()
torch.jit.save(torch.jit.script(small), out(J, "scripted.pt"))
torch.jit.save(torch.jit.trace(small, torch.randn(1, 3)), out(J, "traced.pt"))
torch.jit.save(torch.jit.script(small), out(J, "extra_files.pt"), _extra_files={"meta.json": '{"v": 1}'})
torch.jit.save(torch.jit.freeze(torch.jit.script(small)), out(J, "frozen.pt"))
conv = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2), torch.nn.ReLU()).eval()
torch.jit.save(torch.jit.trace(conv, torch.randn(1, 1, 5, 5)), out(J, "conv_traced.pt"))
torch.jit.save(torch.jit.trace(conv, torch.randn(1, 1, 5, 5)).half(), out(J, "conv_traced_half.pt"))


class Attrs(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.names = ["a", "b"]
        self.table = {"a": 1, "b": 2}
        self.scale = 0.5
        self.flag = True

    def forward(self, x):
        if self.flag:
            x = x * self.scale
        return x + float(self.table["a"]) + float(len(self.names))


torch.jit.save(torch.jit.script(Attrs()), out(J, "typed_attributes.pt"))
torch.jit.save(torch.jit.script(torch.nn.GRU(3, 4, batch_first=True)), out(J, "gru_scripted.pt"))
torch.jit.save(torch.jit.script(torch.nn.TransformerEncoderLayer(4, 1, 4, batch_first=True).eval()),
               out(J, "transformer_layer_scripted.pt"))
torch.jit.save(torch.jit.script(torch.nn.Embedding(10, 4)), out(J, "embedding_scripted.pt"))

# ---------------------------------------------------------------------------------------------- numpy
N = "numpy"
NP_DTYPES = ["?", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8", "g", "c8", "c16", "G",
             "S3", "U3", "V4", "M8[ns]", "M8[D]", "m8[s]"]
for code in NP_DTYPES:
    dt = np.dtype(code)
    # g and G differ only in case: a model directory may not hold both names (FILE_NAME_COLLISION).
    safe = {"g": "longdouble", "G": "clongdouble", "?": "bool"}.get(code, code).replace("[", "_").replace("]", "")
    for order in ("<", ">"):
        if dt.byteorder == "|" and order == ">":
            continue  # single-byte or byte-order-free types have one form
        d = dt.newbyteorder(order) if dt.byteorder != "|" else dt
        if code.startswith(("S", "V")):
            a = np.array([b"ab", b"cde"], dtype=d)
        elif code.startswith("U"):
            a = np.array(["ab", "\u00e9\u4e1c"], dtype=d)
        elif code.startswith(("M", "m")):
            a = np.array([0, 1, 2], dtype=np.int64).astype(d)
        else:
            a = np.arange(6).reshape(2, 3).astype(d)
        np.save(out(N, "%s_%s.npy" % (safe, "le" if order == "<" else "be")), a)
np.save(out(N, "fortran_f4.npy"), np.asfortranarray(np.arange(12, dtype=np.float32).reshape(3, 4)))
np.save(out(N, "fortran_3d.npy"), np.asfortranarray(np.arange(24, dtype=np.int16).reshape(2, 3, 4)))
np.save(out(N, "zero_d.npy"), np.array(3, dtype=np.int32))
np.save(out(N, "empty_1d.npy"), np.zeros(0, dtype=np.float32))
np.save(out(N, "empty_2d_fortran.npy"), np.asfortranarray(np.zeros((0, 4), dtype=np.float64)))
np.save(out(N, "six_dims.npy"), np.zeros((1, 2, 1, 2, 1, 2), dtype=np.uint8))
np.save(out(N, "noncontiguous_source.npy"), np.arange(20, dtype=np.float32).reshape(4, 5)[:, ::2])
np.save(out(N, "structured.npy"), np.zeros(3, dtype=[("x", "<f4"), ("y", ">i2"), ("name", "S4")]))
# Header longer than 65535 bytes: np.save switches to format version 2.0.
np.save(out(N, "format_v2_many_fields.npy"), np.zeros(1, dtype=[("f%05d" % i, "u1") for i in range(3700)]))
# Non-latin1 field name: np.save switches to format version 3.0 (utf-8 header).
np.save(out(N, "format_v3_utf8_field.npy"), np.zeros(2, dtype=[("\u00e9t\u00e9\u4e1c", "<f4")]))
np.savez(out(N, "savez_positional.npz"), np.ones(3), np.arange(4, dtype=np.int8))
np.savez(out(N, "savez_keywords.npz"), weights=np.ones((2, 2), dtype=np.float16), bias=np.zeros(2),
         scalar=np.float64(1.5), empty=np.zeros(0))
np.savez_compressed(out(N, "savez_compressed.npz"), a=np.arange(100, dtype=np.int32), b=np.ones((3, 3)))
np.savez_compressed(out(N, "savez_compressed_empty.npz"), e=np.zeros((0,), dtype=np.uint8))
np.savez(out(N, "savez_dotted_names.npz"), **{"layer.0.weight": np.ones(2), "layer.0/bias": np.zeros(2)})
np.savez(out(N, "savez_nothing.npz"))

# ----------------------------------------------------------------------------------------------- onnx
import onnx  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

O = "onnx"


def mlp_graph(initializers_as, dtype=np.float32, name="mlp", inits_as_inputs=False):
    tp = helper.np_dtype_to_tensor_dtype(np.dtype(dtype)) if hasattr(helper, "np_dtype_to_tensor_dtype") \
        else onnx.mapping.NP_TYPE_TO_TENSOR_TYPE[np.dtype(dtype)]
    w = np.arange(12).reshape(3, 4).astype(dtype)
    b = np.arange(4).astype(dtype)
    if initializers_as == "raw":
        inits = [numpy_helper.from_array(w, "W"), numpy_helper.from_array(b, "B")]
    else:  # typed repeated fields (float_data, ...), as helper.make_tensor writes with raw=False
        inits = [helper.make_tensor("W", tp, w.shape, w.flatten().tolist()),
                 helper.make_tensor("B", tp, b.shape, b.flatten().tolist())]
    x = helper.make_tensor_value_info("X", tp, ["batch", 3])
    y = helper.make_tensor_value_info("Y", tp, ["batch", 4])
    nodes = [helper.make_node("MatMul", ["X", "W"], ["XW"]), helper.make_node("Add", ["XW", "B"], ["Z"]),
             helper.make_node("Relu", ["Z"], ["Y"])]
    # Before IR 4 every initializer had to be a graph input too (old exporters listed them).
    extra = [helper.make_tensor_value_info(t.name, tp, list(t.dims)) for t in inits] if inits_as_inputs else []
    return helper.make_graph(nodes, name, [x] + extra, [y], inits)


def save_onnx(m, name, **kw):
    onnx.checker.check_model(m)
    path = out(O, name)
    onnx.save_model(m, path, **kw)
    onnx.checker.check_model(path)


for opset, ir in ((7, 3), (9, 4), (11, 6), (13, 7), (15, 8), (17, 8)):
    save_onnx(helper.make_model(mlp_graph("raw", inits_as_inputs=ir < 4), opset_imports=[helper.make_opsetid("", opset)],
                                ir_version=ir, producer_name="pytorch", producer_version="1.13.0"),
              "mlp_opset%d.onnx" % opset)
save_onnx(helper.make_model(mlp_graph("typed"), opset_imports=[helper.make_opsetid("", 13)]),
          "typed_float_data.onnx")
for dt in (np.float16, np.float64, np.int32, np.int64):
    save_onnx(helper.make_model(mlp_graph("typed", dt), opset_imports=[helper.make_opsetid("", 14)]),
              "typed_%s.onnx" % np.dtype(dt).name)
    save_onnx(helper.make_model(mlp_graph("raw", dt), opset_imports=[helper.make_opsetid("", 14)]),
              "raw_%s.onnx" % np.dtype(dt).name)
# Default helper.make_model: the newest IR and opset this onnx knows.
save_onnx(helper.make_model(mlp_graph("raw")), "default_make_model.onnx")
# Constants of several kinds: int8/uint8/bool/string tensors, Constant nodes with value_* attributes.
consts = [numpy_helper.from_array(np.array([1, -2], dtype=np.int8), "i8"),
          numpy_helper.from_array(np.array([1, 2], dtype=np.uint8), "u8"),
          numpy_helper.from_array(np.array([True, False]), "b"),
          helper.make_tensor("s", TensorProto.STRING, [2], [b"hello", b"w\xc3\xb6rld"])]
nodes = [helper.make_node("Constant", [], ["c1"], value_float=1.5),
         helper.make_node("Constant", [], ["c2"], value_ints=[1, 2, 3]),
         helper.make_node("Constant", [], ["c3"], value=numpy_helper.from_array(np.ones(2, np.float32))),
         helper.make_node("Cast", ["i8"], ["i8f"], to=TensorProto.FLOAT),
         helper.make_node("Add", ["i8f", "c3"], ["Y"])]
g = helper.make_graph(nodes, "consts", [], [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [2])], consts)
save_onnx(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), "constants_and_strings.onnx")
# External data exactly as onnx.save_model writes it (one file, and one file per tensor).
big_w = np.random.default_rng(1).standard_normal((32, 32)).astype(np.float32)
big_b = np.zeros(32, dtype=np.float32)
x = helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 32])
y = helper.make_tensor_value_info("Y", TensorProto.FLOAT, [1, 32])
ext_graph = helper.make_graph([helper.make_node("Gemm", ["X", "W", "B"], ["Y"])], "ext", [x], [y],
                              [numpy_helper.from_array(big_w, "W"), numpy_helper.from_array(big_b, "B")])
for layout, one in (("external_one_file", True), ("external_per_tensor", False)):
    m = helper.make_model(ext_graph, opset_imports=[helper.make_opsetid("", 13)])
    d = out(O, layout, "model.onnx")
    shutil.rmtree(os.path.dirname(d), ignore_errors=True)
    os.makedirs(os.path.dirname(d))
    onnx.save_model(m, d, save_as_external_data=True, all_tensors_to_one_file=one,
                    location="model.onnx.data" if one else None, size_threshold=0)
    onnx.checker.check_model(d)
# A model with a local function (opset 15+), metadata, doc strings, value_info.
fn = helper.make_function("custom.fn", "AddRelu", ["a", "b"], ["c"],
                          [helper.make_node("Add", ["a", "b"], ["t"]), helper.make_node("Relu", ["t"], ["c"])],
                          [helper.make_opsetid("", 15)])
g = helper.make_graph([helper.make_node("AddRelu", ["X", "X"], ["Y"], domain="custom.fn")], "fn",
                      [helper.make_tensor_value_info("X", TensorProto.FLOAT, [2])],
                      [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [2])], doc_string="graph doc")
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 15), helper.make_opsetid("custom.fn", 1)],
                      functions=[fn], doc_string="model doc", model_version=3, domain="org.example")
helper.set_model_props(m, {"author": "me", "license": "MIT"})
save_onnx(m, "local_function.onnx")
# A classic ai.onnx.ml model (what sklearn-onnx writes for a linear classifier).
g = helper.make_graph([helper.make_node("LinearClassifier", ["X"], ["label", "prob"], domain="ai.onnx.ml",
                                        coefficients=[1.0, -1.0, 0.5, 0.5], intercepts=[0.0, 0.1],
                                        classlabels_ints=[0, 1], post_transform="LOGISTIC")], "lc",
                      [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, 2])],
                      [helper.make_tensor_value_info("label", TensorProto.INT64, [None]),
                       helper.make_tensor_value_info("prob", TensorProto.FLOAT, [None, 2])])
save_onnx(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid("ai.onnx.ml", 1)],
                            producer_name="skl2onnx"), "sklearn_linear_classifier.onnx")
# A torch.onnx.export of a small module, when the exporter works here.
try:
    torch.onnx.export(small, torch.randn(1, 3), out(O, "torch_export.onnx"), opset_version=13,
                      input_names=["x"], output_names=["y"], dynamic_axes={"x": {0: "batch"}})
    torch.onnx.export(conv.float(), torch.randn(1, 1, 5, 5), out(O, "torch_export_conv.onnx"), opset_version=11)
except Exception as e:  # the exporter may be missing pieces in the Debian build
    print("torch.onnx.export failed:", e)

# ------------------------------------------------------------------------------------- sentencepiece
import sentencepiece as spm  # noqa: E402

S = "sentencepiece"
TEXT = ("The quick brown fox jumps over the lazy dog 1234 times.\n"
        "Tokenizers split text into pieces; models read vocab files before weights.\n"
        "\u00dcber na\u00efve caf\u00e9 \u2014 \u6771\u4eac and Z\u00fcrich.\n") * 30


def train(name, **kw):
    # The default normalizer (nmt_nfkc) embeds a ~237 KB precompiled charsmap: only one model keeps it.
    kw.setdefault("normalization_rule_name", "identity")
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(TEXT.splitlines()), model_writer=buf, num_threads=1,
                                   minloglevel=2, hard_vocab_limit=False, **kw)
    with open(out(S, name), "wb") as f:
        f.write(buf.getvalue())


train("unigram.model", model_type="unigram", vocab_size=80)
train("bpe.model", model_type="bpe", vocab_size=80)
train("char.model", model_type="char")
train("word.model", model_type="word", vocab_size=40)
train("bpe_byte_fallback_digits.model", model_type="bpe", vocab_size=400, byte_fallback=True, split_digits=True)
train("unigram_user_symbols.model", model_type="unigram", vocab_size=90, user_defined_symbols=["<sep>", "<cls>"],
      control_symbols=["<mask>"], pad_id=3, bos_id=1, eos_id=2, unk_id=0)
train("llama_style.model", model_type="bpe", vocab_size=400, byte_fallback=True, split_digits=True,
      allow_whitespace_only_pieces=True, normalization_rule_name="identity", add_dummy_prefix=True,
      remove_extra_whitespaces=False, unk_surface=" \u2047 ")

# ---------------------------------------------------------------------------------- HF side files
H = "hf"
CHAT_TEMPLATES = {
    # ChatML (Qwen / many fine-tunes)
    "chatml": "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + "
              "'<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}"
              "{% endif %}",
    # Llama 2 chat
    "llama2": "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
              "{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}"
              "{% set system_message = false %}{% endif %}{% for message in loop_messages %}"
              "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
              "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}"
              "{% endif %}{% if loop.index0 == 0 and system_message != false %}"
              "{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}"
              "{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}"
              "{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}"
              "{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}",
    # Mistral instruct v0.1
    "mistral": "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != "
               "(loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate "
               "user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}"
               "{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}"
               "{{ message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and assistant roles "
               "are supported!') }}{% endif %}{% endfor %}",
    # Zephyr
    "zephyr": "{% for message in messages %}\n{% if message['role'] == 'user' %}\n{{ '<|user|>\n' + "
              "message['content'] + eos_token }}\n{% elif message['role'] == 'system' %}\n{{ '<|system|>\n' + "
              "message['content'] + eos_token }}\n{% elif message['role'] == 'assistant' %}\n"
              "{{ '<|assistant|>\n'  + message['content'] + eos_token }}\n{% endif %}\n"
              "{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}",
    # Gemma
    "gemma": "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not "
             "supported') }}{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != "
             "(loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate "
             "user/assistant/user/assistant/...') }}{% endif %}{% if (message['role'] == 'assistant') %}"
             "{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}"
             "{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}{% endfor %}"
             "{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}",
    # Llama 3 instruct
    "llama3": "{% set loop_messages = messages %}{% for message in loop_messages %}"
              "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ "
              "message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}"
              "{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"
              "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}",
    # Phi-3 mini
    "phi3": "{% for message in messages %}{% if message['role'] == 'system' %}{{'<|system|>\n' + "
            "message['content'] + '<|end|>\n'}}{% elif message['role'] == 'user' %}{{'<|user|>\n' + "
            "message['content'] + '<|end|>\n'}}{% elif message['role'] == 'assistant' %}{{'<|assistant|>\n' + "
            "message['content'] + '<|end|>\n'}}{% endif %}{% endfor %}{% if add_generation_prompt %}"
            "{{ '<|assistant|>\n' }}{% else %}{{ eos_token }}{% endif %}",
    # Qwen2.5 with tools (tojson, namespace-free loops, tool_calls)
    "qwen25_tools": "{%- if tools %}\n    {{- '<|im_start|>system\\n' }}\n    {%- if messages[0]['role'] == "
                    "'system' %}\n        {{- messages[0]['content'] }}\n    {%- else %}\n        {{- 'You are a "
                    "helpful assistant.' }}\n    {%- endif %}\n    {{- \"\\n\\n# Tools\\n\\n<tools>\" }}\n"
                    "    {%- for tool in tools %}\n        {{- \"\\n\" }}\n        {{- tool | tojson }}\n"
                    "    {%- endfor %}\n    {{- \"\\n</tools><|im_end|>\\n\" }}\n{%- else %}\n"
                    "    {%- if messages[0]['role'] == 'system' %}\n        {{- '<|im_start|>system\\n' + "
                    "messages[0]['content'] + '<|im_end|>\\n' }}\n    {%- endif %}\n{%- endif %}\n"
                    "{%- for message in messages %}\n    {%- if (message.role == \"user\") or (message.role == "
                    "\"system\" and not loop.first) or (message.role == \"assistant\" and not message.tool_calls) %}\n"
                    "        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}\n"
                    "    {%- elif message.role == \"assistant\" %}\n        {{- '<|im_start|>' + message.role }}\n"
                    "        {%- for tool_call in message.tool_calls %}\n            {%- if tool_call.function "
                    "is defined %}\n                {%- set tool_call = tool_call.function %}\n            {%- endif %}\n"
                    "            {{- '\\n<tool_call>\\n{\"name\": \"' }}\n            {{- tool_call.name }}\n"
                    "            {{- '\", \"arguments\": ' }}\n            {{- tool_call.arguments | tojson }}\n"
                    "            {{- '}\\n</tool_call>' }}\n        {%- endfor %}\n        {{- '<|im_end|>\\n' }}\n"
                    "    {%- elif message.role == \"tool\" %}\n        {%- if (loop.index0 == 0) or "
                    "(messages[loop.index0 - 1].role != \"tool\") %}\n            {{- '<|im_start|>user' }}\n"
                    "        {%- endif %}\n        {{- '\\n<tool_response>\\n' }}\n        {{- message.content }}\n"
                    "        {{- '\\n</tool_response>' }}\n        {%- if loop.last or (messages[loop.index0 + 1].role "
                    "!= \"tool\") %}\n            {{- '<|im_end|>\\n' }}\n        {%- endif %}\n    {%- endif %}\n"
                    "{%- endfor %}\n{%- if add_generation_prompt %}\n    {{- '<|im_start|>assistant\\n' }}\n"
                    "{%- endif %}\n",
}
import jinja2  # noqa: E402

env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True)  # transformers' settings
for name, tpl in CHAT_TEMPLATES.items():
    env.parse(tpl)  # every template is valid Jinja
    cfg = {"add_bos_token": True, "add_eos_token": False, "bos_token": "<s>", "eos_token": "</s>",
           "unk_token": "<unk>", "pad_token": None, "clean_up_tokenization_spaces": False,
           "legacy": False, "model_max_length": 1000000000000000019884624838656, "sp_model_kwargs": {},
           "tokenizer_class": "LlamaTokenizer", "chat_template": tpl,
           "added_tokens_decoder": {"0": {"content": "<unk>", "lstrip": False, "normalized": False,
                                          "rstrip": False, "single_word": False, "special": True}}}
    with open(out(H, "tokenizer_config_%s.json" % name), "w", encoding="utf-8") as f:
        json.dump(cfg, f, indent=2, ensure_ascii=False)
        f.write("\n")
    with open(out(H, "chat_template_%s.jinja" % name), "w", encoding="utf-8") as f:
        f.write(tpl)
config = {"_name_or_path": "tiny", "architectures": ["LlamaForCausalLM"], "attention_bias": False,
          "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu", "hidden_size": 16,
          "initializer_range": 0.02, "intermediate_size": 32, "max_position_embeddings": 128,
          "model_type": "llama", "num_attention_heads": 2, "num_hidden_layers": 1, "num_key_value_heads": 2,
          "rms_norm_eps": 1e-06, "rope_scaling": None, "rope_theta": 10000.0, "tie_word_embeddings": False,
          "torch_dtype": "float32", "transformers_version": "4.36.2", "use_cache": True, "vocab_size": 80}
with open(out(H, "config.json"), "w") as f:
    json.dump(config, f, indent=2, sort_keys=True)
    f.write("\n")
with open(out(H, "generation_config.json"), "w") as f:
    json.dump({"_from_model_config": True, "bos_token_id": 1, "eos_token_id": [2, 32000], "do_sample": True,
               "temperature": 0.6, "top_p": 0.9, "max_length": 4096, "pad_token_id": 0,
               "transformers_version": "4.36.2"}, f, indent=2, sort_keys=True)
    f.write("\n")
with open(out(H, "special_tokens_map.json"), "w") as f:
    json.dump({"bos_token": {"content": "<s>", "lstrip": False, "normalized": False, "rstrip": False,
                             "single_word": False}, "eos_token": "</s>", "unk_token": "<unk>",
               "additional_special_tokens": ["<|im_start|>", "<|im_end|>"]}, f, indent=2)
    f.write("\n")
with open(out(H, "preprocessor_config.json"), "w") as f:
    json.dump({"do_normalize": True, "do_resize": True, "image_mean": [0.485, 0.456, 0.406],
               "image_std": [0.229, 0.224, 0.225], "resample": 3, "size": {"height": 224, "width": 224},
               "image_processor_type": "ViTImageProcessor"}, f, indent=2)
    f.write("\n")
# tokenizer.json as tokenizers writes it (a small byte-level BPE, GPT-2 style).
sp = spm.SentencePieceProcessor(model_file=out(S, "bpe.model"))
vocab = {sp.id_to_piece(i): i for i in range(sp.get_piece_size())}
merges = [p[0] + " " + p[1:] for p in vocab if len(p) >= 2 and not p.startswith("<")][:20]
tok = {"version": "1.0", "truncation": None, "padding": None,
       "added_tokens": [{"id": 0, "content": "<unk>", "single_word": False, "lstrip": False, "rstrip": False,
                         "normalized": False, "special": True}],
       "normalizer": {"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "\u2581"},
                                                          {"type": "Replace", "pattern": {"String": " "},
                                                           "content": "\u2581"}]},
       "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
       "post_processor": {"type": "TemplateProcessing",
                          "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                                     {"Sequence": {"id": "A", "type_id": 0}}],
                          "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
                          "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}},
       "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
       "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
                 "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": False, "vocab": vocab,
                 "merges": merges}}
with open(out(H, "tokenizer.json"), "w", encoding="utf-8") as f:
    json.dump(tok, f, indent=2, ensure_ascii=False)
# The index files transformers writes next to sharded checkpoints.
torch.save({"a.weight": torch.ones(2)}, out(H, "sharded", "pytorch_model-00001-of-00002.bin"))
torch.save({"b.weight": torch.zeros(2)}, out(H, "sharded", "pytorch_model-00002-of-00002.bin"))
with open(out(H, "sharded", "pytorch_model.bin.index.json"), "w") as f:
    json.dump({"metadata": {"total_size": 16}, "weight_map": {
        "a.weight": "pytorch_model-00001-of-00002.bin", "b.weight": "pytorch_model-00002-of-00002.bin"}},
        f, indent=2, sort_keys=True)
    f.write("\n")
print("done")
