"""The gan lab's quick run, on both engines: saturation visible, samples that move, FID
above its floor."""

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from glassbox.lab import gan, run_lab

RUNS = ("minimax", "non_saturating", "labels", "dcgan", "wgan_clip", "wgan_gp")


@pytest.fixture(scope="module")
def finished():
    # the metrics of each engine's quick run, for the worker test to compare with
    return {}


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    # the LeNet-5 of the FID is trained once into this module's own cache (quick: seconds)
    return tmp_path_factory.mktemp("cache")


@pytest.mark.parametrize("engine", ["glassbox", "torch"])
def test_quick_run_shows_saturation_and_measures_every_run(engine, cache, finished, tmp_path,
                                                           monkeypatch):
    monkeypatch.setenv("GLASSBOX_CACHE", str(cache))
    import torch

    threads = torch.get_num_threads()
    with threadpool_limits(limits=1):
        report = run_lab("gan", quick=True, out_dir=tmp_path / "out", show_progress=False,
                         engine=engine)
    assert torch.get_num_threads() == threads  # the quick torch run's 1 thread, restored
    metrics = json.loads((report.parent / "metrics.json").read_text())
    finished[engine] = metrics
    assert json.loads((report.parent / "config.json").read_text())["engine"] == engine
    assert (cache / "models" / "lenet5_mnist_quick.safetensors").is_file()
    assert metrics["classifier_test_accuracy"] > 0.85
    assert np.isclose(sum(metrics["real_class_histogram"]), 1.0)
    # k = 5 discriminator steps: the minimax generator's gradient is several times smaller
    assert metrics["saturation_ratio"] > 3
    # real digits against real digits are far closer than any generator after seconds
    for name in RUNS:
        run = metrics[name]
        assert run["fid"] > 5 * metrics["fid_floor"], name
        assert np.isclose(sum(run["class_histogram"]), 1.0)
        assert 0 <= run["entropy"] <= np.log(10) + 1e-12
        assert (tmp_path / "out" / "gan" / "checkpoints" / name / "last.safetensors").is_file()
    # DCGAN learns something even in 40 steps: its FID falls (the last weights'; the
    # average of the weights follows them, a few steps behind)
    first, *_, last = metrics["dcgan"]["fid_over_training_last_weights"]
    assert last < 0.9 * first
    first, *_, last = metrics["dcgan"]["fid_over_training"]
    assert last < first
    assert metrics["dcgan"]["fid"] != metrics["dcgan"]["fid_last_weights"]
    for name in ("wgan_clip", "wgan_gp"):
        assert np.isfinite(metrics[name]["wasserstein_estimate"])
    assert "targets_met" not in metrics  # the targets are the full mode's
    for figure in ("saturation", "gradient_norms", "losses", "wasserstein", "fid",
                   "class_histograms", *(f"samples_{name}" for name in RUNS)):
        assert (report.parent / "figures" / f"{figure}.png").is_file(), figure
    assert "Saturation: minimax vs non-saturating" in report.read_text()



def _glassbox_quick_run(finished, tmp_path):
    """The glassbox engine's quick metrics: those of the first test, or (a test run alone)
    of a quick run made now."""
    if "glassbox" not in finished:
        finished["glassbox"] = json.loads((run_lab(
            "gan", quick=True, out_dir=tmp_path / "here", show_progress=False).parent
            / "metrics.json").read_text())


def test_worker_processes_give_the_same_figures(cache, finished, tmp_path, monkeypatch):
    """The full mode trains its runs in worker processes: same runs, same figures."""
    monkeypatch.setenv("GLASSBOX_CACHE", str(cache))
    _glassbox_quick_run(finished, tmp_path)  # the in-process run first
    # two workers, the runs shared out unlike the full mode's (any split: same figures)
    monkeypatch.setattr(gan, "QUICK", dataclasses.replace(
        gan.QUICK, workers=(("wgan_gp", "minimax", "labels"),
                            ("dcgan", "non_saturating", "wgan_clip"))))
    report = run_lab("gan", quick=True, out_dir=tmp_path / "out", show_progress=False)
    metrics = json.loads((report.parent / "metrics.json").read_text())
    expected = finished["glassbox"]
    for name in RUNS:
        for key in ("fid", "confidence", "class_histogram", "fid_over_training"):
            np.testing.assert_allclose(metrics[name][key], expected[name][key], rtol=1e-6,
                                       err_msg=f"{name} {key}")
        assert (tmp_path / "out" / "gan" / "checkpoints" / name / "last.safetensors").is_file()
    assert metrics["saturation_ratio"] == pytest.approx(expected["saturation_ratio"], rel=1e-6)


