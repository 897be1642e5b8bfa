"""Tiny notebook writer for lessons 05-09: cells as Python strings -> .ipynb.

``md(text)`` is a Markdown cell, ``code(text)`` a code cell, ``check(text)`` a code cell
whose output nbval compares (``# NBVAL_CHECK_OUTPUT``), ``solution(text, grade_id)`` an
nbgrader solution cell (its answer between ``### BEGIN SOLUTION`` and
``### END SOLUTION``). Cell ids are derived from the lesson name and the cell's
position, so rebuilding gives the same ids. The notebooks are written unexecuted; run
``python3 lessons/_build/build.py`` to write and execute them.
"""
import hashlib
import json
import textwrap

METADATA = {
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                   "name": "python3"},
    "language_info": {"codemirror_mode": {"name": "ipython", "version": 3},
                      "file_extension": ".py", "mimetype": "text/x-python",
                      "name": "python", "nbconvert_exporter": "python",
                      "pygments_lexer": "ipython3", "version": "3.11"},
}


def _source(text):
    lines = textwrap.dedent(text).strip("\n").split("\n")
    return [line + "\n" for line in lines[:-1]] + [lines[-1]]


def md(text):
    return {"cell_type": "markdown", "metadata": {}, "source": _source(text)}


def code(text):
    return {"cell_type": "code", "metadata": {}, "source": _source(text),
            "execution_count": None, "outputs": []}


def check(text):
    return code("# NBVAL_CHECK_OUTPUT\n" + textwrap.dedent(text).strip("\n"))


def solution(text, grade_id):
    cell = code(text)
    cell["metadata"]["nbgrader"] = {"grade": False, "grade_id": grade_id,
                                    "locked": False, "schema_version": 3,
                                    "solution": True, "task": False}
    return cell


def write(path, name, cells):
    for index, cell in enumerate(cells):
        cell["id"] = hashlib.sha1(f"{name}-{index}".encode()).hexdigest()[:8]
    notebook = {"cells": cells, "metadata": METADATA, "nbformat": 4,
                "nbformat_minor": 5}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(notebook, f, indent=1, ensure_ascii=False)
        f.write("\n")
