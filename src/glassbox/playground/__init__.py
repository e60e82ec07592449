"""The playground: a TensorFlow-Playground-style page on the glassbox engine.

``glassbox playground`` starts a local web server (a Starlette application under
uvicorn) and opens one page where a small network learns 2-D data while you watch:
data sets with 2-5 classes or a regression surface, your own CSV, features, hidden
layers, activation, regularisation, optimizer, a heat map per neuron, weights drawn as
lines, loss curves, the decision map, accuracy and confusion matrix, the formulas behind
any neuron or weight, and export as glassbox code and safetensors. The whole state lives
in the URL.

- :mod:`~glassbox.playground.settings`: the validated settings and their URL form;
- :mod:`~glassbox.playground.datasets`: the pictures, the features, CSV uploads;
- :mod:`~glassbox.playground.session`: one tab's network, trained with glassbox.nn;
- :mod:`~glassbox.playground.formulas` and :mod:`~glassbox.playground.export`: what a
  click shows, and the network as code;
- :mod:`~glassbox.playground.app`: the web application (HTTP, WebSocket, safety checks);
- ``static/``: the page (plain JavaScript and SVG/canvas, no library, works offline).
"""

from glassbox.playground.session import Session
from glassbox.playground.settings import Settings

__all__ = ["Session", "Settings"]
