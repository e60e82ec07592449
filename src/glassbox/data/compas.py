"""COMPAS: ProPublica's recidivism data (Broward County, Florida, 2013-2014).

The file ``compas-scores-two-years.csv`` of ProPublica's ``compas-analysis`` repository
holds 7,214 people screened by the COMPAS risk tool, their score (``decile_score`` 1-10,
``score_text`` Low / Medium / High), who they are (``sex``, ``race``, ``age``,
``priors_count``, ...) and whether they were charged again within two years
(``two_year_recid``). ProPublica's article "Machine Bias" (2016) used it to show that
the score's errors are not shared equally between Black and white defendants; it made
algorithmic fairness a public debate.

The file is found like MNIST (:mod:`glassbox.data.sources`): the ``data_dir`` argument,
``$GLASSBOX_DATA``, the cache, then a download of the raw file from ProPublica's
repository; whatever the source, its SHA-256 must be the published one.

ProPublica's row filter (``propublica_filter=True``) keeps the 6,172 rows of their
analysis: the screening within 30 days of the arrest (``days_b_screening_arrest`` in
[-30, 30]), a known outcome (``is_recid != -1``), no ordinary traffic offence
(``c_charge_degree != 'O'``) and a score (``score_text != 'N/A'``).
"""

from __future__ import annotations

import csv
import http.client
import io
import os
from pathlib import Path

import numpy as np

from glassbox.data.sources import (
    DataFile,
    cache_dir,
    download_bytes,
    find_local,
    read_verified,
    verify,
)
from glassbox.io import atomic_write

__all__ = ["load_compas", "COMPAS_FILE", "COMPAS_URL", "propublica_rows"]

COMPAS_FILE = DataFile("compas-scores-two-years.csv",
                       "c451db85908b2f7fef1d83203bedf6b71ecda0d5af468d82ae62178f91d0cc7d",
                       size=2_546_489)
# The raw file as published (ProPublica's repository, branch master).
COMPAS_URL = ("https://raw.githubusercontent.com/propublica/compas-analysis/master/"
              "compas-scores-two-years.csv")

_HOW_TO = (
    "To provide COMPAS, put compas-scores-two-years.csv (from ProPublica's compas-analysis "
    "repository) in a folder D/compas/ and pass data_dir=D (--data-dir D), or set "
    f"GLASSBOX_DATA=D, or allow a download (download=True) from {COMPAS_URL}"
)


def _download(url: str, timeout: float = 30.0,
              max_seconds: float = 600.0) -> tuple[Path | None, str]:
    """Fetch the raw CSV, verify its digest, save it into the cache (atomically).

    ``timeout`` bounds each network operation, ``max_seconds`` the whole transfer; an
    answer larger than the file can be is refused without being read whole.
    """
    try:
        data = download_bytes(url, COMPAS_FILE.max_stored_size, timeout, max_seconds)
        verify(data, COMPAS_FILE, url)
    # NOTE: network failures are OSErrors or HTTPExceptions; a wrong file a ValueError.
    except (OSError, http.client.HTTPException, ValueError) as error:
        return None, f"{url}  [download failed: {error}]"
    return atomic_write(cache_dir() / "compas" / COMPAS_FILE.name, data), ""


def _parse_column(values: list[str]) -> np.ndarray:
    """A CSV column as int64, else float64 (empty cells NaN), else strings (object)."""
    try:
        return np.array([int(value) for value in values], dtype=np.int64)
    except ValueError:
        pass
    try:
        return np.array([float(value) if value != "" else np.nan for value in values])
    except ValueError:
        return np.array(values, dtype=object)


def _parse_csv(data: bytes) -> dict[str, np.ndarray]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    header, body = rows[0], rows[1:]
    names, seen = [], {}
    for name in header:
        # Two columns appear twice (decile_score, priors_count): the second copy is
        # named "name.1", as pandas.read_csv names it.
        count = seen.get(name, 0)
        seen[name] = count + 1
        names.append(name if count == 0 else f"{name}.{count}")
    columns = list(zip(*body))  # one tuple of strings per column
    return {name: _parse_column(list(column)) for name, column in zip(names, columns)}


def propublica_rows(table: dict[str, np.ndarray]) -> np.ndarray:
    """The boolean mask of the 6,172 rows ProPublica analysed (see the module docstring).

    Examples
    --------
    >>> int(propublica_rows(load_compas()).sum())
    6172
    """
    days = table["days_b_screening_arrest"]
    with np.errstate(invalid="ignore"):  # NaN (no arrest date) compares False: dropped
        within_30_days = (days <= 30) & (days >= -30)
    return (within_30_days & (table["is_recid"] != -1)
            & (table["c_charge_degree"] != "O") & (table["score_text"] != "N/A"))


def load_compas(data_dir: str | os.PathLike | None = None, propublica_filter: bool = False,
                download: bool = True, url: str = COMPAS_URL, as_frame: bool = False):
    """Load ProPublica's ``compas-scores-two-years.csv`` (7,214 rows, 53 columns).

    Parameters
    ----------
    data_dir : str or PathLike, optional
        A folder holding ``compas/compas-scores-two-years.csv``, or the ``compas`` folder.
    propublica_filter : bool, default=False
        Keep only the 6,172 rows of ProPublica's analysis (:func:`propublica_rows`).
    download : bool, default=True
        Fetch the file from ``url`` when no local copy exists (saved into the cache).
    url : str, default=COMPAS_URL
        The raw file in ProPublica's ``compas-analysis`` repository.
    as_frame : bool, default=False
        Return a pandas DataFrame (pandas must be installed) instead of a dict.

    Returns
    -------
    table : dict of str to ndarray of shape (n_rows,), or pandas.DataFrame
        One array per column, in the file's order: int64 where every cell is an integer,
        float64 where some are empty (NaN), else strings (dtype object). The second
        ``decile_score`` and ``priors_count`` columns are named ``decile_score.1`` and
        ``priors_count.1``, as ``pandas.read_csv`` names them.

    Raises
    ------
    ValueError
        A local file whose SHA-256 is not the published one (it is never used).
    FileNotFoundError
        No local copy and no download; the message lists every place looked.

    Examples
    --------
    >>> table = load_compas(propublica_filter=True)
    >>> len(table["race"]), len(table)
    (6172, 53)
    >>> sorted(set(table["score_text"]))
    ['High', 'Low', 'Medium']
    """
    path, looked = find_local(COMPAS_FILE, "compas", data_dir)
    if path is None:
        failure = "(download=False: the repository was not tried)"
        if download:
            path, failure = _download(url)
        if path is None:
            places = "\n  ".join(looked + [failure])
            raise FileNotFoundError(f"{COMPAS_FILE.name} was not found. Looked in:\n  "
                                    f"{places}\n{_HOW_TO}")
    table = _parse_csv(read_verified(path, COMPAS_FILE))
    if propublica_filter:
        keep = propublica_rows(table)
        table = {name: column[keep] for name, column in table.items()}
    if as_frame:
        import pandas as pd

        return pd.DataFrame(table)
    return table
