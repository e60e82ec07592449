"""load_compas: found, verified, filtered as ProPublica did, and the published error rates."""

import hashlib
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from glassbox.data.compas import COMPAS_FILE, load_compas, propublica_rows

SHARED = Path(os.environ.get("GLASSBOX_DATA", "")) / "compas" / COMPAS_FILE.name
pytestmark = pytest.mark.skipif(not SHARED.is_file(), reason="COMPAS file not available")


def test_file_is_the_published_one_and_columns_match_pandas():
    assert hashlib.sha256(SHARED.read_bytes()).hexdigest() == COMPAS_FILE.sha256
    table = load_compas()
    frame = pd.read_csv(SHARED)
    assert list(table) == list(frame.columns)
    assert len(table["id"]) == 7214
    for name in ("age", "priors_count", "two_year_recid", "decile_score.1", "race"):
        np.testing.assert_array_equal(table[name], frame[name].to_numpy())
    np.testing.assert_array_equal(table["days_b_screening_arrest"],
                                  frame["days_b_screening_arrest"].to_numpy())


def test_propublica_filter_keeps_their_6172_rows():
    frame = pd.read_csv(SHARED)
    expected = frame[(frame.days_b_screening_arrest <= 30)
                     & (frame.days_b_screening_arrest >= -30)
                     & (frame.is_recid != -1) & (frame.c_charge_degree != "O")
                     & (frame.score_text != "N/A")]
    table = load_compas(propublica_filter=True)
    assert len(table["id"]) == len(expected) == 6172
    np.testing.assert_array_equal(table["id"], expected["id"].to_numpy())
    assert propublica_rows(load_compas()).sum() == 6172
    counts = dict(zip(*np.unique(table["race"], return_counts=True)))
    assert counts["African-American"] == 3175 and counts["Caucasian"] == 2103


def test_error_rates_by_race_are_the_readme_figures():
    table = load_compas(propublica_filter=True)
    high = table["score_text"] != "Low"  # "medium or high" is the positive prediction
    truth = table["two_year_recid"] == 1
    rates = {}
    for race in ("African-American", "Caucasian"):
        rows = table["race"] == race
        fpr = (high & ~truth & rows).sum() / (~truth & rows).sum()
        fnr = (~high & truth & rows).sum() / (truth & rows).sum()
        rates[race] = (round(100 * fpr, 1), round(100 * fnr, 1))
    assert rates == {"African-American": (42.3, 28.5), "Caucasian": (22.0, 49.6)}


def test_as_frame_is_a_dataframe():
    frame = load_compas(propublica_filter=True, as_frame=True)
    assert frame.shape == (6172, 53)


def test_wrong_digest_is_refused(tmp_path):
    folder = tmp_path / "compas"
    folder.mkdir()
    (folder / COMPAS_FILE.name).write_bytes(SHARED.read_bytes()[:-10])
    with pytest.raises(ValueError, match="SHA-256 mismatch"):
        load_compas(data_dir=tmp_path, download=False)


def test_download_is_verified_and_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("GLASSBOX_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("GLASSBOX_DATA", raising=False)
    # A corrupted "remote" file is refused and never reaches the cache.
    bad = tmp_path / "bad.csv"
    bad.write_bytes(SHARED.read_bytes().replace(b"Caucasian", b"caucasian", 1))
    with pytest.raises(FileNotFoundError, match="SHA-256 mismatch"):
        load_compas(data_dir=tmp_path / "nowhere", url=bad.as_uri())
    assert not (tmp_path / "cache" / "compas").exists()
    # The published file, from a file:// URL (no network in tests), lands in the cache.
    table = load_compas(data_dir=tmp_path / "nowhere", url=SHARED.as_uri())
    assert len(table["id"]) == 7214
    cached = tmp_path / "cache" / "compas" / COMPAS_FILE.name
    assert cached.read_bytes() == SHARED.read_bytes()


def test_missing_file_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.setenv("GLASSBOX_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("GLASSBOX_DATA", raising=False)
    with pytest.raises(FileNotFoundError, match="GLASSBOX_DATA=D") as error:
        load_compas(data_dir=tmp_path, download=False)
    assert str(tmp_path) in str(error.value)
