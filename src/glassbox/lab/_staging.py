"""A lab run as a transaction: write into a staging folder, swap it in at the end.

A run writes many files (checkpoints after every epoch, the model, figures, the report).
Written straight into ``OUT/NAME/``, an interrupted run would leave the previous run's
report beside the new run's checkpoints. So the run writes everything into a staging
folder beside it, ``OUT/.NAME.staging-<pid>-<random>/``, and only when the lab has
finished is that folder swapped with ``OUT/NAME/`` (one atomic ``renameat2`` exchange on
Linux; elsewhere two renames, with the previous run parked as ``OUT/.NAME.previous-*``
in between). A run that fails, is interrupted (Ctrl-C) or is killed leaves
``OUT/NAME/`` as it was; the next run removes the staging folders and temporary files
that killed runs left behind.

Which staging folder is stale? The run holds an exclusive ``flock`` on its staging
folder for as long as it lives; the kernel drops the lock when the process ends, however
it ends (even SIGKILL). So a folder whose lock can be taken belongs to no running
process. (The process id in the name is for the reader; a killed run's id may already
belong to another process. Where ``flock`` is missing, as on Windows, the id is all
there is: a folder is stale when no process has that id.)
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import secrets
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from glassbox.io import TEMPORARY_SUFFIX

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["new_staging_dir", "release", "remove_stale", "remove_stale_temporaries", "swap_in"]

STAGING = "staging"
PREVIOUS = "previous"


def _sibling(lab_dir: Path, kind: str) -> Path:
    """``OUT/.NAME.<kind>-<pid>-<random>``: beside ``lab_dir``, so renames stay atomic."""
    return lab_dir.with_name(f".{lab_dir.name}.{kind}-{os.getpid()}-{secrets.token_hex(4)}")


def _lock(folder: Path, wait: bool) -> int | None:
    """Take the exclusive lock of ``folder``; its descriptor (closing it releases the
    lock), or None when another open descriptor holds it (and ``wait`` is False).

    Raises OSError where the file system has no ``flock`` (the caller falls back).
    """
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        os.close(fd)
        return None
    except BaseException:
        os.close(fd)
        raise
    return fd


def release(lock: int | None) -> None:
    """Release a lock taken by :func:`new_staging_dir` (None: nothing to release)."""
    if lock is not None:
        os.close(lock)


def _owner_alive(folder: Path) -> bool:
    """Whether the process whose id is in the folder's name still runs (no flock)."""
    try:
        pid = int(folder.name.rsplit("-", 2)[-2])
    except (IndexError, ValueError):
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        return True
    return True


@contextlib.contextmanager
def _claim(folder: Path) -> Iterator[bool]:
    """Whether ``folder`` is stale (no live run holds it); held while the block runs, so
    that a run cannot take it meanwhile."""
    lock = None
    if fcntl is not None:
        try:
            lock = _lock(folder, wait=False)
        except FileNotFoundError:  # removed meanwhile by another run's clean-up
            yield False
            return
        except OSError:  # a file system without flock: the process id decides
            yield not _owner_alive(folder)
            return
        if lock is None:
            yield False
            return
    try:
        yield lock is not None or not _owner_alive(folder)
    finally:
        release(lock)


def remove_stale(lab_dir: Path) -> list[Path]:
    """Remove what killed runs left beside and inside ``lab_dir``; returns what was removed.

    That is: staging folders no live run holds, a previous run parked by an interrupted
    two-rename swap (moved back if ``lab_dir`` is missing), and temporary files
    (``.*.tmp``) inside ``lab_dir``.
    """
    removed = []
    for parked in sorted(lab_dir.parent.glob(f".{lab_dir.name}.{PREVIOUS}-*")):
        with _claim(parked) as stale:
            if not stale:
                continue
            if not lab_dir.exists():
                os.rename(parked, lab_dir)  # the swap was cut between its two renames
            else:
                shutil.rmtree(parked, ignore_errors=True)
                removed.append(parked)
    for staging in sorted(lab_dir.parent.glob(f".{lab_dir.name}.{STAGING}-*")):
        with _claim(staging) as stale:
            if stale:
                shutil.rmtree(staging, ignore_errors=True)
                removed.append(staging)
    if lab_dir.is_dir():
        for temporary in sorted(lab_dir.rglob(f".*{TEMPORARY_SUFFIX}")):
            temporary.unlink(missing_ok=True)
            removed.append(temporary)
    return removed


def remove_stale_temporaries(path: Path, min_age_s: float = 60.0) -> list[Path]:
    """Remove the temporary files a killed :func:`glassbox.io.atomic_write` of ``path``
    left beside it (``.NAME.<random>.tmp``); returns what was removed.

    Only files untouched for ``min_age_s`` seconds: a small file is written and renamed
    within milliseconds, so a younger one may be another process's write in progress.
    """
    removed = []
    now = time.time()
    for temporary in sorted(path.parent.glob(f".{path.name}.*{TEMPORARY_SUFFIX}")):
        try:
            if now - temporary.stat().st_mtime >= min_age_s:
                temporary.unlink()
                removed.append(temporary)
        except FileNotFoundError:  # renamed or removed meanwhile
            continue
    return removed


def _same_folder(lock: int, folder: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(lock), os.stat(folder))
    except FileNotFoundError:
        return False


def new_staging_dir(lab_dir: Path) -> tuple[Path, int | None]:
    """Create (mode 0o777 less the umask) and lock a fresh staging folder for ``lab_dir``.

    Returns the folder and its lock (held until :func:`release`, or the process's end).
    """
    while True:
        staging = _sibling(lab_dir, STAGING)
        staging.mkdir()
        if fcntl is None:
            return staging, None
        try:
            lock = _lock(staging, wait=True)
        except FileNotFoundError:
            continue
        except OSError:  # no flock here: the process id in the name protects it
            return staging, None
        # NOTE: between mkdir and flock, another run's clean-up may have found the new
        # folder unlocked and removed it; then start again with a new one.
        if _same_folder(lock, staging):
            return staging, lock
        release(lock)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``).

    Returns False where the system or the file system cannot (the caller then renames).
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a C library older than glibc 2.28
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second),
                 rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def swap_in(staging: Path, lab_dir: Path) -> None:
    """Make the finished ``staging`` folder ``lab_dir``, and remove the previous run."""
    if not lab_dir.exists():
        os.rename(staging, lab_dir)
        return
    # NOTE: the previous run is locked before it leaves lab_dir: under its new name
    # (the staging name, or a parked one) another run's clean-up must not take it for a
    # killed run's folder and remove it while this run does.
    lock = None
    if fcntl is not None:
        with contextlib.suppress(OSError):
            lock = _lock(lab_dir, wait=True)
    try:
        if _exchange(staging, lab_dir):
            shutil.rmtree(staging)  # it now holds the previous run
            return
        previous = _sibling(lab_dir, PREVIOUS)
        os.rename(lab_dir, previous)
        os.rename(staging, lab_dir)
        shutil.rmtree(previous)
    finally:
        release(lock)
