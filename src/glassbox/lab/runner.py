"""Running a lab: discover it, seed it, time it, write its files.

``run_lab("kernels", quick=True, out_dir="lab-out")`` imports ``glassbox.lab.kernels``,
calls its ``run(ctx)`` with a :class:`LabContext`, and writes into ``lab-out/kernels/``:

- ``report.html``   the self-contained report (figures embedded as PNG),
- ``metrics.json``  the figures the lab measured,
- ``config.json``   how it was run (seed, quick, engine, versions),
- ``figures/*.png`` every figure of the report.

A run is a transaction: the lab writes into a staging folder beside ``lab-out/kernels/``
that replaces it only once everything is written (:mod:`glassbox.lab._staging`), so a
run that fails, is interrupted or is killed leaves the previous run's files as they were.
One stopped by the NaN guard (:class:`glassbox.train.NonFiniteLossError`) keeps its files,
the last good checkpoint among them, in ``lab-out/kernels.failed/``, and says so.
"""

from __future__ import annotations

import html
import importlib
import json
import os
import pkgutil
import platform
import shutil
import sys
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

import numpy as np

from glassbox.io import atomic_write_json, atomic_write_text
from glassbox.lab import _staging
from glassbox.lab._footprint import CARBON_INTENSITY_SOURCE, EnergyMeter
from glassbox.lab.report import Report
from glassbox.train.loop import NonFiniteLossError

__all__ = ["LabContext", "available_labs", "get_lab", "run_lab", "run_all", "ENGINES"]

T = TypeVar("T")
ENGINES = ("glassbox", "torch")

# NOTE: energy is read from the CPU's counters where the machine exposes them, else
# estimated from CPU time (glassbox.lab._footprint); every report states which.


@dataclass
class LabContext:
    """What a lab's ``run(ctx)`` receives: its settings, report, metrics and helpers."""

    name: str
    quick: bool
    seed: int
    engine: str
    data_dir: Path | None
    out_dir: Path
    report: Report
    metrics: dict[str, Any] = field(default_factory=dict)
    rng: np.random.Generator = field(default_factory=np.random.default_rng)
    show_progress: bool = True
    footprint: str = "auto"  # how energy is measured: see glassbox.lab._footprint
    country: str | None = None  # ISO alpha-3 code of the grid's carbon intensity

    def path(self, name: str) -> Path:
        """A file inside the lab's output folder (for checkpoints)."""
        return self.out_dir / name

    def progress(self, iterable: Iterable[T], desc: str | None = None,
                 total: int | None = None, leave: bool = False) -> Iterator[T]:
        """Iterate with a progress bar (tqdm, on stderr; silent when disabled)."""
        from tqdm.auto import tqdm

        return iter(tqdm(iterable, desc=desc, total=total, leave=leave,
                         disable=not self.show_progress, dynamic_ncols=True))


def available_labs() -> dict[str, ModuleType]:
    """Every lab module of ``glassbox.lab`` by its CLI name (adding a lab = adding a module).

    A lab module defines ``NAME``, ``TITLE``, ``SECTION`` and ``run(ctx)``.

    Examples
    --------
    >>> "kernels" in available_labs()
    True
    """
    import glassbox.lab as package

    labs = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_") or info.name in {"runner", "report"}:
            continue
        try:
            module = importlib.import_module(f"glassbox.lab.{info.name}")
        except ImportError as error:
            # NOTE: one lab whose optional dependency is missing (torch, say) must not
            # hide the others; it is reported instead of listed.
            warnings.warn(f"Lab module glassbox.lab.{info.name} cannot be imported: {error}",
                          stacklevel=2)
            continue
        if callable(getattr(module, "run", None)) and hasattr(module, "NAME"):
            labs[module.NAME] = module
    return dict(sorted(labs.items()))


def get_lab(name: str) -> ModuleType:
    """The lab module called ``name``; a ValueError lists the valid names otherwise.

    Examples
    --------
    >>> get_lab("kernels").SECTION
    '3.1 Convolutions from scratch'
    """
    # NOTE: import only the lab asked for (labs import heavy libraries); the full
    # discovery runs only to list the valid names in the error.
    module_name = name.replace("-", "_")
    if module_name.isidentifier() and module_name not in {"runner", "report"} \
            and not module_name.startswith("_"):
        try:
            module = importlib.import_module(f"glassbox.lab.{module_name}")
        except ModuleNotFoundError as error:
            if error.name != f"glassbox.lab.{module_name}":
                raise
        else:
            if getattr(module, "NAME", None) == name and callable(getattr(module, "run", None)):
                return module
    labs = available_labs()
    if name not in labs:
        raise ValueError(f"Unknown lab {name!r}. Expected one of: {', '.join(labs)} (or 'all').")
    return labs[name]


