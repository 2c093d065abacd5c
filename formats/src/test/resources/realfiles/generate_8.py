#!/usr/bin/python3
"""Round-8 real producer output for the false-rejection sweep (RealFilesTest), beside generate.py,
generate_more.py and generate_7a.py: the state dicts, checkpoints, TorchScript and ONNX exports of the
torch.nn modules those do not write, and ONNX graphs with subgraphs, sparse initializers and training
info. Run with Debian's interpreter (python3-torch 1.13, python3-numpy 1.24, python3-onnx 1.12):
    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack /usr/bin/python3 formats/src/test/resources/realfiles/generate_8.py [OUT]
With OUT, everything is written there (the sweep); without, into this folder. Each file is loaded here
with the reference reader (torch.load(weights_only=True), torch.jit.load, onnx.checker, numpy.load
(allow_pickle=False)). Files the default policy refuses on purpose are listed in RealFilesTest.REFUSED.
"""
import io
import os
import sys
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.utils.prune as prune

warnings.filterwarnings("ignore")
HERE = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(8)
P = "r8_"


def out(*parts):
    p = os.path.join(HERE, *parts)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


def tsave(obj, name, weights_only=True, **kw):
    path = out("torch", P + name)
    torch.save(obj, path, **kw)
    try:
        torch.load(path, weights_only=weights_only)
    except Exception as e:  # noted and kept: the sweep checks that safeload refuses it as well
        print("weights_only=%s refuses %s: %s" % (weights_only, name, str(e)[-80:]), file=sys.stderr)
        torch.load(path, weights_only=False)


def jsave(module, name, **kw):
    path = out("torchscript", P + name)
    torch.jit.save(module, path, **kw)
    torch.jit.load(path)


def nsave(name, a):
    path = out("numpy", P + name)
    np.save(path, a)
    np.load(path, allow_pickle=False)


# ---------------------------------------------------------------------------------------------- modules
def modules():
    m = {}
    m["transformer"] = nn.Transformer(d_model=4, nhead=2, num_encoder_layers=1, num_decoder_layers=1,
                                      dim_feedforward=4)
    m["transformer_encoder"] = nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, 4, batch_first=True), 2)
    m["mha"] = nn.MultiheadAttention(4, 2)
    m["mha_kdim_bias_kv"] = nn.MultiheadAttention(4, 2, kdim=3, vdim=5, add_bias_kv=True, add_zero_attn=True)
    m["lstm_bidir_2layer"] = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    m["lstm_proj"] = nn.LSTM(3, 4, proj_size=2)
    m["gru_bidir"] = nn.GRU(3, 4, bidirectional=True, batch_first=True)
    m["rnn_relu"] = nn.RNN(3, 4, nonlinearity="relu", bias=False)
    m["conv1d"] = nn.Conv1d(2, 3, 3, padding="same", dilation=2)
    m["conv2d_groups"] = nn.Conv2d(4, 4, 3, groups=2, bias=False, padding_mode="reflect", padding=1)
    m["conv3d"] = nn.Conv3d(1, 2, 2)
    m["convtranspose2d"] = nn.ConvTranspose2d(2, 1, 3, stride=2, output_padding=1)
    m["norms"] = nn.Sequential(nn.BatchNorm1d(3), nn.LayerNorm(3), nn.GroupNorm(1, 3),
                               nn.InstanceNorm1d(3, affine=True, track_running_stats=True))
    m["batchnorm3d_no_stats"] = nn.BatchNorm3d(2, track_running_stats=False)
    m["embedding_bag"] = nn.Sequential(nn.Embedding(6, 2, padding_idx=0), nn.EmbeddingBag(6, 2, mode="max"))
    m["prelu"] = nn.Sequential(nn.Linear(2, 2), nn.PReLU(2))
    return m


MODS = modules()
for name, mod in MODS.items():
    tsave(mod.state_dict(), "sd_%s.pt" % name)
tsave(MODS["lstm_bidir_2layer"].state_dict(), "sd_lstm_legacy.pt", _use_new_zipfile_serialization=False)
tsave(MODS["transformer_encoder"].state_dict(), "sd_transformer_encoder_protocol2.pt", pickle_protocol=2)
tsave(MODS["mha"].state_dict(), "sd_mha_legacy_protocol2.pt", pickle_protocol=2,
      _use_new_zipfile_serialization=False)
