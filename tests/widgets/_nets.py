"""Networks shared by the widget tests (the golden viz cases, built in dlkit)."""
import os
import sys

import dlkit as mx

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "golden"))
import viz_cases  # noqa: E402


def build(name):
    with mx.name.NameManager():
        return getattr(viz_cases, name)(mx)
