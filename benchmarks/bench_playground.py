"""Frames per second of the playground: a 2-8-8-1 network on 500 points (goal >= 30).

Run:  python benchmarks/bench_playground.py [--seconds 10] [--threads 1 2]

What is measured, for each thread count (BLAS threads of the server, and torch's):

1. **end to end**: ``glassbox playground`` runs in a child process (real uvicorn); a
   WebSocket client in this process plays the page's part: it loads the settings
   (circle, features x1 x2, hidden 8,8, batch 10, half of the 500 points for training,
   so 25 mini-batch steps per frame), presses play and acknowledges every frame as the
   page does after drawing it. Frames per second over ``--seconds`` after a 1 s warm-up,
   the mean frame size, and frames per CPU-second of the server process (what one free
   core would stream: on a loaded machine wall-clock frames per second understate it).
2. **where the time goes**, in this process on a :class:`Session`: one epoch of training
   (25 steps), one frame (heat maps of every neuron, decision map, metrics) and its JSON.
3. **the same epoch in torch** (same network, batches, loss and optimizer), for the ratio.

Frames are not drawn here, so (1) is what the server can stream; a real browser adds its
drawing time on the same CPUs. The machine may be shared: compare the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

SRC = Path(__file__).resolve().parents[1] / "src"
sys.path.insert(0, str(SRC))

QUERY = ("problem=classification&dataset=circle&features=x1,x2&hidden=8,8&batch_size=10"
         "&train_ratio=50&activation=tanh&optimizer=sgd&learning_rate=0.03")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def end_to_end(threads: int, seconds: float) -> tuple[float, float, float]:
    """Frames per second, mean frame bytes, and frames per CPU-second of the server,
    through a real server and socket."""
    from websockets.sync.client import connect

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(SRC), "OMP_NUM_THREADS": str(threads),
           "OPENBLAS_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads)}
    server = subprocess.Popen(
        [sys.executable, "-c", "from glassbox.cli import main; main()", "playground",
         "--no-browser", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        server.stdout.readline()  # the banner
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                ws = connect(f"ws://127.0.0.1:{port}/ws", origin=base, max_size=None)
                break
            except OSError:
                time.sleep(0.05)
        with ws:
            ws.send(json.dumps({"type": "load", "query": QUERY}))
            json.loads(ws.recv())
            ws.send(json.dumps({"type": "play"}))
            frames, sizes, start, warm = 0, [], time.perf_counter(), None
            while True:
                text = ws.recv()
                message = json.loads(text)
                if message["type"] != "frame":
                    continue
                ws.send(json.dumps({"type": "ack", "epoch": message["epoch"]}))
                now = time.perf_counter()
                if warm is None:
                    if now - start >= 1.0:
                        warm, frames, cpu = now, 0, cpu_seconds(server.pid)
                    continue
                frames += 1
                sizes.append(len(text))
                if now - warm >= seconds:
                    break
            cpu = cpu_seconds(server.pid) - cpu
            ws.send(json.dumps({"type": "pause"}))
        return frames / (now - warm), statistics.mean(sizes), frames / cpu
    finally:
        server.terminate()
        server.wait(10)


def median_time(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def in_process(repeats: int) -> dict:
    import torch

    from glassbox.playground.datasets import features
    from glassbox.playground.session import Session
    from glassbox.playground.settings import Settings

    session = Session(Settings.from_query(QUERY))
    session.train_epoch()
    epoch = median_time(session.train_epoch, repeats)
    frame = median_time(session.frame, repeats)
    payload = session.frame()
    encode = median_time(lambda: json.dumps(payload, allow_nan=False), repeats)

    theirs = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 8),
                                 torch.nn.Tanh(), torch.nn.Linear(8, 1))
    theirs.load_state_dict({k: torch.from_numpy(v.numpy().copy())
                            for k, v in session.model.state_dict().items()})
    optimizer = torch.optim.SGD(theirs.parameters(), lr=0.03)
    X = torch.from_numpy(features(session.data.X[session.train_index], ("x1", "x2")))
    y = torch.from_numpy(session.data.y[session.train_index].astype(np.float32)[:, None])
    rng = np.random.default_rng(0)

    def torch_epoch():
        order = torch.from_numpy(rng.permutation(len(y)))
        for start in range(0, len(y), 10):
            batch = order[start:start + 10]
            loss = torch.nn.functional.binary_cross_entropy_with_logits(theirs(X[batch]),
                                                                        y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

    torch_epoch()
    return {"epoch": epoch, "frame": frame, "json": encode,
            "torch_epoch": median_time(torch_epoch, repeats)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()

    import torch
    from threadpoolctl import threadpool_limits

    print(f"load average before: {' '.join(f'{v:.1f}' for v in os.getloadavg())} on "
          f"{os.cpu_count()} CPUs")
    print("playground: 2-8-8-1 (tanh, SGD), circle, 500 points, 250 for training, batch 10 "
          "(25 steps per frame)")
    print(f"{'threads':>7}  {'frames/s':>8}  {'per cpu-s':>9}  {'frame KB':>8}  {'epoch ms':>8}  "
          f"{'torch ms':>8}  {'ratio':>5}  {'frame ms':>8}  {'json ms':>7}  goal >= 30 fps")
    for threads in args.threads:
        torch.set_num_threads(threads)
        with threadpool_limits(threads):
            parts = in_process(args.repeats)
        fps, size, per_cpu = end_to_end(threads, args.seconds)
        print(f"{threads:>7}  {fps:8.1f}  {per_cpu:9.1f}  {size / 1000:8.1f}  "
              f"{parts['epoch'] * 1e3:8.2f}  "
              f"{parts['torch_epoch'] * 1e3:8.2f}  {parts['epoch'] / parts['torch_epoch']:5.2f}"
              f"  {parts['frame'] * 1e3:8.2f}  {parts['json'] * 1e3:7.2f}  "
              f"{'met' if fps >= 30 else 'NOT met'}")


if __name__ == "__main__":
    main()