# A whole pickled module needs its class's code: weights_only=True refuses it.
tsave(MODS["lstm_proj"], "whole_lstm.pt", weights_only=False)

# Pruning: weight_orig + weight_mask (a forward pre-hook recomputes weight).
pr = nn.Sequential(nn.Linear(4, 3), nn.Conv2d(1, 2, 2))
prune.l1_unstructured(pr[0], "weight", amount=0.5)
prune.random_structured(pr[1], "weight", amount=0.5, dim=0)
tsave(pr.state_dict(), "sd_pruned.pt")
prune.remove(pr[0], "weight")
tsave(pr.state_dict(), "sd_pruned_partly_removed.pt")
# Old-style weight/spectral norm hooks and the parametrizations API.
tsave(nn.utils.weight_norm(nn.Linear(3, 2)).state_dict(), "sd_weight_norm.pt")
sn = nn.utils.spectral_norm(nn.Linear(3, 2))
sn(torch.randn(1, 3))
tsave(sn.state_dict(), "sd_spectral_norm.pt")
par = nn.utils.parametrizations.orthogonal(nn.Linear(3, 3))
par = nn.utils.parametrizations.spectral_norm(par)
tsave(par.state_dict(), "sd_parametrizations.pt")
# Dynamically quantized LSTM and Linear, statically quantized conv (torch 1.13's weights-only unpickler
# lacks the quantized dtypes and packed params; see generate_7a.py).
dq = torch.ao.quantization.quantize_dynamic(nn.Sequential(nn.LSTM(3, 4), ), {nn.LSTM}, dtype=torch.qint8)
tsave(dq.state_dict(), "sd_dynamic_quantized_lstm.pt", weights_only=False)

# Sparse layouts beyond COO/CSR, and a coalesced/uncoalesced COO.
eye = torch.eye(3)
sp = {"coo_uncoalesced": torch.sparse_coo_tensor([[0, 0], [1, 1]], [1.0, 2.0], (2, 2)),
      "coo_coalesced": eye.to_sparse().coalesce(), "coo_int": torch.ones(2, 2, dtype=torch.int32).to_sparse()}
tsave(sp, "sparse_coo_kinds.pt")
for layout in ("csc", "bsr", "bsc"):
    try:
        if layout == "csc":
            t = eye.to_sparse_csc()
        elif layout == "bsr":
            t = torch.eye(4).to_sparse_bsr((2, 2))
        else:
            t = torch.eye(4).to_sparse_bsc((2, 2))
        tsave({"t": t}, "sparse_%s.pt" % layout)
    except Exception as e:  # torch 1.13's save fails on these layouts, leaving half an archive
        print("sparse", layout, "not written:", e, file=sys.stderr)
        if os.path.exists(out("torch", P + "sparse_%s.pt" % layout)):
            os.remove(out("torch", P + "sparse_%s.pt" % layout))

# Training checkpoints: optimizer, schedulers, rng state, scaler.
model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 1))
opts = {"adam_amsgrad": torch.optim.Adam(model.parameters(), lr=1e-3, amsgrad=True, weight_decay=0.01),
        "sgd_nesterov": torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True),
        "adamw_foreach": torch.optim.AdamW(model.parameters(), foreach=False, maximize=False),
        "nadam": torch.optim.NAdam(model.parameters()), "lbfgs": torch.optim.LBFGS(model.parameters(), history_size=2),
        "rprop": torch.optim.Rprop(model.parameters()), "adadelta": torch.optim.Adadelta(model.parameters()),
        "asgd": torch.optim.ASGD(model.parameters()), "radam": torch.optim.RAdam(model.parameters()),
        "adamax": torch.optim.Adamax(model.parameters())}
for oname, opt in opts.items():
    def closure():
        opt.zero_grad()
        loss = model(torch.randn(4, 3)).pow(2).mean()
        loss.backward()
        return loss
    for _ in range(2):
        opt.step(closure)
    tsave(opt.state_dict(), "optim_%s.pt" % oname)
opt = opts["sgd_nesterov"]
scheds = {"step": torch.optim.lr_scheduler.StepLR(opt, 2, gamma=0.5),
          "cosine": torch.optim.lr_scheduler.CosineAnnealingLR(opt, 10),
          "onecycle": torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=10),
          "plateau": torch.optim.lr_scheduler.ReduceLROnPlateau(opt),
          "warm_restarts": torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, 3),
          "multistep": torch.optim.lr_scheduler.MultiStepLR(opt, [1, 3])}
