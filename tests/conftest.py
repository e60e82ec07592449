"""Shared test setup: where the data is, Hypothesis profiles, thread counts."""

import os
from pathlib import Path

from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"

# Tests read MNIST from ../shared/data unless the caller pointed elsewhere.
if "GLASSBOX_DATA" not in os.environ and SHARED_DATA.is_dir():
    os.environ["GLASSBOX_DATA"] = str(SHARED_DATA)

# NOTE: CI runs pytest on 2 cores with pytest-xdist; one BLAS/torch thread per worker
# avoids oversubscription (four threads fighting over two cores).
if "PYTEST_XDIST_WORKER" in os.environ:
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")

os.environ.setdefault("MPLBACKEND", "Agg")

settings.register_profile(
    "ci", max_examples=25, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "dev", max_examples=100, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_configure(config):
    try:
        import torch
    except ImportError:
        return
    if "PYTEST_XDIST_WORKER" in os.environ:
        torch.set_num_threads(1)
