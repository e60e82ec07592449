"""Train-step speed and peak memory of every zoo model, and of the GAN steps, against torch.

Run (from benchmarks/, with glassbox on the path):

    cd benchmarks && PYTHONPATH=../src python bench_zoo.py --threads 1 2   # the whole table
    python bench_zoo.py --threads 1 2 --repeats 20 --block 5 --models dcgan resnet18
    python bench_zoo.py --threads 1 --clock cpu   # 1 thread on a busy machine (CPU time)
    python bench_zoo.py --quick                   # fewer steps and rows, for a first look
    python bench_zoo.py --threads 2 --products blas   # glassbox's products on BLAS's threads

Every row runs at each ``--threads`` count (all rows at the first count, then all at the
next); peak memory is measured at the first count only. Measure the 2-thread column on a
quiet machine (wall clock, the default): on a loaded one the second thread waits for a
core and the figures say nothing.

Each row builds one network twice from the same code (``glassbox.nn`` and ``torch.nn``),
copies glassbox's initial weights into torch, checks that the first losses agree, then
times one *train step* of each engine in the same process, alternating blocks of steps
so that both see the same machine load (each block after a pause and one untimed step,
so that the other engine's idle threads have stopped spinning: ``SETTLE_SECONDS``), and
prints the median glassbox / torch ratio.
A step is forward, loss, backward and a plain SGD update on the raw arrays, in place
without temporaries (the optimiser's own cost is not what is measured). Torch runs with
``--threads`` threads (``torch.set_num_threads``), glassbox with the same number
(``glassbox.set_num_threads``: its chunked array passes, and NumPy's BLAS through
threadpoolctl; glassbox's own matrix products run on one BLAS thread each, the large
ones cut over its threads, unless ``--products blas``).

Rows (small inputs, so that a step takes well under a second):

- the zoo (``glassbox.models``): MobileNetV1 (alpha 0.25), ResNet18, ResNet50,
  DenseNet121, GoogLeNet, VGG16, AlexNet (torchvision variant) at reduced resolution,
  and LeNet-5 as in the course (tanh, average pooling, 32x32);
- MLP 784-256-10, batch 128 (as ``bench_nn.py``);
- DCGAN: a generator of three ``ConvTranspose2d`` (+ ``BatchNorm2d``) from a 64-d code to
  28x28, and a discriminator of two strided convolutions (+ ``BatchNorm2d``); one step is
  the discriminator's update on real and fake images and the generator's update;
- WGAN-GP: one critic step with the gradient penalty, whose gradient norm is
  differentiated again (``autograd.grad(..., create_graph=True)``: a double backward).

Peak memory: each engine runs two steps in a fresh subprocess of its own, and the row
shows how far the step raised the process's peak resident set (``VmHWM``) above the
resident set after building the model and the data (Linux only; ``--no-memory`` skips
it). Goals (issue 9): every ratio <= 1.2x, LeNet-5 and MLP <= 1.0x, memory <= 1.5x.
The machine may be shared: compare the ratios, not the absolute times.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

LR = 0.01


# --------------------------------------------------------------------------------------
# The two small GANs (glassbox.models has none): each a function of an nn namespace.
# --------------------------------------------------------------------------------------

def dcgan_generator(nn, latent=64, width=64):
    """(N, latent, 1, 1) -> (N, 1, 28, 28): 1 -> 7 -> 14 -> 28 pixels a side."""
    return nn.Sequential(
        nn.ConvTranspose2d(latent, 2 * width, 7, bias=False),             # (N, 2w, 7, 7)
        nn.BatchNorm2d(2 * width), nn.ReLU(),
        nn.ConvTranspose2d(2 * width, width, 4, 2, 1, bias=False),        # (N, w, 14, 14)
        nn.BatchNorm2d(width), nn.ReLU(),
        nn.ConvTranspose2d(width, 1, 4, 2, 1),                            # (N, 1, 28, 28)
        nn.Tanh())


def dcgan_discriminator(nn, width=64, batch_norm=True):
    """(N, 1, 28, 28) -> (N, 1) logits; the WGAN-GP critic has no batch norm."""
    norm = nn.BatchNorm2d(2 * width) if batch_norm else nn.Identity()
    return nn.Sequential(
        nn.Conv2d(1, width, 4, 2, 1), nn.LeakyReLU(0.2),                   # (N, w, 14, 14)
        nn.Conv2d(width, 2 * width, 4, 2, 1, bias=not batch_norm), norm,  # (N, 2w, 7, 7)
        nn.LeakyReLU(0.2), nn.Flatten(), nn.Linear(2 * width * 7 * 7, 1))


def mlp(nn):
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))


# --------------------------------------------------------------------------------------
# Engines: the few calls that differ between glassbox and torch
# --------------------------------------------------------------------------------------

@dataclass
class Engine:
    name: str
    nn: object
    tensor: Callable
    grad: Callable
    no_grad: Callable

    def sgd(self, parameters):
        # NOTE: no large new array per step in either engine: VGG16's 134 M parameters
        # would otherwise make a fresh 0.5 GB temporary (and its page faults) a large
        # part of the step, and the optimiser is not what is measured. torch updates in
        # one fused pass; glassbox in NumPy scales the gradient in place (its .grad
        # array is its own -- the engine copies shared gradients -- and the next
        # zero_grad drops it) and adds it: two passes over memory the backward just
        # wrote, no temporary (a scratch buffer or 4 MB slices were slower on the MLP),
        # and not through SciPy's BLAS axpy: SciPy loads a second OpenBLAS whose threads
        # fight NumPy's at --threads 2. torch's add_ runs on its threads: glassbox's
        # update of a large array is cut over its threads likewise (the element-wise
        # helper Adam uses; VGG16's update at 2 threads 110 -> ~60 ms, torch's 54).
        if self.name == "torch":
            with self.no_grad():
                for p in parameters:
                    if p.grad is not None:
                        p.add_(p.grad, alpha=-LR)
            return
        from glassbox.autograd._parallel import elementwise
        for p in parameters:
            if p.grad is not None:
                weights, grad = p.detach().numpy(), p.grad.numpy()  # the arrays themselves
                elementwise(_sgd_update, weights, grad)


def _sgd_update(weights, grad):
    """weights -= LR * grad in place, through grad (scaled in place): no temporary."""
    np.multiply(grad, -LR, out=grad)
    weights += grad


def engine(name: str) -> Engine:
    if name == "torch":
        import torch
        return Engine("torch", torch.nn, torch.from_numpy, torch.autograd.grad, torch.no_grad)
    import glassbox as gb
    return Engine("glassbox", gb.nn, gb.tensor, gb.autograd.grad, gb.no_grad)


# --------------------------------------------------------------------------------------
# Workloads: build(engine) -> (step, modules)
# --------------------------------------------------------------------------------------

def classifier_workload(build, input_shape, batch, classes=10):
    def make(eng: Engine, seed=0):
        rng = np.random.default_rng(seed)
        x = eng.tensor(rng.normal(size=(batch, *input_shape)).astype(np.float32))
        y = eng.tensor(rng.integers(0, classes, size=batch))
        model = build(eng.nn)
        model.train()

        def step():
            loss = eng.nn.functional.cross_entropy(model(x), y)
            model.zero_grad()
            loss.backward()
            eng.sgd(model.parameters())
            return float(loss.item())
        return step, [model]
    return make


def dcgan_workload(batch=64, latent=64):
    def make(eng: Engine, seed=0):
        rng = np.random.default_rng(seed)
        real = eng.tensor(rng.uniform(-1, 1, size=(batch, 1, 28, 28)).astype(np.float32))
        z = eng.tensor(rng.normal(size=(batch, latent, 1, 1)).astype(np.float32))
        ones = eng.tensor(np.ones((batch, 1), np.float32))
        zeros = eng.tensor(np.zeros((batch, 1), np.float32))
        G, D = dcgan_generator(eng.nn, latent), dcgan_discriminator(eng.nn)
        bce = eng.nn.functional.binary_cross_entropy_with_logits

        def step():
            fake = G(z)
            # discriminator: real -> 1, fake -> 0 (the generator is not updated here)
            loss_d = bce(D(real), ones) + bce(D(fake.detach()), zeros)
            D.zero_grad()
            loss_d.backward()
            eng.sgd(D.parameters())
            # generator: make D call the fakes real
            loss_g = bce(D(fake), ones)
            G.zero_grad()
            loss_g.backward()
            eng.sgd(G.parameters())
            return float(loss_d.item()) + float(loss_g.item())
        return step, [G, D]
    return make


def wgan_gp_workload(batch=64, penalty_weight=10.0):
    def make(eng: Engine, seed=0):
        rng = np.random.default_rng(seed)
        real = eng.tensor(rng.uniform(-1, 1, size=(batch, 1, 28, 28)).astype(np.float32))
        fake = eng.tensor(rng.uniform(-1, 1, size=(batch, 1, 28, 28)).astype(np.float32))
        mix = eng.tensor(rng.uniform(size=(batch, 1, 1, 1)).astype(np.float32))
        critic = dcgan_discriminator(eng.nn, batch_norm=False)

        def step():
            # the penalty: (|d critic / d x_hat| - 1)^2 on points between real and fake
            x_hat = mix * real + (1 - mix) * fake
            x_hat.requires_grad_(True)
            (gradient,) = eng.grad(critic(x_hat).sum(), x_hat, create_graph=True)
            norms = (gradient.reshape(batch, -1) ** 2).sum(1).sqrt()
            penalty = ((norms - 1) ** 2).mean()
            loss = critic(fake).mean() - critic(real).mean() + penalty_weight * penalty
            critic.zero_grad()
            loss.backward()                      # through the gradient: a double backward
            eng.sgd(critic.parameters())
            return float(loss.item())
        return step, [critic]
    return make


def _zoo(name, **kwargs):
    def build(nn):
        from glassbox import models
        return getattr(models, name)(nn=nn, **kwargs)
    return build


# name -> (description, workload factory)
WORKLOADS = {
    "mobilenet": ("MobileNetV1 a=0.25, 64x64, batch 16", classifier_workload(
        _zoo("mobilenet_v1", num_classes=10, alpha=0.25, dropout=0.0), (3, 64, 64), 16)),
    "resnet18": ("ResNet18, 64x64, batch 16", classifier_workload(
        _zoo("resnet18", num_classes=10), (3, 64, 64), 16)),
    "resnet50": ("ResNet50, 64x64, batch 4", classifier_workload(
        _zoo("resnet50", num_classes=10), (3, 64, 64), 4)),
    "densenet121": ("DenseNet121, 32x32, batch 8", classifier_workload(
        _zoo("densenet121", num_classes=10), (3, 32, 32), 8)),
    "googlenet": ("GoogLeNet, 64x64, batch 8", classifier_workload(
        _zoo("googlenet", num_classes=10, dropout=0.0), (3, 64, 64), 8)),
    "vgg16": ("VGG16, 32x32, batch 4", classifier_workload(
        _zoo("vgg16", num_classes=10, dropout=0.0), (3, 32, 32), 4)),
    "alexnet": ("AlexNet (torchvision), 64x64, batch 16", classifier_workload(
        _zoo("alexnet", num_classes=10, variant="torchvision", dropout=0.0), (3, 64, 64), 16)),
    "lenet5": ("LeNet-5 (tanh, avg-pool), 32x32, batch 64", classifier_workload(
        _zoo("lenet5"), (1, 32, 32), 64)),
    "mlp": ("MLP 784-256-10, batch 128", classifier_workload(mlp, (784,), 128)),
    "dcgan": ("DCGAN G+D step, batch 64", dcgan_workload()),
    "wgan-gp": ("WGAN-GP critic step (double backward), batch 64", wgan_gp_workload()),
}
QUICK = ["mobilenet", "resnet18", "lenet5", "mlp", "dcgan", "wgan-gp"]


# --------------------------------------------------------------------------------------
# Measurements
# --------------------------------------------------------------------------------------

def copy_weights(glassbox_modules, torch_modules) -> None:
    import torch
    for mine, theirs in zip(glassbox_modules, torch_modules):
        theirs.load_state_dict({key: torch.from_numpy(np.array(value.numpy()))
                                for key, value in mine.state_dict().items()})


# NOTE: after a product, NumPy's OpenBLAS threads spin for ~0.1 s (torch's OpenMP threads
# also spin a little): a block of one engine's steps started right after the other's
# shares the cores with the other's spinning threads. Measured at 2 threads: torch's
# LeNet-5 step 13-16 ms right after glassbox's block (glassbox's linear layers use
# OpenBLAS's threads), 5.4-6.3 ms with OPENBLAS_THREAD_TIMEOUT=4; its MLP step 1.2-1.5 vs
# 1.2 ms. So each block starts after a pause, as a step of a training loop run alone would.
SETTLE_SECONDS = 0.25


def interleaved_median_ms(steps, repeats: int, block: int, clock=time.perf_counter,
                          settle: float = SETTLE_SECONDS) -> list[float]:
    """Median milliseconds of each step, timed in alternating blocks of ``block`` steps,
    each block after a pause of ``settle`` seconds (the other engine's idle threads stop
    spinning)."""
    for step in steps:  # warm-up (BLAS threads, allocator caches)
        step()
        step()
    times = [[] for _ in steps]
    for _ in range(max(1, repeats // block)):
        for step, record in zip(steps, times):
            if settle:
                time.sleep(settle)
                step()  # untimed: the pause may have put this engine's threads to sleep too
            for _ in range(block):
                start = clock()
                step()
                record.append(clock() - start)
    return [1000 * statistics.median(record) for record in times]


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def memory_worker(name: str, engine_name: str, threads: int) -> None:
    """(In a subprocess) print the peak-RSS growth of two steps, in MiB, as JSON."""
    eng = engine(engine_name)
    if engine_name == "torch":
        import torch
        torch.set_num_threads(threads)
    else:
        import glassbox
        glassbox.set_num_threads(threads)
    from threadpoolctl import threadpool_limits
    with threadpool_limits(limits=threads, user_api="blas"):
        step, _ = WORKLOADS[name][1](eng)
        before = _status_kib("VmRSS")
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")  # reset VmHWM (the peak resident set) to the current one
        step()
        step()
        print(json.dumps({"peak_mib": (_status_kib("VmHWM") - before) / 1024}))


def peak_memory_mib(name: str, engine_name: str, threads: int) -> float:
    if not sys.platform.startswith("linux"):
        return float("nan")
    done = subprocess.run(
        [sys.executable, __file__, "--memory-worker", name, engine_name, str(threads)],
        capture_output=True, text=True, timeout=600, env=os.environ.copy())
    if done.returncode:
        print(done.stderr, file=sys.stderr)
        return float("nan")
    return json.loads(done.stdout.strip().splitlines()[-1])["peak_mib"]


def compare(name: str, threads: int, repeats: int, block: int, memory: bool,
            clock=time.perf_counter) -> dict:
    description, make = WORKLOADS[name]
    gb_engine, torch_engine = engine("glassbox"), engine("torch")
    step_mine, modules_mine = make(gb_engine)
    step_theirs, modules_theirs = make(torch_engine)
    copy_weights(modules_mine, modules_theirs)
    loss_mine, loss_theirs = step_mine(), step_theirs()
    if not np.isclose(loss_mine, loss_theirs, rtol=1e-3, atol=1e-3):
        raise AssertionError(f"{name}: first losses differ: glassbox {loss_mine}, "
                             f"torch {loss_theirs}")
    ms_mine, ms_theirs = interleaved_median_ms([step_mine, step_theirs], repeats, block,
                                               clock)
    row = dict(name=name, description=description, threads=threads, glassbox_ms=ms_mine,
               torch_ms=ms_theirs, ratio=ms_mine / ms_theirs, memory=memory)
    if memory:
        row["glassbox_mib"] = peak_memory_mib(name, "glassbox", threads)
        row["torch_mib"] = peak_memory_mib(name, "torch", threads)
        row["memory_ratio"] = row["glassbox_mib"] / max(row["torch_mib"], 1e-9)
    return row


def print_row(row: dict) -> None:
    line = (f"| {row['description']:<48} | {row['threads']} | {row['glassbox_ms']:8.1f} | "
            f"{row['torch_ms']:8.1f} | {row['ratio']:5.2f}x |")
    if "memory_ratio" in row:
        line += (f" {row['glassbox_mib']:7.1f} | {row['torch_mib']:7.1f} | "
                 f"{row['memory_ratio']:5.2f}x |")
    elif row.get("memory"):  # measured at the first thread count only
        line += "  |  |  |"
    print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     epilog=__doc__.split("\n\n", 1)[1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2],
                        help="thread counts, each row at each (default: 1 2); torch, "
                             "glassbox and NumPy's BLAS get the same number")
    parser.add_argument("--repeats", type=int, default=20, help="timed steps per engine")
    parser.add_argument("--block", type=int, default=5, help="steps per alternating block")
    parser.add_argument("--models", nargs="+", choices=list(WORKLOADS), default=None,
                        help="rows to run (default: all)")
    parser.add_argument("--quick", action="store_true",
                        help=f"10 steps, rows {' '.join(QUICK)} unless --models is given")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak memory")
    parser.add_argument("--no-split", action="store_true",
                        help="glassbox's own chunked passes (im2col, pooling, batch norm, "
                             "activations) on one thread, its BLAS still on --threads: "
                             "what those threads bring (compare with and without)")
    parser.add_argument("--products", choices=["glassbox", "blas"], default="glassbox",
                        help="glassbox's matrix products at 2+ threads: on one BLAS thread "
                             "each, the large ones cut over glassbox's threads (default, "
                             "glassbox._gemm), or on NumPy's BLAS threads (the switch "
                             "_gemm._PRODUCTS_ON_OWN_THREADS off); torch is unchanged")
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                        help="wall time (default), or this process's CPU time: steadier on "
                             "a machine shared with other work, but meaningful at 1 thread "
                             "only (it adds up the time of every thread)")
    parser.add_argument("--memory-worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_worker:
        name, engine_name, threads = args.memory_worker
        memory_worker(name, engine_name, int(threads))
        return
    import torch
    from threadpoolctl import threadpool_limits

    import glassbox
    names = args.models or (QUICK if args.quick else list(WORKLOADS))
    repeats = 10 if args.quick else args.repeats
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    print(f"numpy {np.__version__}, torch {torch.__version__}, float32, medians of "
          f"{repeats} steps, {args.clock} clock")
    header = "| workload | threads | glassbox ms | torch ms | ratio |"
    if not args.no_memory:
        header += " glassbox MiB | torch MiB | memory ratio |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for threads in args.threads:
        torch.set_num_threads(threads)
        glassbox.set_num_threads(threads)
        if args.no_split:
            from glassbox import _threads
            _threads._num_threads = 1  # (set_num_threads(1) would limit BLAS too)
        if args.products == "blas":
            from glassbox import _gemm
            _gemm._PRODUCTS_ON_OWN_THREADS = False
        with threadpool_limits(limits=threads, user_api="blas"):
            for name in names:
                row = compare(name, threads, repeats, args.block,
                              memory=not args.no_memory and threads == args.threads[0],
                              clock=clock)
                row["memory"] = not args.no_memory
                print_row(row)


if __name__ == "__main__":
    main()
