"""The layers, losses and functions that tutorial programs use, each against torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import glassbox as gb
import glassbox.nn.functional as F
from glassbox import nn
from parity import helper_test_module, helper_test_op


@pytest.mark.parametrize("padding_idx", [None, 1])
def test_embedding(padding_idx):
    index = np.array([[0, 1, 3], [3, 3, 2]])
    helper_test_module(nn.Embedding(4, 5, padding_idx=padding_idx),
                       torch.nn.Embedding(4, 5, padding_idx=padding_idx), None,
                       values=[index])
    if padding_idx is not None:
        assert not nn.Embedding(4, 5, padding_idx=padding_idx).weight[padding_idx].numpy().any()


def test_embedding_refuses_out_of_range_indices():
    for lib in (gb, torch):
        with pytest.raises(IndexError):
            lib.nn.Embedding(3, 2)(lib.tensor([3]))


@pytest.mark.parametrize("shape, normalized", [((4, 6), 6), ((2, 3, 4), (3, 4))])
@pytest.mark.parametrize("affine", [True, False])
def test_layer_norm(shape, normalized, affine):
    helper_test_module(nn.LayerNorm(normalized, elementwise_affine=affine),
                       torch.nn.LayerNorm(normalized, elementwise_affine=affine), [shape])


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu(approximate):
    helper_test_module(nn.GELU(approximate), torch.nn.GELU(approximate), [(3, 5)])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("beta", [1.0, 0.5, 0.0])
def test_smooth_l1_and_huber(reduction, beta):
    helper_test_op([(4, 3), (4, 3)],
                   lambda a, b: TF.smooth_l1_loss(a, b, reduction=reduction, beta=beta),
                   lambda a, b: F.smooth_l1_loss(a, b, reduction=reduction, beta=beta))
    if beta:
        helper_test_op([(4, 3), (4, 3)],
                       lambda a, b: TF.huber_loss(a, b, reduction=reduction, delta=beta),
                       lambda a, b: F.huber_loss(a, b, reduction=reduction, delta=beta))
    helper_test_module(nn.HuberLoss(delta=2.0), torch.nn.HuberLoss(delta=2.0),
                       [(3,), (3,)], loss=lambda out: out)


def test_binary_cross_entropy_refuses_targets_outside_0_1():
    for lib in (gb, torch):
        with pytest.raises(RuntimeError, match="target should be between 0 and 1"):
            lib.nn.functional.binary_cross_entropy(lib.tensor([0.3, 0.6]),
                                                   lib.tensor([2.0, -1.0]))


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("kernel_size, dilation", [(3, 1), (4, 1), ((3, 4), 2)])
def test_conv2d_same_padding_honours_the_padding_mode(mode, kernel_size, dilation):
    helper_test_module(nn.Conv2d(2, 3, kernel_size, padding="same", padding_mode=mode,
                                 dilation=dilation),
                       torch.nn.Conv2d(2, 3, kernel_size, padding="same", padding_mode=mode,
                                       dilation=dilation), [(2, 2, 7, 8)])


def test_grad_fn_names_of_the_layers_follow_torch():
    def names(lib):
        x = lib.ones(2, 1, 6, 6, requires_grad=True)
        conv = lib.nn.functional.conv2d(x, lib.ones(2, 1, 3, 3))
        pooled = lib.nn.functional.max_pool2d(conv, 2)
        linear = lib.nn.functional.linear(pooled.flatten(1), lib.ones(3, 8), lib.ones(3))
        loss = lib.nn.functional.cross_entropy(linear, lib.tensor([0, 2]))
        mse = lib.nn.functional.mse_loss(linear, lib.zeros(2, 3))
        return [conv.grad_fn.name(), pooled.grad_fn.name(), linear.grad_fn.name(),
                loss.grad_fn.name(), mse.grad_fn.name()]

    assert names(gb) == names(torch)
