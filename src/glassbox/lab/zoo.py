"""The CNN zoo: layer tables, parameters and multiply-adds of seven architectures.

Course section 3.3.2 walks through LeNet-5, AlexNet, GoogLeNet, VGG16, ResNet50,
MobileNetV1 and DenseNet. This lab builds each one from its single definition in
``glassbox.models`` (with the engine chosen by ``--engine``), runs one image through
it with :func:`glassbox.models.summary`, and reports the layer tables (the course's
LeNet-5 and AlexNet tables in full), the totals, a chart of parameters against
multiply-adds, and what depthwise-separable convolutions save at MobileNet's layers.
"""

from __future__ import annotations

import html

import numpy as np

from glassbox import models
from glassbox.lab.runner import LabContext
from glassbox.vision import depthwise_separable_cost, standard_conv_cost

NAME = "zoo"
TITLE = "The CNN zoo: layer tables, parameters and multiply-adds"
SECTION = "3.3.2 Architectures"

# (model function, options, input size in full mode, input size in quick mode, year)
ARCHITECTURES = {
    "LeNet-5": (models.lenet5, {}, (1, 32, 32), (1, 32, 32), 1998),
    "AlexNet": (models.alexnet, {}, (3, 227, 227), (3, 227, 227), 2012),
    "VGG16": (models.vgg16, {}, (3, 224, 224), (3, 32, 32), 2014),
    "GoogLeNet": (models.googlenet, {}, (3, 224, 224), (3, 64, 64), 2014),
    "ResNet50": (models.resnet50, {}, (3, 224, 224), (3, 64, 64), 2015),
    "MobileNetV1": (models.mobilenet_v1, {}, (3, 224, 224), (3, 64, 64), 2017),
    "DenseNet121": (models.densenet121, {}, (3, 224, 224), (3, 64, 64), 2017),
}


def _engine_nn(engine: str):
    if engine == "torch":
        import torch

        torch.set_num_threads(max(1, torch.get_num_threads()))
        return torch.nn
    import glassbox.nn

    return glassbox.nn


def _stage_rows(table) -> list[dict]:
    """Aggregate the leaf rows by top-level child (stage) so big networks fit a page."""
    stages: dict[str, dict] = {}
    for row in table.rows:
        stage = row["layer"].split(".")[0]
        entry = stages.setdefault(stage, {"stage": stage, "layers": 0, "params": 0,
                                          "mult_adds": 0})
        entry["layers"] += 1
        entry["params"] += row["params"]
        entry["mult_adds"] += row["mult_adds"]
        entry["output shape"] = "x".join(str(d) for d in row["output_shape"][1:])
    return list(stages.values())


def _course_table_rows(table) -> list[dict]:
    return [{"layer": row["layer"], "type": row["type"],
             "output shape": "x".join(str(d) for d in row["output_shape"][1:]),
             "params": row["params"], "mult-adds": row["mult_adds"]}
            for row in table.rows]