for sname, s in scheds.items():
    if sname == "plateau":
        s.step(1.0)
    else:
        s.step()
    tsave(s.state_dict(), "sched_%s.pt" % sname)
sched = torch.optim.lr_scheduler.SequentialLR(
    opt, [torch.optim.lr_scheduler.LinearLR(opt, 0.1), torch.optim.lr_scheduler.ExponentialLR(opt, 0.9)], [2])
tsave(sched.state_dict(), "sched_sequential.pt")
ckpt = {"epoch": 3, "global_step": 120, "loss": 0.25, "best_metric": float("inf"),
        "model_state_dict": model.state_dict(), "optimizer_state_dict": opts["adam_amsgrad"].state_dict(),
        "scheduler_state_dict": scheds["step"].state_dict(), "rng_state": torch.get_rng_state(),
        "loss_tensor": torch.tensor(0.25), "lrs": [0.1, 0.05], "args": {"seed": 8, "fp16": False, "name": "run"}}
tsave(ckpt, "train_ckpt.pt")
tsave(ckpt, "train_ckpt_legacy.pt", _use_new_zipfile_serialization=False)
tsave(ckpt, "train_ckpt_protocol2.pt", pickle_protocol=2)
# Python's own RNG state (a tuple of ints) and numpy's (an ndarray: needs numpy's reconstructor).
import random  # noqa: E402
tsave({"python_rng": random.getstate(), "torch_rng": torch.get_rng_state()}, "rng_python.pt")
tsave({"numpy_rng": np.random.get_state()}, "rng_numpy.pt", weights_only=False)
tsave({"scaler": torch.cuda.amp.GradScaler(enabled=False).state_dict(), "w": torch.ones(1)}, "scaler_disabled.pt")

# ---------------------------------------------------------------------------------------------- torchscript
class Rnns(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 4, bidirectional=True, batch_first=True)
        self.rnn = nn.RNN(8, 2)

    def forward(self, x):
        y, _ = self.lstm(x)
        z, _ = self.rnn(y)
        return z


jsave(torch.jit.script(MODS["lstm_bidir_2layer"]), "scripted_lstm_bidir.pt")
jsave(torch.jit.trace(Rnns(), torch.randn(1, 2, 3)), "traced_rnns.pt")
jsave(torch.jit.script(MODS["mha"]), "scripted_mha.pt")
jsave(torch.jit.trace(nn.Sequential(nn.Conv3d(1, 2, 2), nn.BatchNorm3d(2), nn.ReLU()).eval(),
                      torch.randn(1, 1, 3, 3, 3)), "traced_conv3d.pt")
jsave(torch.jit.script(nn.Sequential(nn.ConvTranspose2d(2, 1, 3, stride=2), nn.InstanceNorm2d(1), nn.PReLU())),
      "scripted_convtranspose.pt")
jsave(torch.jit.trace(nn.Sequential(nn.Conv1d(2, 3, 3), nn.GroupNorm(1, 3), nn.LayerNorm(3)),
                      torch.randn(1, 2, 5)), "traced_conv1d_norms.pt")
# Parameters registered as None: TorchScript declares them NoneType (Linear(bias=False), LayerNorm and
# InstanceNorm without affine weights).
jsave(torch.jit.script(nn.Sequential(nn.Linear(2, 2, bias=False), nn.LayerNorm(2, elementwise_affine=False),
                                     nn.Conv1d(1, 1, 1, bias=False))), "scripted_bias_free.pt")
jsave(torch.jit.script(nn.EmbeddingBag(6, 2, mode="sum")), "scripted_embedding_bag.pt")
jsave(torch.jit.trace(MODS["transformer_encoder"].eval(), torch.randn(1, 3, 4), check_trace=False),
      "traced_transformer_encoder.pt")
jsave(torch.jit.script(dq), "scripted_dynamic_quantized_lstm.pt")
qlin = torch.ao.quantization.quantize_dynamic(nn.Sequential(nn.Linear(3, 2)), {nn.Linear}, dtype=torch.qint8)
jsave(torch.jit.script(qlin), "scripted_dynamic_quantized_linear.pt")
jsave(torch.jit.trace(pr, torch.randn(1, 4)[:, :4].reshape(1, 4)) if False else torch.jit.script(pr[0]),
      "scripted_pruned_linear.pt")
