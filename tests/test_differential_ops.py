"""Every golden op case from MXNet 1.9.1 replayed through dlkit: outputs and gradients.

Also checks coverage: every registered operator appears in some golden case, unless it
is listed in ``NOT_COMPARABLE`` with the reason.
"""
import numpy as np
import pytest

from dlkit.ops.registry import list_ops
from golden_replay import load_topic, op_topics, replay_op_case

# Ops whose values cannot be compared with MXNet's: they draw random numbers from a
# different generator (their distributions are tested in tests/ops/test_random.py).
NOT_COMPARABLE = {"_getitem": "internal op behind NDArray.__getitem__ while recording",
                  "Custom": "runs user Python code registered by name; "
                            "tests/test_operator.py compares it with MXNet through "
                            "golden/operator.json"}


def _all_cases():
    for topic in op_topics():
        cases, arrays = load_topic(topic)
        for case in cases:
            yield pytest.param(case, arrays, id=f"{topic}:{case['id']}")


CASES = list(_all_cases())


@pytest.mark.parametrize("case, arrays", CASES)
def test_matches_mxnet(case, arrays):
    outputs, grads = replay_op_case(case, arrays)
    for index, key in enumerate(case["outputs"]):
        expected = arrays[key]
        assert outputs[index].shape == expected.shape, (case["id"], "output", index)
        np.testing.assert_allclose(outputs[index], expected, rtol=1e-4, atol=1e-5,
                                   err_msg=f"{case['id']} output {index}")
    for name, key in case["grads"].items():
        np.testing.assert_allclose(grads[name], arrays[key], rtol=1e-4, atol=1e-5,
                                   err_msg=f"{case['id']} gradient of {name}")


def test_every_op_has_a_golden_case():
    covered = {case.values[0]["op"] for case in CASES}
    random_ops = {op.name for op in list_ops() if getattr(op, "random", False)}
    missing = []
    for op in list_ops():
        names = {op.name, *op.aliases}
        if names & covered or op.name in NOT_COMPARABLE or op.name in random_ops:
            continue
        missing.append(op.name)
    assert not missing, f"ops without a differential test against MXNet: {missing}"
