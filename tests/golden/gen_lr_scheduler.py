"""Golden learning rates of every scheduler over 31 steps (MXNet 1.9.1; README.md)."""
import logging

import mxnet as mx
from mxgolden import GoldenWriter

logging.disable(logging.CRITICAL)
golden = GoldenWriter("lr_scheduler")
STEPS = list(range(0, 31))
CONFIGS = [
    ("FactorScheduler", {"step": 5, "factor": 0.5}),
    ("FactorScheduler", {"step": 3, "factor": 0.1, "stop_factor_lr": 1e-4,
                         "base_lr": 1.0}),
    ("FactorScheduler", {"step": 4, "factor": 0.9, "base_lr": 0.5, "warmup_steps": 6,
                         "warmup_begin_lr": 0.1}),
    ("FactorScheduler", {"step": 4, "factor": 0.9, "base_lr": 0.5, "warmup_steps": 6,
                         "warmup_begin_lr": 0.1, "warmup_mode": "constant"}),
    ("MultiFactorScheduler", {"step": [3, 7, 20], "factor": 0.5}),
    ("MultiFactorScheduler", {"step": [10, 15], "factor": 0.1, "base_lr": 1.0,
                              "warmup_steps": 5}),
    ("PolyScheduler", {"max_update": 20}),
    ("PolyScheduler", {"max_update": 25, "base_lr": 0.4, "pwr": 1, "final_lr": 0.01,
                       "warmup_steps": 5, "warmup_begin_lr": 0.02}),
    ("CosineScheduler", {"max_update": 20}),
    ("CosineScheduler", {"max_update": 25, "base_lr": 0.4, "final_lr": 0.01,
                         "warmup_steps": 5, "warmup_begin_lr": 0.02}),
]

for index, (name, kwargs) in enumerate(CONFIGS):
    # forward in time, as an optimizer calls it
    scheduler = getattr(mx.lr_scheduler, name)(**kwargs)
    lrs = [scheduler(step) for step in STEPS]
    golden.add({"id": f"{name}/{index}", "name": name, "kwargs": kwargs, "steps": STEPS,
                "lrs": lrs})
base = mx.lr_scheduler.LRScheduler(base_lr=0.3, warmup_steps=4, warmup_begin_lr=0.1)
golden.add({"id": "warmup", "lrs": [base.get_warmup_lr(step) for step in range(4)]})
try:
    mx.lr_scheduler.FactorScheduler(step=0)
except ValueError as error:
    golden.add({"id": "error/step", "message": str(error)})
golden.save()