jsave(torch.jit.script(nn.Linear(2, 2)), "scripted_extra_files.pt",
      _extra_files={"config.json": '{"a": 1}', "vocab.txt": "a\nb\n", "producer_info.json": ""})
# torch.jit.save writes any key under extra/, a nested one too; the default policy admits flat names only.
jsave(torch.jit.script(nn.Linear(2, 2)), "scripted_extra_file_nested.pt", _extra_files={"nested/readme.md": "# x"})

# ---------------------------------------------------------------------------------------------- onnx export
import onnx  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402


def export(module, args, name, opset, **kw):
    path = out("onnx", P + name)
    try:
        torch.onnx.export(module, args, path, opset_version=opset, **kw)
        onnx.checker.check_model(path)
    except Exception as e:
        print("export", name, "failed:", type(e).__name__, str(e)[:200], file=sys.stderr)
        if os.path.exists(path):
            os.remove(path)


export(nn.LSTM(3, 4, bidirectional=True), torch.randn(2, 1, 3), "export_lstm_bidir_op11.onnx", 11,
       input_names=["x"], output_names=["y", "h", "c"], dynamic_axes={"x": {0: "seq", 1: "batch"}})
export(nn.GRU(3, 4, batch_first=True), torch.randn(1, 2, 3), "export_gru_op14.onnx", 14,
       dynamic_axes={"input": {0: "batch"}}, input_names=["input"])
export(nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                     nn.Linear(2, 2), nn.LayerNorm(2)).eval(), torch.randn(1, 1, 5, 5), "export_cnn_op17.onnx", 17,
       input_names=["img"], dynamic_axes={"img": {0: "n", 2: "h", 3: "w"}})
export(nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2)).train(), torch.randn(1, 1, 5, 5),
       "export_training_mode_op13.onnx", 13, training=torch.onnx.TrainingMode.TRAINING, do_constant_folding=False)
export(MODS["transformer_encoder"].eval(), torch.randn(1, 3, 4), "export_transformer_encoder_op14.onnx", 14,
       dynamic_axes={"src": {0: "batch", 1: "seq"}}, input_names=["src"])
export(MODS["mha"].eval(), (torch.randn(2, 1, 4),) * 3, "export_mha_op13.onnx", 13)
export(nn.EmbeddingBag(6, 2, mode="mean"), (torch.tensor([1, 2, 3]), torch.tensor([0, 2])),
       "export_embedding_bag_op12.onnx", 12)
export(nn.Sequential(nn.ConvTranspose2d(2, 1, 3, stride=2), nn.InstanceNorm2d(1), nn.PReLU()),
       torch.randn(1, 2, 3, 3), "export_convtranspose_op9.onnx", 9)
export(nn.Sequential(nn.Linear(3, 2), nn.GELU()), torch.randn(1, 3), "export_linear_op16_no_fold.onnx", 16,
       do_constant_folding=False, export_params=True, keep_initializers_as_inputs=True)
export(torch.jit.script(nn.Sequential(nn.Linear(3, 2), nn.Tanh())), torch.randn(1, 3),
       "export_scripted_op15.onnx", 15)
# Exported and then moved to external data the way big exports are (one file beside the model).
src = out("onnx", P + "export_ext", "model.onnx")
try:
    torch.onnx.export(nn.Sequential(nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 2)), torch.randn(1, 8), src,
                      opset_version=13, input_names=["x"], dynamic_axes={"x": {0: "batch"}})
    m = onnx.load(src)
    onnx.save_model(m, src, save_as_external_data=True, all_tensors_to_one_file=True,
                    location="model.onnx_data", size_threshold=64)
    onnx.checker.check_model(src)
except Exception as e:
    print("export_ext failed:", e, file=sys.stderr)


# ---------------------------------------------------------------------------------------------- onnx helper
def osave(m, name, **kw):
    onnx.checker.check_model(m, full_check=kw.pop("full_check", True))
    path = out("onnx", P + name)
    onnx.save_model(m, path, **kw)
    onnx.checker.check_model(path)


F = TensorProto.FLOAT
vi = helper.make_tensor_value_info


