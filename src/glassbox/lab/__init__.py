"""The lab: one module per experiment of the course, each writing an HTML report.

Adding a lab is adding one module here that defines ``NAME``, ``TITLE``, ``SECTION`` and
``run(ctx: LabContext)``; ``glassbox lab list`` finds it. See :mod:`glassbox.lab.runner`.
"""

from glassbox.lab.report import Report
from glassbox.lab.runner import LabContext, available_labs, get_lab, run_all, run_lab

__all__ = ["LabContext", "Report", "available_labs", "get_lab", "run_all", "run_lab"]
