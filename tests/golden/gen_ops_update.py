"""Golden cases for the optimizer-update operators (dlkit/ops/update.py).

Run by hand in the MXNet 1.9.1 venv (see README.md)::

    cd tests/golden && MXNET_MKLDNN_ENABLED=0 /tmp/mxref/bin/python gen_ops_update.py

``GoldenWriter.op_case`` records outputs only, but these operators also overwrite
their state inputs (momentum, moments, ``weight32``). So ``update_case`` writes the
same case format (``tests/test_differential_ops.py`` replays the outputs) plus
``states``: the value after the call of every input the call changed, which
``tests/ops/test_update.py`` checks (with every other input left unchanged). The
``multi_*`` operators are called with ``out=`` because MXNet 1.9.1 cannot infer
their output shapes without it.
"""
import numpy as np

import mxnet as mx
from mxgolden import GoldenWriter, _jsonable

RANDOM = np.random.RandomState(0)


def uniform(shape, low=-1.0, high=1.0, dtype=np.float32):
    return RANDOM.uniform(low, high, size=shape).astype(dtype)


def update_case(writer, case_id, op_name, inputs, attrs, positional=False):
    """Call ``op_name`` (``mx.nd``, ``mx.nd._internal``) on copies of ``inputs``;
    store outputs and every input's value afterwards."""
    names = list(inputs)
    arrays = [mx.nd.array(inputs[n], dtype=inputs[n].dtype) for n in names]
    function = getattr(mx.nd, op_name, None) or getattr(mx.nd._internal, op_name)
    extra = {}
    if "multi" in op_name and "sgd" in op_name:
        per_weight = sum(1 for n in names if n.endswith("_0"))
        weights = [inputs[n] for n in names if n.startswith("weight_")]
        assert len(weights) * per_weight + (2 if "preloaded" in op_name else 0) == \
            len(names)
        extra["out"] = [mx.nd.zeros(w.shape, dtype=w.dtype) for w in weights]
    if positional:
        result = function(*arrays, **attrs, **extra)
    else:
        result = function(**dict(zip(names, arrays)), **attrs, **extra)
    outputs = result if isinstance(result, (list, tuple)) else [result]
    writer.cases.append({
        "id": case_id, "op": op_name, "attrs": _jsonable(attrs),
        "inputs": [writer.add_array(f"{case_id}/in/{n}", inputs[n]) for n in names],
        "input_names": names, "positional": positional, "is_train": False,
        "outputs": [writer.add_array(f"{case_id}/out/{i}", o.asnumpy())
                    for i, o in enumerate(outputs)],
        "head_grads": [], "grads": {},
        "states": {n: writer.add_array(f"{case_id}/state/{n}", a.asnumpy())
                   for n, a in zip(names, arrays) if _changed(inputs[n], a)}})


def _changed(before, array):
    """Whether the call overwrote this input (inputs left alone are not stored)."""
    return not np.array_equal(before, array.asnumpy(), equal_nan=True)


# clip_gradient=0 clips every gradient to 0: MXNet clips whenever clip_gradient >= 0
CLIPS = [("plain", {}), ("rescale", {"wd": 0.1, "rescale_grad": 0.37}),
         ("clip0", {"clip_gradient": 0.0}),
         ("all", {"wd": 0.05, "rescale_grad": 3.3, "clip_gradient": 0.3})]