def opset(*pairs):
    return [helper.make_opsetid(d, v) for d, v in pairs]


# If with two branch subgraphs.
then_g = helper.make_graph([helper.make_node("Relu", ["X"], ["t_out"])], "then", [], [vi("t_out", F, [2])])
else_g = helper.make_graph([helper.make_node("Neg", ["X"], ["e_out"])], "else", [], [vi("e_out", F, [2])])
g = helper.make_graph([helper.make_node("ReduceSum", ["X"], ["s"], keepdims=0),
                       helper.make_node("Constant", [], ["zero"], value_float=0.0),
                       helper.make_node("Greater", ["s", "zero"], ["cond"]),
                       helper.make_node("If", ["cond"], ["Y"], then_branch=then_g, else_branch=else_g)],
                      "if_graph", [vi("X", F, [2])], [vi("Y", F, [2])])
osave(helper.make_model(g, opset_imports=opset(("", 13))), "helper_if.onnx")
# Loop carrying a value, with a scan output.
body = helper.make_graph(
    [helper.make_node("Identity", ["cond_in"], ["cond_out"]),
     helper.make_node("Add", ["acc_in", "one"], ["acc_out"]),
     helper.make_node("Identity", ["acc_out"], ["scan_out"])],
    "body", [vi("i", TensorProto.INT64, []), vi("cond_in", TensorProto.BOOL, []), vi("acc_in", F, [1])],
    [vi("cond_out", TensorProto.BOOL, []), vi("acc_out", F, [1]), vi("scan_out", F, [1])],
    [numpy_helper.from_array(np.ones(1, np.float32), "one")])
g = helper.make_graph([helper.make_node("Loop", ["M", "", "A"], ["A_final", "scans"], body=body)], "loop_graph",
                      [vi("M", TensorProto.INT64, []), vi("A", F, [1])], [vi("A_final", F, [1]), vi("scans", F, [None, 1])])
osave(helper.make_model(g, opset_imports=opset(("", 13))), "helper_loop.onnx")
# Scan (cumulative sum), opset 9+ form.
sbody = helper.make_graph([helper.make_node("Add", ["s_in", "x_t"], ["s_out"]),
                           helper.make_node("Identity", ["s_out"], ["y_t"])], "scan_body",
                          [vi("s_in", F, [2]), vi("x_t", F, [2])], [vi("s_out", F, [2]), vi("y_t", F, [2])])
g = helper.make_graph([helper.make_node("Scan", ["S0", "XS"], ["S", "YS"], body=sbody, num_scan_inputs=1)],
                      "scan_graph", [vi("S0", F, [2]), vi("XS", F, [3, 2])], [vi("S", F, [2]), vi("YS", F, [3, 2])])
osave(helper.make_model(g, opset_imports=opset(("", 11))), "helper_scan.onnx")
# Sparse initializer (COO, linear indices) and a Constant with a sparse_value.
vals = numpy_helper.from_array(np.array([1.0, 2.0], np.float32), "SW")
idx = numpy_helper.from_array(np.array([1, 5], np.int64), "")
sparse = helper.make_sparse_tensor(vals, idx, [2, 3])
cvals = numpy_helper.from_array(np.array([3.0], np.float32), "cv")
cidx = numpy_helper.from_array(np.array([[0, 2]], np.int64), "")
g = helper.make_graph([helper.make_node("Constant", [], ["C"], sparse_value=helper.make_sparse_tensor(cvals, cidx, [2, 3])),
                       helper.make_node("Add", ["SW", "C"], ["S1"]), helper.make_node("Add", ["X", "S1"], ["Y"])],
                      "sparse_graph", [vi("X", F, [2, 3])], [vi("Y", F, [2, 3])], sparse_initializer=[sparse])
osave(helper.make_model(g, opset_imports=opset(("", 13))), "helper_sparse_initializer.onnx",
      full_check=False)  # shape inference has no sparse_tensor(float) for Add
# Training info (what onnxruntime-training / the ONNX training spec stores).
w = numpy_helper.from_array(np.ones((2, 2), np.float32), "W")
g = helper.make_graph([helper.make_node("MatMul", ["X", "W"], ["Y"])], "train_graph", [vi("X", F, [1, 2])],
                      [vi("Y", F, [1, 2])], [w])
