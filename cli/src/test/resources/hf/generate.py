#!/usr/bin/python3
"""Writes what transformers' Trainer leaves in a Hugging Face repository, for HuggingFaceRepositoryTest.

Run from this directory with Debian's /usr/bin/python3 and torch 1.13
(LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack if torch fails to import). The outputs are committed.

  training_args.bin  torch.save(TrainingArguments) as Trainer.save_model writes it: a dataclass instance
                     whose fields hold str enums (IntervalStrategy, SchedulerType, HubStrategy,
                     OptimizerNames) and a cached torch.device. transformers is not installed here, so
                     stand-in classes carry the real module and class names; the pickle is what torch.save
                     writes for them (GLOBAL + NEWOBJ/REDUCE + BUILD). Nothing loads it for inference, and
                     torch.load(weights_only=True) refuses it at its first global.
  optimizer.pt       torch.save(AdamW.state_dict()) after one step (Trainer's checkpoint-N/optimizer.pt)
  scheduler.pt       torch.save(LambdaLR.state_dict()) (checkpoint-N/scheduler.pt)
"""
import dataclasses
import enum
import os
import random
import sys
import types

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def stand_ins():
    tr = types.ModuleType("transformers")
    ta = types.ModuleType("transformers.training_args")
    tu = types.ModuleType("transformers.trainer_utils")

    class IntervalStrategy(str, enum.Enum):
        NO = "no"
        STEPS = "steps"

    class SchedulerType(str, enum.Enum):
        LINEAR = "linear"

    class HubStrategy(str, enum.Enum):
        EVERY_SAVE = "every_save"

    class OptimizerNames(str, enum.Enum):
        ADAMW_TORCH = "adamw_torch"

    for c, m in [(IntervalStrategy, tu), (SchedulerType, tu), (HubStrategy, tu), (OptimizerNames, ta)]:
        c.__module__ = m.__name__
        c.__qualname__ = c.__name__
        setattr(m, c.__name__, c)

    @dataclasses.dataclass
    class TrainingArguments:
        output_dir: str = "out"
        learning_rate: float = 5e-5
        eval_strategy: object = None
        lr_scheduler_type: object = None
        hub_strategy: object = None
        optim: object = None
        report_to: list = None
        seed: int = 42

    TrainingArguments.__module__ = ta.__name__
    TrainingArguments.__qualname__ = "TrainingArguments"
    ta.TrainingArguments = TrainingArguments
    sys.modules.update({"transformers": tr, "transformers.training_args": ta, "transformers.trainer_utils": tu})
    args = TrainingArguments(eval_strategy=IntervalStrategy.STEPS, lr_scheduler_type=SchedulerType.LINEAR,
                             hub_strategy=HubStrategy.EVERY_SAVE, optim=OptimizerNames.ADAMW_TORCH,
                             report_to=["tensorboard"])
    args.__dict__["_n_gpu"] = 1
    args.__dict__["__cached__setup_devices"] = torch.device("cuda", 0)
    return args


def main():
    torch.manual_seed(0)
    np.random.seed(0)
    random.seed(0)
    torch.save(stand_ins(), os.path.join(HERE, "training_args.bin"))
    params = [torch.nn.Parameter(torch.zeros(4, 4)), torch.nn.Parameter(torch.zeros(4))]
    opt = torch.optim.AdamW(params, lr=5e-5)
    params[0].grad = torch.ones(4, 4)
    params[1].grad = torch.ones(4)
    opt.step()
    torch.save(opt.state_dict(), os.path.join(HERE, "optimizer.pt"))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: 1.0)
    torch.save(sched.state_dict(), os.path.join(HERE, "scheduler.pt"))


if __name__ == "__main__":
    main()
