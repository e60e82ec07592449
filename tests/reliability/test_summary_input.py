"""models.summary accepts torchinfo's (N, C, H, W) and says what is wrong with an input."""

import pytest
import torch

from glassbox import models


def test_a_batch_axis_is_accepted_as_torchinfo_does():
    model = models.lenet5(nn=torch.nn)
    with_batch = models.summary(model, (1, 1, 32, 32))
    without = models.summary(model, (1, 32, 32))
    assert with_batch.rows == without.rows
    assert (with_batch.total_params, with_batch.total_mult_adds) == (61706, 416520)
    two = models.summary(model, (2, 1, 32, 32))
    assert two.rows[0]["output_shape"] == (2, 6, 28, 28)


def test_wrong_channels_are_not_called_too_small():
    with pytest.raises(ValueError) as error:
        models.summary(models.lenet5(nn=torch.nn), (3, 32, 32))
    message = str(error.value)
    assert message.startswith("Input of size (3, 32, 32) does not fit Sequential: layer '0'")
    assert "with the channels the first layer takes" in message


def test_an_input_too_large_is_refused_before_allocating():
    with pytest.raises(ValueError, match=r"input_size \(1, 100000, 100000\) has "
                                         r"10,000,000,000 values"):
        models.summary(models.lenet5(nn=torch.nn), (1, 100000, 100000))
