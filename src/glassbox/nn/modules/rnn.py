"""Recurrent layers: ``RNN``, ``LSTM``, ``GRU`` and their one-step cells
(``torch.nn.modules.rnn``).

A recurrent layer applies one *cell* at every time step, carrying a hidden state:
``h_t = cell(x_t, h_{t-1})``. The cells below are the course's formulas written with
Tensor operations, so backpropagation through time is autograd walking the unrolled
graph (and second-order gradients come for free):

- Elman RNN: h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or ReLU);
- LSTM: gates i, f, g, o = chunks of W_ih x + b_ih + W_hh h + b_hh (torch's order);
  c' = sigmoid(f) c + sigmoid(i) tanh(g), h' = sigmoid(o) tanh(c') (then h' W_hr^T with
  ``proj_size``);
- GRU: r, z, n from chunks of W_ih x + b_ih and W_hh h + b_hh; r = sigmoid(.), z =
  sigmoid(.), n = tanh(x_n + r (W_hn h + b_hn)), h' = (1 - z) n + z h.

A multi-layer network feeds each layer's outputs to the next (with dropout between
layers in training); a bidirectional one also runs every layer from the last step to the
first and concatenates both directions' outputs. A ``PackedSequence`` input
(``nn.utils.rnn``) runs step t on the sequences that have a step t only. Parameter
names, shapes, order and initialisation (U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)))
are torch's, so a state dict moves between the two.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from glassbox.autograd.dtypes import get_default_dtype
from glassbox.autograd.factories import cat, stack
from glassbox.autograd.tensor import Tensor
from glassbox.nn import functional as F
from glassbox.nn import init
from glassbox.nn.modules.module import Module
from glassbox.nn.parameter import Parameter

__all__ = ["RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell"]


# ---------------------------------------------------------------------------- the cells
def _rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh, nonlinearity: str):
    """h' = act(W_ih x + b_ih + W_hh h + b_hh)."""
    pre_activation = F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh)
    return pre_activation.tanh() if nonlinearity == "tanh" else pre_activation.relu()


def _lstm_cell(x, state, w_ih, w_hh, b_ih, b_hh, w_hr=None):
    """(h', c') from the input, forget, cell and output gates (torch's order i, f, g, o)."""
    h, c = state
    gates = F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh)     # (N, 4 H)
    i, f, g, o = gates.chunk(4, -1)
    c_next = f.sigmoid() * c + i.sigmoid() * g.tanh()
    h_next = o.sigmoid() * c_next.tanh()
    if w_hr is not None:                                           # LSTM with projections
        h_next = F.linear(h_next, w_hr)
    return h_next, c_next


def _gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    """h' = (1 - z) n + z h, with the reset gate applied to W_hn h + b_hn (torch's form)."""
    x_r, x_z, x_n = F.linear(x, w_ih, b_ih).chunk(3, -1)
    h_r, h_z, h_n = F.linear(h, w_hh, b_hh).chunk(3, -1)
    r = (x_r + h_r).sigmoid()
    z = (x_z + h_z).sigmoid()
    n = (x_n + r * h_n).tanh()
    return (1 - z) * n + z * h


_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _check_size(name: str, value, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} should be an integer >= {minimum}, received {name}={value!r}")
    return int(value)


