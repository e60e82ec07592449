"""glassbox: machine learning you can see through.

The classical and deep learning methods of an introductory course, written to be read,
with the APIs of PyTorch (``glassbox``, ``glassbox.nn``, ``glassbox.optim``,
``glassbox.data``) and scikit-learn (``glassbox.learn``), and a lab that runs each
experiment of the course end to end (``glassbox lab run NAME``).
"""

from glassbox.io import load, save

__version__ = "0.1.0"

__all__ = ["__version__", "load", "save"]
