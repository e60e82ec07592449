"""Loss and pooling errors that say what is wrong (same exception type as torch)."""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import glassbox as gb
import glassbox.nn as nn
import glassbox.nn.functional as F

LOSSES = [(F.cross_entropy, TF.cross_entropy, "cross_entropy"),
          (F.nll_loss, TF.nll_loss, "nll_loss")]


def _torch_error(function, *arrays):
    with pytest.raises(Exception) as error:
        function(*(torch.from_numpy(a) for a in arrays))
    return type(error.value)


@pytest.mark.parametrize("ours, theirs, name", LOSSES)
def test_targets_with_an_extra_axis_say_so(ours, theirs, name):
    scores = np.zeros((4, 3), dtype=np.float32)
    target = np.array([[0], [1], [2], [0]])
    expected_type = _torch_error(theirs, scores, target)
    with pytest.raises(expected_type) as error:
        ours(gb.tensor(scores), gb.tensor(target))
    assert str(error.value) == (
        f"{name}: expected class-index targets of shape (4,) (the input's shape (4, 3) "
        "without the class axis), received shape (4, 1). Remove the extra axis of size 1: "
        "target.squeeze(1).")


@pytest.mark.parametrize("ours, theirs, name", LOSSES)
def test_spatial_targets_report_the_shapes_given(ours, theirs, name):
    scores = np.zeros((2, 3, 4, 4), dtype=np.float32)
    target = np.zeros((2, 5, 4), dtype=np.int64)
    expected_type = _torch_error(theirs, scores, target)
    with pytest.raises(expected_type, match=r"expected class-index targets of shape \(2, 4, 4\) "
                                            r".*received shape \(2, 5, 4\)\.$"):
        ours(gb.tensor(scores), gb.tensor(target))
    with pytest.raises(expected_type, match=r"received shape \(2, 1, 4, 4\)\. Remove the extra "
                                            r"axis of size 1: target.squeeze\(1\)"):
        ours(gb.tensor(scores), gb.tensor(np.zeros((2, 1, 4, 4), dtype=np.int64)))


@pytest.mark.parametrize("ours, name", [(F.cross_entropy, "cross_entropy"),
                                        (F.nll_loss, "nll_loss")])
def test_integer_scores_are_a_type_error(ours, name):
    with pytest.raises(TypeError, match=f"{name}: expected floating-point scores as input, "
                                        "received dtype int64; convert them with input.float"):
        ours(gb.tensor([[1, 2], [3, 4]]), gb.tensor([0, 1]))


def test_a_negative_pooling_stride_is_not_called_zero():
    with pytest.raises(RuntimeError, match=r"stride should be greater than zero, got "
                                           r"stride=\(-1, -1\)"):
        nn.AvgPool2d(2, stride=-1)(gb.randn(1, 1, 4, 4))
    with pytest.raises(RuntimeError, match="stride should be greater than zero"):
        torch.nn.AvgPool2d(2, stride=-1)(torch.randn(1, 1, 4, 4))