# ---------------------------------------------------------------------------- the layers
class _RNNBase(Module):
    """What RNN, LSTM and GRU share: parameters, checks, the loop over layers and time."""

    mode = "RNN_TANH"

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device=None,
                 dtype=None) -> None:
        super().__init__()
        self.input_size = _check_size("input_size", input_size, 1)
        self.hidden_size = _check_size("hidden_size", hidden_size, 1)
        self.num_layers = _check_size("num_layers", num_layers, 1)
        self.bias = bias
        self.batch_first = batch_first
        if not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             f"probability of an element being zeroed, received {dropout!r}")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                          "non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", stacklevel=3)
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable "
                             "projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        self.proj_size = proj_size
        dtype = np.dtype(dtype or get_default_dtype())
        gate_size = _GATES[self.mode] * hidden_size
        output_size = proj_size or hidden_size
        directions = 2 if bidirectional else 1
        self._flat_weights_names = []
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else output_size * directions
            for suffix in ("", "_reverse")[:directions]:
                shapes = [(f"weight_ih_l{layer}{suffix}", (gate_size, layer_input)),
                          (f"weight_hh_l{layer}{suffix}", (gate_size, output_size))]
                if bias:
                    shapes += [(f"bias_ih_l{layer}{suffix}", (gate_size,)),
                               (f"bias_hh_l{layer}{suffix}", (gate_size,))]
                if proj_size > 0:
                    shapes += [(f"weight_hr_l{layer}{suffix}", (proj_size, hidden_size))]
                for name, shape in shapes:
                    setattr(self, name, Parameter(np.empty(shape, dtype=dtype)))
                    self._flat_weights_names.append(name)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # NOTE: torch's rule for every weight and bias of a recurrent layer
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for parameter in self.parameters():
            init.uniform_(parameter, -bound, bound)

    def flatten_parameters(self) -> None:
        """A no-op (torch packs the weights for cuDNN; glassbox has nothing to pack)."""

    def _layer_weights(self, layer: int, suffix: str) -> tuple:
        names = [f"weight_ih_l{layer}{suffix}", f"weight_hh_l{layer}{suffix}",
                 f"bias_ih_l{layer}{suffix}", f"bias_hh_l{layer}{suffix}"]
        weights = [getattr(self, name, None) for name in names]
        if self.proj_size > 0:
            weights.append(getattr(self, f"weight_hr_l{layer}{suffix}"))
        return tuple(weights)

    def _step(self, x, state, weights):
        if self.mode == "LSTM":
            return _lstm_cell(x, state, *weights)
        if self.mode == "GRU":
            return _gru_cell(x, state, *weights)
        return _rnn_cell(x, state, *weights, "tanh" if self.mode == "RNN_TANH" else "relu")

    def _check_input(self, input: Tensor) -> bool:  # noqa: A002
        if input.ndim not in (2, 3):
            raise ValueError(f"{type(self).__name__}: Expected input to be 2D or 3D, got "
                             f"{input.ndim}D instead")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input.shape[-1]}")
        return input.ndim == 3

    def _initial_state(self, hx, batched: bool, batch: int, size: int, like: Tensor,
                       what: str = "hidden") -> Tensor:
        directions = 2 if self.bidirectional else 1
        expected = (self.num_layers * directions, batch, size)
        if hx is None:
            return like.new_zeros(expected)
        if batched and hx.ndim != 3:
            raise RuntimeError(f"For batched 3-D input, hx should also be 3-D but got "
                               f"{hx.ndim}-D tensor")
        if not batched and hx.ndim != 2:
            raise RuntimeError(f"For unbatched 2-D input, hx should also be 2-D but got "
                               f"{hx.ndim}-D tensor")
        hx = hx if batched else hx.unsqueeze(1)
        if tuple(hx.shape) != expected:
            raise RuntimeError(f"Expected {what} size {expected}, got {list(hx.shape)}")
        return hx

    def _run_direction(self, steps: list, state, weights, reverse: bool):
        """The cell over the time steps (``steps[t]`` of shape (b_t, H_in), b_t
        non-increasing: a packed batch has fewer rows as sequences end). Rows beyond b_t
        keep their state: a finished sequence its last one, and, running backwards, a
        sequence that has not started yet its initial one. Returns the outputs per step
        and the final state."""
        lstm = self.mode == "LSTM"
        outputs = [None] * len(steps)
        for t in (reversed(range(len(steps))) if reverse else range(len(steps))):
            rows = steps[t].shape[0]
            full = rows == (state[0] if lstm else state).shape[0]
            active = state if full else (
                (state[0][:rows], state[1][:rows]) if lstm else state[:rows])
            new = self._step(steps[t], active, weights)
            outputs[t] = new[0] if lstm else new
            if full:
                state = new
            elif lstm:
                state = (cat([new[0], state[0][rows:]], 0), cat([new[1], state[1][rows:]], 0))
            else:
                state = cat([new, state[rows:]], 0)
        return outputs, state

    def forward(self, input, hx=None):  # noqa: A002
        from glassbox.nn.utils.rnn import PackedSequence

        packed = isinstance(input, PackedSequence)
        if packed:  # the steps of a packed batch: b_t rows each
            if input.data.shape[-1] != self.input_size:
                raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                                   f"{self.input_size}, got {input.data.shape[-1]}")
            sizes = input.batch_sizes.numpy().tolist()
            offsets = np.concatenate([[0], np.cumsum(sizes)])
            steps = [input.data[offsets[t]:offsets[t + 1]] for t in range(len(sizes))]
            batched, batch, like = True, sizes[0], input.data
            order = input.sorted_indices
        else:
            batched = self._check_input(input)
            x = input if batched else input.unsqueeze(1 if not self.batch_first else 0)
            if self.batch_first:
                x = x.transpose(0, 1)                              # (L, N, H_in)
            steps = [x[t] for t in range(x.shape[0])]
            batch, like, order = x.shape[1], x, None
        output_size = self.proj_size or self.hidden_size
        if self.mode == "LSTM":
            h0, c0 = (None, None) if hx is None else hx
            h0 = self._initial_state(h0, batched, batch, output_size, like)
            c0 = self._initial_state(c0, batched, batch, self.hidden_size, like, "cell")
            if order is not None and hx is not None:  # the states follow the sorted batch
                h0, c0 = h0[:, order.numpy()], c0[:, order.numpy()]
        else:
            h0 = self._initial_state(hx, batched, batch, self.hidden_size, like)
            if order is not None and hx is not None:
                h0 = h0[:, order.numpy()]
        directions = ("", "_reverse") if self.bidirectional else ("",)
        final_h, final_c = [], []
        for layer in range(self.num_layers):
            per_direction = []
            for direction, suffix in enumerate(directions):
                index = layer * len(directions) + direction
                state = (h0[index], c0[index]) if self.mode == "LSTM" else h0[index]
                outputs, state = self._run_direction(steps, state,
                                                     self._layer_weights(layer, suffix),
                                                     reverse=suffix == "_reverse")
                per_direction.append(outputs)
                final_h.append(state[0] if self.mode == "LSTM" else state)
                if self.mode == "LSTM":
                    final_c.append(state[1])
            steps = (per_direction[0] if len(per_direction) == 1
                     else [cat(pair, -1) for pair in zip(*per_direction)])
            if self.dropout and self.training and layer < self.num_layers - 1:
                steps = [F.dropout(step, self.dropout, True) for step in steps]
        h_n = stack(final_h, 0)                                    # (layers * D, N, H_out)
        c_n = stack(final_c, 0) if self.mode == "LSTM" else None
        if packed:
            output = PackedSequence(cat(steps, 0), input.batch_sizes, input.sorted_indices,
                                    input.unsorted_indices)
            if input.unsorted_indices is not None:  # the states back in the caller's order
                unsort = input.unsorted_indices.numpy()
                h_n = h_n[:, unsort]
                c_n = None if c_n is None else c_n[:, unsort]
        else:
            output = stack(steps, 0)                               # (L, N, D * H_out)
            output = output.transpose(0, 1) if self.batch_first else output
            if not batched:
                output = output.squeeze(0 if self.batch_first else 1)
                h_n = h_n.squeeze(1)
                c_n = None if c_n is None else c_n.squeeze(1)
        if self.mode == "LSTM":
            return output, (h_n, c_n)
        return output, h_n

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            text += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if self.bias is not True:
            text += f", bias={self.bias}"
        if self.batch_first is not False:
            text += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            text += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            text += f", bidirectional={self.bidirectional}"
        return text


