"""dlkit.widgets: interactive views for notebooks (imported only on demand).

``from dlkit.widgets import GraphExplorer, ShapeInspector, ExecutorView,
TrainingDashboard, WeightsMonitor``. Each works headless (its state is plain attributes
and methods), shows ipywidgets controls in Jupyter when ipywidgets is installed, and has
a static form (text + HTML/SVG/PNG) for GitHub, nbval and Colab. ``display.py`` holds
the rich notebook display of NDArray, Symbol, Executor and Gluon blocks.

Dependencies point one way: widgets import the rest of dlkit; nothing in the core
imports widgets except the one-line ``_repr_mimebundle_`` methods, lazily.
"""

from .dashboard import StopTraining, TrainingDashboard
from .executor_view import ExecutorView
from .graph_explorer import GraphExplorer
from .shape_inspector import ShapeInspector
from .weights_monitor import WeightsMonitor

__all__ = ["GraphExplorer", "ShapeInspector", "ExecutorView", "TrainingDashboard",
           "WeightsMonitor", "StopTraining"]
