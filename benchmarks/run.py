"""Run every benchmark workload in dlkit, MXNet 1.9.1, PyTorch and NumPy; print ratios.

    python3 benchmarks/run.py                      # everything available, 7 repeats
    python3 benchmarks/run.py -w add_small,import  # some workloads
    python3 benchmarks/run.py -f dlkit,mxnet -r 5  # some frameworks, 5 repeats

Each framework runs in its own long-lived worker process (``worker.py``); MXNet's worker
uses the Python of the MXNet 1.9.1 virtual environment (``--mxnet-python``, by default
``/tmp/mxref/bin/python`` when it exists). For every workload each worker sets up and
warms up, then the repeats alternate between frameworks (the order rotates each round),
so a slow drift of the machine hits every framework alike. The first table shows
medians and the dlkit/MXNet, dlkit/PyTorch and dlkit/NumPy ratios (above 1: dlkit is
slower, or uses more memory; for GFLOP/s higher is better); MXNet runs twice, with its
defaults (``mxnet``) and with OpenMP on every core (``mxnet-omp``), and
``dlkit/mxnet-best`` compares with the faster of the two. A workload that fails in a
framework shows ``error`` with the message below the table. The second table is the
same for the best repeat of each cell, the figure least disturbed by other load on a
shared machine. A third table gives each MLP step's share of the NumPy GEMM limit
(from the medians). The full results, every repeat included, are saved to
``benchmarks/results/latest.json``.
"""
import argparse
import datetime
import json
import os
import platform
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from workloads import WORKLOADS  # noqa: E402

DEFAULT_MXNET_PYTHON = "/tmp/mxref/bin/python"
FRAMEWORK_ORDER = ["dlkit", "mxnet", "mxnet-omp", "torch", "numpy"]
# The two MXNet configurations: its defaults, and OpenMP on every core, which is
# faster for convolutions on a small machine. "MXNet's best" is the faster of the two,
# cell by cell; the dlkit/mxnet-best ratio compares with it.
MXNET_CONFIGURATIONS = ("mxnet", "mxnet-omp")


class Framework:
    """How to start one framework: its Python, module, API flavour and environment."""

    def __init__(self, name, python, module, api, env):
        self.name = name
        self.python = python
        self.module = module
        self.api = api
        self.env = env
        self.process = None

    def available(self):
        """True when ``import module`` works with this framework's Python."""
        if self.python is None:
            return False
        try:
            check = subprocess.run([self.python, "-c", f"import {self.module}"],
                                   env=self.env, capture_output=True)
        except OSError:          # no such Python (a wrong --mxnet-python)
            return False
        return check.returncode == 0

    def version(self):
        code = f"import {self.module} as m; print(m.__version__)"
        done = subprocess.run([self.python, "-c", code], env=self.env,
                              capture_output=True, text=True)
        return done.stdout.strip()

    # ---- the worker process ----
    def start(self, verbose):
        """Start the worker; its stderr goes to the terminal or to a file kept for
        error messages."""
        self.verbose = verbose
        self.stderr = None if verbose else tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(
            [self.python, str(HERE / "worker.py"), self.module, self.api],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr,
            env=self.env, text=True, bufsize=1, cwd=str(HERE))

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def _last_stderr_line(self):
        if self.stderr is None:
            return "see its stderr above"
        self.stderr.seek(0)
        lines = [line.strip() for line in self.stderr.read().splitlines()
                 if line.strip()]
        return lines[-1] if lines else "no message"

    def ask(self, request, timeout):
        """Send one request; return the reply, or an error if the worker dies or takes
        more than ``timeout`` seconds (the worker is then restarted)."""
        try:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
            ready, _, _ = select.select([self.process.stdout], [], [], timeout)
            line = self.process.stdout.readline() if ready else ""
        except BrokenPipeError:
            ready, line = True, ""
        if line:
            return json.loads(line)
        if ready:
            reason = f"worker died: {self._last_stderr_line()}"
        else:
            reason = f"no answer within {timeout:.0f} s"
        self.stop()
        self.start(self.verbose)
        return {"error": reason}


