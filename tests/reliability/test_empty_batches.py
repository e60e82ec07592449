"""Empty batches and zero-size shapes through glassbox.nn, as torch handles them."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import glassbox as gb
import glassbox.nn as nn
import glassbox.nn.functional as F
import glassbox.optim as optim
from glassbox.models import lenet5
from parity import helper_test_module


@st.composite
def layer_stacks(draw):
    """A valid random stack: image layers on (C, H, W), then Flatten and dense layers.

    Returns the layer specs ``[(class name, kwargs), ...]`` and the input shape of one
    sample; the same specs build the glassbox and the torch stack.
    """
    C, H, W = draw(st.integers(1, 4)), draw(st.integers(3, 9)), draw(st.integers(3, 9))
    shape = input_shape = (C, H, W)
    specs = []
    for _ in range(draw(st.integers(0, 4))):
        C, H, W = shape
        kind = draw(st.sampled_from(["Conv2d", "ConvTranspose2d", "BatchNorm2d", "MaxPool2d",
                                     "AvgPool2d", "AdaptiveAvgPool2d", "ReLU", "Tanh",
                                     "LeakyReLU", "Dropout", "Upsample"]))
        if kind in ("Conv2d", "ConvTranspose2d"):
            k = draw(st.integers(1, min(3, H, W)))
            groups = draw(st.sampled_from([g for g in (1, C) if C % g == 0]))
            out = groups * draw(st.integers(1, 3))
            stride, padding = draw(st.integers(1, 2)), draw(st.integers(0, (k - 1) // 2 + 1))
            specs.append((kind, dict(in_channels=C, out_channels=out, kernel_size=k,
                                     stride=stride, padding=padding, groups=groups)))
            if kind == "Conv2d":
                H, W = ((H + 2 * padding - k) // stride + 1, (W + 2 * padding - k) // stride + 1)
            else:
                H, W = ((H - 1) * stride - 2 * padding + k, (W - 1) * stride - 2 * padding + k)
            if min(H, W) < 1:
                specs.pop()
                continue
            shape = (out, H, W)
        elif kind == "BatchNorm2d":
            specs.append((kind, dict(num_features=C)))
        elif kind in ("MaxPool2d", "AvgPool2d"):
            if min(H, W) < 2:
                continue
            specs.append((kind, dict(kernel_size=2)))
            shape = (C, H // 2, W // 2)
        elif kind == "AdaptiveAvgPool2d":
            size = draw(st.integers(1, 3))
            specs.append((kind, dict(output_size=size)))
            shape = (C, size, size)
        elif kind == "Upsample":
            specs.append((kind, dict(scale_factor=2)))
            shape = (C, 2 * H, 2 * W)
        elif kind == "Dropout":
            specs.append((kind, dict(p=0.5)))
        else:
            specs.append((kind, {}))
    specs.append(("Flatten", {}))
    features = int(np.prod(shape))
    for _ in range(draw(st.integers(0, 2))):
        out = draw(st.integers(1, 5))
        specs.append(("Linear", dict(in_features=features, out_features=out)))
        if draw(st.booleans()):
            specs.append(("BatchNorm1d", dict(num_features=out)))
        features = out
    specs.append(draw(st.sampled_from([("Identity", {}), ("Softmax", dict(dim=1)),
                                       ("LogSoftmax", dict(dim=1)), ("Sigmoid", {})])))
    return specs, input_shape


def _build(library, specs):
    return library.Sequential(*(getattr(library, name)(**kwargs) for name, kwargs in specs))


@settings(max_examples=25, deadline=None)
@given(layer_stacks())
def test_an_empty_batch_goes_through_any_stack_as_in_torch(stack):
    specs, input_shape = stack
    gb.manual_seed(0)
    ours, theirs = _build(nn, specs), _build(torch.nn, specs)
    # forward, input and parameter gradients, buffers: equal to torch's, in both modes
    for train in (True, False):
        ours.train(train)
        theirs.train(train)
        helper_test_module(ours, theirs, [(0, *input_shape)], train=train)
        with gb.no_grad():
            output = ours(gb.zeros(0, *input_shape))
        assert output.shape == tuple(theirs(torch.zeros(0, *input_shape)).shape)


@pytest.mark.parametrize("layer, shape, expected", [
    (lambda n: n.Conv2d(3, 8, 3), (0, 3, 8, 8), (0, 8, 6, 6)),
    (lambda n: n.Conv2d(4, 8, 1), (0, 4, 8, 8), (0, 8, 8, 8)),  # the 1x1 fast path
    (lambda n: n.Conv2d(4, 8, 3, groups=4, stride=2, padding=1), (0, 4, 8, 8), (0, 8, 4, 4)),
    (lambda n: n.ConvTranspose2d(3, 8, 3, stride=2), (0, 3, 8, 8), (0, 8, 17, 17)),
    (lambda n: n.BatchNorm2d(3), (0, 3, 4, 4), (0, 3, 4, 4)),
    (lambda n: n.BatchNorm1d(3), (0, 3), (0, 3)),
    (lambda n: lenet5(nn=n), (0, 1, 32, 32), (0, 10)),
])
def test_empty_batches_named_in_the_issue(layer, shape, expected):
    gb.manual_seed(0)
    ours, theirs = layer(nn), layer(torch.nn)
    helper_test_module(ours, theirs, [shape])
    assert ours(gb.zeros(*shape)).shape == expected


def test_zero_sized_layers_construct_as_in_torch():
    torch_layer = torch.nn.Linear(0, 3)
    with pytest.warns(UserWarning, match="zero-element"):
        ours = nn.Linear(0, 3)
    np.testing.assert_array_equal(ours(gb.zeros(2, 0)).data,
                                  torch_layer(torch.zeros(2, 0)).detach().numpy())
    with pytest.warns(UserWarning, match="zero-element"):
        conv = nn.Conv2d(3, 8, 0)
    with pytest.raises(ValueError, match=r"conv2d: the kernel must be at least 1x1, but got "
                                         r"weight of size \[8, 3, 0, 0\]"):
        conv(gb.zeros(1, 3, 4, 4))
    with pytest.raises(RuntimeError, match=r"weight of size \[4, 3, 0, 0\]"):
        F.conv2d(gb.zeros(2, 3, 8, 8), gb.zeros(4, 3, 0, 0))


def test_a_scalar_into_linear_is_refused_clearly():
    with pytest.raises(ValueError, match=r"linear: both arguments need to be at least 1D, but "
                                         r"they are 0D and 2D: expected an input of shape "
                                         r"\(\*, 4\), received a scalar"):
        nn.Linear(4, 3)(gb.tensor(1.0))
    with pytest.raises(RuntimeError, match="at least 1D"):
        torch.nn.Linear(4, 3)(torch.tensor(1.0))


LOSSES = [("mse_loss", (0, 3), "float"), ("l1_loss", (0, 3), "float"),
          ("binary_cross_entropy", (0, 1), "float"),
          ("binary_cross_entropy_with_logits", (0, 1), "float"),
          ("cross_entropy", (0, 3), "index"), ("nll_loss", (0, 3), "index"),
          ("cross_entropy", (0, 3), "float")]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name, shape, target_kind", LOSSES)
def test_losses_of_an_empty_batch_reduce_as_torch(name, shape, target_kind, reduction):
    target = (np.zeros(shape[:1], dtype=np.int64) if target_kind == "index"
              else np.zeros(shape, dtype=np.float32))
    x_ours = gb.zeros(*shape, requires_grad=True)
    x_torch = torch.zeros(*shape, requires_grad=True)
    ours = getattr(F, name)(x_ours, gb.tensor(target), reduction=reduction)
    theirs = getattr(torch.nn.functional, name)(x_torch, torch.from_numpy(target),
                                                reduction=reduction)
    np.testing.assert_array_equal(ours.data, theirs.detach().numpy())  # NaN == NaN here
    ours.sum().backward()
    theirs.sum().backward()
    assert x_ours.grad.shape == tuple(x_torch.grad.shape) == shape


@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
def test_an_optimizer_step_after_an_empty_batch_is_torchs(optimizer):
    gb.manual_seed(0)
    ours, theirs = nn.Linear(4, 2), torch.nn.Linear(4, 2)
    theirs.load_state_dict({k: torch.from_numpy(v.numpy().copy())
                            for k, v in ours.state_dict().items()})
    options = dict(lr=0.1, momentum=0.9) if optimizer == "SGD" else dict(lr=0.1)
    step_ours = getattr(optim, optimizer)(ours.parameters(), **options)
    step_theirs = getattr(torch.optim, optimizer)(theirs.parameters(), **options)
    for model, step, lib in ((ours, step_ours, gb), (theirs, step_theirs, torch)):
        step.zero_grad()
        model(lib.zeros(0, 4)).sum().backward()
        step.step()
    for name, value in ours.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), theirs.state_dict()[name].numpy())
