"""`glassbox audit`: the figures equal fairlearn's; every bad input is one message, exit 2."""

import json

import fairlearn.metrics as flm
import numpy as np
import pytest
from sklearn.metrics import precision_score, roc_auc_score
from typer.testing import CliRunner

from glassbox.cli import app


def _write(path, header, rows):
    path.write_text(",".join(header) + "\n" + "".join(",".join(map(str, r)) + "\n"
                                                       for r in rows))
    return path


@pytest.fixture
def predictions(tmp_path):
    rng = np.random.default_rng(1)
    n = 300
    race = rng.choice(["black", "white", "other"], size=n)
    sex = rng.choice(["f", "m"], size=n)
    score = rng.uniform(size=n)
    y = (rng.uniform(size=n) < score).astype(int)
    h = (score + 0.1 * (race == "black") > 0.5).astype(int)
    path = _write(tmp_path / "p.csv", ["y", "h", "race", "sex", "score"],
                  zip(y, h, race, sex, score))
    return path, y, h, race, sex, score


def invoke(*args):
    result = CliRunner().invoke(app, ["audit", *map(str, args)])
    assert "Traceback" not in result.output
    return result


def test_audit_figures_equal_fairlearn(predictions, tmp_path):
    path, y, h, race, sex, score = predictions
    out = tmp_path / "out"
    result = invoke(path, "--y-true", "y", "--y-pred", "h", "--sensitive", "race",
                    "--sensitive", "sex", "--score", "score", "--out", out)
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text())
    for attribute, values in (("race", race), ("sex", sex)):
        entry = metrics["by_attribute"][attribute]
        frame = flm.MetricFrame(
            metrics={"selection_rate": flm.selection_rate,
                     "true_positive_rate": flm.true_positive_rate,
                     "false_positive_rate": flm.false_positive_rate,
                     "false_negative_rate": flm.false_negative_rate,
                     "precision": lambda t, p: precision_score(t, p, zero_division=0)},
            y_true=y, y_pred=h, sensitive_features=values)
        for group in entry["groups"]:
            for name, value in frame.by_group.loc[group].items():
                assert entry["by_group"][group][name] == pytest.approx(value, abs=1e-12)
            rows = values == group
            assert entry["roc_auc"][group] == pytest.approx(
                roc_auc_score(y[rows], score[rows]), abs=1e-12)
        gaps = entry["gaps"]
        assert gaps["demographic parity"]["difference"] == pytest.approx(
            flm.demographic_parity_difference(y, h, sensitive_features=values), abs=1e-12)
        assert gaps["equalized odds"]["difference"] == pytest.approx(
            flm.equalized_odds_difference(y, h, sensitive_features=values), abs=1e-12)
        assert gaps["equalized odds"]["ratio"] == pytest.approx(
            flm.equalized_odds_ratio(y, h, sensitive_features=values), abs=1e-12)
    html = (out / "report.html").read_text()
    assert "Model card" in html and "data:image/png;base64" in html
    assert (out / "figures" / "roc_calibration_race.png").is_file()


@pytest.mark.parametrize("args, message", [
    (["--y-true", "truth"], "Column 'truth' (--y-true) is not in the file. Available "
                            "columns: y, h, race, sex, score"),
    (["--sensitive", "age"], "Available columns"),
    (["--score", "race"], "must be numeric"),
])
def test_missing_or_wrong_column(predictions, tmp_path, args, message):
    path = predictions[0]
    options = {"--y-true": "y", "--y-pred": "h", "--sensitive": "race"}
    options.update(dict(zip(args[::2], args[1::2])))
    flat = [item for pair in options.items() for item in pair]
    result = invoke(path, *flat, "--out", tmp_path / "o")
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "o").exists()


def test_bad_inputs_exit_2_with_one_message(tmp_path):
    one_group = _write(tmp_path / "one.csv", ["y", "h", "s"], [(1, 1, "a"), (0, 1, "a")])
    result = invoke(one_group, "--y-true", "y", "--y-pred", "h", "--sensitive", "s")
    assert result.exit_code == 2 and "one group only" in result.output
    assert "parity between groups is undefined" in result.output

    nan_group = _write(tmp_path / "nan.csv", ["y", "h", "s"],
                       [(1, 1, "a"), (0, 1, "NaN"), (0, 0, "b"), (1, 0, "")])
    result = invoke(nan_group, "--y-true", "y", "--y-pred", "h", "--sensitive", "s")
    assert result.exit_code == 2 and "2 empty or NaN cells (lines 3, 5)" in result.output

    three = _write(tmp_path / "three.csv", ["y", "h", "s"],
                   [(2, 1, "a"), (0, 1, "b"), (1, 0, "b")])
    result = invoke(three, "--y-true", "y", "--y-pred", "h", "--sensitive", "s")
    assert result.exit_code == 2 and "binary labels" in result.output

    words = _write(tmp_path / "words.csv", ["y", "h", "s"],
                   [("High", "High", "a"), ("Low", "High", "b")])
    result = invoke(words, "--y-true", "y", "--y-pred", "h", "--sensitive", "s")
    assert result.exit_code == 2 and "--pos-label" in result.output
    result = invoke(words, "--y-true", "y", "--y-pred", "h", "--sensitive", "s",
                    "--pos-label", "High", "--out", tmp_path / "w")
    assert result.exit_code == 0, result.output

    result = invoke(tmp_path / "absent.csv", "--y-true", "y", "--y-pred", "h",
                    "--sensitive", "s")
    assert result.exit_code == 2 and "does not exist" in result.output


def test_group_without_positives_is_nan_with_a_warning(tmp_path):
    path = _write(tmp_path / "p.csv", ["y", "h", "s"],
                  [(1, 1, "a"), (0, 1, "a"), (1, 0, "a"), (0, 1, "b"), (0, 0, "b")])
    out = tmp_path / "out"
    result = invoke(path, "--y-true", "y", "--y-pred", "h", "--sensitive", "s", "--out", out)
    assert result.exit_code == 0, result.output
    assert "s=b: no positives, so true_positive_rate is undefined (NaN)" in result.output
    entry = json.loads((out / "metrics.json").read_text())["by_attribute"]["s"]
    assert entry["by_group"]["b"]["true_positive_rate"] is None
    # The gap then compares the groups where the rate is defined (here: only "a").
    assert entry["gaps"]["equal opportunity"]["difference"] == 0.0
    assert entry["by_group"]["b"]["false_positive_rate"] == 0.5


def test_output_folder_that_is_a_file_is_one_message(predictions, tmp_path):
    blocker = tmp_path / "taken"
    blocker.write_text("not a folder")
    result = invoke(predictions[0], "--y-true", "y", "--y-pred", "h", "--sensitive", "race",
                    "--out", blocker)
    assert result.exit_code == 2 and result.output.startswith("Error:")
    assert blocker.read_text() == "not a folder"