def make_frameworks(args):
    base_env = dict(os.environ)
    base_env.pop("PYTHONPATH", None)
    # Without cached bytecode every import compiles dlkit from source (about 0.14 s
    # here), while MXNet and PyTorch come with .pyc files written by pip. Let the
    # warm-up runs write dlkit's __pycache__, as any user's first import does.
    base_env.pop("PYTHONDONTWRITEBYTECODE", None)
    if args.threads is not None:
        for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            base_env[name] = str(args.threads)
    dlkit_env = dict(base_env, PYTHONPATH=str(ROOT))
    mxnet_python = args.mxnet_python
    if mxnet_python is None and Path(DEFAULT_MXNET_PYTHON).exists():
        mxnet_python = DEFAULT_MXNET_PYTHON
    if mxnet_python is None:
        mxnet_python = sys.executable
    omp_env = dict(base_env, OMP_NUM_THREADS=str(os.cpu_count()))
    return {
        "dlkit": Framework("dlkit", sys.executable, "dlkit", "mx", dlkit_env),
        "mxnet": Framework("mxnet", mxnet_python, "mxnet", "mx", base_env),
        "mxnet-omp": Framework("mxnet-omp", mxnet_python, "mxnet", "mx", omp_env),
        "torch": Framework("torch", sys.executable, "torch", "torch", base_env),
        "numpy": Framework("numpy", sys.executable, "numpy", "numpy", base_env),
    }


# --------------------------------------------------------------------------------------
# Measuring.
# --------------------------------------------------------------------------------------
_PEAK_RSS_CODE = ("\nimport resource\n"
                  "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")


