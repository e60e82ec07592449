"""glassbox.nn.functional against torch.nn.functional: outputs and every gradient."""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given
from hypothesis import strategies as st

import glassbox as gb
import glassbox.nn.functional as F
from parity import helper_test_op

reductions = st.sampled_from(["mean", "sum", "none"])


@given(st.integers(1, 5), st.integers(1, 6), st.integers(1, 6), st.booleans(), st.booleans())
def test_linear(batch, in_features, out_features, bias, three_d):
    x_shape = (2, batch, in_features) if three_d else (batch, in_features)
    shapes = [x_shape, (out_features, in_features)] + ([(out_features,)] if bias else [])
    helper_test_op(shapes, TF.linear, F.linear)


def test_linear_without_input_gradient_skips_it():
    helper_test_op([(4, 3), (2, 3), (2,)], TF.linear, F.linear,
                   requires_grad=[False, True, True])


@given(st.sampled_from([(5,), (3, 4), (2, 3, 4)]), st.floats(0.0, 0.5))
def test_activation_functions(shape, slope):
    helper_test_op([shape], lambda x: TF.relu(x) + TF.leaky_relu(x, slope) * 2
                   + TF.sigmoid(x) * 3 + TF.tanh(x) * 4,
                   lambda x: F.relu(x) + F.leaky_relu(x, slope) * 2 + F.sigmoid(x) * 3
                   + F.tanh(x) * 4, low=-4, high=4)


@given(st.sampled_from([(3, 4), (2, 3, 4)]), st.integers(-2, 1))
def test_softmax_log_softmax_functions(shape, dim):
    helper_test_op([shape], lambda x: TF.softmax(x, dim) * 2 + TF.log_softmax(x, dim),
                   lambda x: F.softmax(x, dim) * 2 + F.log_softmax(x, dim), low=-30, high=30)


def test_log_softmax_is_stable_for_huge_logits():
    helper_test_op(None, lambda x: TF.log_softmax(x, 1), lambda x: F.log_softmax(x, 1),
                   values=[np.array([[1000.0, 0.0, -1000.0], [-5e3, -5e3, -5e3]])])


@given(st.sampled_from([(4,), (2, 3), (2, 3, 2)]), reductions)
def test_mse_and_l1(shape, reduction):
    helper_test_op([shape, shape], lambda x, y: TF.mse_loss(x, y, reduction=reduction)
                   + TF.l1_loss(x, y, reduction=reduction),
                   lambda x, y: F.mse_loss(x, y, reduction=reduction)
                   + F.l1_loss(x, y, reduction=reduction))


@given(st.integers(1, 6), st.integers(2, 5), reductions, st.sampled_from([0.0, 0.1, 0.5]),
       st.booleans(), st.booleans(), st.integers(0, 1000))
def test_cross_entropy_class_indices(n, classes, reduction, smoothing, weighted, ignore, seed):
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(n, classes)) * 3
    target = rng.integers(0, classes, size=n)
    if ignore:
        target[0] = 1  # ignore_index=1: the rows with class 1 drop out
    if reduction == "mean" and ignore and (target == 1).all():
        return  # every row ignored: 0/0, torch gives nan
    ignore_index = 1 if ignore else -100
    values = [logits, target] + ([rng.uniform(0.2, 2, size=classes)] if weighted else [])

    def loss(lib_f):
        return lambda x, t, *w: lib_f.cross_entropy(
            x, t, weight=w[0] if w else None, reduction=reduction,
            label_smoothing=smoothing, ignore_index=ignore_index)

    helper_test_op(None, loss(TF), loss(F), values=values,
                   requires_grad=[True, False, False])


@given(st.integers(1, 5), st.integers(2, 5), reductions, st.sampled_from([0.0, 0.2]),
       st.booleans(), st.integers(0, 1000))
def test_cross_entropy_class_probabilities(n, classes, reduction, smoothing, weighted, seed):
    rng = np.random.default_rng(seed)
    probabilities = rng.dirichlet(np.ones(classes), size=n)
    values = [rng.normal(size=(n, classes)), probabilities] \
        + ([rng.uniform(0.2, 2, size=classes)] if weighted else [])

    def loss(lib_f):
        return lambda x, t, *w: lib_f.cross_entropy(
            x, t, weight=w[0] if w else None, reduction=reduction, label_smoothing=smoothing)

    # the probability targets receive a gradient too
    helper_test_op(None, loss(TF), loss(F), values=values, requires_grad=[True, True, False])


@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_cross_entropy_spatial_and_single_sample(reduction):
    rng = np.random.default_rng(3)
    values = [rng.normal(size=(2, 3, 4, 2)), rng.integers(0, 3, size=(2, 4, 2))]
    helper_test_op(None, lambda x, t: TF.cross_entropy(x, t, reduction=reduction),
                   lambda x, t: F.cross_entropy(x, t, reduction=reduction), values=values)
    values = [rng.normal(size=(4,)), np.array(2)]
    helper_test_op(None, lambda x, t: TF.cross_entropy(x, t, reduction=reduction),
                   lambda x, t: F.cross_entropy(x, t, reduction=reduction), values=values)


@given(st.integers(1, 6), st.integers(2, 5), reductions, st.booleans(), st.integers(0, 1000))
def test_nll_loss(n, classes, reduction, weighted, seed):
    rng = np.random.default_rng(seed)
    values = [rng.normal(size=(n, classes)), rng.integers(0, classes, size=n)] \
        + ([rng.uniform(0.2, 2, size=classes)] if weighted else [])
    helper_test_op(None, lambda x, t, *w: TF.nll_loss(x, t, w[0] if w else None,
                                                      reduction=reduction),
                   lambda x, t, *w: F.nll_loss(x, t, w[0] if w else None, reduction=reduction),
                   values=values, requires_grad=[True, False, False])


