"""Where glassbox's train steps spend their wall time at 2 threads, and what each engine gains.

Run (from benchmarks/, with glassbox on the path):

    cd benchmarks && PYTHONPATH=../src python bench_threads.py profile resnet18 dcgan
    python bench_threads.py profile lenet5 --threads 2 --steps 30 --by-op 12
    python bench_threads.py gain mlp lenet5 resnet18     # each engine at 1 and 2 threads

``profile`` times one bench_zoo workload's glassbox step (``bench_zoo.WORKLOADS``) and
splits its wall time, exclusively, into

- *cut products*: matrix products cut over glassbox's threads (``_gemm``'s pieces);
- *cut passes*: array passes cut over the threads (``_threads.parallel_for``: im2col and
  col2im copies, batch norm's channel passes, pooling);
- *whole products*: products run whole on the calling thread (one BLAS thread), and linear
  layers' small products on BLAS's own threads;
- *whole passes*: ``parallel_for`` passes too small to cut;
- *other in ops*: the rest of every autograd Function's forward and backward (NumPy
  element-wise passes, reductions, Python);
- *outside ops*: the engine's graph walk, the modules' Python, the loss and the SGD update.

For the cut sections it also prints how well both threads are used (*thread efficiency*:
the pieces' time summed over the threads / (threads x the section's wall time)), how long
after a section starts the pool thread begins its first piece, and how long the calling
thread waits for it at the end. Everything but the cut sections runs on one thread.
``--by-op N`` adds the N Functions with the most time, split the same way.

``gain`` times each engine at 1 and at 2 threads in one process (alternating blocks, as
bench_zoo) and prints what each gains from its second thread.

The profile's own timers add ~1-2 us per Function call. On a machine shared with other
work, run it where the other work cannot take the cores (see bench_zoo's docstring).
"""

from __future__ import annotations

import argparse
import collections
import threading
import time

import bench_zoo as bz

CATEGORIES = ["cut products", "cut passes", "whole products (1 BLAS thread)",
              "whole products (linear, BLAS threads)", "whole passes", "other in ops",
              "outside ops"]


class Profile:
    """Exclusive wall time per category (and per autograd Function) of glassbox's steps."""

    def __init__(self):
        from glassbox import _gemm, _threads
        self.totals = collections.defaultdict(float)
        self.by_op = collections.defaultdict(float)     # (category, Function) -> seconds
        self.sections = collections.defaultdict(float)  # per kind: wall, busy, start delays..
        self._stack = []    # [start, time of nested timed calls]
        self._ops = []      # the Function running now (innermost last)
        self._kind = threading.local()
        self._main = threading.get_ident()
        self._run_pieces, self._parallel_for = _threads.run_pieces, _threads.parallel_for
        self._matmul = _gemm.matmul
        _threads.run_pieces, _threads.parallel_for = self.run_pieces, self.parallel_for
        _gemm.matmul = self.matmul

    # -- exclusive timers -------------------------------------------------------------
    def _push(self):
        self._stack.append([time.perf_counter(), 0.0])

    def _pop(self, category):
        start, nested = self._stack.pop()
        elapsed = time.perf_counter() - start
        self.totals[category] += elapsed - nested
        self.by_op[category, self._ops[-1] if self._ops else "(outside ops)"] += elapsed - nested
        if self._stack:
            self._stack[-1][1] += elapsed
        return elapsed

    # -- the patched entry points -----------------------------------------------------
    def run_pieces(self, pieces, work):
        kind = getattr(self._kind, "now", "passes")
        start, marks = time.perf_counter(), []

        def timed(first, stop):
            begin = time.perf_counter()
            work(first, stop)
            marks.append((threading.get_ident() == self._main, begin, time.perf_counter()))
        self._push()
        self._run_pieces(pieces, timed)
        wall = self._pop(f"cut {kind}")
        s = self.sections
        s[kind, "count"] += 1
        s[kind, "wall"] += wall
        s[kind, "busy"] += sum(end - begin for _, begin, end in marks)
        pool = [begin for main, begin, _ in marks if not main]
        if pool:
            s[kind, "pool started"] += 1
            s[kind, "pool delay"] += min(pool) - start
        caller_ends = [end for main, _, end in marks if main]
        s[kind, "caller waits"] += start + wall - max(caller_ends, default=start)

    def parallel_for(self, items, work, nbytes):
        from glassbox import _threads
        if _threads.chunk_count(items, nbytes) == 1:
            self._push()
            work(0, items)
            self._pop("whole passes")
            return
        self._kind.now = "passes"
        self._parallel_for(items, work, nbytes)

    def matmul(self, a, b, **kwargs):
        self._kind.now = "products"
        self._push()
        try:
            return self._matmul(a, b, **kwargs)
        finally:
            self._pop("whole products (linear, BLAS threads)"
                      if kwargs.get("whole_on_blas_threads") else "whole products (1 BLAS thread)")
            self._kind.now = "passes"

    def wrap_functions(self):
        """Time every autograd Function defined so far (call after building the model: some
        modules define theirs on import)."""
        from glassbox.autograd.function import Function

        def subclasses(cls):
            for sub in cls.__subclasses__():
                yield sub
                yield from subclasses(sub)
        for cls in set(subclasses(Function)):
            for phase in ("forward", "backward"):
                method = cls.__dict__.get(phase)
                if method is None:
                    continue
                function = method.__func__ if isinstance(method, staticmethod) else method
                if not getattr(function, "profiled", False):
                    timed = self._timed(function, f"{cls.__name__}.{phase}")
                    setattr(cls, phase, staticmethod(timed))

    def _timed(self, function, name):
        def timed(*args, **kwargs):
            self._push()
            self._ops.append(name)
            try:
                return function(*args, **kwargs)
            finally:
                self._pop("other in ops")
                self._ops.pop()
        timed.profiled = True
        return timed

    def clear(self):
        self.totals.clear()
        self.by_op.clear()
        self.sections.clear()