def figure_in_fresh_process(framework, statement, measure="time"):
    """Run ``statement`` in a brand-new interpreter; return the seconds it took or, for
    ``measure="peak_rss"``, the process's peak resident memory in MB (Linux reports
    ``ru_maxrss`` in KB)."""
    if measure == "peak_rss":
        code = statement + _PEAK_RSS_CODE
    else:
        code = ("import time\nstart = time.perf_counter()\n" + statement +
                "\nprint(time.perf_counter() - start)")
    done = subprocess.run([framework.python, "-c", code], env=framework.env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        raise RuntimeError(" | ".join(lines[-3:])[-300:])
    return float(done.stdout.strip().splitlines()[-1])


# After a call, OpenBLAS's and OpenMP's worker threads keep spinning (OpenBLAS for about
# 0.1 s) before they sleep. On a 2-core machine the previous framework's spinning threads
# would steal the cores of the next framework's repeat (measured: dlkit's MLP step 1.3 ms
# alone, 3.1 ms alternating with NumPy), so every repeat starts after a short pause.
SETTLE_SECONDS = 0.3


def _figure(workload, seconds):
    """The reported figure of one repeat: time per item in the unit, or a rate."""
    if workload.measure == "peak_rss":
        return seconds            # already MB
    if workload.rate:
        return workload.number * workload.items / seconds * workload.scale
    return seconds / (workload.number * workload.items) * workload.scale


def measure_workload(workload, frameworks, repeats, timeout):
    """Median and all repeats of one workload in each framework, repeats alternating."""
    cells = {}
    active = []
    for framework in frameworks:
        if framework.api not in workload.setups:   # no such workload in this API
            continue
        cells[framework.name] = {"repeats": [], "median": None, "best": None,
                                 "error": None}
        setup = workload.setups[framework.api]
        if workload.fresh_process:
            statement = setup(framework.module)
            if statement is None:        # the workload does not apply here
                del cells[framework.name]
                continue
            try:
                figure_in_fresh_process(framework, statement,    # warm the file cache
                                        workload.measure)
            except RuntimeError as exc:
                cells[framework.name]["error"] = str(exc)
                continue
            active.append((framework, statement))
            continue
        warmup = 1 if workload.number == 1 else 2
        reply = framework.ask({"op": "setup", "workload": workload.name,
                               "warmup": warmup}, timeout)
        if "error" in reply:
            cells[framework.name]["error"] = reply["error"]
        else:
            active.append((framework, None))
    if workload.repeats is not None:
        repeats = workload.repeats
    for round_index in range(repeats):
        shift = round_index % max(len(active), 1)
        for framework, statement in active[shift:] + active[:shift]:
            cell = cells[framework.name]
            if cell["error"] is not None:
                continue
            if statement is not None:
                try:
                    seconds = figure_in_fresh_process(framework, statement,
                                                      workload.measure)
                except RuntimeError as exc:
                    cell["error"] = str(exc)
                    continue
            else:
                time.sleep(SETTLE_SECONDS)
                request = {"op": "time", "workload": workload.name}
                reply = framework.ask(request, timeout)
                if "error" in reply:
                    cell["error"] = reply["error"]
                    continue
                seconds = reply["seconds"]
            cell["repeats"].append(_figure(workload, seconds))
    for framework, statement in active:
        cell = cells[framework.name]
        if cell["repeats"] and cell["error"] is None:
            cell["median"] = statistics.median(cell["repeats"])
            # the least disturbed repeat: the fastest, or the highest rate
            cell["best"] = (max if workload.rate else min)(cell["repeats"])
        if statement is None:
            framework.ask({"op": "drop", "workload": workload.name}, timeout)
    return cells


# --------------------------------------------------------------------------------------
# Reporting.
# --------------------------------------------------------------------------------------
def _format_number(value):
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _ratio(cells, numerator, denominator, statistic):
    top = cells.get(numerator, {}).get(statistic)
    bottom = cells.get(denominator, {}).get(statistic)
    if top is None or bottom is None:
        return "-"
    return f"{top / bottom:.2f}x"


def best_mxnet(cells, statistic, rate):
    """The faster MXNet configuration's figure for this cell (the higher one for a
    rate such as GFLOP/s, the lower one otherwise), or None if neither ran."""
    figures = [cells[name][statistic] for name in MXNET_CONFIGURATIONS
               if cells.get(name, {}).get(statistic) is not None]
    if not figures:
        return None
    return max(figures) if rate else min(figures)


RATIO_COLUMNS = ("mxnet", "mxnet-best", "torch", "numpy")


def format_table(results, framework_names, statistic="median"):
    """A Markdown table of one statistic of the repeats ("median" or "best"), the
    ratios, and the error messages as footnotes."""
    header = ["workload", "unit", *framework_names,
              *(f"dlkit/{other}" for other in RATIO_COLUMNS)]
    rows = [header, ["---"] * len(header)]
    notes = []
    for name, result in results.items():
        row = [name, result["unit"]]
        for framework_name in framework_names:
            cell = result["frameworks"].get(framework_name)
            if cell is None:
                row.append("-")
            elif cell["error"] is not None:
                notes.append(f"[{len(notes) + 1}] {name} in {framework_name}: "
                             f"{cell['error']}")
                row.append(f"error [{len(notes)}]")
            else:
                row.append(_format_number(cell[statistic]))
        cells = dict(result["frameworks"])
        cells["mxnet-best"] = {statistic: best_mxnet(cells, statistic,
                                                     result.get("rate", False))}
        for other in RATIO_COLUMNS:
            row.append(_ratio(cells, "dlkit", other, statistic))
        rows.append(row)
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines + [""] + notes)


