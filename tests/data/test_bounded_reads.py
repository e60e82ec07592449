"""No file or download is read without a bound: gzip bombs, huge files, endless and slow
mirrors are refused after reading little more than the expected size."""

import http.server
import threading
import time
import tracemalloc
import zlib

import pytest

from glassbox.data import compas, load_mnist
from glassbox.data.compas import COMPAS_FILE, load_compas
from glassbox.data.mnist import MNIST_FILES
from glassbox.data.sources import DataFile, download

IMAGES, LABELS = MNIST_FILES["test"]


def _gzip_bomb(decompressed_size):
    """A gzip file of zeros: ~1000 times smaller than what it expands to."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1 << 20)
    parts = [compressor.compress(block) for _ in range(decompressed_size >> 20)]
    return b"".join(parts) + compressor.flush()


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GLASSBOX_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("GLASSBOX_DATA", raising=False)


def _peak_memory(function):
    tracemalloc.start()
    try:
        function()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_a_gzip_bomb_is_refused_after_the_expected_size(tmp_path):
    folder = tmp_path / "mnist"
    folder.mkdir()
    bomb = _gzip_bomb(256 << 20)  # 256 MiB of zeros in about 250 KB
    assert len(bomb) < 1 << 20
    (folder / IMAGES.gz_name).write_bytes(bomb)

    def load():
        with pytest.raises(ValueError, match=f"decompresses to more than the expected "
                                             f"{IMAGES.size} bytes"):
            load_mnist("test", data_dir=folder, download=False)

    assert _peak_memory(load) < 4 * IMAGES.size  # not the 256 MiB


def test_a_huge_local_file_is_refused_before_it_is_read(tmp_path):
    folder = tmp_path / "mnist"
    folder.mkdir()
    with open(folder / IMAGES.name, "wb") as handle:
        handle.truncate(1 << 30)  # 1 GiB, sparse: costs no disk
    # the structure check reads only the header; the size check comes before reading all

    def load():
        with pytest.raises(ValueError, match="is more than the expected"):
            load_mnist("test", data_dir=folder, download=False)

    assert _peak_memory(load) < 1 << 20


class _Mirror(http.server.BaseHTTPRequestHandler):
    """/bomb/ and /big/ serve files; /endless/ streams zeros; /slow/ a byte per 0.2 s."""

    protocol_version = "HTTP/1.0"
    files: dict = {}

    def log_message(self, *args):
        pass

    def do_GET(self):
        folder = self.path.strip("/").split("/")[0]
        self.send_response(200)
        if folder in ("bomb", "big"):
            body = self.files[folder]
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.end_headers()
        started = time.monotonic()
        try:
            while time.monotonic() - started < 30:  # never forever, even if nobody stops
                if folder == "endless":
                    self.wfile.write(bytes(1 << 16))
                else:
                    self.wfile.write(b"\x1f")
                    self.wfile.flush()
                    time.sleep(0.2)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture(scope="module")
def mirror():
    _Mirror.files = {"bomb": _gzip_bomb(64 << 20), "big": bytes(2 * IMAGES.size)}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Mirror)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("folder, reason", [
    ("bomb", f"decompresses to more than the expected {IMAGES.size} bytes"),
    ("big", f"announces more than the expected {IMAGES.max_stored_size} bytes"),
    ("endless", f"sends more than the expected {IMAGES.max_stored_size} bytes"),
])
def test_a_mirror_sending_too_much_is_refused(tmp_path, mirror, folder, reason):
    path, failures = download(IMAGES, "mnist", [f"{mirror}/{folder}/"])
    assert path is None
    assert failures == [f"{mirror}/{folder}/{IMAGES.gz_name}  [download failed: {mirror}/"
                        f"{folder}/{IMAGES.gz_name}: {reason}; it is not the published file "
                        "(or a decompression bomb) and was not used. Delete it and provide a "
                        "fresh copy.]"]
    assert not (tmp_path / "cache").exists()


def test_a_slow_mirror_is_abandoned_at_the_deadline(mirror):
    labels = DataFile(LABELS.name, LABELS.sha256, size=LABELS.size)
    started = time.monotonic()
    path, failures = download(labels, "mnist", [f"{mirror}/slow/"], timeout=5, max_seconds=1)
    elapsed = time.monotonic() - started
    assert path is None and len(failures) == 1
    assert "[download failed: the transfer took too long" in failures[0]
    assert elapsed < 5


@pytest.mark.parametrize("folder, reason", [
    ("big", f"announces more than the expected {COMPAS_FILE.max_stored_size} bytes"),
    ("endless", f"sends more than the expected {COMPAS_FILE.max_stored_size} bytes"),
])
def test_a_compas_download_sending_too_much_is_refused(tmp_path, mirror, folder, reason):
    url = f"{mirror}/{folder}/{COMPAS_FILE.name}"
    with pytest.raises(FileNotFoundError) as error:
        load_compas(data_dir=tmp_path / "nowhere", url=url)
    assert f"{url}  [download failed: {url}: {reason}; it is not the published" \
           in str(error.value)
    assert not (tmp_path / "cache").exists()


def test_a_slow_compas_download_is_abandoned_at_the_deadline(tmp_path, mirror):
    started = time.monotonic()
    path, failure = compas._download(f"{mirror}/slow/{COMPAS_FILE.name}", timeout=5,
                                     max_seconds=1)
    elapsed = time.monotonic() - started
    assert path is None
    assert "[download failed: the transfer took too long" in failure
    assert elapsed < 5
    assert not (tmp_path / "cache").exists()
