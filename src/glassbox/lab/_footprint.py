"""The energy and CO2 of a computation, measured where the machine allows it.

Three methods, the first that works (or the one asked for):

- ``rapl``: the CPU's own energy counters, read from Linux powercap
  (``/sys/class/powercap/intel-rapl:N/energy_uj``; Intel, and AMD since Zen). They
  count the whole package (every process on it) and are usually readable by root only.
- ``cpu-time``: the process's CPU time times a power per busy core, from the CPU's TDP
  and core count when the model is in :data:`CPU_TDP_WATTS`, else 15 W (a laptop or
  server core under load).
- ``codecarbon``: codecarbon's ``OfflineEmissionsTracker`` (``pip install
  glassbox-ml[footprint]``), asked for explicitly (``--footprint codecarbon``).

CO2 = energy x the carbon intensity of the grid: :data:`CARBON_INTENSITY` per country
(ISO 3166 alpha-3 code, ``--country FRA``), the world average by default.
"""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = ["CARBON_INTENSITY", "CARBON_INTENSITY_SOURCE", "CPU_TDP_WATTS",
           "DEFAULT_WATTS_PER_CORE", "Footprint", "EnergyMeter", "METHODS", "grams_per_kwh"]

METHODS = ("auto", "rapl", "cpu-time", "codecarbon")
DEFAULT_WATTS_PER_CORE = 15.0

# Carbon intensity of electricity generation in 2023, g CO2-equivalent per kWh
# (lifecycle), from Ember's yearly electricity data as published by Our World in Data,
# "Carbon intensity of electricity generation" (ourworldindata.org/grapher/
# carbon-intensity-electricity); WLD is Ember's world average for 2023.
CARBON_INTENSITY_SOURCE = ("Ember, Yearly Electricity Data (2023 values), via Our World in "
                           "Data: carbon intensity of electricity generation, g CO2e/kWh")
CARBON_INTENSITY = {
    "WLD": 481.0, "ARG": 354.0, "AUS": 549.0, "AUT": 111.0, "BEL": 138.0, "BGD": 691.0,
    "BGR": 335.0, "BRA": 98.0, "CAN": 170.0, "CHL": 291.0, "CHN": 582.0, "COL": 260.0,
    "CRI": 53.0, "CZE": 450.0, "DEU": 381.0, "DNK": 152.0, "ECU": 150.0, "EGY": 570.0,
    "EST": 417.0, "FIN": 79.0, "FRA": 56.0, "GRC": 337.0, "HRV": 205.0, "HUN": 204.0,
    "IND": 713.0, "IRL": 291.0, "IRN": 655.0, "NOR": 30.0, "POL": 662.0, "SWE": 41.0,
}

# Thermal design power (W) and physical cores of a few CPUs, from their makers' data
# sheets: power per busy core = TDP / cores. Matched as substrings of the model name.
CPU_TDP_WATTS = {
    "EPYC 7763": (280.0, 64), "EPYC 9654": (360.0, 96),
    "Xeon(R) Platinum 8480": (350.0, 56), "Xeon(R) Platinum 8380": (270.0, 40),
    "Core(TM) i7-1185G7": (28.0, 4),
}


def grams_per_kwh(country: str | None) -> float:
    """The grid's carbon intensity for an ISO alpha-3 code (None: the world average).

    Examples
    --------
    >>> grams_per_kwh("FRA"), grams_per_kwh(None)
    (56.0, 481.0)
    """
    code = "WLD" if country is None else str(country).upper()
    if code not in CARBON_INTENSITY:
        raise ValueError(f"Unknown country {country!r}: expected an ISO 3166 alpha-3 code "
                         f"among {', '.join(sorted(CARBON_INTENSITY))} (WLD = world average).")
    return CARBON_INTENSITY[code]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or "unknown CPU"


def watts_per_core() -> tuple[float, str]:
    """The power of one busy core, and where the figure comes from."""
    model = _cpu_model()
    for name, (tdp, cores) in CPU_TDP_WATTS.items():
        if name in model:
            return tdp / cores, f"{model}: TDP {tdp:g} W / {cores} cores"
    return DEFAULT_WATTS_PER_CORE, f"{model}: not in the TDP table, default " \
                                   f"{DEFAULT_WATTS_PER_CORE:g} W per busy core"


def _rapl_domains(root: Path = Path("/sys/class/powercap")) -> list[Path]:
    """The readable package-level counters (``intel-rapl:N``, not their sub-zones)."""
    domains = []
    for zone in sorted(root.glob("intel-rapl:*")):
        if zone.name.count(":") == 1 and os.access(zone / "energy_uj", os.R_OK):
            domains.append(zone)
    return domains


