"""Bad input raises the exception type torch raises, with a message naming the shapes."""

import numpy as np
import pytest
import torch
import torch.nn as tnn
import torch.nn.functional as TF

import glassbox as gb
import glassbox.nn.functional as F
from glassbox import nn

CASES = {
    "matmul shapes": lambda lib, f, m: lib.ones(2, 3) @ lib.ones(4, 5),
    "broadcast shapes": lambda lib, f, m: lib.ones(2, 3) + lib.ones(4),
    "reshape size": lambda lib, f, m: lib.ones(2, 3).reshape(4, 2),
    "dim out of range": lambda lib, f, m: lib.ones(2, 3).sum(2),
    "item of many": lambda lib, f, m: lib.ones(2).item(),
    "bool of many": lambda lib, f, m: bool(lib.ones(2)),
    "cat shapes": lambda lib, f, m: lib.cat([lib.ones(2, 3), lib.ones(2, 4)], 0),
    "stack shapes": lambda lib, f, m: lib.stack([lib.ones(2), lib.ones(3)]),
    "int requires grad": lambda lib, f, m: lib.tensor([1, 2], requires_grad=True),
    "non-scalar backward": lambda lib, f, m: (lib.ones(2, requires_grad=True) * 2).backward(),
    "linear features": lambda lib, f, m: m.Linear(3, 2)(lib.ones(4, 5)),
    "cross entropy batch": lambda lib, f, m: f.cross_entropy(lib.zeros(3, 4),
                                                             lib.tensor([0, 1])),
    "cross entropy class": lambda lib, f, m: f.cross_entropy(lib.zeros(2, 4),
                                                             lib.tensor([0, 4])),
    "bce shapes": lambda lib, f, m: f.binary_cross_entropy(lib.full((3,), 0.5),
                                                           lib.zeros(3, 1)),
    "dropout p": lambda lib, f, m: f.dropout(lib.ones(2), 1.5),
    "groups": lambda lib, f, m: m.Conv2d(3, 6, 3, groups=2),
    "batch norm rank": lambda lib, f, m: m.BatchNorm2d(3)(lib.zeros(2, 3)),
    "batch norm one value": lambda lib, f, m: m.BatchNorm1d(3)(lib.zeros(1, 3)),
    "missing state": lambda lib, f, m: m.Linear(2, 2).load_state_dict({}),
    "reduction": lambda lib, f, m: f.mse_loss(lib.zeros(2), lib.zeros(2), reduction="avg"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_exception_type_matches_torch(name):
    case = CASES[name]
    with pytest.raises(Exception) as theirs:
        case(torch, TF, tnn)
    with pytest.raises(Exception) as mine:
        case(gb, F, nn)
    assert isinstance(mine.value, type(theirs.value)), (
        f"{name}: glassbox raised {type(mine.value).__name__}, torch "
        f"{type(theirs.value).__name__}")


@pytest.mark.parametrize("make, shapes", [
    (lambda: gb.ones(2, 3) @ gb.ones(4, 5), ["2x3", "4x5"]),
    (lambda: gb.ones(2, 3) + gb.ones(4), ["Size([2, 3])", "Size([4])"]),
    (lambda: F.linear(gb.ones(4, 5), gb.ones(2, 3)), ["Size([4, 5])", "Size([2, 3])"]),
    (lambda: F.cross_entropy(gb.zeros(3, 4), gb.tensor([0, 1])), ["(3, 4)", "(2,)"]),
    (lambda: F.binary_cross_entropy(gb.full((3,), 0.5), gb.zeros(3, 1)),
     ["Size([3])", "Size([3, 1])"]),
    (lambda: nn.Linear(2, 3).load_state_dict({"weight": np.zeros((3, 3)),
                                               "bias": np.zeros(3)}),
     ["Size([3, 3])", "Size([3, 2])"]),
])
def test_shape_messages_name_both_shapes(make, shapes):
    with pytest.raises(Exception) as error:
        make()
    for shape in shapes:
        assert shape in str(error.value)