def _versions() -> dict[str, str]:
    import glassbox

    versions = {"python": platform.python_version(), "glassbox": glassbox.__version__,
                "numpy": np.__version__}
    for package in ("sklearn", "matplotlib", "torch", "scipy"):
        module = sys.modules.get(package)
        if module is not None:
            versions[package] = getattr(module, "__version__", "?")
    return versions


def run_lab(name: str, quick: bool = False, seed: int = 0, out_dir: str | os.PathLike = "lab-out",
            data_dir: str | os.PathLike | None = None, engine: str = "glassbox",
            show_progress: bool = True, footprint: str = "auto",
            country: str | None = None) -> Path:
    """Run one lab and write its report; returns the path of ``report.html``.

    Parameters
    ----------
    name : str
        A lab name from :func:`available_labs`.
    quick : bool, default=False
        Run the small version (seconds; what the tests run).
    seed : int, default=0
        Seeds NumPy's generator given to the lab and glassbox's global generator.
    out_dir : path, default="lab-out"
        The report goes to ``out_dir/name/``.
    data_dir : path, optional
        Where datasets are looked for first (before ``$GLASSBOX_DATA`` and the cache).
    engine : {"glassbox", "torch"}
        The engine for labs that train networks.
    footprint : {"auto", "rapl", "cpu-time", "codecarbon"}, default="auto"
        How the energy is measured (:class:`glassbox.lab._footprint.EnergyMeter`).
    country : str, optional
        ISO alpha-3 code whose grid carbon intensity converts energy to CO2 (default:
        the world average).

    Examples
    --------
    >>> import tempfile
    >>> path = run_lab("kernels", quick=True, out_dir=tempfile.mkdtemp(), show_progress=False)
    >>> path.name, sorted(p.name for p in path.parent.iterdir())
    ('report.html', ['config.json', 'figures', 'metrics.json', 'report.html'])
    """
    if engine not in ENGINES:
        raise ValueError(f"Unknown engine {engine!r}. Expected one of: {', '.join(ENGINES)}.")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, received {seed!r}")
    module = get_lab(name)
    meter = EnergyMeter(footprint, country)  # checks both before anything runs
    import matplotlib

    matplotlib.use("Agg")
    from glassbox._random import manual_seed

    manual_seed(seed)
    lab_dir = Path(out_dir) / name
    # the folders this run creates on the way to out_dir (removed again if it fails)
    created = [folder for folder in reversed(lab_dir.parents) if not folder.exists()]
    staging = lock = None
    try:
        staging, lock = _open_staging(Path(out_dir), lab_dir)
        _run_into(module, staging, meter, name=name, quick=quick, seed=seed,
                  data_dir=data_dir, engine=engine, show_progress=show_progress)
        _staging.swap_in(staging, lab_dir)
    except BaseException as error:
        # Failed, interrupted (Ctrl-C) or bad input: the previous run stays as it was.
        if staging is not None:
            if isinstance(error, NonFiniteLossError) and str(staging) in str(error):
                _keep_failed_run(error, staging, lab_dir)
            else:
                shutil.rmtree(staging, ignore_errors=True)
        for folder in reversed(created):  # and no empty OUT folder is left behind
            try:
                folder.rmdir()
            except OSError:
                break
        raise
    finally:
        _staging.release(lock)
    return lab_dir / "report.html"


FAILED = ".failed"


def _keep_failed_run(error: NonFiniteLossError, staging: Path, lab_dir: Path) -> None:
    """Keep the files of a run stopped by the NaN guard in ``OUT/NAME.failed/``.

    The guard's message points at the last good checkpoint, inside the staging folder
    that a failed run removes: the folder is kept instead (replacing the one an earlier
    failed run kept), and the message says where it now is.
    """
    kept = lab_dir.with_name(lab_dir.name + FAILED)
    try:
        if kept.exists() and not kept.is_dir():
            raise FileExistsError(f"{kept} is a file")
        if kept.exists():
            # NOTE: exchange the folders, so the new one is in place before the old goes
            if not _staging._exchange(staging, kept):
                shutil.rmtree(kept)
                os.rename(staging, kept)
            shutil.rmtree(staging, ignore_errors=True)
        else:
            os.rename(staging, kept)
    except OSError as failure:
        shutil.rmtree(staging, ignore_errors=True)
        error.args = (f"{error} (The failed run's folder could not be kept as {kept}: "
                      f"{failure}; the checkpoint was removed with it.)",)
        return
    error.args = (f"{str(error).replace(str(staging), str(kept))} The files of this failed "
                  f"run are kept in {kept}; the previous run in {lab_dir} is unchanged.",)


