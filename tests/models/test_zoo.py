"""The zoo: parameter counts, both engines equal, and the course's layer tables."""

import numpy as np
import pytest
import torch

from glassbox import models

REFERENCE_PARAMS = {  # 1000 classes, 3 input channels unless said
    ("lenet5", ()): 61_706,  # 10 classes, 1 channel (the course's table)
    ("alexnet", ()): 62_378_344,  # the course's single-stream AlexNet
    ("alexnet", (("variant", "torchvision"),)): 61_100_840,
    ("vgg16", ()): 138_357_544,
    ("vgg16_bn", ()): 138_365_992,
    ("resnet18", ()): 11_689_512,
    ("resnet50", ()): 25_557_032,
    ("googlenet", ()): 6_624_904,
    ("mobilenet_v1", ()): 4_231_976,  # trainable, as Keras reports
    ("densenet121", ()): 7_978_856,
}


@pytest.mark.parametrize("name, options", list(REFERENCE_PARAMS))
def test_parameter_counts_match_references_in_torch(name, options):
    model = getattr(models, name)(nn=torch.nn, **dict(options))
    assert sum(p.numel() for p in model.parameters()) == REFERENCE_PARAMS[name, options]


def test_mobilenet_width_multiplier_shrinks_every_layer():
    thin = models.mobilenet_v1(nn=torch.nn, alpha=0.5, rho=0.5)
    widths = [m.out_channels for m in thin.modules() if isinstance(m, torch.nn.Conv2d)]
    full = [m.out_channels for m in models.mobilenet_v1(nn=torch.nn).modules()
            if isinstance(m, torch.nn.Conv2d)]
    assert widths == [w // 2 for w in full]
    assert thin.input_resolution == 112


# The course's tables (section 3.3.2): output shape of every convolution / pooling / FC.
LENET_TABLE = [("Conv2d", (6, 28, 28)), ("AvgPool2d", (6, 14, 14)), ("Conv2d", (16, 10, 10)),
               ("AvgPool2d", (16, 5, 5)), ("Conv2d", (120, 1, 1)), ("Linear", (84,)),
               ("Linear", (10,))]
ALEXNET_TABLE = [("Conv2d", (96, 55, 55)), ("MaxPool2d", (96, 27, 27)),
                 ("Conv2d", (256, 27, 27)), ("MaxPool2d", (256, 13, 13)),
                 ("Conv2d", (384, 13, 13)), ("Conv2d", (384, 13, 13)),
                 ("Conv2d", (256, 13, 13)), ("MaxPool2d", (256, 6, 6)),
                 ("Linear", (4096,)), ("Linear", (4096,)), ("Linear", (1000,))]
KEY_LAYERS = {"Conv2d", "AvgPool2d", "MaxPool2d", "Linear"}


def _table(summary):
    return [(row["type"], row["output_shape"][1:]) for row in summary.rows
            if row["type"] in KEY_LAYERS]


def test_summary_reproduces_the_course_lenet5_table():
    table = models.summary(models.lenet5(nn=torch.nn), (1, 32, 32))
    assert _table(table) == LENET_TABLE
    assert table.total_params == 61_706
    # 28·28·6·25 + 10·10·16·150 + 120·400 + 120·84 + 84·10
    assert table.total_mult_adds == 117_600 + 240_000 + 48_000 + 10_080 + 840


def test_summary_reproduces_the_course_alexnet_table():
    table = models.summary(models.alexnet(nn=torch.nn), (3, 227, 227))
    assert _table(table) == ALEXNET_TABLE
    assert table.total_params == 62_378_344
    first = table.rows[0]
    assert first["mult_adds"] == 55 * 55 * 96 * (11 * 11 * 3)
    assert "Total params: 62,378,344" in str(table)


def test_summary_names_the_layer_when_input_is_too_small():
    with pytest.raises(ValueError, match=r"layer '6'.*received shape \(1, 16, 1, 1\)"):
        models.summary(models.lenet5(nn=torch.nn), (1, 16, 16))


@pytest.mark.parametrize("bad", [dict(num_classes=0), dict(in_channels=-1),
                                 dict(num_classes=2.5)])
def test_bad_sizes_are_refused(bad):
    with pytest.raises(ValueError, match="positive integer"):
        models.resnet18(nn=torch.nn, **bad)


def test_bad_options_are_refused():
    with pytest.raises(ValueError, match="variant"):
        models.alexnet(nn=torch.nn, variant="zfnet")
    with pytest.raises(ValueError, match="alpha"):
        models.mobilenet_v1(nn=torch.nn, alpha=1.5)
    with pytest.raises(ValueError, match="activation"):
        models.lenet5(nn=torch.nn, activation="gelu")
    with pytest.raises(TypeError, match="namespace"):
        models.lenet5(nn=np)
