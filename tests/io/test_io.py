"""Atomic writes and safetensors state dicts."""

import os

import numpy as np
import pytest
import torch
from safetensors.torch import load_file, save_file

from glassbox import io


def test_save_is_readable_by_safetensors_torch(tmp_path):
    state = {"fc.weight": np.arange(6, dtype=np.float32).reshape(2, 3),
             "fc.bias": np.array([1.5, -2.0], dtype=np.float64),
             "bn.num_batches_tracked": np.array(3, dtype=np.int64)}
    path = io.save(state, tmp_path / "m.safetensors", metadata={"epoch": 4})
    loaded = load_file(str(path))
    for name, array in state.items():
        assert loaded[name].dtype == torch.from_numpy(np.asarray(array)).dtype
        np.testing.assert_array_equal(loaded[name].numpy(), array)
    assert io.load_metadata(path) == {"epoch": "4"}


def test_load_reads_torch_written_file(tmp_path):
    weights = {"w": torch.randn(3, 4, dtype=torch.float64)}
    save_file(weights, str(tmp_path / "t.safetensors"))
    loaded = io.load(tmp_path / "t.safetensors", as_numpy=True)
    np.testing.assert_array_equal(loaded["w"], weights["w"].numpy())


def test_save_accepts_torch_tensors(tmp_path):
    path = io.save({"w": torch.ones(2, 2)}, tmp_path / "w.safetensors")
    np.testing.assert_array_equal(io.load(path, as_numpy=True)["w"], np.ones((2, 2)))


@pytest.mark.parametrize("cut", [0, 5, 20, -3])
def test_truncated_file_is_refused(tmp_path, cut):
    path = io.save({"w": np.ones((4, 4), np.float32)}, tmp_path / "w.safetensors")
    raw = path.read_bytes()
    path.write_bytes(raw[:cut] if cut >= 0 else raw[:len(raw) + cut])
    with pytest.raises(ValueError, match="not a valid safetensors file"):
        io.load(path, as_numpy=True)


def test_pickle_file_is_refused_without_running_it(tmp_path):
    import pickle

    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self):
            return (os.mkdir, (str(marker),))

    path = tmp_path / "evil.safetensors"
    path.write_bytes(pickle.dumps(Evil()))
    with pytest.raises(ValueError):
        io.load(path, as_numpy=True)
    assert not marker.exists()


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="No checkpoint"):
        io.load(tmp_path / "none.safetensors")


def test_bad_values_are_refused(tmp_path):
    with pytest.raises(TypeError, match="mapping"):
        io.save([1, 2], tmp_path / "x")
    with pytest.raises(TypeError, match="numeric"):
        io.save({"s": np.array(["a"])}, tmp_path / "x")
    with pytest.raises(TypeError, match="bytes"):
        io.atomic_write(tmp_path / "x", "text")


def test_interrupted_write_keeps_old_file(tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    io.atomic_write_text(target, "old")

    def crash(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(KeyboardInterrupt):
        io.atomic_write_text(target, "new " * 1000)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
