"""Energy by RAPL counters (a fake powercap tree), by CPU time, or by codecarbon; CO2 by
the country's grid; the CLI refuses what it cannot measure with one message, exit 2."""

import sys
import types

import pytest
from typer.testing import CliRunner

from glassbox.cli import app
from glassbox.lab import _footprint
from glassbox.lab._footprint import CARBON_INTENSITY, EnergyMeter, grams_per_kwh


def _zone(root, name, energy_uj, max_uj=2**40):
    zone = root / name
    zone.mkdir(parents=True)
    (zone / "energy_uj").write_text(f"{energy_uj}\n")
    (zone / "max_energy_range_uj").write_text(f"{max_uj}\n")
    return zone


def test_rapl_counters_summed_over_packages_with_wraparound(tmp_path):
    package0 = _zone(tmp_path, "intel-rapl:0", 5_000_000)
    package1 = _zone(tmp_path, "intel-rapl:1", 999_000_000, max_uj=1_000_000_000)
    core = _zone(tmp_path, "intel-rapl:0:0", 0)  # a sub-zone: inside package 0, not added
    with EnergyMeter(method="auto", rapl_root=tmp_path, country="FRA") as meter:
        (package0 / "energy_uj").write_text("41000000\n")  # +36 J
        (package1 / "energy_uj").write_text("35000000\n")  # wrapped: +36 J
        (core / "energy_uj").write_text("900000000\n")
    footprint = meter.footprint
    assert footprint.method == "rapl"
    assert footprint.energy_wh == pytest.approx(72 / 3600, rel=1e-12)
    assert footprint.co2_g == pytest.approx(72 / 3.6e6 * 56.0, rel=1e-12)


def test_cpu_time_estimate_and_country(monkeypatch, tmp_path):
    monkeypatch.setattr(_footprint, "_cpu_model", lambda: "AMD EPYC 7763 64-Core Processor")
    with EnergyMeter(method="auto", rapl_root=tmp_path / "none", country="nor") as meter:
        sum(i * i for i in range(200_000))
    footprint = meter.footprint
    assert footprint.method == "cpu-time" and "TDP 280 W / 64 cores" in footprint.detail
    assert footprint.energy_wh == pytest.approx(footprint.cpu_time_s * 280 / 64 / 3600)
    assert footprint.country == "NOR" and footprint.grams_co2_per_kwh == 30.0
    assert footprint.co2_g == pytest.approx(footprint.energy_wh / 1000 * 30.0)
    assert grams_per_kwh(None) == CARBON_INTENSITY["WLD"]


def test_codecarbon_backend_gives_the_energy(monkeypatch):
    class Tracker:
        def __init__(self, **options):
            self.options = options

        def start(self):
            pass

        def stop(self):
            self.final_emissions_data = types.SimpleNamespace(energy_consumed=0.002)

    monkeypatch.setitem(sys.modules, "codecarbon",
                        types.SimpleNamespace(OfflineEmissionsTracker=Tracker))
    with EnergyMeter(method="codecarbon", country="DEU") as meter:
        pass
    assert meter.footprint.method == "codecarbon"
    assert meter.footprint.energy_wh == pytest.approx(2.0)
    assert meter.footprint.co2_g == pytest.approx(0.002 * 381.0)


def test_what_cannot_be_measured_is_refused(monkeypatch, tmp_path):
    with pytest.raises(ValueError, match="No readable RAPL counter"):
        EnergyMeter(method="rapl", rapl_root=tmp_path)
    with pytest.raises(ValueError, match="ISO 3166 alpha-3 code among ARG, AUS"):
        EnergyMeter(country="XYZ")
    with pytest.raises(ValueError, match="Unknown footprint method"):
        EnergyMeter(method="watts")
    monkeypatch.setitem(sys.modules, "codecarbon", None)  # import fails
    with pytest.raises(ValueError, match=r"pip install glassbox-ml\[footprint\]"):
        EnergyMeter(method="codecarbon")
    for args, message in ((["--country", "XYZ"], "Unknown country 'XYZ'"),
                          (["--footprint", "codecarbon"], "needs codecarbon")):
        result = CliRunner().invoke(app, ["lab", "run", "kernels", "--quick", "--out",
                                          str(tmp_path), *args],
                                    env={"COLUMNS": "300", "NO_COLOR": "1"})
        assert result.exit_code == 2, result.output
        assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "kernels").exists()
