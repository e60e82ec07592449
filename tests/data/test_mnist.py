"""MNIST loader: the shared files, the search order, refusal of bad files, downloads.

Every test that writes uses copies in tmp_path and points $GLASSBOX_CACHE there, so the
real home folder and the shared data are never touched.
"""

import gzip
import hashlib
import http.server
import shutil
import threading
from functools import partial
from pathlib import Path

import numpy as np
import pytest

from glassbox.data import MNIST, DataLoader, load_mnist, numpy_collate
from glassbox.data.mnist import MNIST_FILES
from glassbox.data.sources import cache_dir

SHARED_MNIST = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "mnist"
TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
TEST_IMAGES, TEST_LABELS = (file.name for file in MNIST_FILES["test"])

pytestmark = pytest.mark.skipif(not SHARED_MNIST.is_dir(),
                                reason="the shared MNIST files are not available")


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """Each test gets an empty cache of its own."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("GLASSBOX_CACHE", str(cache))
    return cache


@pytest.fixture(scope="module")
def mnist_train():
    return load_mnist("train", data_dir=SHARED_MNIST.parent)


@pytest.fixture(scope="module")
def mnist_test():
    return load_mnist("test", data_dir=SHARED_MNIST.parent)


def copy_test_split(folder: Path, compressed: bool = True) -> Path:
    """The two test-split files in ``folder`` (gzipped as shared, or decompressed)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in (TEST_IMAGES, TEST_LABELS):
        source = SHARED_MNIST / f"{name}.gz"
        if compressed:
            shutil.copy(source, folder / f"{name}.gz")
        else:
            (folder / name).write_bytes(gzip.decompress(source.read_bytes()))
    return folder


def cached_files(cache: Path) -> list[Path]:
    return sorted(path for path in cache.rglob("*") if path.is_file())


# --- the shared files ---------------------------------------------------------------

