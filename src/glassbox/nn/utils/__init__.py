"""``torch.nn.utils``: gradient clipping, flattening parameters into one vector, and the
spectral and weight normalisation reparametrisations.

Examples
--------
>>> import glassbox as gb
>>> w = gb.nn.Parameter(gb.tensor([3.0, 4.0]))
>>> w.grad = gb.tensor([3.0, 4.0])
>>> clip_grad_norm_([w], max_norm=1.0)        # the norm before clipping
tensor(5.)
>>> w.grad
tensor([0.6, 0.8])
"""

from glassbox.nn.utils import rnn
from glassbox.nn.utils.clip_grad import clip_grad_norm_, clip_grad_value_
from glassbox.nn.utils.convert_parameters import parameters_to_vector, vector_to_parameters
from glassbox.nn.utils.spectral_norm import remove_spectral_norm, spectral_norm
from glassbox.nn.utils.weight_norm import remove_weight_norm, weight_norm

__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector",
           "vector_to_parameters", "spectral_norm", "remove_spectral_norm", "weight_norm",
           "remove_weight_norm", "rnn"]
