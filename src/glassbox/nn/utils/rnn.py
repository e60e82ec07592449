"""Batches of sequences of different lengths (``torch.nn.utils.rnn``): padding them to one
length, and *packing* them so that a recurrent layer skips the padding.

A packed batch stores the sequences sorted by decreasing length and interleaved time step
by time step: ``data`` holds every sequence's step 0, then every step 1 of the sequences
that are that long, and so on; ``batch_sizes[t]`` says how many sequences have a step t.
A recurrent layer then runs step t on the first ``batch_sizes[t]`` rows only, so each
sequence's final hidden state is the one after its own last step, not after padding.

Examples
--------
>>> import glassbox as gb
>>> padded = pad_sequence([gb.tensor([1.0, 2.0, 3.0]), gb.tensor([4.0])])
>>> packed = pack_padded_sequence(padded, [3, 1])
>>> packed.data, packed.batch_sizes
(tensor([1., 4., 2., 3.]), tensor([2, 1, 1]))
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from glassbox.autograd.factories import cat, stack
from glassbox.autograd.tensor import Tensor

__all__ = ["PackedSequence", "pad_sequence", "pack_padded_sequence", "pad_packed_sequence",
           "pack_sequence"]


class PackedSequence(NamedTuple):
    """Sequences sorted by decreasing length and interleaved by time step.

    Attributes
    ----------
    data : Tensor of shape (sum of lengths, *)
    batch_sizes : int64 Tensor of shape (max length,)
        How many sequences have each time step.
    sorted_indices : int64 Tensor or None
        Original batch index of each sorted sequence (None when the input was sorted).
    unsorted_indices : int64 Tensor or None
        Its inverse permutation.
    """

    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None = None
    unsorted_indices: Tensor | None = None


def pad_sequence(sequences, batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:
    """Stack sequences of shapes (L_i, *) into one (L_max, B, *) Tensor, padded.

    Parameters
    ----------
    sequences : list of Tensor of shape (L_i, *)
    batch_first : bool, default=False
        (B, L_max, *) instead.
    padding_value : float, default=0.0
    padding_side : {'right', 'left'}, default='right'

    See Also
    --------
    torch.nn.utils.rnn.pad_sequence

    Examples
    --------
    >>> import glassbox as gb
    >>> pad_sequence([gb.ones(2), gb.ones(3)], batch_first=True, padding_value=-1)
    tensor([[ 1.,  1., -1.],
            [ 1.,  1.,  1.]])
    """
    if padding_side not in ("left", "right"):
        raise ValueError(f"padding_side should be either 'right' or 'left', but got "
                         f"{padding_side}")
    longest = max(sequence.shape[0] for sequence in sequences)
    padded = []
    for sequence in sequences:
        missing = longest - sequence.shape[0]
        if missing:
            filler = sequence.new_full((missing, *sequence.shape[1:]), padding_value)
            parts = [sequence, filler] if padding_side == "right" else [filler, sequence]
            sequence = cat(parts, 0)
        padded.append(sequence)
    return stack(padded, 0 if batch_first else 1)


def _lengths_array(lengths) -> np.ndarray:
    """Lengths given as a list, a glassbox Tensor or a (CPU) torch Tensor, as int64."""
    values = lengths.numpy() if isinstance(lengths, Tensor) else np.asarray(lengths)
    return values.astype(np.int64).reshape(-1)


def pack_padded_sequence(input: Tensor, lengths, batch_first: bool = False,  # noqa: A002
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch (L_max, B, *) whose sequence b has ``lengths[b]`` steps.

    Parameters
    ----------
    input : Tensor of shape (L_max, B, *) (or (B, L_max, *) with ``batch_first``)
    lengths : list of int or int64 Tensor of shape (B,)
    batch_first : bool, default=False
    enforce_sorted : bool, default=True
        Require decreasing lengths; False sorts the batch (and records the permutation).

    See Also
    --------
    torch.nn.utils.rnn.pack_padded_sequence

    Examples
    --------
    >>> import glassbox as gb
    >>> # two sequences as columns: [1] (length 1) and [3, 4] (length 2)
    >>> pack_padded_sequence(gb.tensor([[1.0, 3.0], [0.0, 4.0]]), [1, 2],
    ...                      enforce_sorted=False).data
    tensor([3., 1., 4.])
    """
    lengths = _lengths_array(lengths)
    if lengths.size and lengths.min() <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an "
                           "element in 'lengths' that is <= 0")
    sorted_indices = None
    if enforce_sorted:
        if np.any(np.diff(lengths) > 0):
            raise RuntimeError("`lengths` array must be sorted in decreasing order when "
                               "`enforce_sorted` is True. You can pass `enforce_sorted=False` "
                               "to pack_padded_sequence and/or pack_sequence to sidestep this "
                               "requirement if you do not need ONNX exportability.")
    else:
        order = np.argsort(-lengths, kind="stable")            # longest first
        sorted_indices = Tensor(order.astype(np.int64))
        lengths = lengths[order]
        input = input[order] if batch_first else input[:, order]
    if batch_first:
        input = input.transpose(0, 1)                           # (L_max, B, *)
    if lengths.size and lengths.max() > input.shape[0]:
        raise RuntimeError(f"lengths can not exceed the sequence length {input.shape[0]}, "
                           f"received a length {lengths.max()}")
    batch_sizes = np.array([(lengths > t).sum() for t in range(int(lengths.max()))],
                           dtype=np.int64)
    data = cat([input[t, :size] for t, size in enumerate(batch_sizes)], 0)
    unsorted_indices = None if sorted_indices is None else Tensor(
        np.argsort(sorted_indices.numpy(), kind="stable").astype(np.int64))
    return PackedSequence(data, Tensor(batch_sizes), sorted_indices, unsorted_indices)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False,
                        padding_value: float = 0.0,
                        total_length: int | None = None) -> tuple[Tensor, Tensor]:
    """Undo :func:`pack_padded_sequence`: the padded batch, in the original order, and its
    lengths.

    See Also
    --------
    torch.nn.utils.rnn.pad_packed_sequence

    Examples
    --------
    >>> import glassbox as gb
    >>> packed = pack_padded_sequence(gb.tensor([[1.0, 3.0], [2.0, 0.0]]), [2, 1])
    >>> pad_packed_sequence(packed)
    (tensor([[1., 3.],
            [2., 0.]]), tensor([2, 1]))
    """
    data, batch_sizes = sequence.data, sequence.batch_sizes.numpy()
    longest = len(batch_sizes)
    if total_length is not None:
        if total_length < longest:
            raise ValueError(f"Expected total_length to be at least the length of the longest "
                             f"sequence in input, but got total_length={total_length} and "
                             f"max sequence length being {longest}")
        longest = total_length
    batch = int(batch_sizes[0])
    steps, offset = [], 0
    for size in batch_sizes:                                   # one time step at a time
        step = data[offset:offset + size]
        if size < batch:
            filler = step.new_full((batch - size, *step.shape[1:]), padding_value)
            step = cat([step, filler], 0)
        steps.append(step)
        offset += size
    for _ in range(longest - len(batch_sizes)):
        steps.append(data.new_full((batch, *data.shape[1:]), padding_value))
    padded = stack(steps, 0)                                   # (L, B, *), sorted order
    lengths = np.array([(batch_sizes > b).sum() for b in range(batch)], dtype=np.int64)
    if sequence.unsorted_indices is not None:
        order = sequence.unsorted_indices.numpy()
        padded, lengths = padded[:, order], lengths[order]
    return (padded.transpose(0, 1) if batch_first else padded), Tensor(lengths)


def pack_sequence(sequences, enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of sequences (L_i, *): ``pack_padded_sequence(pad_sequence(...))``.

    See Also
    --------
    torch.nn.utils.rnn.pack_sequence

    Examples
    --------
    >>> import glassbox as gb
    >>> pack_sequence([gb.tensor([1.0, 2.0]), gb.tensor([3.0])]).batch_sizes
    tensor([2, 1])
    """
    lengths = [sequence.shape[0] for sequence in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths,
                                enforce_sorted=enforce_sorted)