def test_train_split_shapes_dtypes_and_label_counts(mnist_train):
    images, labels = mnist_train
    assert images.shape == (60000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (60000,) and labels.dtype == np.int64
    assert np.bincount(labels).tolist() == TRAIN_COUNTS
    assert images.min() == 0 and images.max() == 255


def test_test_split_shapes_dtypes_and_label_counts(mnist_test):
    images, labels = mnist_test
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert np.bincount(labels).tolist() == TEST_COUNTS
    assert labels[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]  # the well-known start


def test_as_float_is_pixels_over_255(mnist_test):
    images, _ = mnist_test
    scaled, labels = load_mnist("test", data_dir=SHARED_MNIST.parent, as_float=True)
    assert scaled.dtype == np.float32 and scaled.min() == 0.0 and scaled.max() == 1.0
    np.testing.assert_array_equal(scaled, images.astype(np.float32) / np.float32(255))


def test_returned_arrays_are_private_copies(mnist_test):
    images, _ = load_mnist("test", data_dir=SHARED_MNIST.parent)
    images[:] = 0  # must not corrupt the in-memory cache
    again, _ = load_mnist("test", data_dir=SHARED_MNIST.parent)
    np.testing.assert_array_equal(again, mnist_test[0])


def test_mnist_dataset_and_loader_fast_path_agree(mnist_test):
    dataset = MNIST(root=SHARED_MNIST.parent, train=False)
    image, label = dataset[3]
    assert image.shape == (1, 28, 28) and image.dtype == np.float32
    assert label == mnist_test[1][3]
    xb, yb = next(iter(DataLoader(dataset, batch_size=5, collate_fn=numpy_collate)))
    np.testing.assert_array_equal(xb[:, 0], mnist_test[0][:5] / np.float32(255))
    np.testing.assert_array_equal(yb, mnist_test[1][:5])


def test_bad_split_name():
    with pytest.raises(ValueError, match="expected 'train' or 'test', received 'validation'"):
        load_mnist("validation")


# --- search order ----------------------------------------------------------------------

@pytest.mark.parametrize("compressed", [True, False])
def test_data_dir_may_be_the_parent_or_the_mnist_folder(tmp_path, monkeypatch, compressed,
                                                       mnist_test):
    monkeypatch.delenv("GLASSBOX_DATA", raising=False)
    folder = copy_test_split(tmp_path / "data" / "mnist", compressed)
    for data_dir in (folder.parent, folder):
        images, labels = load_mnist("test", data_dir=data_dir, download=False)
        np.testing.assert_array_equal(images, mnist_test[0])
        np.testing.assert_array_equal(labels, mnist_test[1])


def test_data_dir_comes_before_glassbox_data(tmp_path, monkeypatch):
    # $GLASSBOX_DATA holds a broken file: it must not even be read when data_dir works.
    broken = tmp_path / "broken" / "mnist"
    broken.mkdir(parents=True)
    (broken / f"{TEST_IMAGES}.gz").write_bytes(b"not gzip at all")
    monkeypatch.setenv("GLASSBOX_DATA", str(broken.parent))
    good = copy_test_split(tmp_path / "good" / "mnist")
    images, _ = load_mnist("test", data_dir=good.parent, download=False)
    assert images.shape == (10000, 28, 28)
    with pytest.raises(ValueError, match="broken"):
        load_mnist("test", download=False)  # without data_dir, $GLASSBOX_DATA is used


def test_cache_is_used_after_the_environment(tmp_path, monkeypatch, private_cache):
    monkeypatch.delenv("GLASSBOX_DATA", raising=False)
    copy_test_split(private_cache / "mnist")
    assert cache_dir() == private_cache
    images, labels = load_mnist("test", download=False)
    assert np.bincount(labels).tolist() == TEST_COUNTS


def test_nothing_found_lists_every_place_and_how_to_fix(tmp_path, monkeypatch, private_cache):
    monkeypatch.setenv("GLASSBOX_DATA", str(tmp_path / "env-data"))
    with pytest.raises(FileNotFoundError) as error:
        load_mnist("test", data_dir=tmp_path / "arg-data", download=False)
    message = str(error.value)
    for place in (tmp_path / "arg-data" / "mnist", tmp_path / "arg-data",
                  tmp_path / "env-data" / "mnist", private_cache / "mnist"):
        assert f"{place / TEST_IMAGES}.gz" in message
    for hint in ("--data-dir", "GLASSBOX_DATA", "train-images-idx3-ubyte.gz",
                 "t10k-labels-idx1-ubyte.gz", "download"):
        assert hint in message


# --- bad files are refused, never used, never cached ----------------------------------

def corrupt(tmp_path: Path, change) -> Path:
    """A data folder whose test-images file is ``change(decompressed bytes)``, plain."""
    folder = copy_test_split(tmp_path / "bad" / "mnist", compressed=False)
    path = folder / TEST_IMAGES
    path.write_bytes(change(path.read_bytes()))
    return folder


def flip_byte(data: bytes, position: int) -> bytes:
    return data[:position] + bytes([data[position] ^ 0xFF]) + data[position + 1:]


@pytest.mark.parametrize("change, expected_message", [
    (lambda data: data[:-1000], r"truncated: .*expected 7840016 bytes, received 7839016"),
    (lambda data: flip_byte(data, 5000), r"SHA-256 mismatch .*expected 0fa7898d"),
    (lambda data: data + b"\x00", r"trailing bytes: .*expected 7840016 bytes, received 7840017"),
    (lambda data: flip_byte(data, 2), r"unknown idx dtype code"),
    (lambda data: flip_byte(data, 7), r"expected size 10000 on axis 0"),
    (lambda data: b"", r"expected a header of at least 4 bytes, received 0"),
], ids=["truncated", "corrupted-byte", "padded", "bad-dtype", "bad-count", "empty"])
def test_bad_file_is_refused_with_a_clear_message(tmp_path, monkeypatch, private_cache,
                                                  change, expected_message, mnist_test):
    monkeypatch.delenv("GLASSBOX_DATA", raising=False)
    folder = corrupt(tmp_path, change)
    with pytest.raises(ValueError, match=expected_message) as error:
        load_mnist("test", data_dir=folder)
    assert str(folder / TEST_IMAGES) in str(error.value)  # names the file
    assert cached_files(private_cache) == []  # nothing was downloaded or cached
    # Never used: once the file is repaired the true data loads from the same path.
    copy_test_split(folder, compressed=False)
    np.testing.assert_array_equal(load_mnist("test", data_dir=folder)[0], mnist_test[0])


def test_truncated_and_corrupted_gzip_are_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("GLASSBOX_DATA", raising=False)
    folder = copy_test_split(tmp_path / "gz" / "mnist")
    path = folder / f"{TEST_LABELS}.gz"
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ValueError, match=r"corrupted or truncated gzip data") as error:
        load_mnist("test", data_dir=folder)
    assert str(path) in str(error.value)
    path.write_bytes(flip_byte(raw, len(raw) - 6))  # inside the CRC-32 / size trailer
    with pytest.raises(ValueError, match=str(path)):
        load_mnist("test", data_dir=folder)


