#!/usr/bin/python3
"""Round-8 real producer output, fourth part (beside generate_8.py to generate_8c.py): torch.jit.script and
torch.jit.trace of one torch.nn module family each (padding, pooling, fold/unfold, activations, dropouts,
RNN cells, losses, ...), so that every operator their serialised code names meets the allowlist. Run with
Debian's interpreter (python3-torch 1.13):
    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack /usr/bin/python3 formats/src/test/resources/realfiles/generate_8d.py [OUT]
Each file is loaded here with torch.jit.load; files the default policy refuses on purpose are listed in
RealFilesTest.REFUSED.
"""
import os
import sys
import warnings

import torch
import torch.nn as nn

warnings.filterwarnings("ignore")
torch.manual_seed(84)
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "torchscript")
os.makedirs(OUT, exist_ok=True)
x4 = torch.randn(1, 2, 6, 6)
x3 = torch.randn(1, 2, 6)
x2 = torch.randn(3, 4)
mods = {
 "identity_unflatten": (nn.Sequential(nn.Flatten(), nn.Unflatten(1, (2, 36)), nn.Identity()), x4),
 "pads": (nn.Sequential(nn.ZeroPad2d(1), nn.ReflectionPad2d(1), nn.ReplicationPad2d(1), nn.ConstantPad2d(1, 0.5)), x4),
 "pools": (nn.Sequential(nn.AdaptiveMaxPool2d(3), nn.LPPool2d(2, 2), nn.MaxPool2d(1, return_indices=False), nn.AvgPool2d(1, ceil_mode=True)), x4),
 "fold_unfold": (nn.Sequential(nn.Unfold(2), nn.Fold((6, 6), 2)), x4),
 "lrn_shuffle": (nn.Sequential(nn.LocalResponseNorm(2), nn.ChannelShuffle(2), nn.PixelUnshuffle(2)), x4),
 "acts1": (nn.Sequential(nn.Softsign(), nn.Tanhshrink(), nn.Softmin(1), nn.Threshold(0.1, 0.0), nn.Hardtanh(), nn.SiLU(), nn.LogSigmoid(), nn.Softplus(), nn.CELU(), nn.SELU(), nn.RReLU().eval(), nn.Hardsigmoid(), nn.Softshrink(), nn.Hardshrink()), x2),
 "acts_glu_softmax2d": (nn.Sequential(nn.GLU(1), nn.Softmax2d()), x4),
 "dropouts": (nn.Sequential(nn.AlphaDropout(0.1), nn.FeatureAlphaDropout(0.1), nn.Dropout1d(0.1), nn.Dropout2d(0.1)).eval(), x3),
 # Traced in training mode, the in-place dropouts are recorded as such (the unbatched Dropout1d unsqueezes
 # its input in place first).
 "dropouts_inplace_train": (nn.Sequential(nn.AlphaDropout(0.2, inplace=True), nn.FeatureAlphaDropout(0.2, inplace=True),
                                          nn.Dropout2d(0.2, inplace=True)).train(), x4),
 "dropout1d_unbatched_inplace": (nn.Dropout1d(0.2, inplace=True).train(), torch.randn(2, 6)),
 "bilinear": (nn.Bilinear(4, 4, 2), (x2, x2)),
 "cosine_pairwise": (nn.CosineSimilarity(1), (x2, x2)),
 "pairwise": (nn.PairwiseDistance(), (x2, x2)),
 "upsample_modes": (nn.Sequential(nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True), nn.UpsamplingNearest2d(scale_factor=2)), x4),
 "transformer_decoder_layer": (nn.TransformerDecoderLayer(4, 1, 4).eval(), (torch.randn(2, 1, 4), torch.randn(2, 1, 4))),
 "rnn_cells": (nn.LSTMCell(4, 3), x2),
 "gru_cell": (nn.GRUCell(4, 3), x2),
 "rnn_cell": (nn.RNNCell(4, 3), x2),
 "instancenorm_affine": (nn.Sequential(nn.InstanceNorm2d(2, affine=True, track_running_stats=True), nn.BatchNorm2d(2)).eval(), x4),
 "conv_transpose1d_3d": (nn.ConvTranspose1d(2, 1, 3), x3),
 "convtranspose3d": (nn.ConvTranspose3d(1, 1, 2), torch.randn(1, 1, 2, 2, 2)),
 "adaptive_avg_1d_3d": (nn.Sequential(nn.AdaptiveAvgPool1d(2), nn.AdaptiveMaxPool1d(1), nn.MaxPool1d(1), nn.AvgPool1d(1)), x3),
 "embedding_maxnorm": (nn.Embedding(5, 2, max_norm=1.0), torch.tensor([[1, 2]])),
}


class Losses(nn.Module):
    def __init__(self):
        super().__init__()
        self.ce = nn.CrossEntropyLoss(label_smoothing=0.1)
        self.mse = nn.MSELoss()
        self.l1 = nn.SmoothL1Loss()
        self.bce = nn.BCEWithLogitsLoss()
        self.kl = nn.KLDivLoss(reduction="batchmean")
        self.nll = nn.NLLLoss()
        self.huber = nn.HuberLoss()

    def forward(self, x, t):
        return (self.ce(x, t) + self.mse(x, x) + self.l1(x, x) + self.bce(x, x) + self.kl(x, x) + self.nll(x, t)
                + self.huber(x, x))


mods["losses"] = (Losses(), (x2, torch.tensor([0, 1, 2])))
for name, (m, inp) in mods.items():
    for kind in ("script", "trace"):
        p = os.path.join(OUT, "r8d_%s_%s.pt" % (name, kind))
        try:
            if kind == "script":
                s = torch.jit.script(m)
            else:
                s = torch.jit.trace(m, inp if isinstance(inp, tuple) else (inp,), check_trace=False)
            torch.jit.save(s, p)
            torch.jit.load(p)
        except Exception as e:
            print("fail", name, kind, str(e).splitlines()[0][:100], file=sys.stderr)
            if os.path.exists(p):
                os.remove(p)
