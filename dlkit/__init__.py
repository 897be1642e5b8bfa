"""dlkit: MXNet 1.9.1's Python API on one small engine, for learning how it works.

``import dlkit as mx`` then use ``mx.nd``, ``mx.autograd``, ``mx.sym``, ``mx.mod``,
``mx.gluon`` ... exactly as with MXNet. Heavy optional parts (CuPy, widgets, plotting)
are imported only when used.

Layers, bottom to top (each imports only the ones below it)::

    base, context, ops (the registry)      <- one definition per operator
    ndarray + autograd | symbol + executor  <- imperative and declarative front ends
    optimizer, metric, initializer, io ...  <- training machinery
    module | gluon                          <- the two training APIs
    visualization, widgets                  <- pictures (widgets imported on demand)
"""
from . import base, context, name, attribute, ops
from . import ndarray
from . import ndarray as nd
from . import autograd, random, test_utils
from . import symbol
from . import symbol as sym
from . import executor
from . import initializer
from . import initializer as init
from . import optimizer, lr_scheduler, metric, io, callback, kvstore
from . import kvstore as kv
from . import model, monitor
from . import monitor as mon
from . import module
from . import module as mod
from . import gluon
from . import operator, recordio, rnn, profiler, runtime, util, engine, image
from . import random as rnd
from . import registry, log, error, libinfo, library, contrib, notebook
from . import image as img
from . import visualization
from . import visualization as viz
from .attribute import *  # noqa: F401,F403  (AttrScope)
from .base import MXNetError
from .context import Context, cpu, cpu_pinned, current_context, gpu, num_gpus

__version__ = "1.9.1"