def profile(names, threads: int, steps: int, by_op: int) -> None:
    import glassbox
    prof = Profile()
    glassbox.set_num_threads(threads)
    for name in names:
        step, _ = bz.WORKLOADS[name][1](bz.engine("glassbox"))
        prof.wrap_functions()
        step()
        step()
        prof.clear()
        wall = cpu = 0.0
        for _ in range(steps):
            start, start_cpu = time.perf_counter(), time.process_time()
            step()
            wall += time.perf_counter() - start
            cpu += time.process_time() - start_cpu
        prof.totals["outside ops"] = wall - sum(prof.totals.values())

        def ms(seconds):
            return 1000 * seconds / steps
        cut = prof.totals["cut products"] + prof.totals["cut passes"]
        busy = sum(prof.sections[kind, "busy"] for kind in ("products", "passes"))
        print(f"\n{name} at {threads} threads: step {ms(wall):.1f} ms wall; one thread only "
              f"{ms(wall - cut):.1f} ms ({100 * (wall - cut) / wall:.0f} %), cut over the "
              f"threads {ms(cut):.1f} ms ({100 * cut / wall:.0f} %); threads busy on average "
              f"{(wall - cut + busy) / wall:.2f}; process CPU {ms(cpu):.1f} ms per step")
        for category in CATEGORIES:
            seconds = prof.totals[category]
            line = f"  {category:40s} {ms(seconds):8.2f} ms {100 * seconds / wall:5.1f} %"
            kind = category.split()[-1]
            count = prof.sections[kind, "count"] if category.startswith("cut") else 0
            if count:
                s = prof.sections
                delay = s[kind, "pool delay"] / max(1, s[kind, "pool started"])
                line += (f"  efficiency {s[kind, 'busy'] / (threads * s[kind, 'wall']):.2f}, "
                         f"{count / steps:.0f} sections/step of "
                         f"{1e6 * s[kind, 'wall'] / count:.0f} us, pool thread starts after "
                         f"{1e6 * delay:.0f} us, caller waits "
                         f"{1e6 * s[kind, 'caller waits'] / count:.0f} us at the end")
            print(line)
        if by_op:
            ops = collections.defaultdict(float)
            for (_, op), seconds in prof.by_op.items():
                ops[op] += seconds
            labels = ["cut prod", "cut pass", "whole prod", "linear BLAS", "whole pass", "other"]
            print(f"  {'Function':38s} " + " ".join(f"{label:>11s}" for label in labels)
                  + "  (ms/step)")
            for op in sorted(ops, key=ops.get, reverse=True)[:by_op]:
                print(f"  {op:38s} " + " ".join(f"{ms(prof.by_op[c, op]):11.2f}"
                                                for c in CATEGORIES[:-1]))


def gain(names, repeats: int, block: int) -> None:
    import torch

    import glassbox
    print(f"medians of {repeats} steps, blocks of {block}, wall clock; ms")
    print("| workload | glassbox 1 thr | 2 thr | gain | torch 1 thr | 2 thr | gain "
          "| ratio 1 thr | ratio 2 thr |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in names:
        make = bz.WORKLOADS[name][1]
        step_mine, modules_mine = make(bz.engine("glassbox"))
        step_theirs, modules_theirs = make(bz.engine("torch"))
        bz.copy_weights(modules_mine, modules_theirs)

        def at(step, threads, set_threads):
            def run():
                set_threads(threads)
                step()
            return run
        g1, g2, t1, t2 = bz.interleaved_median_ms(
            [at(step_mine, 1, glassbox.set_num_threads), at(step_mine, 2, glassbox.set_num_threads),
             at(step_theirs, 1, torch.set_num_threads), at(step_theirs, 2, torch.set_num_threads)],
            repeats, block)
        print(f"| {name} | {g1:.2f} | {g2:.2f} | {g1 / g2:.2f}x | {t1:.2f} | {t2:.2f} | "
              f"{t1 / t2:.2f}x | {g1 / t1:.2f} | {g2 / t2:.2f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     epilog=__doc__.split("\n\n", 1)[1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["profile", "gain"])
    parser.add_argument("models", nargs="+", choices=list(bz.WORKLOADS))
    parser.add_argument("--threads", type=int, default=2, help="profile: thread count (2)")
    parser.add_argument("--steps", type=int, default=10, help="profile: timed steps (10)")
    parser.add_argument("--by-op", type=int, default=0, metavar="N",
                        help="profile: also the N Functions with the most time")
    parser.add_argument("--repeats", type=int, default=20, help="gain: timed steps per column")
    parser.add_argument("--block", type=int, default=5, help="gain: steps per alternating block")
    args = parser.parse_args()
    if args.mode == "profile":
        profile(args.models, args.threads, args.steps, args.by_op)
    else:
        gain(args.models, args.repeats, args.block)


if __name__ == "__main__":
    main()