def single_weight_cases(writer):
    shape = (4, 5)
    for label, extra in CLIPS:
        w, g = uniform(shape), uniform(shape, -3, 3)
        w16, g16 = w.astype(np.float16), g.astype(np.float16)
        w32 = w16.astype(np.float32)
        no_decay = {k: v for k, v in extra.items() if k != "wd"}
        clip_grad = {("clip_grad" if k == "clip_gradient" else k): v
                     for k, v in extra.items()}
        run = [
            ("sgd", "sgd_update", {"weight": w, "grad": g}, {"lr": 0.1}),
            ("sgd_mom", "sgd_mom_update",
             {"weight": w, "grad": g, "mom": uniform(shape)},
             {"lr": 0.1, "momentum": 0.9}),
            ("nag", "nag_mom_update", {"weight": w, "grad": g, "mom": uniform(shape)},
             {"lr": 0.1, "momentum": 0.9}),
            ("signsgd", "signsgd_update", {"weight": w, "grad": g}, {"lr": 0.1}),
            ("signum", "signum_update", {"weight": w, "grad": g, "mom": uniform(shape)},
             {"lr": 0.1, "momentum": 0.9, "wd_lh": 0.01}),
            ("adam", "adam_update", {"weight": w, "grad": g, "mean": uniform(shape),
                                     "var": uniform(shape, 0, 1)},
             {"lr": 0.01, "beta1": 0.5, "beta2": 0.7, "epsilon": 1e-3}),
            ("rmsprop", "rmsprop_update",
             {"weight": w, "grad": g, "n": uniform(shape, 0, 1)},
             {"lr": 0.01, "gamma1": 0.8, "clip_weights": 0.5}),
            ("rmspropalex", "rmspropalex_update",
             {"weight": w, "grad": g, "n": uniform(shape, 0.5, 1),
              "g": uniform(shape, -0.5, 0.5), "delta": uniform(shape)},
             {"lr": 0.01, "gamma1": 0.7, "gamma2": 0.6}),
            ("ftrl", "ftrl_update", {"weight": w, "grad": g, "z": uniform(shape),
                                     "n": uniform(shape, 0, 1)},
             {"lr": 0.1, "lamda1": 0.3, "beta": 0.5}),
            ("mp_sgd", "mp_sgd_update", {"weight": w16, "grad": g16, "weight32": w32},
             {"lr": 0.1}),
            ("mp_sgd_mom", "mp_sgd_mom_update",
             {"weight": w16, "grad": g16, "mom": uniform(shape), "weight32": w32},
             {"lr": 0.1, "momentum": 0.9}),
            ("mp_nag", "mp_nag_mom_update",
             {"weight": w16, "grad": g16, "mom": uniform(shape), "weight32": w32},
             {"lr": 0.1, "momentum": 0.9}),
        ]
        for name, op_name, inputs, attrs in run:
            update_case(writer, f"{name}_{label}", op_name, inputs, {**attrs, **extra})
        update_case(writer, f"ftml_{label}", "ftml_update",
                    {"weight": w, "grad": g, "d": uniform(shape, 0, 1),
                     "v": uniform(shape, 0, 1), "z": uniform(shape)},
                    {"lr": 0.1, "t": 3, **clip_grad})
        scale = np.array([0.7], np.float32)
        rescale = {"rescale_grad": no_decay.pop("rescale_grad", 1.0)}
        update_case(writer, f"adamw_{label}", "_adamw_update",
                    {"weight": w, "grad": g, "mean": uniform(shape),
                     "var": uniform(shape, 0, 1), "rescale_grad": scale},
                    {"lr": 0.01, "eta": 0.5, **no_decay, "wd": extra.get("wd", 0.0)})
        update_case(writer, f"mp_adamw_{label}", "_mp_adamw_update",
                    {"weight": w16, "grad": g16, "mean": uniform(shape),
                     "var": uniform(shape, 0, 1), "weight32": w32,
                     "rescale_grad": scale},
                    {"lr": 0.01, "eta": 0.5, **no_decay, "wd": extra.get("wd", 0.0)})
        update_case(writer, f"lamb1_{label}", "lamb_update_phase1",
                    {"weight": w, "grad": g, "mean": uniform(shape),
                     "var": uniform(shape, 0, 1)},
                    {"t": 3, "wd": extra.get("wd", 0.0), **rescale, **no_decay})
        update_case(writer, f"mp_lamb1_{label}", "mp_lamb_update_phase1",
                    {"weight": w16, "grad": g16, "mean": uniform(shape),
                     "var": uniform(shape, 0, 1), "weight32": w32},
                    {"t": 3, "wd": extra.get("wd", 0.0), **rescale, **no_decay,
                     "bias_correction": label != "plain"})


def lamb_phase2_cases(writer):
    bounds = [(-1.0, -1.0, 2.0, 4.0), (-1.0, -1.0, 0.0, 4.0), (-1.0, -1.0, 2.0, 0.0),
              (3.0, -1.0, 2.0, 4.0), (-1.0, 1.5, 2.0, 4.0), (0.5, 5.0, 2.0, 4.0)]
    for index, (lower, upper, r1, r2) in enumerate(bounds):
        w = uniform((3, 4))
        norms = {"r1": np.array([r1], np.float32), "r2": np.array([r2], np.float32)}
        attrs = {"lr": 0.1, "lower_bound": lower, "upper_bound": upper}
        update_case(writer, f"lamb2_{index}", "lamb_update_phase2",
                    {"weight": w, "g": uniform((3, 4)), **norms}, attrs)
        w16 = w.astype(np.float16)
        update_case(writer, f"mp_lamb2_{index}", "mp_lamb_update_phase2",
                    {"weight": w16, "g": uniform((3, 4)), **norms,
                     "weight32": w16.astype(np.float32)}, attrs)


