"""Export a playground network as glassbox code that rebuilds it.

The code names the input features, builds the same ``nn.Sequential`` and loads the
weights the page exports beside it (safetensors, readable by ``glassbox.load`` and by
``safetensors.torch.load_file``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from glassbox.playground.settings import FEATURES

if TYPE_CHECKING:
    from glassbox.playground.session import Session

__all__ = ["network_code"]

_FEATURE_CODE = {"x1": "x1", "x2": "x2", "x1sq": "x1 * x1", "x2sq": "x2 * x2",
                 "x1x2": "x1 * x2", "sinx1": "np.sin(x1)", "sinx2": "np.sin(x2)"}
_MODULES = {"relu": "nn.ReLU()", "tanh": "nn.Tanh()", "sigmoid": "nn.Sigmoid()",
            "linear": "nn.Identity()"}


def network_code(session: Session, weights_file: str = "playground.safetensors") -> str:
    """Python source that rebuilds ``session``'s network and loads its weights.

    Running the code defines ``features(X)``, ``model`` and ``predict(X)`` for points
    ``X`` of shape (n, 2).

    Examples
    --------
    >>> from glassbox.playground.session import Session
    >>> print(network_code(Session()).splitlines()[0])
    # A network from the glassbox playground: glassbox playground, then open
    """
    s = session.settings
    sizes = [len(s.features), *s.hidden, session.n_outputs]
    layers = []
    for index, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(f"    nn.Linear({fan_in}, {fan_out}),")
        if index < len(sizes) - 2:
            layers.append(f"    {_MODULES[s.activation]},")
    columns = ", ".join(_FEATURE_CODE[name] for name in s.features)
    names = ", ".join(FEATURES[name] for name in s.features)
    if session.kind == "binary":
        prediction = ("gb.sigmoid(logits)  # probability of class 1", "    ")
    elif session.kind == "multiclass":
        prediction = ("gb.softmax(logits, dim=1)  # probability of each class", "    ")
    else:
        prediction = ("logits  # the regression's prediction", "    ")
    return "\n".join([
        "# A network from the glassbox playground: glassbox playground, then open",
        f"# http://127.0.0.1:8000/#{s.to_query()}",
        "import numpy as np",
        "",
        "import glassbox as gb",
        "from glassbox import nn",
        "",
        f"WEIGHTS = {weights_file!r}  # exported by the page beside this file",
        "",
        "",
        "def features(X):",
        f"    \"\"\"The inputs ({names}) of points X of shape (n, 2).\"\"\"",
        "    x1, x2 = X[:, 0], X[:, 1]",
        f"    return np.stack([{columns}], axis=1).astype(np.float32)",
        "",
        "",
        "model = nn.Sequential(",
        *layers,
        ")",
        "model.load_state_dict(gb.load(WEIGHTS))",
        "",
        "",
        "def predict(X):",
        "    with gb.no_grad():",
        "        logits = model(gb.from_numpy(features(X)))",
        f"{prediction[1]}return {prediction[0]}",
        "",
    ])
