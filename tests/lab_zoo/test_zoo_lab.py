"""The `zoo` lab: totals equal the published figures; MobileNet's cost formula equals the
multiply-adds measured on the built model."""

import json

import pytest

from glassbox.lab import run_lab

# Published multiply-adds at 224x224 (AlexNet at 227x227), one image.
PUBLISHED_MULT_ADDS = {
    "AlexNet": 1_135_256_096,
    "VGG16": 15_470_264_320,      # "15.5 G" (torchvision, fvcore)
    "ResNet50": 4_089_184_256,    # "4.1 G"
    "MobileNetV1": 568_740_352,   # "569 million" (Howard et al. 2017, Table 8)
}


def _metrics(path):
    return json.loads((path.parent / "metrics.json").read_text())


def test_full_tables_on_torch_engine(tmp_path):
    pytest.importorskip("torch")
    metrics = _metrics(run_lab("zoo", out_dir=tmp_path, engine="torch", show_progress=False))
    for name, mult_adds in PUBLISHED_MULT_ADDS.items():
        assert metrics[f"{name}_mult_adds"] == mult_adds
    assert metrics["GoogLeNet_params"] == 6_624_904
    assert (metrics["mobilenet_measured_block_mult_adds"]
            == metrics["mobilenet_formula_block_mult_adds"])
    assert 0.11 < metrics["mobilenet_separable_over_standard"] < 0.12  # ≈ 1/N + 1/9


def test_quick_run_on_glassbox_engine(tmp_path):
    path = run_lab("zoo", quick=True, out_dir=tmp_path, show_progress=False)
    metrics = _metrics(path)
    assert metrics["LeNet-5_params"] == 61_706
    assert metrics["LeNet-5_mult_adds"] == 416_520
    assert metrics["AlexNet_mult_adds"] == PUBLISHED_MULT_ADDS["AlexNet"]
    assert metrics["DenseNet121_params"] == 7_978_856
    page = path.read_text()
    assert page.count("data:image/png;base64,") == 1
    assert "features.0" in page  # the layer tables are in the report