def multi_cases(writer):
    shapes = [(6, 5), (7,), (2, 3)]
    lrs, wds = (0.1, 0.2, 0.05), (0.0, 0.1, 0.01)
    for label, extra in CLIPS[1::2]:
        extra = {k: v for k, v in extra.items() if k != "wd"}   # wds does that
        weights = [uniform(s) for s in shapes]
        grads = [uniform(s, -3, 3) for s in shapes]
        moms = [uniform(s) for s in shapes]
        w16 = [w.astype(np.float16) for w in weights]
        g16 = [g.astype(np.float16) for g in grads]
        w32 = [w.astype(np.float32) for w in w16]

        def interleave(**lists):
            return {f"{name}_{i}": values[i] for i in range(len(shapes))
                    for name, values in lists.items()}

        rates = {"lrs": np.array(lrs, np.float32), "wds": np.array(wds, np.float32)}
        groups = [("sgd", {"weight": weights, "grad": grads}, {}),
                  ("sgd_mom", {"weight": weights, "grad": grads, "mom": moms},
                   {"momentum": 0.9}),
                  ("mp_sgd", {"weight": w16, "grad": g16, "weight32": w32}, {}),
                  ("mp_sgd_mom", {"weight": w16, "grad": g16, "mom": moms,
                                  "weight32": w32}, {"momentum": 0.9})]
        for name, lists, attrs in groups:
            attrs = {**attrs, **extra, "num_weights": len(shapes)}
            update_case(writer, f"multi_{name}_{label}", f"multi_{name}_update",
                        interleave(**lists), {**attrs, "lrs": lrs, "wds": wds},
                        positional=True)
            update_case(writer, f"preloaded_{name}_{label}",
                        f"preloaded_multi_{name}_update",
                        {**interleave(**lists), **rates}, attrs, positional=True)


def helper_cases(writer):
    arrays = {"array_0": uniform((5, 7), -2, 2), "array_1": uniform((300,), -2, 2),
              "array_2": uniform((3,))}
    update_case(writer, "multi_sum_sq_float32", "multi_sum_sq", arrays,
                {"num_arrays": 3}, positional=True)
    update_case(writer, "multi_sum_sq_float16", "multi_sum_sq",
                {"array_0": uniform((40,), dtype=np.float16)}, {"num_arrays": 1},
                positional=True)
    lars = {"lrs": np.array([0.1, 0.2, 0.3, 0.4, 0.5], np.float32),
            "weights_sum_sq": np.array([4.0, 0.0, 9.0, 1.0, 2.5], np.float32),
            "grads_sum_sq": np.array([1.0, 2.0, 0.0, 16.0, 0.3], np.float32),
            "wds": np.array([0.1, 0.0, 0.01, 0.5, 0.0], np.float32)}
    update_case(writer, "multi_lars", "multi_lars", lars, {"eta": 0.01, "eps": 1e-6})
    update_case(writer, "multi_lars_rescaled", "multi_lars", lars,
                {"eta": 0.5, "eps": 0.1, "rescale_grad": 0.25})
    finite = uniform((3, 4))
    infinite = finite.copy()
    infinite[1, 2] = np.inf
    missing = finite.copy()
    missing[0, 0] = np.nan
    for label, data in [("finite", finite), ("inf", infinite), ("nan", missing),
                        ("float16", finite.astype(np.float16))]:
        update_case(writer, f"all_finite_{label}", "all_finite", {"data": data}, {})
    update_case(writer, "multi_all_finite_inf", "multi_all_finite",
                {"array_0": finite, "array_1": infinite}, {"num_arrays": 2},
                positional=True)
    update_case(writer, "multi_all_finite_ok", "multi_all_finite",
                {"array_0": finite, "array_1": finite.reshape(12)},
                {"num_arrays": 2}, positional=True)


def float64_cases(writer):
    """float64 weights: MXNet stores the attributes as float32, so momentum=0.9 is
    0.8999999762 here; rescale_grad of adamw stays a float32 array."""
    shape = (3, 4)
    w, g = uniform(shape, dtype=np.float64), uniform(shape, -3, 3, dtype=np.float64)
    update_case(writer, "sgd_mom_float64", "sgd_mom_update",
                {"weight": w, "grad": g, "mom": uniform(shape, dtype=np.float64)},
                {"lr": 0.1, "momentum": 0.9, "wd": 0.05, "clip_gradient": 0.3})
    update_case(writer, "nag_float64", "nag_mom_update",
                {"weight": w, "grad": g, "mom": uniform(shape, dtype=np.float64)},
                {"lr": 0.1, "momentum": 0.9, "wd": 0.05})
    update_case(writer, "adam_float64", "adam_update",
                {"weight": w, "grad": g, "mean": uniform(shape, dtype=np.float64),
                 "var": uniform(shape, 0, 1, dtype=np.float64)},
                {"lr": 0.01, "wd": 0.1, "rescale_grad": 0.37})
    update_case(writer, "lamb_phase1_float64", "lamb_update_phase1",
                {"weight": w, "grad": g, "mean": uniform(shape, dtype=np.float64),
                 "var": uniform(shape, 0, 1, dtype=np.float64)}, {"t": 3, "wd": 0.1})
    update_case(writer, "adamw_float64", "_adamw_update",
                {"weight": w, "grad": g, "mean": uniform(shape, dtype=np.float64),
                 "var": uniform(shape, 0, 1, dtype=np.float64),
                 "rescale_grad": np.array([0.7], dtype=np.float32)},
                {"lr": 0.01, "eta": 0.9, "wd": 0.1})


def main():
    writer = GoldenWriter("ops_update")
    single_weight_cases(writer)
    lamb_phase2_cases(writer)
    multi_cases(writer)
    helper_cases(writer)
    float64_cases(writer)
    writer.save()


if __name__ == "__main__":
    main()