def gemm_shares(results, workloads, framework_names):
    """How close each MLP step gets to NumPy's GEMM limit: the time its matrix products
    take at the limit's GFLOP/s divided by the step's time (1.0 would be pure BLAS)."""
    limit = results.get("mlp_gemm_limit", {}).get("frameworks", {}).get("numpy", {})
    gflops = limit.get("median")
    if not gflops:
        return {}
    shares = {}
    for item in workloads:
        if not item.flops or item.name not in results:
            continue
        row = {}
        for name in framework_names:
            cell = results[item.name]["frameworks"].get(name)
            if cell is None or cell.get("median") is None:
                continue
            seconds = cell["median"] / item.scale
            row[name] = item.flops / (gflops * 1e9) / seconds
        shares[item.name] = row
    return shares


def format_shares(shares, framework_names):
    """A Markdown table of ``gemm_shares``."""
    if not shares:
        return ""
    rows = [["share of the NumPy GEMM limit", *framework_names],
            ["---"] * (len(framework_names) + 1)]
    for name, row in shares.items():
        rows.append([name, *(f"{row[f]:.0%}" if f in row else "-"
                             for f in framework_names)])
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def machine_description(frameworks, threads):
    return {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "processor": platform.processor(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "versions": {f.name: f.version() for f in frameworks},
        "mxnet_python": next((f.python for f in frameworks if f.name == "mxnet"), None),
        "threads": threads,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-w", "--workloads", help="comma-separated workload names")
    parser.add_argument("-f", "--frameworks", help="comma-separated: "
                        + ",".join(FRAMEWORK_ORDER))
    parser.add_argument("-r", "--repeats", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="seconds a setup or a repeat may take, then it is dropped")
    parser.add_argument("--mxnet-python",
                        help="the Python of an environment with MXNet 1.9.1")
    parser.add_argument("--output", default=str(HERE / "results" / "latest.json"))
    parser.add_argument("--threads", type=int,
                        help="limit every framework to this many threads (OMP, MKL "
                        "and OpenBLAS variables); default: each framework's choice")
    parser.add_argument("--verbose", action="store_true", help="show workers' stderr")
    args = parser.parse_args(argv)

    by_name = make_frameworks(args)
    wanted = args.frameworks.split(",") if args.frameworks else list(FRAMEWORK_ORDER)
    if args.threads is not None and not args.frameworks:
        wanted.remove("mxnet-omp")   # --threads already sets OMP_NUM_THREADS for all
    frameworks = []
    for name in wanted:
        if name not in by_name:
            parser.error(f"unknown framework {name!r}; choose from "
                         + ",".join(FRAMEWORK_ORDER))
        if by_name[name].available():
            frameworks.append(by_name[name])
        else:
            print(f"skipping {name}: `import {by_name[name].module}` fails with "
                  f"{by_name[name].python}")
    chosen = WORKLOADS
    if args.workloads:
        names = args.workloads.split(",")
        chosen = [w for w in WORKLOADS if w.name in names]

    for framework in frameworks:
        framework.start(args.verbose)
    results = {}
    try:
        for workload in chosen:
            print(f"{workload.name}: {workload.description} ...", flush=True)
            cells = measure_workload(workload, frameworks, args.repeats, args.timeout)
            results[workload.name] = {"description": workload.description,
                                      "unit": workload.unit, "rate": workload.rate,
                                      "frameworks": cells}
    finally:
        for framework in frameworks:
            framework.stop()

    names = [f.name for f in frameworks]
    print("\nMedians of the repeats:\n")
    print(format_table(results, names))
    print(f"\nBest of the {args.repeats} repeats (fastest; highest for GFLOP/s). On a "
          "shared machine a burst of other load can slow half the repeats of a "
          "workload, and the median with them; the best repeat is the one least "
          "disturbed:\n")
    print(format_table(results, names, statistic="best"))
    shares = gemm_shares(results, chosen, names)
    if shares:
        print()
        print(format_shares(shares, names))
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    report = {"machine": machine_description(frameworks, args.threads),
              "repeats": args.repeats, "results": results, "gemm_shares": shares}
    output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nsaved {output}")


if __name__ == "__main__":
    main()
