"""Write the generated lessons (05 onwards) from lessonNN.py and execute them in place.

    python3 lessons/_build/build.py            # all of them
    python3 lessons/_build/build.py 07 09      # some
    python3 lessons/_build/build.py --no-run   # write only
"""
import importlib
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from notebook import write  # noqa: E402

LESSONS = sorted(path.stem[len("lesson"):] for path in HERE.glob("lesson[0-9][0-9].py"))


def main(argv):
    run = "--no-run" not in argv
    chosen = [a for a in argv if not a.startswith("--")] or LESSONS
    for number in chosen:
        module = importlib.import_module(f"lesson{number}")
        path = HERE.parent / f"{module.NAME}.ipynb"
        write(path, module.NAME, module.CELLS)
        print("wrote", path)
        if run:
            subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to",
                            "notebook", "--execute", "--inplace",
                            "--ExecutePreprocessor.timeout=120",
                            "--ExecutePreprocessor.record_timing=False", str(path)],
                           check=True, cwd=HERE.parent)


if __name__ == "__main__":
    main(sys.argv[1:])
