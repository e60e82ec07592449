"""``torch.nn.utils``: gradient clipping and flattening parameters into one vector.

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

from glassbox.nn.utils.clip_grad import clip_grad_norm_, clip_grad_value_
from glassbox.nn.utils.convert_parameters import parameters_to_vector, vector_to_parameters

__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector",
           "vector_to_parameters"]