m = helper.make_model(g, opset_imports=opset(("", 13), ("ai.onnx.preview.training", 1)))
algo = helper.make_graph([helper.make_node("Mul", ["W", "two"], ["W_new"])], "algo", [], [vi("W_new", F, [2, 2])],
                         [numpy_helper.from_array(np.array(2.0, np.float32), "two")])
init = helper.make_graph([helper.make_node("Constant", [], ["W_init"],
                                           value=numpy_helper.from_array(np.zeros((2, 2), np.float32)))],
                         "init", [], [vi("W_init", F, [2, 2])])
ti = m.training_info.add()
ti.algorithm.CopyFrom(algo)
ti.initialization.CopyFrom(init)
ti.update_binding.add(key="W", value="W_new")
ti.initialization_binding.add(key="W", value="W_init")
osave(m, "helper_training_info.onnx", full_check=False)
# Metadata props, doc strings everywhere, value_info, a function with attributes, nested functions.
fn_inner = helper.make_function("local.fns", "Scale", ["x"], ["y"],
                                [helper.make_node("Constant", [], ["a"], value_float=2.0),
                                 helper.make_node("Mul", ["x", "a"], ["y"])], opset(("", 15)))
fn_outer = helper.make_function("local.fns", "ScaleRelu", ["x"], ["y"],
                                [helper.make_node("Scale", ["x"], ["s"], domain="local.fns"),
                                 helper.make_node("LeakyRelu", ["s"], ["y"], alpha_ref="alpha" if False else None)
                                 if False else helper.make_node("Relu", ["s"], ["y"])],
                                opset(("", 15), ("local.fns", 1)), attributes=["unused"])
g = helper.make_graph([helper.make_node("ScaleRelu", ["X"], ["Y"], domain="local.fns", doc_string="node doc")],
                      "fn_graph", [vi("X", F, ["n"])], [vi("Y", F, ["n"])], doc_string="graph doc",
                      value_info=[vi("Y", F, ["n"])])
m = helper.make_model(g, opset_imports=opset(("", 15), ("local.fns", 1)), functions=[fn_inner, fn_outer],
                      producer_name="helper", producer_version="1.12", model_version=2, doc_string="model doc")
helper.set_model_props(m, {"author": "x", "license": "Apache-2.0", "description": "metadata", "empty": ""})
osave(m, "helper_nested_functions.onnx")
# Optional and Sequence types (opset 15/16).
g = helper.make_graph([helper.make_node("SequenceConstruct", ["X", "X"], ["seq"]),
                       helper.make_node("SequenceAt", ["seq", "i"], ["Y"]),
                       helper.make_node("Optional", ["X"], ["opt"]),
                       helper.make_node("OptionalHasElement", ["opt"], ["has"])], "seq_opt",
                      [vi("X", F, [2]), vi("i", TensorProto.INT64, [])],
                      [vi("Y", F, [2]), vi("has", TensorProto.BOOL, [])])
osave(helper.make_model(g, opset_imports=opset(("", 16))), "helper_sequence_optional.onnx")
# Many initializer dtypes (bfloat16, complex, uint16..uint64, strings) through numpy_helper.
inits = [numpy_helper.from_array(np.array([1, 2], dt), "i_" + np.dtype(dt).name)
         for dt in (np.uint16, np.uint32, np.uint64, np.int16, np.complex64, np.complex128, np.bool_)]
inits.append(helper.make_tensor("bf16", TensorProto.BFLOAT16, [2], [1.0, 2.0]))
inits.append(helper.make_tensor("bf16_raw", TensorProto.BFLOAT16, [2], b"\x80\x3f\x00\x40", raw=True))
inits.append(numpy_helper.from_array(np.array([], np.float32), "empty"))
inits.append(numpy_helper.from_array(np.array(1.0, np.float64), "scalar"))
g = helper.make_graph([helper.make_node("Identity", ["empty"], ["Y"])], "dtypes", [], [vi("Y", F, [0])], inits)
osave(helper.make_model(g, opset_imports=opset(("", 13))), "helper_initializer_dtypes.onnx")
# The version converter's output (opset 9 -> 13) of a small graph.
from onnx import version_converter  # noqa: E402
g = helper.make_graph([helper.make_node("Upsample", ["X", "scales"], ["Y"], mode="nearest")], "up",
                      [vi("X", F, [1, 1, 2, 2])], [vi("Y", F, [1, 1, 4, 4])],
                      [numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32), "scales")])
