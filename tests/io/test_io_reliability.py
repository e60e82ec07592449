"""Files as plain ``open`` would write them (umask), identical bytes for identical content,
and load errors that say what is wrong."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.numpy import save as safetensors_save
from safetensors.torch import save_file

from glassbox import io


@pytest.fixture
def umask():
    """Set the process umask for a test, and restore it after."""
    previous = os.umask(0o022)
    os.umask(previous)
    yield lambda mask: os.umask(mask)
    os.umask(previous)


def _mode(path):
    return path.stat().st_mode & 0o777


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o077, 0o002], ids=oct)
def test_new_files_get_the_mode_open_would_give(tmp_path, umask, mask):
    umask(mask)
    with open(tmp_path / "plain", "wb") as handle:
        handle.write(b"x")
    io.atomic_write(tmp_path / "atomic", b"x")
    io.save({"w": np.ones(2)}, tmp_path / "w.safetensors")
    torch.save({"w": torch.ones(2)}, tmp_path / "w.pt")
    expected = 0o666 & ~mask
    assert _mode(tmp_path / "plain") == expected
    assert _mode(tmp_path / "w.pt") == expected
    assert _mode(tmp_path / "atomic") == expected
    assert _mode(tmp_path / "w.safetensors") == expected


def test_replacing_a_file_keeps_its_mode(tmp_path, umask):
    umask(0o077)
    target = tmp_path / "report.html"
    target.write_text("old")
    os.chmod(target, 0o644)
    io.atomic_write_text(target, "new")
    assert target.read_text() == "new" and _mode(target) == 0o644
    os.chmod(target, 0o640)
    io.atomic_write_text(target, "newer")
    assert _mode(target) == 0o640


_SAVE_IN_A_PROCESS = """
import hashlib, sys
import numpy as np
from glassbox.io import save
state = {f"layer{i}.weight": np.arange(6, dtype=np.float32).reshape(2, 3) * i for i in range(5)}
state["step"] = np.array(7, dtype=np.int64)
metadata = {"epoch": "3", "model": "mlp", "engine": "glassbox", "lr": "0.001", "seed": "0",
            "best": "0.97", "note": "é"}
path = save(state, sys.argv[1], metadata=metadata)
print(hashlib.sha256(path.read_bytes()).hexdigest())
"""


def test_the_same_state_saved_by_four_processes_gives_one_file(tmp_path):
    src = str(Path(io.__file__).parents[1])
    env = {**os.environ, "PYTHONPATH": src}
    digests = {
        subprocess.run([sys.executable, "-c", _SAVE_IN_A_PROCESS, str(tmp_path / f"{i}.st")],
                       env=env, capture_output=True, text=True, check=True).stdout.strip()
        for i in range(4)}
    assert len(digests) == 1
    assert io.load_metadata(tmp_path / "0.st")["note"] == "é"


DTYPES = [np.float64, np.float32, np.float16, np.int64, np.int32, np.int16, np.int8,
          np.uint8, np.uint16, np.uint32, np.uint64, np.bool_]


@pytest.mark.parametrize("seed", range(5))
def test_bytes_equal_the_reference_writer_without_metadata(seed):
    rng = np.random.default_rng(seed)
    state = {}
    for index in range(8):
        dtype = DTYPES[rng.integers(len(DTYPES))]
        shape = tuple(int(s) for s in rng.integers(0, 4, size=rng.integers(0, 3)))
        state[f"t{rng.integers(100)}.{index}"] = np.asarray(
            (rng.normal(size=shape) * 50).astype(dtype))
    assert io.safetensors_bytes(state) == safetensors_save(state)
    # one metadata key has only one order, so the reference's bytes are ours too
    assert io.safetensors_bytes(state, {"epoch": "2"}) == safetensors_save(
        state, metadata={"epoch": "2"})


def test_big_endian_arrays_are_stored_little_endian(tmp_path):
    array = np.arange(5, dtype=">i4")
    path = io.save({"a": array}, tmp_path / "a.safetensors")
    np.testing.assert_array_equal(io.load(path, as_numpy=True)["a"], array)
    assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(
        io.safetensors_bytes({"a": array.astype("<i4")})).digest()


def test_a_bfloat16_file_says_the_dtype_is_not_supported(tmp_path):
    path = tmp_path / "bf16.safetensors"
    save_file({"w": torch.ones(2, 2, dtype=torch.bfloat16)}, str(path))
    with pytest.raises(ValueError) as error:
        io.load(path)
    message = str(error.value)
    assert "tensor 'w' has dtype BF16, which NumPy (and so glassbox) cannot hold" in message
    assert "v.float()" in message and "truncated" not in message


def test_a_folder_given_to_load_is_named_a_folder(tmp_path):
    io.save({"w": np.ones(1)}, tmp_path / "best.safetensors")
    with pytest.raises(IsADirectoryError, match="is a folder, expected a .safetensors file; "
                                                "it holds best.safetensors"):
        io.load(tmp_path)