def run(ctx: LabContext) -> None:
    import matplotlib.pyplot as plt

    nn = _engine_nn(ctx.engine)
    report = ctx.report
    report.section("What this lab shows")
    report.text(
        "Each architecture of the course is defined once in glassbox.models as a function "
        f"of an nn namespace; here it is built with the {ctx.engine} engine and one image "
        "is passed through it with forward hooks on every layer, which record the output "
        "shape, the parameters and the multiply-adds (one per kernel weight per output "
        "value for convolutions, in x out per row for fully connected layers). Parameter "
        "counts are for 1000 ImageNet classes (10 for LeNet-5) and equal the references: "
        "torchvision's counts, the course's single-stream AlexNet, and Keras' MobileNet."
    )
    if ctx.quick:
        report.text("Quick mode: VGG16 and the networks with global average pooling are "
                    "measured on small inputs, so their multiply-adds are smaller than at "
                    "224x224 (parameters do not depend on the input size).")
    totals = []
    tables = {}
    for name, (build, options, full_size, quick_size, year) in ctx.progress(
            ARCHITECTURES.items(), desc="architectures", total=len(ARCHITECTURES)):
        size = quick_size if ctx.quick else full_size
        model = build(nn=nn, **options)
        table = models.summary(model, size)
        tables[name] = table
        weighted = [row for row in table.rows if row["type"] in ("Conv2d", "Linear")]
        totals.append({"architecture": name, "year": year,
                       "input": "x".join(map(str, size)),
                       "weight layers": len(weighted),
                       "parameters": table.total_params,
                       "mult-adds": table.total_mult_adds,
                       "float32 size (MB)": table.total_params * 4 / 2**20})
        ctx.metrics[f"{name}_params"] = table.total_params
        ctx.metrics[f"{name}_mult_adds"] = table.total_mult_adds
        del model

    report.section("Totals")
    report.table(totals, caption="Parameters, multiply-adds for one image, and weight layers "
                 "(convolutions and fully connected layers, as 'VGG16' counts its 16).")
    fig, ax = plt.subplots(figsize=(8, 4))
    positions = np.arange(len(totals))
    ax.bar(positions - 0.2, [t["parameters"] for t in totals], 0.4, label="parameters")
    ax.bar(positions + 0.2, [t["mult-adds"] for t in totals], 0.4, label="multiply-adds")
    ax.set_yscale("log")
    ax.set_xticks(positions, [t["architecture"] for t in totals], rotation=20)
    ax.set_ylabel("count (log scale)")
    ax.legend()
    ax.set_title("Parameters against multiply-adds per image")
    report.figure(fig, "params_vs_mult_adds",
                  caption="AlexNet and VGG16 put most parameters in their fully connected "
                          "layers; ResNet50, GoogLeNet and DenseNet121 spend their compute "
                          "in convolutions with few parameters; MobileNetV1 is small in both.")

    report.section("LeNet-5 (course table)")
    report.table(_course_table_rows(tables["LeNet-5"]),
                 caption="Every layer of LeNet-5 on a 32x32 image: the course's table, with "
                         "parameters and multiply-adds.")
    report.section("AlexNet (course table)")
    report.table(_course_table_rows(tables["AlexNet"]),
                 caption="The single-stream AlexNet on a 227x227 image.")

    report.section("The other architectures, by stage")
    for name in ("VGG16", "GoogLeNet", "ResNet50", "MobileNetV1", "DenseNet121"):
        report.subsection(name)
        report.table(_stage_rows(tables[name]),
                     caption=f"{name}: layers grouped by top-level module.")
        report.html(f"<details><summary>Every layer of {html.escape(name)}</summary><pre>"
                    f"{html.escape(str(tables[name]))}</pre></details>")

    report.section("Standard against depthwise-separable convolution at MobileNet's layers")
    report.text(
        "A standard 3x3 convolution from M to N channels on a D_F x D_F map costs "
        "9·M·N·D_F² multiply-adds; MobileNet's depthwise (9·M·D_F²) plus pointwise "
        "(M·N·D_F²) pair costs 1/N + 1/9 of that. The rows below are the 13 blocks of "
        "MobileNetV1 at 224x224, measured on the built model and recomputed with "
        "glassbox.vision's cost formulas, for the width multipliers 1, 0.75 and 0.5."
    )
    rows, total_standard, total_separable = [], 0, 0
    sides, channels = 112, 32  # after the stride-2 stem at 224x224
    for block, (out_channels, stride) in enumerate(models.mobilenet.MOBILENET_V1_LAYERS, 1):
        sides //= stride
        row = {"block": block, "M": channels, "N": out_channels, "D_F": sides}
        for alpha in (1.0, 0.75, 0.5):
            standard = standard_conv_cost(3, channels, out_channels, sides, alpha=alpha)
            separable = depthwise_separable_cost(3, channels, out_channels, sides, alpha=alpha)
            row[f"standard MACs a={alpha:g}"] = standard["mult_adds"]
            row[f"separable MACs a={alpha:g}"] = separable["mult_adds"]
            if alpha == 1.0:
                row["ratio"] = separable["mult_adds"] / standard["mult_adds"]
                total_standard += standard["mult_adds"]
                total_separable += separable["mult_adds"]
        rows.append(row)
        channels = out_channels
    report.table(rows, caption="Multiply-adds of each block as a standard 3x3 convolution and "
                               "as MobileNet's depthwise-separable pair.")
    ctx.metrics["mobilenet_separable_over_standard"] = total_separable / total_standard
    if not ctx.quick:
        measured = sum(r["mult_adds"] for r in tables["MobileNetV1"].rows
                       if r["layer"].startswith("features.") and r["layer"].split(".")[1] != "0")
        ctx.metrics["mobilenet_measured_block_mult_adds"] = measured
        ctx.metrics["mobilenet_formula_block_mult_adds"] = total_separable
        report.text(f"Measured on the model: {measured:,} multiply-adds in the 13 blocks; "
                    f"the formula gives {total_separable:,}. A standard network of the same "
                    f"shape would need {total_standard:,} "
                    f"({total_standard / total_separable:.1f} times more).")
