"""``gluon.data``: datasets, samplers and the DataLoader that batches them."""
from . import dataset, sampler, dataloader, vision
from .dataset import *  # noqa: F401,F403
from .sampler import *  # noqa: F401,F403
from .dataloader import *  # noqa: F401,F403