class RNN(_RNNBase):
    """Elman recurrent network: h_t = tanh(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh).

    Parameters
    ----------
    input_size, hidden_size : int
    num_layers : int, default=1
    nonlinearity : {'tanh', 'relu'}, default='tanh'
    bias : bool, default=True
    batch_first : bool, default=False
        Inputs and outputs (N, L, H) instead of (L, N, H) (not the hidden state).
    dropout : float, default=0.0
        Dropout on the outputs of every layer but the last, in training.
    bidirectional : bool, default=False

    Returns
    -------
    output : Tensor of shape (L, N, D * hidden_size)
    h_n : Tensor of shape (D * num_layers, N, hidden_size)

    Attributes
    ----------
    weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k} : Parameter
        ``_reverse`` suffixed for the backward direction.

    See Also
    --------
    torch.nn.RNN

    Examples
    --------
    >>> import glassbox as gb
    >>> output, h_n = RNN(10, 20, num_layers=2)(gb.randn(5, 3, 10))
    >>> output.shape, h_n.shape
    (glassbox.Size([5, 3, 20]), glassbox.Size([2, 3, 20]))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False, device=None,
                 dtype=None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or "
                             f"'relu'.")
        self.mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, 0, device, dtype)
        self.nonlinearity = nonlinearity


class LSTM(_RNNBase):
    """Long short-term memory: gated cell state c and hidden state h at every step.

    .. math:: c_t = \\sigma(f) \\odot c_{t-1} + \\sigma(i) \\odot \\tanh(g), \\quad
              h_t = \\sigma(o) \\odot \\tanh(c_t)

    with (i, f, g, o) the four chunks of W_ih x_t + b_ih + W_hh h_(t-1) + b_hh.

    Parameters
    ----------
    input_size, hidden_size : int
    num_layers : int, default=1
    bias : bool, default=True
    batch_first : bool, default=False
    dropout : float, default=0.0
    bidirectional : bool, default=False
    proj_size : int, default=0
        If > 0, h is projected to this size by ``weight_hr_l{k}``.

    Returns
    -------
    output : Tensor of shape (L, N, D * H_out)
    (h_n, c_n) : Tensors of shapes (D * num_layers, N, H_out) and (D * num_layers, N,
        hidden_size)

    See Also
    --------
    torch.nn.LSTM

    Examples
    --------
    >>> import glassbox as gb
    >>> output, (h_n, c_n) = LSTM(10, 20, batch_first=True)(gb.randn(3, 5, 10))
    >>> output.shape, c_n.shape
    (glassbox.Size([3, 5, 20]), glassbox.Size([1, 3, 20]))
    """

    mode = "LSTM"

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device=None,
                 dtype=None) -> None:
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, proj_size, device, dtype)


class GRU(_RNNBase):
    """Gated recurrent unit: h_t = (1 - z) n + z h_(t-1) with reset and update gates.

    .. math:: r = \\sigma(W_{ir} x + b_{ir} + W_{hr} h + b_{hr}), \\quad
              z = \\sigma(W_{iz} x + b_{iz} + W_{hz} h + b_{hz}), \\quad
              n = \\tanh(W_{in} x + b_{in} + r \\odot (W_{hn} h + b_{hn}))

    Same parameters and returns as :class:`RNN` (without ``nonlinearity``).

    See Also
    --------
    torch.nn.GRU

    Examples
    --------
    >>> import glassbox as gb
    >>> output, h_n = GRU(10, 20, bidirectional=True)(gb.randn(5, 3, 10))
    >>> output.shape, h_n.shape
    (glassbox.Size([5, 3, 40]), glassbox.Size([2, 3, 20]))
    """

    mode = "GRU"

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, device=None, dtype=None) -> None:
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, 0, device, dtype)


# ---------------------------------------------------------------------------- one step
class _RNNCellBase(Module):
    """The parameters and checks the three cells share."""

    gates = 1

    def __init__(self, input_size: int, hidden_size: int, bias: bool, device=None,
                 dtype=None) -> None:
        super().__init__()
        self.input_size = _check_size("input_size", input_size, 1)
        self.hidden_size = _check_size("hidden_size", hidden_size, 1)
        self.bias = bias
        dtype = np.dtype(dtype or get_default_dtype())
        gate_size = self.gates * hidden_size
        self.weight_ih = Parameter(np.empty((gate_size, input_size), dtype=dtype))
        self.weight_hh = Parameter(np.empty((gate_size, hidden_size), dtype=dtype))
        if bias:
            self.bias_ih = Parameter(np.empty(gate_size, dtype=dtype))
            self.bias_hh = Parameter(np.empty(gate_size, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for parameter in self.parameters():
            init.uniform_(parameter, -bound, bound)

    def _prepare(self, input, hx) -> tuple[Tensor, bool]:  # noqa: A002
        if input.ndim not in (1, 2):
            raise ValueError(f"{type(self).__name__}: Expected input to be 1D or 2D, got "
                             f"{input.ndim}D instead")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.shape[-1]} "
                               f"expected {self.input_size}")
        batched = input.ndim == 2
        return (input if batched else input.unsqueeze(0)), batched

    def _state(self, hx, x: Tensor, batched: bool) -> Tensor:
        if hx is None:
            return x.new_zeros((x.shape[0], self.hidden_size))
        return hx if batched else hx.unsqueeze(0)

    def _weights(self) -> tuple:
        return self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            text += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            text += f", nonlinearity={self.nonlinearity}"
        return text


class RNNCell(_RNNCellBase):
    """One step of an Elman RNN: h' = tanh(W_ih x + b_ih + W_hh h + b_hh).

    Parameters
    ----------
    input_size, hidden_size : int
    bias : bool, default=True
    nonlinearity : {'tanh', 'relu'}, default='tanh'

    See Also
    --------
    torch.nn.RNNCell

    Examples
    --------
    >>> import glassbox as gb
    >>> RNNCell(10, 20)(gb.randn(3, 10)).shape
    glassbox.Size([3, 20])
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device=None, dtype=None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}")
        super().__init__(input_size, hidden_size, bias, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):  # noqa: A002
        x, batched = self._prepare(input, hx)
        h = _rnn_cell(x, self._state(hx, x, batched), *self._weights(), self.nonlinearity)
        return h if batched else h.squeeze(0)