try:
    osave(version_converter.convert_version(helper.make_model(g, opset_imports=opset(("", 9))), 13),
          "helper_version_converted.onnx")
except Exception as e:
    print("version converter failed:", e, file=sys.stderr)

# ---------------------------------------------------------------------------------------------- numpy
nsave("nested_titles_struct.npy", np.zeros(2, dtype=[(("outer title", "o"), [(("inner", "i"), ">i2"),
                                                                               ("d", "M8[ms]")]), ("t", "m8[D]")]))
nsave("struct_unicode_bytes_be.npy", np.array([("ab", b"c", 1)], dtype=[("u", ">U3"), ("b", "S1"), ("x", ">u8")]))
nsave("fortran_complex_be.npy", np.asfortranarray(np.arange(6).astype(">c8").reshape(2, 3)))
nsave("zero_d_datetime.npy", np.array(np.datetime64("2024-01-01T00:00:00.000000001")))
nsave("empty_unicode_3d.npy", np.zeros((2, 0, 3), dtype="<U5"))
nsave("struct_subarray_of_struct.npy", np.zeros(1, dtype=[("pts", [("x", "<f4"), ("y", "<f4")], (2,))]))
nsave("bool_fortran.npy", np.asfortranarray(np.eye(2, dtype=bool)))
nsave("float16_struct_align.npy", np.zeros(2, dtype=np.dtype([("h", "<f2"), ("q", "<i8")], align=True)))
# (Keys named after the dtype strings would hold both "<u2" and "<U2": a case collision, refused.)
np.savez(out("numpy", P + "savez_many_dtypes.npz"),
         **{"k%d" % i: np.zeros(2, dtype=n)
            for i, n in enumerate(("?", "i1", "<u2", ">i4", "<f8", "<c16", "S3", "<U2", "M8[D]", "m8[s]"))})
np.savez_compressed(out("numpy", P + "savez_compressed_struct_titles.npz"),
                    a=np.zeros(2, dtype=[(("T", "a"), "<f4")]), z=np.array(0), e=np.zeros((0, 3), "<U1"))
for f in sorted(os.listdir(out("numpy"))):
    if f.startswith(P) and f.endswith(".npz"):
        with np.load(out("numpy", f), allow_pickle=False) as z:
            [z[k] for k in z.files]

# ---------------------------------------------------------------------------------------------- sentencepiece
import sentencepiece as spm  # noqa: E402

TEXT = ("The quick brown fox jumps over the lazy dog 1234 times.\n"
        "Tokenizers split text into pieces; models read vocab files before weights.\n"
        "\u00dcber na\u00efve caf\u00e9 \u2014 \u6771\u4eac and Z\u00fcrich.\n") * 30


def train(name, **kw):
    kw.setdefault("normalization_rule_name", "identity")
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(TEXT.splitlines()), model_writer=buf, num_threads=1,
                                   minloglevel=2, hard_vocab_limit=False, **kw)
    with open(out("sentencepiece", P + name), "wb") as f:
        f.write(buf.getvalue())
    spm.SentencePieceProcessor(model_proto=buf.getvalue())


train("unigram_suffix_ws.model", model_type="unigram", vocab_size=70, treat_whitespace_as_suffix=True,
      split_by_whitespace=False, split_by_unicode_script=False, max_sentencepiece_length=8)
train("bpe_no_unk_surface_pieces.model", model_type="bpe", vocab_size=90, unk_piece="[UNK]", bos_piece="[CLS]",
      eos_piece="[SEP]", pad_id=3, pad_piece="[PAD]", split_by_number=False)
train("unigram_no_bos_eos.model", model_type="unigram", vocab_size=60, bos_id=-1, eos_id=-1, character_coverage=0.98,
      seed_sentencepiece_size=1000, shrinking_factor=0.8)
train("char_byte_fallback.model", model_type="char", byte_fallback=True, vocabulary_output_piece_score=False)
# (nmt_nfkc_cf, accepted too, embeds a ~240 KB charsmap: not kept as a fixture.)
train("word_whitespace_only.model", model_type="word", vocab_size=40, allow_whitespace_only_pieces=True,
      remove_extra_whitespaces=False)
print("done", file=sys.stderr)