def test_the_average_of_the_weights_only_watches_the_run(cache, finished, tmp_path,
                                                         monkeypatch):
    """Sampling from an average of the generator's weights changes what is sampled, not
    how the run trains: without the average, DCGAN ends with the very figures the averaged
    run reports for its last weights, and every other run is unchanged."""
    monkeypatch.setenv("GLASSBOX_CACHE", str(cache))
    _glassbox_quick_run(finished, tmp_path)  # the in-process run, with the average
    assert "dcgan" in gan.QUICK.ema
    monkeypatch.setattr(gan, "QUICK", dataclasses.replace(gan.QUICK, ema={}))
    report = run_lab("gan", quick=True, out_dir=tmp_path / "out", show_progress=False)
    metrics = json.loads((report.parent / "metrics.json").read_text())
    expected = finished["glassbox"]
    for key in ("fid", "confidence", "class_histogram", "fid_over_training"):
        np.testing.assert_allclose(metrics["dcgan"][key], expected["dcgan"][f"{key}_last_weights"],
                                   rtol=1e-6, err_msg=key)
    assert metrics["dcgan"]["fid"] != expected["dcgan"]["fid"]  # the average's differ
    for name in set(RUNS) - {"dcgan"}:
        for key in ("fid", "confidence", "class_histogram", "fid_over_training"):
            np.testing.assert_allclose(metrics[name][key], expected[name][key], rtol=1e-6,
                                       err_msg=f"{name} {key}")


def test_a_failing_worker_stops_the_lab_with_its_error(cache, tmp_path, monkeypatch):
    """An error in a worker reaches the caller as itself (here the optimizer's refusal of
    a NaN learning rate), the other worker is stopped, and no run folder is left."""
    monkeypatch.setenv("GLASSBOX_CACHE", str(cache))
    monkeypatch.setattr(gan, "QUICK", dataclasses.replace(
        gan.QUICK, workers=(("minimax",), tuple(gan.RUNS)[1:]), lr_scale=float("nan")))
    with pytest.raises(ValueError, match="learning rate"):
        run_lab("gan", quick=True, out_dir=tmp_path / "out", show_progress=False)
    assert not (tmp_path / "out").exists()


LAB_WITH_WORKERS = """
import dataclasses, sys
from glassbox.lab import gan, run_lab
if __name__ == "__main__":
    others = tuple(name for name in gan.RUNS if name != "dcgan")
    gan.QUICK = dataclasses.replace(gan.QUICK, epochs={**gan.QUICK.epochs, "dcgan": 50},
                                    workers=(("dcgan",), others))
    run_lab("gan", quick=True, out_dir=sys.argv[1], show_progress=False)
"""


def _children(pid):
    tasks = Path(f"/proc/{pid}/task")
    return {int(child) for task in tasks.iterdir()
            for child in (task / "children").read_text().split()} if tasks.exists() else set()


def _running(pid):
    try:
        return "\tZ" not in Path(f"/proc/{pid}/status").read_text().split("State:")[1][:4]
    except (FileNotFoundError, IndexError):
        return False


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_workers_end_with_their_parent(cache, tmp_path):
    """A lab killed outright (SIGKILL, or `timeout`'s SIGTERM) leaves no worker behind."""
    script = tmp_path / "lab.py"
    script.write_text(LAB_WITH_WORKERS)
    env = {**os.environ, "GLASSBOX_CACHE": str(cache), "MPLBACKEND": "Agg",
           "PYTHONPATH": os.pathsep.join(sys.path)}
    lab = subprocess.Popen([sys.executable, str(script), str(tmp_path / "out")], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(workers := _children(lab.pid)) < 3:  # two workers and the resource tracker
        assert lab.poll() is None and time.monotonic() < deadline, "no workers started"
        time.sleep(0.05)
    lab.kill()
    lab.wait()
    deadline = time.monotonic() + 20
    while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_running(pid) for pid in workers)


LAB_INTERRUPTED = """
import signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with it ignored
""" + LAB_WITH_WORKERS.replace("    run_lab(", "    try:\n        run_lab(").replace(
    "show_progress=False)\n",
    "show_progress=False)\n    except KeyboardInterrupt:\n        sys.exit(130)\n")


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_ctrl_c_stops_the_workers_without_leftovers(cache, tmp_path):
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it) while both workers
    train: the workers end, no staging folder is left, and multiprocessing's resource
    tracker has nothing to clean up (tqdm's default lock, a named semaphore in each worker,
    made it warn of a "leaked semaphore" after every interrupted run)."""
    script = tmp_path / "lab.py"
    script.write_text(LAB_INTERRUPTED)
    env = {**os.environ, "GLASSBOX_CACHE": str(cache), "MPLBACKEND": "Agg",
           "PYTHONPATH": os.pathsep.join(sys.path)}
    out, stderr = tmp_path / "out", tmp_path / "stderr.txt"
    with stderr.open("w") as err:
        lab = subprocess.Popen([sys.executable, str(script), str(out)], env=env,
                               stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
    deadline = time.monotonic() + 120
    # both workers are training once the DCGAN worker has written a checkpoint
    while not any("dcgan" in str(path) for path in out.rglob("*.safetensors")):
        assert lab.poll() is None and time.monotonic() < deadline, stderr.read_text()
        time.sleep(0.05)
    children = _children(lab.pid)  # the two workers and the resource tracker
    os.killpg(lab.pid, signal.SIGINT)
    assert lab.wait(timeout=60) == 130
    deadline = time.monotonic() + 20
    while any(_running(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_running(pid) for pid in children)
    assert "leaked" not in stderr.read_text(), stderr.read_text()
    assert not out.exists() or not any(out.iterdir())  # the staging folder removed