def _read_uj(zone: Path) -> tuple[int, int]:
    energy = int((zone / "energy_uj").read_text())
    try:
        limit = int((zone / "max_energy_range_uj").read_text())
    except (OSError, ValueError):
        limit = 2**32
    return energy, limit


@dataclass
class Footprint:
    """What a measurement found: energy, CO2 and how they were obtained."""

    energy_wh: float
    co2_g: float
    method: str
    detail: str
    wall_time_s: float
    cpu_time_s: float
    country: str
    grams_co2_per_kwh: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class EnergyMeter:
    """Measure the energy of a block of code: ``with EnergyMeter() as meter: ...``.

    Parameters
    ----------
    method : {"auto", "rapl", "cpu-time", "codecarbon"}, default="auto"
        ``auto``: RAPL counters when readable, else CPU time.
    country : str, optional
        ISO alpha-3 code for the grid's carbon intensity (default: world average).
    rapl_root : path, default="/sys/class/powercap"

    Attributes
    ----------
    footprint : Footprint
        Set when the block ends.

    Examples
    --------
    >>> with EnergyMeter(method="cpu-time", country="FRA") as meter:
    ...     _ = sum(i * i for i in range(10_000))
    >>> meter.footprint.method, meter.footprint.grams_co2_per_kwh
    ('cpu-time', 56.0)
    """

    def __init__(self, method: str = "auto", country: str | None = None,
                 rapl_root: str | os.PathLike = "/sys/class/powercap"):
        if method not in METHODS:
            raise ValueError(f"Unknown footprint method {method!r}; expected one of "
                             f"{', '.join(METHODS)}.")
        self.method = method
        self.country = "WLD" if country is None else str(country).upper()
        self.intensity = grams_per_kwh(self.country)
        self.rapl_root = Path(rapl_root)
        self.footprint: Footprint | None = None
        # NOTE: what was asked for must be available: checked here, before any work.
        if method == "rapl" and not _rapl_domains(self.rapl_root):
            raise ValueError(f"No readable RAPL counter under {self.rapl_root} (they "
                             "usually need root); use --footprint cpu-time or auto.")
        if method == "codecarbon":
            try:
                import codecarbon  # noqa: F401
            except ImportError:
                raise ValueError("--footprint codecarbon needs codecarbon: pip install "
                                 "glassbox-ml[footprint]") from None

    def __enter__(self) -> EnergyMeter:
        self._domains: list[Path] = []
        if self.method in ("auto", "rapl"):
            self._domains = _rapl_domains(self.rapl_root)
        self._tracker = None
        if self.method == "codecarbon":
            from codecarbon import OfflineEmissionsTracker

            # NOTE: only codecarbon's energy is used; CO2 comes from CARBON_INTENSITY, as
            # for the other methods (its offline mode needs some country code: USA).
            self._tracker = OfflineEmissionsTracker(country_iso_code=self.country
                                                    if self.country != "WLD" else "USA",
                                                    save_to_file=False, log_level="error")
            self._tracker.start()
        self._start_uj = [_read_uj(zone) for zone in self._domains]
        self._wall, self._cpu = time.perf_counter(), _cpu_seconds()
        return self

    def __exit__(self, *exc_info) -> None:
        wall = time.perf_counter() - self._wall
        cpu = _cpu_seconds() - self._cpu
        if self._tracker is not None:
            self._tracker.stop()
            kwh = float(self._tracker.final_emissions_data.energy_consumed)
            method, detail = "codecarbon", "codecarbon OfflineEmissionsTracker"
        elif self._domains:
            joules = 0.0
            for zone, (start, limit) in zip(self._domains, self._start_uj):
                end, _ = _read_uj(zone)
                joules += ((end - start) % limit) / 1e6  # the counter wraps at its limit
            kwh = joules / 3.6e6
            method = "rapl"
            detail = (f"RAPL counters of {len(self._domains)} CPU package(s) (all processes "
                      "on them)")
        else:
            watts, detail = watts_per_core()
            kwh = cpu * watts / 3.6e6
            method = "cpu-time"
            detail = f"CPU time x {watts:.3g} W per busy core ({detail})"
        self.footprint = Footprint(energy_wh=kwh * 1000, co2_g=kwh * self.intensity,
                                   method=method, detail=detail, wall_time_s=wall,
                                   cpu_time_s=cpu, country=self.country,
                                   grams_co2_per_kwh=self.intensity)


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished child processes (a lab's workers)."""
    times = os.times()
    return time.process_time() + times.children_user + times.children_system