def _open_staging(out_dir: Path, lab_dir: Path) -> tuple[Path, int | None]:
    """Check the output folder, clean what killed runs left, and open a staging folder
    (returned with its lock, :func:`glassbox.lab._staging.new_staging_dir`)."""
    for folder in (out_dir, lab_dir):
        if folder.exists() and not folder.is_dir():
            raise NotADirectoryError(f"The lab's output folder {folder} is a file, expected a "
                                     "folder. Pass another --out (out_dir).")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        _staging.remove_stale(lab_dir)
        return _staging.new_staging_dir(lab_dir)
    except PermissionError:
        raise PermissionError(f"Cannot write the lab's output into {out_dir}: permission "
                              "denied. Pass a writable folder as --out (out_dir).") from None


def _run_into(module: ModuleType, lab_dir: Path, meter: EnergyMeter, *, name: str,
              quick: bool, seed: int, data_dir: str | os.PathLike | None, engine: str,
              show_progress: bool) -> None:
    """Run the lab (its energy measured by ``meter``) and write all its files into
    ``lab_dir`` (the staging folder)."""
    report = Report(module.TITLE, lab_dir / "figures")
    ctx = LabContext(name=name, quick=quick, seed=seed, engine=engine,
                     data_dir=Path(data_dir) if data_dir is not None else None,
                     out_dir=lab_dir, report=report, rng=np.random.default_rng(seed),
                     show_progress=show_progress, footprint=meter.method,
                     country=meter.country)
    started = datetime.now(timezone.utc)
    with meter:
        module.run(ctx)
    energy = meter.footprint
    wall, cpu = energy.wall_time_s, energy.cpu_time_s
    config = {"lab": name, "title": module.TITLE, "course_section": module.SECTION,
              "quick": quick, "seed": seed, "engine": engine,
              "data_dir": str(data_dir) if data_dir is not None else None,
              "started_utc": started.isoformat(timespec="seconds"),
              "versions": _versions(), "platform": platform.platform(),
              "cpu_count": os.cpu_count()}
    run_info = energy.as_dict()
    atomic_write_json(lab_dir / "config.json", config)
    atomic_write_json(lab_dir / "metrics.json", {**ctx.metrics, "run": run_info})
    header = [("Course section", module.SECTION), ("Mode", "quick" if quick else "full"),
              ("Seed", seed), ("Engine", engine),
              ("Started (UTC)", config["started_utc"]),
              ("Wall time (s)", round(wall, 2)), ("CPU time (s)", round(cpu, 2)),
              (f"Energy (Wh, {energy.method})", energy.energy_wh),
              (f"CO2 (g, {energy.country} grid)", energy.co2_g),
              ("Versions", ", ".join(f"{k} {v}" for k, v in config["versions"].items()))]
    intro = (f"<p><em>{html.escape((module.__doc__ or '').strip().splitlines()[0])}</em></p>"
             if module.__doc__ else "")
    footer = (f"<p style='font-size:.85em;color:#666'>Energy: {html.escape(energy.detail)}. "
              f"CO2 at {energy.grams_co2_per_kwh:g} g/kWh ({html.escape(energy.country)}: "
              f"{html.escape(CARBON_INTENSITY_SOURCE)}). Rerun with <code>glassbox lab run "
              f"{html.escape(name)} --seed {seed}{' --quick' if quick else ''}</code>.</p>")
    report.html(footer)
    atomic_write_text(lab_dir / "report.html", report.render(header, intro))


def run_all(quick: bool = False, seed: int = 0, out_dir: str | os.PathLike = "lab-out",
            data_dir: str | os.PathLike | None = None, engine: str = "glassbox",
            show_progress: bool = True, footprint: str = "auto",
            country: str | None = None) -> Path:
    """Run every lab in the course's order and write the dashboard ``out_dir/index.html``.

    Takes the options of :func:`run_lab`; ``glassbox lab run all`` calls it. The page
    lists each lab's headline figure, wall time, energy and CO2, and the course's total
    (:mod:`glassbox.lab._dashboard`).
    """
    from glassbox.lab._dashboard import headline, render_index, section_key

    index = Path(out_dir) / "index.html"
    if index.parent.is_dir():  # what a run_all killed while writing its index left
        _staging.remove_stale_temporaries(index)
    entries = []
    labs = sorted(available_labs().items(), key=lambda item: section_key(item[1].SECTION))
    for name, module in labs:
        path = run_lab(name, quick=quick, seed=seed, out_dir=out_dir, data_dir=data_dir,
                       engine=engine, show_progress=show_progress, footprint=footprint,
                       country=country)
        metrics = json.loads((path.parent / "metrics.json").read_text())
        run = metrics.get("run", {})
        entries.append({"name": name, "title": module.TITLE, "section": module.SECTION,
                        "headline": headline(name, module, metrics),
                        **{key: run.get(key, 0.0) for key in
                           ("wall_time_s", "energy_wh", "co2_g")},
                        "method": run.get("method", "?")})
    page = render_index(entries, quick, seed)
    return atomic_write_text(index, page)