def test_swapped_files_are_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("GLASSBOX_DATA", raising=False)
    folder = copy_test_split(tmp_path / "swap" / "mnist", compressed=False)
    labels = (folder / TEST_LABELS).read_bytes()
    (folder / TEST_IMAGES).write_bytes(labels)
    with pytest.raises(ValueError, match=r"expected an idx file of 3 dimension\(s\), received 1"):
        load_mnist("test", data_dir=folder)


# --- downloads from a local server -------------------------------------------------------

class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def mirror_root(tmp_path_factory):
    """A local HTTP server with /good/ (the shared files) and /bad/ (images corrupted)."""
    root = tmp_path_factory.mktemp("mirror")
    copy_test_split(root / "good")
    bad = copy_test_split(root / "bad")
    images = bytearray(gzip.decompress((bad / f"{TEST_IMAGES}.gz").read_bytes()))
    images[123456] ^= 0x01  # one bit of one pixel
    (bad / f"{TEST_IMAGES}.gz").write_bytes(gzip.compress(bytes(images), compresslevel=1))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_download_is_verified_and_cached(monkeypatch, private_cache, mirror_root, mnist_test):
    monkeypatch.delenv("GLASSBOX_DATA", raising=False)
    images, labels = load_mnist("test", mirrors=[f"{mirror_root}/good/"])
    np.testing.assert_array_equal(images, mnist_test[0])
    np.testing.assert_array_equal(labels, mnist_test[1])
    cached = cached_files(private_cache)
    assert [path.name for path in cached] == [f"{TEST_IMAGES}.gz", f"{TEST_LABELS}.gz"]
    expected = MNIST_FILES["test"][0].sha256
    assert hashlib.sha256(gzip.decompress(cached[0].read_bytes())).hexdigest() == expected
    # From now on the cache serves it, without a network.
    again, _ = load_mnist("test", download=False, mirrors=[])
    np.testing.assert_array_equal(again, mnist_test[0])


def test_corrupted_download_is_refused_and_not_cached(monkeypatch, private_cache, mirror_root):
    monkeypatch.delenv("GLASSBOX_DATA", raising=False)
    with pytest.raises(FileNotFoundError) as error:
        load_mnist("test", mirrors=[f"{mirror_root}/bad/"])
    message = str(error.value)
    assert f"{mirror_root}/bad/{TEST_IMAGES}.gz" in message
    assert "SHA-256 mismatch" in message and "expected 0fa7898d" in message
    assert not any(path.name.startswith(TEST_IMAGES) for path in cached_files(private_cache))


def test_next_mirror_is_tried_after_a_bad_one(monkeypatch, private_cache, mirror_root,
                                              mnist_test):
    monkeypatch.delenv("GLASSBOX_DATA", raising=False)
    images, _ = load_mnist("test", mirrors=[f"{mirror_root}/bad/", f"{mirror_root}/missing/",
                                            f"{mirror_root}/good/"])
    np.testing.assert_array_equal(images, mnist_test[0])


def test_unreachable_mirror_is_reported(monkeypatch, mirror_root):
    monkeypatch.delenv("GLASSBOX_DATA", raising=False)
    with pytest.raises(FileNotFoundError, match=r"missing/t10k-images-idx3-ubyte.gz  "
                                                r"\[download failed: HTTP Error 404"):
        load_mnist("test", mirrors=[f"{mirror_root}/missing/"])
