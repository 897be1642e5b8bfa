"""``mx.contrib``: MXNet's experimental corner.

* ``autograd``: the first autograd API (``train_section``, ``grad_and_loss``), on top
  of ``mx.autograd``;
* ``ndarray``/``nd``, ``symbol``/``sym``: the contrib operators, as in ``mx.nd.contrib``
  and ``mx.sym.contrib``;
* ``text``: vocabularies and pretrained token embeddings read from local files;
* ``tensorboard``: a fit callback writing metrics for TensorBoard;
* ``io``: ``DataLoaderIter`` (a Gluon DataLoader as a Module DataIter);
* ``onnx``, ``quantization``/``quant``: present by name only; their calls raise, since
  dlkit has no ONNX converter and no int8 operators.
"""
from . import symbol
from . import ndarray
from . import symbol as sym
from . import ndarray as nd
from . import autograd
from . import tensorboard
from . import text
from . import onnx
from . import io
from . import quantization
from . import quantization as quant
