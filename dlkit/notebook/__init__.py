"""``mx.notebook``: training curves and logs for Jupyter (``callback``), from MXNet.

``callback.PandasLogger`` collects the metrics of ``Module.fit`` into pandas
DataFrames; ``LiveLearningCurve`` and ``LiveTimeSeries`` draw them live with bokeh.
pandas and bokeh are optional and imported only when these classes are used. dlkit's
own live view, which needs neither, is ``dlkit.widgets.TrainingDashboard``.
"""
from . import callback