def test_nll_loss_ignore_index_and_spatial():
    rng = np.random.default_rng(4)
    values = [rng.normal(size=(3, 4, 5)), np.array([[0, 1, 3, 3, 2], [3, 0, 0, 1, 1],
                                                    [2, 2, 3, 0, 1]])]
    helper_test_op(None, lambda x, t: TF.nll_loss(x, t, ignore_index=3),
                   lambda x, t: F.nll_loss(x, t, ignore_index=3), values=values)


@given(st.sampled_from([(5,), (3, 4), (2, 2, 3)]), reductions, st.booleans(),
       st.integers(0, 1000))
def test_binary_cross_entropy(shape, reduction, weighted, seed):
    rng = np.random.default_rng(seed)
    values = [rng.uniform(0.05, 0.95, size=shape), rng.uniform(0, 1, size=shape)] \
        + ([rng.uniform(0.5, 2, size=shape[-1:])] if weighted else [])
    helper_test_op(None, lambda p, t, *w: TF.binary_cross_entropy(p, t, w[0] if w else None,
                                                                  reduction=reduction),
                   lambda p, t, *w: F.binary_cross_entropy(p, t, w[0] if w else None,
                                                           reduction=reduction),
                   values=values, requires_grad=[True, True, False])


def test_binary_cross_entropy_clamps_log_at_minus_100():
    values = [np.array([0.0, 1.0, 0.5]), np.array([1.0, 0.0, 1.0])]
    helper_test_op(None, TF.binary_cross_entropy, F.binary_cross_entropy, values=values,
                   forward_only=True)


@given(st.sampled_from([(5,), (3, 4), (2, 2, 3)]), reductions, st.booleans(), st.booleans(),
       st.integers(0, 1000))
def test_binary_cross_entropy_with_logits(shape, reduction, weighted, positive_weighted, seed):
    rng = np.random.default_rng(seed)
    values = [rng.normal(size=shape) * 10, rng.uniform(0, 1, size=shape),
              rng.uniform(0.5, 2, size=shape[-1:]), rng.uniform(0.5, 3, size=shape[-1:])]

    def loss(lib_f):
        return lambda x, t, w, pw: lib_f.binary_cross_entropy_with_logits(
            x, t, w if weighted else None, reduction=reduction,
            pos_weight=pw if positive_weighted else None)

    helper_test_op(None, loss(TF), loss(F), values=values,
                   requires_grad=[True, True, False, False])


@given(st.sampled_from([(6, 3), (4, 2, 5), (3, 2, 4, 4)]), st.booleans(), st.booleans(),
       st.sampled_from([0.1, 0.5]))
def test_batch_norm_training_updates_running_stats_like_torch(shape, training, affine, momentum):
    C = shape[1]
    rng = np.random.default_rng(5)
    values = [rng.normal(size=shape) * 2 + 1] + ([rng.normal(size=C), rng.normal(size=C)]
                                                 if affine else [])
    stats = {}

    def run(lib, batch_norm):
        def function(x, *affine_parameters):
            mean = lib.tensor(np.full(C, 0.3), dtype=x.dtype)
            var = lib.tensor(np.full(C, 2.0), dtype=x.dtype)
            out = batch_norm(x, mean, var, *affine_parameters, training=training,
                             momentum=momentum, eps=1e-3)
            stats[lib.__name__] = (mean, var)
            return out
        return function

    helper_test_op(None, run(torch, TF.batch_norm), run(gb, F.batch_norm), values=values)
    for mine, theirs in zip(stats["glassbox"], stats["torch"]):
        np.testing.assert_allclose(mine.numpy(), theirs.numpy(), rtol=1e-5)


def test_dropout_zeroes_a_fraction_p_and_rescales():
    gb.manual_seed(0)
    x = gb.ones(100_000, requires_grad=True)
    y = F.dropout(x, p=0.3)
    dropped = float((y.numpy() == 0).mean())
    assert abs(dropped - 0.3) < 0.01
    np.testing.assert_allclose(np.unique(y.numpy()), [0.0, 1 / 0.7], rtol=1e-6)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), y.numpy())  # d(mask * x / (1-p))/dx
    assert F.dropout(x, 0.3, training=False) is x
    with pytest.raises(ValueError, match="between 0 and 1"):
        F.dropout(x, p=1.5)


def test_loss_errors_mirror_torch():
    with pytest.raises(ValueError, match=r"batch_size \(3\).*batch_size \(2\)"):
        F.cross_entropy(gb.zeros(3, 4), gb.tensor([0, 1]))
    with pytest.raises(IndexError, match="out of bounds"):
        F.cross_entropy(gb.zeros(2, 4), gb.tensor([0, 4]))
    with pytest.raises(ValueError, match="reduction"):
        F.mse_loss(gb.zeros(2), gb.zeros(2), reduction="average")
    with pytest.raises(ValueError, match="different to the input size"):
        F.binary_cross_entropy(gb.full((3,), 0.5), gb.zeros(3, 1))
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        F.binary_cross_entropy(gb.tensor([1.5]), gb.tensor([1.0]))
    with pytest.raises(RuntimeError, match=r"128x784 and 100x256"):
        F.linear(gb.zeros(128, 784), gb.zeros(256, 100))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        F.batch_norm(gb.zeros(1, 3), None, None, training=True)
