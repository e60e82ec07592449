"""Where a zoo model's train step loses to torch: every layer timed alone, both engines.

Run (from benchmarks/, with glassbox on the path):

    cd benchmarks && PYTHONPATH=../src python bench_layers.py mobilenet
    python bench_layers.py resnet18 --top 10      # the ten largest gaps only
    python bench_layers.py dcgan-d                # DCGAN's discriminator (-g: generator)
    python bench_layers.py lab-dcgan-d            # the gan lab's networks (lab-*: below)

Builds the model of ``bench_zoo.py``'s row twice from the same code (glassbox.nn and
torch.nn, glassbox's weights copied into torch), runs one forward to record each leaf
module's input shape, then times each distinct (layer, input shape) alone in both
engines: its forward, and its forward + backward (``y.backward(g)`` with the input
requiring a gradient); backward = the difference. One thread for both engines, CPU time
(``time.process_time``: robust on a shared machine), medians of ``--repeats`` runs.

Rows are sorted by the step's gap in milliseconds (count x (glassbox - torch)), the
largest first. A layer alone misses what the whole step adds (the autograd engine, the
optimiser, cache effects) and torch's backward alone pays its engine's start-up per
call, so compare rows with each other rather than summing them; ``bench_zoo.py`` gives
the step's ratio.
"""

from __future__ import annotations

import argparse
import time

import bench_zoo
import numpy as np
import torch

import glassbox as gb


def _gan(name, **kwargs):
    def build(nn):
        from glassbox.models import gan
        return getattr(gan, name)(nn=nn, **kwargs)
    return build


# row -> (builder of the model from an nn namespace, input shape)
MODELS = {
    "mobilenet": (bench_zoo._zoo("mobilenet_v1", num_classes=10, alpha=0.25, dropout=0.0),
                  (16, 3, 64, 64)),
    "resnet18": (bench_zoo._zoo("resnet18", num_classes=10), (16, 3, 64, 64)),
    "resnet50": (bench_zoo._zoo("resnet50", num_classes=10), (4, 3, 64, 64)),
    "densenet121": (bench_zoo._zoo("densenet121", num_classes=10), (8, 3, 32, 32)),
    "googlenet": (bench_zoo._zoo("googlenet", num_classes=10, dropout=0.0), (8, 3, 64, 64)),
    "lenet5": (bench_zoo._zoo("lenet5"), (64, 1, 32, 32)),
    "dcgan-g": (lambda nn: bench_zoo.dcgan_generator(nn, 64), (64, 64, 1, 1)),
    "dcgan-d": (bench_zoo.dcgan_discriminator, (64, 1, 28, 28)),
    # the gan lab's full-mode networks (glassbox.models.gan; batch 64): DCGAN at base 32,
    # the WGAN-GP critic and its generator at base 16
    "lab-dcgan-g": (_gan("dcgan_generator", base=32), (64, 100)),
    "lab-dcgan-d": (_gan("dcgan_discriminator", base=32, depth=3), (64, 1, 28, 28)),
    "lab-wgan-g": (_gan("dcgan_generator", base=16), (64, 100)),
    "lab-wgan-critic": (_gan("wgan_gp_critic", base=16, depth=3), (64, 1, 28, 28)),
}


def median_cpu_ms(function, repeats: int) -> float:
    function()
    times = []
    for _ in range(repeats):
        start = time.process_time()
        function()
        times.append(time.process_time() - start)
    return float(np.median(times)) * 1e3


def leaves(model):
    return [(name, module) for name, module in model.named_modules()
            if not list(module.children())]


def forward_and_backward_ms(module, library, x, upstream, repeats: int):
    inputs = library.tensor(x, requires_grad=True)
    g = library.tensor(upstream)
    forward = median_cpu_ms(lambda: module(inputs), repeats)
    both = median_cpu_ms(lambda: module(inputs).backward(g), repeats)
    return forward, both - forward


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model", choices=list(MODELS))
    parser.add_argument("--repeats", type=int, default=11)
    parser.add_argument("--top", type=int, default=None, help="print the largest gaps only")
    args = parser.parse_args()
    torch.set_num_threads(1)
    gb.set_num_threads(1)
    build, input_shape = MODELS[args.model]
    ours, theirs = build(gb.nn), build(torch.nn)
    bench_zoo.copy_weights([ours], [theirs])
    ours.train()
    theirs.train()
    input_shapes = {}

    def record(name):
        def hook(module, inputs, output):  # returns None: the output is unchanged
            input_shapes.setdefault(name, tuple(inputs[0].shape))
        return hook
    for name, module in leaves(ours):
        module.register_forward_hook(record(name))
    rng = np.random.default_rng(0)
    ours(gb.tensor(rng.standard_normal(input_shape).astype(np.float32)))
    groups: dict = {}                       # (input shape, repr) -> [(ours, theirs)]
    for (name, mine), (_, twin) in zip(leaves(ours), leaves(theirs)):
        if name in input_shapes:
            key = (input_shapes[name], repr(mine))
            groups.setdefault(key, []).append((mine, twin))
    rows = []
    for (shape, text), pairs in groups.items():
        mine, twin = pairs[0]
        x = rng.standard_normal(shape).astype(np.float32)
        upstream = rng.standard_normal(tuple(mine(gb.tensor(x)).shape)).astype(np.float32)
        gb_times = forward_and_backward_ms(mine, gb, x, upstream, args.repeats)
        torch_times = forward_and_backward_ms(twin, torch, x, upstream, args.repeats)
        gap = len(pairs) * (sum(gb_times) - sum(torch_times))
        rows.append((gap, shape, len(pairs), gb_times, torch_times, text))
    rows.sort(key=lambda row: -row[0])
    print(f"{args.model}: each layer alone, 1 thread, CPU ms (glassbox / torch), "
          f"medians of {args.repeats}")
    print("| step gap ms | count | layer | input | forward | backward |")
    print("|---|---|---|---|---|---|")
    for gap, shape, count, (gf, gbk), (tf, tbk), text in rows[:args.top]:
        print(f"| {gap:7.2f} | {count} | {text[:58]} | {shape} | {gf:.2f} / {tf:.2f} | "
              f"{gbk:.2f} / {tbk:.2f} |")


if __name__ == "__main__":
    main()