class LSTMCell(_RNNCellBase):
    """One step of an LSTM: returns (h', c').

    See Also
    --------
    torch.nn.LSTMCell

    Examples
    --------
    >>> import glassbox as gb
    >>> h, c = LSTMCell(10, 20)(gb.randn(3, 10))
    >>> h.shape, c.shape
    (glassbox.Size([3, 20]), glassbox.Size([3, 20]))
    """

    gates = 4

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None,
                 dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, device, dtype)

    def forward(self, input, hx=None):  # noqa: A002
        x, batched = self._prepare(input, hx)
        h0, c0 = (None, None) if hx is None else hx
        h, c = _lstm_cell(x, (self._state(h0, x, batched), self._state(c0, x, batched)),
                          *self._weights())
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(_RNNCellBase):
    """One step of a GRU: h' = (1 - z) n + z h.

    See Also
    --------
    torch.nn.GRUCell

    Examples
    --------
    >>> import glassbox as gb
    >>> GRUCell(10, 20)(gb.randn(3, 10)).shape
    glassbox.Size([3, 20])
    """

    gates = 3

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None,
                 dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, device, dtype)

    def forward(self, input, hx=None):  # noqa: A002
        x, batched = self._prepare(input, hx)
        h = _gru_cell(x, self._state(hx, x, batched), *self._weights())
        return h if batched else h.squeeze(0)
