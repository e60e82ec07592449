"""Every zoo model built with both engines computes the same function and gradients.

The glassbox model's weights are copied into the torch model through ``state_dict``;
both run in float64 on the same input (training mode, so batch norm uses the batch's
statistics, with dropout switched off), and the outputs and the gradient of every
parameter are compared.
"""

import numpy as np
import pytest
import torch

import glassbox
import glassbox.nn as gnn
from glassbox import models

# NOTE: AlexNet's and VGG16's fully connected layers hold 54M and 120M parameters; in
# float64 they take most of a minute to build twice. Their convolutional part is compared
# whole, with the classifier replaced by one Linear layer on the same features (Linear
# parity has its own tests).
SMALL_CLASSIFIER = {"alexnet": 256 * 6 * 6, "vgg16_bn": 512 * 7 * 7}

# NOTE: batch norm on a 1x1 map of a batch of 2 divides by the spread of two numbers,
# which magnifies rounding differences; the deep networks get 64x64 inputs so their last
# stage still sees 2x2 maps.
CASES = [  # (name, options, input shape): small inputs where the full size would be slow
    ("lenet5", {}, (2, 1, 32, 32)),
    ("lenet5", {"activation": "relu", "pooling": "max"}, (2, 1, 32, 32)),
    ("alexnet", {"num_classes": 10, "variant": "torchvision"}, (2, 3, 63, 63)),
    ("vgg16_bn", {"num_classes": 10}, (2, 3, 32, 32)),
    ("resnet18", {"num_classes": 10}, (2, 3, 32, 32)),
    ("resnet50", {"num_classes": 10}, (2, 3, 64, 64)),
    ("googlenet", {"num_classes": 10}, (2, 3, 40, 40)),
    ("mobilenet_v1", {"num_classes": 10, "alpha": 0.25}, (2, 3, 32, 32)),
    ("densenet121", {"num_classes": 10}, (2, 3, 64, 64)),
]


def _no_dropout(model):
    for module in model.modules():
        if type(module).__name__ == "Dropout":
            module.p = 0.0
    return model


@pytest.mark.parametrize("name, options, shape", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_same_outputs_and_gradients(name, options, shape):
    build = getattr(models, name)
    glassbox.manual_seed(0)
    ours = _no_dropout(build(nn=gnn, **options))
    theirs = _no_dropout(build(nn=torch.nn, **options))
    if name in SMALL_CLASSIFIER:
        ours.classifier = gnn.Linear(SMALL_CLASSIFIER[name], 10)
        theirs.classifier = torch.nn.Linear(SMALL_CLASSIFIER[name], 10)
    ours, theirs = ours.double(), theirs.double()
    state = {k: torch.from_numpy(np.array(v.numpy())) for k, v in ours.state_dict().items()}
    theirs.load_state_dict(state)
    assert list(ours.state_dict()) == list(theirs.state_dict())

    x = np.random.default_rng(1).standard_normal(shape)
    out_ours = ours(glassbox.tensor(x))
    out_theirs = theirs(torch.from_numpy(x))
    np.testing.assert_allclose(out_ours.numpy(), out_theirs.detach().numpy(),
                               rtol=1e-7, atol=1e-9)
    weights = np.random.default_rng(2).standard_normal(out_theirs.shape)
    (out_ours * glassbox.tensor(weights)).sum().backward()
    (out_theirs * torch.from_numpy(weights)).sum().backward()
    grads_theirs = dict(theirs.named_parameters())
    for key, parameter in ours.named_parameters():
        expected = grads_theirs[key].grad.numpy()
        # summing thousands of terms of size ~1e2 leaves ~1e-12 relative error on the
        # largest entries, more relative error on entries that cancel to near zero
        np.testing.assert_allclose(parameter.grad.numpy(), expected, rtol=1e-6,
                                   atol=1e-9 * max(1.0, np.abs(expected).max()), err_msg=key)
    # batch norm's running statistics moved the same way
    buffers_theirs = dict(theirs.named_buffers())
    for key, buffer in ours.named_buffers():
        np.testing.assert_allclose(np.asarray(buffer.numpy(), dtype=np.float64),
                                   buffers_theirs[key].numpy().astype(np.float64),
                                   rtol=1e-7, atol=1e-9, err_msg=key)


@pytest.mark.parametrize("name", ["lenet5", "resnet18", "mobilenet_v1", "googlenet",
                                  "densenet121", "vgg16", "alexnet"])
def test_glassbox_parameter_counts(name):
    expected = sum(p.numel() for p in getattr(models, name)(nn=torch.nn).parameters())
    count = sum(int(np.prod(p.shape)) for p in getattr(models, name)(nn=gnn).parameters())
    assert count == expected


def test_summary_on_glassbox_engine_equals_torch():
    ours = models.summary(models.alexnet(nn=gnn), (3, 227, 227))
    theirs = models.summary(models.alexnet(nn=torch.nn), (3, 227, 227))
    assert ours.rows == theirs.rows
    assert ours.total_params == theirs.total_params == 62_378_344


def test_glassbox_names_the_layer_when_input_is_too_small():
    with pytest.raises(ValueError, match=r"layer '6'"):
        models.summary(models.lenet5(nn=gnn), (1, 16, 16))
