"""Optimizers and learning-rate schedulers: the twin of ``torch.optim``.

Each optimizer updates the NumPy arrays of its parameters in place, following the
pseudo-code of torch's documentation line by line (see each class's docstring), so that
20 steps on the same gradients leave the same weights as torch's (checked to 1e-10 in
float64 by ``tests/optim``).
"""

from glassbox.optim import lr_scheduler
from glassbox.optim.adadelta import Adadelta
from glassbox.optim.adagrad import Adagrad
from glassbox.optim.adam import Adam
from glassbox.optim.adamw import AdamW
from glassbox.optim.optimizer import Optimizer
from glassbox.optim.rmsprop import RMSprop
from glassbox.optim.sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta",
           "lr_scheduler"]
