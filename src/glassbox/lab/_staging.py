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
"""

from __future__ import annotations

import ctypes
import errno
import os
import secrets
import shutil
import sys
from pathlib import Path

from glassbox.io import TEMPORARY_SUFFIX

__all__ = ["new_staging_dir", "remove_stale", "swap_in"]

STAGING = "staging"
PREVIOUS = "previous"


def _sibling(lab_dir: Path, kind: str) -> Path:
    """``OUT/.NAME.<kind>-<pid>-<random>``: beside ``lab_dir``, so renames stay atomic."""
    return lab_dir.with_name(f".{lab_dir.name}.{kind}-{os.getpid()}-{secrets.token_hex(4)}")


def _owner_alive(folder: Path) -> bool:
    """Whether the process whose id is in the folder's name still runs."""
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


def remove_stale(lab_dir: Path) -> list[Path]:
    """Remove what killed runs left beside and inside ``lab_dir``; returns what was removed.

    That is: staging folders of processes that no longer run, a previous run parked by
    an interrupted two-rename swap (moved back if ``lab_dir`` is missing), and temporary
    files (``.*.tmp``) inside ``lab_dir``.
    """
    removed = []
    for parked in sorted(lab_dir.parent.glob(f".{lab_dir.name}.{PREVIOUS}-*")):
        if _owner_alive(parked):
            continue
        if not lab_dir.exists():
            os.rename(parked, lab_dir)  # the swap was cut between its two renames
        else:
            shutil.rmtree(parked, ignore_errors=True)
            removed.append(parked)
    for staging in sorted(lab_dir.parent.glob(f".{lab_dir.name}.{STAGING}-*")):
        if not _owner_alive(staging):
            shutil.rmtree(staging, ignore_errors=True)
            removed.append(staging)
    if lab_dir.is_dir():
        for temporary in sorted(lab_dir.rglob(f".*{TEMPORARY_SUFFIX}")):
            temporary.unlink(missing_ok=True)
            removed.append(temporary)
    return removed


def new_staging_dir(lab_dir: Path) -> Path:
    """Create (mode 0o777 less the umask) and return a fresh staging folder for ``lab_dir``."""
    staging = _sibling(lab_dir, STAGING)
    staging.mkdir()
    return staging


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
    if _exchange(staging, lab_dir):
        shutil.rmtree(staging)  # it now holds the previous run
        return
    previous = _sibling(lab_dir, PREVIOUS)
    os.rename(lab_dir, previous)
    os.rename(staging, lab_dir)
    shutil.rmtree(previous)
