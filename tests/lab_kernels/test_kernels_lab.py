"""The kernels lab's quick run: real results in metrics.json, figures embedded in the report."""

import base64
import json

import pytest

from glassbox.lab import run_lab

FIGURES = ["worked_example", "catalogue", "correlation_vs_convolution",
           "padding_stride_dilation", "stride", "canny"]


@pytest.fixture(scope="module")
def lab_run(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("lab")
    report = run_lab("kernels", quick=True, out_dir=out_dir, show_progress=False)
    metrics = json.loads((out_dir / "kernels" / "metrics.json").read_text())
    return report, metrics


def test_worked_example_is_the_course_result(lab_run):
    _, metrics = lab_run
    assert metrics["worked_example_output"] == [[-45, 103], [-96, 133]]


def test_canny_agrees_with_skimage(lab_run):
    pytest.importorskip("skimage")
    _, metrics = lab_run
    assert metrics["canny_agreement_ours_in_skimage"] >= 0.95
    assert metrics["canny_agreement_skimage_in_ours"] >= 0.95
    assert metrics["canny_edge_pixels"] > 1000          # a real edge map, not an empty one


def test_convolution_checks_and_costs(lab_run):
    _, metrics = lab_run
    assert metrics["catalogue_kernels"] == 12
    assert "sobel_x" in metrics["separable_kernels"]
    assert "laplacian_4" not in metrics["separable_kernels"]
    assert metrics["flip_max_difference"] < 1e-12
    assert metrics["output_size_formula_agrees"] is True
    assert metrics["separable_mults_per_pixel_7x7"] == [49, 14]
    assert metrics["separable_max_difference"] < 1e-10
    assert metrics["depthwise_separable_vs_combined_max_difference"] < 1e-10
    costs = metrics["mobilenet_mult_adds"]
    assert costs["1.0"] == {"standard": 3 * 3 * 512 * 512 * 14 * 14,
                            "separable": (3 * 3 * 512 + 512 * 512) * 14 * 14}
    assert costs["0.5"]["separable"] < costs["0.75"]["separable"] < costs["1.0"]["separable"]
    assert 0.11 < metrics["mobilenet_ratio_alpha_1"] < 0.12   # 1/512 + 1/9


def test_report_embeds_every_figure(lab_run):
    report, _ = lab_run
    html = report.read_text()
    figures_dir = report.parent / "figures"
    for name in FIGURES:
        png = (figures_dir / f"{name}.png").read_bytes()
        assert png.startswith(b"\x89PNG")
        assert base64.b64encode(png).decode("ascii") in html   # embedded, self-contained
    assert "Canny edge detection" in html and "step by step" in html
