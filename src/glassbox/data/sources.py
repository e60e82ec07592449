"""Where a dataset's files come from: the search order, the cache and verified downloads.

A dataset file is looked for, in this order (DESIGN.md, "Data"):

1. the ``data_dir`` argument (the lab's ``--data-dir``), either the folder that contains
   the dataset's sub-folder (``D/mnist/``) or that sub-folder itself;
2. the folder named by the environment variable ``$GLASSBOX_DATA`` (same two forms);
3. the cache, ``~/.cache/glassbox/<dataset>/`` (``$GLASSBOX_CACHE`` replaces
   ``~/.cache/glassbox``);
4. a download from the dataset's public mirrors, saved into the cache.

Each file may be stored plain or gzipped (``name`` or ``name.gz``). Whatever the source,
the *decompressed* bytes must have the published SHA-256 digest; a file that does not is
refused with a ``ValueError`` (a local file) or skipped (a mirror's answer) and is never
used nor written to the cache. Downloads are written atomically (temporary file, then
rename) and only after they were verified, so the cache only ever holds good files.

Nothing is read without a bound: when a file's size is known (``DataFile.size``, the
decompressed byte count), a local file or a download larger than that size allows is
refused before it is read, and decompression stops as soon as the output passes it, so
a small "gzip bomb" that would expand to gigabytes costs a few megabytes. A download
also has a deadline for the whole transfer, not only for each network read.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import time
import urllib.request
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from glassbox.io import atomic_write

__all__ = ["DataFile", "cache_dir", "find_local", "read_verified", "download",
           "download_bytes", "fetch"]

# A callback that checks the structure of decompressed bytes (raises ValueError).
Check = Callable[[bytes, str], None]


@dataclass(frozen=True)
class DataFile:
    """One file of a dataset: its decompressed name, the SHA-256 and size of its content.

    Examples
    --------
    >>> file = DataFile("t10k-labels-idx1-ubyte", "ff7b...", size=10_008)
    >>> file.gz_name, file.max_stored_size
    ('t10k-labels-idx1-ubyte.gz', 11132)
    """

    name: str
    sha256: str
    size: int | None = None  # bytes after decompression; None: unbounded

    @property
    def gz_name(self) -> str:
        return self.name + ".gz"

    @property
    def max_stored_size(self) -> int | None:
        """The most bytes a copy (plain or gzipped) of the file can take on disk.

        Incompressible data grows under gzip by 5 bytes per 64 KiB block plus an 18-byte
        header and trailer; 1% and 1 KiB of margin cover that with room to spare.
        """
        return None if self.size is None else self.size + self.size // 100 + 1024


def cache_dir() -> Path:
    """The cache folder: ``$GLASSBOX_CACHE`` if set, else ``~/.cache/glassbox``.

    Examples
    --------
    >>> import os
    >>> previous = os.environ.pop("GLASSBOX_CACHE", None)  # (restored below)
    >>> cache_dir() == Path.home() / ".cache" / "glassbox"
    True
    >>> if previous is not None: os.environ["GLASSBOX_CACHE"] = previous
    """
    override = os.environ.get("GLASSBOX_CACHE")
    if override:
        return Path(override).expanduser()
    return Path.home() / ".cache" / "glassbox"


def _search_folders(subdir: str, data_dir: str | os.PathLike | None) -> list[tuple[str, Path]]:
    """The folders to look in, in order, each with a label saying where it came from."""
    folders: list[tuple[str, Path]] = []
    for label, root in (("data_dir argument (--data-dir)", data_dir),
                        ("$GLASSBOX_DATA", os.environ.get("GLASSBOX_DATA") or None)):
        if root is not None:
            root = Path(root).expanduser()
            # Accept both D (holding D/mnist/) and D/mnist itself.
            folders.append((label, root / subdir))
            folders.append((label, root))
    folders.append(("cache ($GLASSBOX_CACHE or ~/.cache/glassbox)", cache_dir() / subdir))
    return folders


def find_local(file: DataFile, subdir: str,
               data_dir: str | os.PathLike | None = None) -> tuple[Path | None, list[str]]:
    """The first local copy of ``file`` in the search order, and every path tried.

    Returns
    -------
    path : Path or None
        The first existing ``name`` or ``name.gz``; None if there is none.
    looked : list of str
        One line per path tried (for the "not found" message).
    """
    looked = []
    for label, folder in _search_folders(subdir, data_dir):
        for candidate in (folder / file.name, folder / file.gz_name):
            looked.append(f"{candidate}  [{label}]")
            if candidate.is_file():
                return candidate, looked
    return None, looked


def _decompress(raw: bytes, name: str, max_size: int | None = None) -> bytes:
    """gunzip ``raw`` if it is gzipped (magic bytes 1f 8b), else return it unchanged.

    Stops with a ``ValueError`` as soon as the output passes ``max_size`` bytes.

    Examples
    --------
    >>> import gzip
    >>> _decompress(gzip.compress(b"abc"), "demo")
    b'abc'
    >>> _decompress(gzip.compress(bytes(10**6)), "bomb", max_size=1000)
    Traceback (most recent call last):
    ...
    ValueError: bomb: decompresses to more than the expected 1000 bytes; ...
    """
    if raw[:2] != b"\x1f\x8b":
        return raw
    output = bytearray()
    rest = raw
    try:
        while rest:  # one gzip member after the other, as gzip.decompress does
            member = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            room = 0 if max_size is None else max_size + 1 - len(output)
            output += member.decompress(rest, room)
            if max_size is not None and len(output) > max_size:
                _check_size(len(output), max_size, name, "decompresses to")
            if not member.eof:
                raise EOFError("compressed data ended before the end-of-stream marker")
            rest = member.unused_data.lstrip(b"\x00")  # zero padding after a member
            if rest and rest[:2] != b"\x1f\x8b":
                raise OSError("trailing bytes that are not gzip data after the end")
    except (OSError, EOFError, zlib.error) as error:
        raise ValueError(f"{name}: corrupted or truncated gzip data ({len(raw)} bytes "
                         f"received): {error}. Delete the file and provide a fresh copy.") from None
    return bytes(output)


def _check_size(size: int, max_size: int | None, name: str, verb: str) -> None:
    if max_size is not None and size > max_size:
        raise ValueError(f"{name}: {verb} more than the expected {max_size} bytes; it is not "
                         "the published file (or a decompression bomb) and was not used. "
                         "Delete it and provide a fresh copy.")


def verify(data: bytes, file: DataFile, name: str, check: Check | None = None) -> None:
    """Raise ``ValueError`` unless ``data`` has the structure and digest of ``file``."""
    if check is not None:
        check(data, name)
    digest = hashlib.sha256(data).hexdigest()
    if digest != file.sha256:
        raise ValueError(f"{name}: SHA-256 mismatch for {file.name}: expected {file.sha256}, "
                         f"received {digest} ({len(data)} bytes after decompression). The file "
                         "is corrupted or is not the published one; it was not used. Delete "
                         "it and provide a fresh copy.")


def read_verified(path: str | os.PathLike, file: DataFile, check: Check | None = None) -> bytes:
    """Read ``path`` (plain or gzipped) and return its verified, decompressed bytes.

    Raises
    ------
    ValueError
        Undecompressible, structurally wrong (``check``) or wrong digest; the message
        names ``path``.
    """
    path = Path(path)
    _check_size(path.stat().st_size, file.max_stored_size, str(path), "is")
    data = _decompress(path.read_bytes(), str(path), file.size)
    verify(data, file, str(path), check)
    return data


def _read_bounded(response: object, url: str, max_bytes: int | None, deadline: float) -> bytes:
    """Read an HTTP response whole, refusing more than ``max_bytes`` or past ``deadline``."""
    announced = response.headers.get("Content-Length")  # type: ignore[attr-defined]
    if announced is not None and announced.isdigit():
        _check_size(int(announced), max_bytes, url, "announces")
    chunks, received = [], 0
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the transfer took too long ({received} bytes received); "
                               "try again, or provide the file by hand")
        chunk = response.read1(64 * 1024)  # type: ignore[attr-defined]
        if not chunk:
            return b"".join(chunks)
        received += len(chunk)
        _check_size(received, max_bytes, url, "sends")
        chunks.append(chunk)


def download_bytes(url: str, max_bytes: int | None, timeout: float = 30.0,
                   max_seconds: float = 600.0) -> bytes:
    """The body of ``url``, read with bounds: at most ``max_bytes`` bytes (None: no
    bound), ``timeout`` seconds per network operation, ``max_seconds`` for the whole
    transfer.

    Raises
    ------
    ValueError
        The answer announces or sends more than ``max_bytes``.
    OSError
        A network failure, or ``TimeoutError`` when a deadline passed.
    http.client.HTTPException
        A connection dropped mid-transfer (``IncompleteRead``).
    """
    deadline = time.monotonic() + max_seconds
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return _read_bounded(response, url, max_bytes, deadline)


def download(file: DataFile, subdir: str, mirrors: Sequence[str],
             check: Check | None = None, timeout: float = 30.0,
             max_seconds: float = 600.0) -> tuple[Path | None, list[str]]:
    """Try each mirror for ``file.gz``; save the first verified answer into the cache.

    ``timeout`` bounds each network operation, ``max_seconds`` a mirror's whole transfer;
    an answer larger than ``file.max_stored_size`` is refused without being read whole.

    Returns
    -------
    path : Path or None
        The cached file, or None when every mirror failed.
    failures : list of str
        One line per mirror that failed, with the reason (network error, bad digest).
    """
    failures = []
    for mirror in mirrors:
        url = mirror.rstrip("/") + "/" + file.gz_name
        try:
            raw = download_bytes(url, file.max_stored_size, timeout, max_seconds)
            verify(_decompress(raw, url, file.size), file, url, check)
        # URLError, HTTPError and timeouts are OSErrors; a dropped connection mid-transfer
        # is an HTTPException (IncompleteRead); a bad file a ValueError.
        except (OSError, http.client.HTTPException, ValueError) as error:
            failures.append(f"{url}  [download failed: {error}]")
            continue
        # Only verified bytes reach the cache, and atomically: no half-written file.
        target = cache_dir() / subdir / file.gz_name
        atomic_write(target, raw)
        return target, failures
    return None, failures


def fetch(file: DataFile, subdir: str, data_dir: str | os.PathLike | None = None,
          download_missing: bool = True, mirrors: Sequence[str] = (),
          check: Check | None = None, how_to: str = "") -> Path:
    """The path of a local copy of ``file``, downloading it into the cache if needed.

    The file found is not verified here (the caller reads it with :func:`read_verified`,
    which it may skip when the verified content is already in memory).

    Raises
    ------
    FileNotFoundError
        No local copy and no mirror gave a verified one; the message lists every place
        looked and ends with ``how_to``.
    """
    path, looked = find_local(file, subdir, data_dir)
    if path is not None:
        return path
    failures: list[str] = []
    if download_missing and mirrors:
        path, failures = download(file, subdir, mirrors, check)
        if path is not None:
            return path
    elif not download_missing:
        failures = ["(download=False: the public mirrors were not tried)"]
    places = "\n  ".join(looked + failures)
    raise FileNotFoundError(f"{file.name} (or {file.gz_name}) was not found. Looked in:\n  "
                            f"{places}\n{how_to}")
