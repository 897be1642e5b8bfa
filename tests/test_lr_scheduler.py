"""dlkit/lr_scheduler.py against MXNet 1.9.1 goldens (golden/gen_lr_scheduler.py)."""
import numpy as np
import pytest

import dlkit as mx
from golden_replay import load_topic

CASES, _ = load_topic("lr_scheduler")
SCHEDULES = [case for case in CASES if "name" in case]


@pytest.mark.parametrize("case", SCHEDULES, ids=[case["id"] for case in SCHEDULES])
def test_scheduler_rates_match_mxnet_step_by_step(case):
    scheduler = getattr(mx.lr_scheduler, case["name"])(**case["kwargs"])
    lrs = [scheduler(step) for step in case["steps"]]
    np.testing.assert_allclose(lrs, case["lrs"], rtol=1e-6, atol=1e-12)


def test_linear_warmup_rises_from_begin_lr_to_base_lr():
    case = next(c for c in CASES if c["id"] == "warmup")
    base = mx.lr_scheduler.LRScheduler(base_lr=0.3, warmup_steps=4, warmup_begin_lr=0.1)
    np.testing.assert_allclose([base.get_warmup_lr(s) for s in range(4)], case["lrs"])


def test_base_scheduler_cannot_be_called():
    with pytest.raises(NotImplementedError):
        mx.lr_scheduler.LRScheduler()(0)


def test_bad_arguments_raise_value_errors():
    message = next(c for c in CASES if c["id"] == "error/step")["message"]
    with pytest.raises(ValueError, match=message):
        mx.lr_scheduler.FactorScheduler(step=0)
    with pytest.raises(ValueError, match="increasing"):
        mx.lr_scheduler.MultiFactorScheduler(step=[5, 3])
    with pytest.raises(ValueError, match="linear and constant"):
        mx.lr_scheduler.LRScheduler(warmup_mode="cubic")
    with pytest.raises(ValueError, match="warmup_begin_lr"):
        mx.lr_scheduler.LRScheduler(base_lr=0.1, warmup_begin_lr=0.5)


def test_factor_scheduler_keeps_lowered_rate_when_asked_about_the_past():
    scheduler = mx.lr_scheduler.FactorScheduler(step=2, factor=0.5, base_lr=1.0)
    assert scheduler(10) == pytest.approx(1.0 / 16)
    assert scheduler(0) == pytest.approx(1.0 / 16)  # MXNet quirk: stateful
