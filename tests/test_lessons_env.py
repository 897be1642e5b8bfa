"""The Binder set-up: binder/requirements.txt alone must give an environment that runs
the lessons.

Binder (repo2docker) installs ``pip install -r binder/requirements.txt`` from the
repository root into a fresh Python. The slow test does the same in a new virtual
environment (no system site-packages) and executes lesson 01 there with nbconvert. It
downloads from PyPI unless pip's cache already holds the wheels and takes one to three
minutes (55 s on an idle 2-core machine with a warm pip cache), so it runs only when
asked::

    DLKIT_BINDER_TEST=1 python3 -m pytest tests/test_lessons_env.py
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"


def test_binder_files_name_python_graphviz_and_dlkit():
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"
    assert "graphviz" in (BINDER / "apt.txt").read_text().split()
    requirements = [line.strip() for line in
                    (BINDER / "requirements.txt").read_text().splitlines()
                    if line.strip() and not line.startswith("#")]
    assert requirements == ["-e .[lessons]"]
    assert not any("cupy" in line for line in requirements)


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("DLKIT_BINDER_TEST") != "1",
                    reason="a fresh venv from PyPI (1-3 min): set DLKIT_BINDER_TEST=1")
def test_fresh_venv_from_binder_requirements_runs_lesson_01(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "-r", "binder/requirements.txt"],
        cwd=ROOT, capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-3000:]

    # Prefer the venv's own kernel over any python3 kernelspec of the user or system.
    env = dict(os.environ, JUPYTER_PREFER_ENV_PATH="1")
    env.pop("PYTHONPATH", None)
    executed = tmp_path / "01-executed.ipynb"
    run = subprocess.run(
        [str(python), "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
         "--ExecutePreprocessor.timeout=120", "--output", str(executed),
         str(ROOT / "lessons" / "01-welcome.ipynb")],
        cwd=tmp_path, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    assert executed.exists()

    where = subprocess.run([str(python), "-c", "import dlkit; print(dlkit.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True)
    assert Path(where.stdout.strip()).is_relative_to(ROOT)
