"""Why did the model decide this? Explanations of single decisions.

The course's *explicability* is intelligibility, not mere transparency: a person must
be able to understand why a decision about them was taken. Three readings of a model:

- a linear model's decision is a sum, so each feature's *contribution* is one term:
  ``coef_j * x_j`` (:func:`linear_contributions`);
- a tree's decision is a path of tests from the root to a leaf, which reads as a rule
  (:func:`decision_rules`);
- a network has neither; the gradient says which inputs the score is most sensitive to.
  *Saliency* (Simonyan et al. 2014) is |d score / d input|; *integrated gradients*
  (Sundararajan et al. 2017) accumulate the gradient along the straight path from a
  baseline x' (a black image) to the input x,

      IG_i(x) = (x_i - x'_i) * integral_0^1 d score(x' + a (x - x')) / d x_i  da,

  so that the attributions add up to score(x) - score(x') ("completeness"). The
  integral is a quadrature: Gauss-Legendre nodes by default, or a Riemann sum.

:func:`saliency` and :func:`integrated_gradients` run on glassbox's autograd; the twins
are captum's ``Saliency`` and ``IntegratedGradients`` on the torch engine (same method,
same number of steps, same weights: same attributions).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["saliency", "integrated_gradients", "quadrature", "linear_contributions",
           "decision_rules"]


def _gradient_of_target(model, inputs: np.ndarray, target: np.ndarray) -> np.ndarray:
    """d model(inputs)[n, target[n]] / d inputs[n], for every n at once."""
    from glassbox import autograd
    from glassbox.autograd import Tensor

    x = Tensor(inputs, requires_grad=True)
    output = model(x)  # (N, n_classes)
    # One-hot mask: the sum of the selected scores has, for each sample, the gradient
    # of its own score (samples do not interact in eval mode).
    mask = np.zeros(output.shape, dtype=output.dtype)
    mask[np.arange(len(target)), target] = 1
    (gradient,) = autograd.grad((output * Tensor(mask)).sum(), [x])
    return gradient.numpy()


def _targets(target: Any, n: int) -> np.ndarray:
    target = np.asarray(target, dtype=np.int64)
    return np.full(n, int(target)) if target.ndim == 0 else target


def saliency(model, inputs: np.ndarray, target, abs: bool = True) -> np.ndarray:
    """Gradient saliency: |d score_target / d input| per input value.

    Parameters
    ----------
    model : glassbox.nn.Module
        Maps a batch (N, ...) to scores (N, n_classes); put it in ``eval()`` mode.
    inputs : ndarray of shape (N, ...)
    target : int or array-like of shape (N,)
        The class whose score is explained.
    abs : bool, default=True
        Absolute value of the gradient (captum's default).

    Returns
    -------
    attributions : ndarray of the shape of ``inputs``

    See Also
    --------
    captum.attr.Saliency

    Examples
    --------
    >>> import glassbox.nn as nn
    >>> model = nn.Linear(3, 2)
    >>> _ = model.weight.data.__setitem__(slice(None), [[1, -2, 0], [0, 0, 3]])
    >>> saliency(model, np.ones((1, 3), dtype=np.float32), target=0)
    array([[1., 2., 0.]], dtype=float32)
    """
    inputs = np.asarray(inputs)
    gradient = _gradient_of_target(model, inputs, _targets(target, len(inputs)))
    return np.abs(gradient) if abs else gradient


def quadrature(n_steps: int, method: str = "gausslegendre") -> tuple[np.ndarray, np.ndarray]:
    """Nodes a_k in [0, 1] and weights w_k with integral_0^1 f ~ sum_k w_k f(a_k).

    ``gausslegendre``: Gauss-Legendre nodes mapped from [-1, 1] to [0, 1]; the Riemann
    sums ``riemann_left``, ``riemann_right``, ``riemann_middle``, ``riemann_trapezoid``:
    equal steps 1 / n (halved at both ends for the trapezoid).

    Examples
    --------
    >>> nodes, weights = quadrature(3)
    >>> float(weights.sum()), float((weights * nodes**2).sum())  # integrals of 1 and a^2
    (1.0, 0.3333333333333333)
    """
    if method == "gausslegendre":
        nodes, weights = np.polynomial.legendre.leggauss(n_steps)
        return 0.5 * (1 + nodes), 0.5 * weights
    if n_steps < 2:
        raise ValueError(f"A Riemann sum needs n_steps >= 2, received {n_steps}.")
    weights = np.full(n_steps, 1.0 / n_steps)
    grid = {"riemann_trapezoid": (0.0, 1.0), "riemann_left": (0.0, 1 - 1 / n_steps),
            "riemann_middle": (1 / (2 * n_steps), 1 - 1 / (2 * n_steps)),
            "riemann_right": (1 / n_steps, 1.0)}
    if method not in grid:
        raise ValueError(f"Unknown method {method!r}; expected 'gausslegendre' or one of "
                         f"{', '.join(grid)}.")
    if method == "riemann_trapezoid":
        weights[0] /= 2
        weights[-1] /= 2
    start, stop = grid[method]
    # NOTE: captum takes these nodes from a float32 torch.linspace; here they are exact
    # (float64), so the two agree to float32 rounding of the nodes (~1e-7 relative).
    return np.linspace(start, stop, n_steps), weights


def integrated_gradients(model, inputs: np.ndarray, target, baselines=None,
                         n_steps: int = 50, method: str = "gausslegendre",
                         return_convergence_delta: bool = False):
    """Integrated gradients: (x - x') times the path integral of the gradient.

    Parameters
    ----------
    model : glassbox.nn.Module
    inputs : ndarray of shape (N, ...)
    target : int or array-like of shape (N,)
    baselines : ndarray broadcastable to ``inputs``, optional
        The reference x' (zeros by default: a black image).
    n_steps : int, default=50
    method : str, default="gausslegendre"
        See :func:`quadrature`.
    return_convergence_delta : bool, default=False
        Also return sum(attributions) - (score(x) - score(x')) per sample: how far the
        quadrature is from completeness.

    Returns
    -------
    attributions : ndarray of the shape of ``inputs``
    delta : ndarray of shape (N,), only if ``return_convergence_delta``

    See Also
    --------
    captum.attr.IntegratedGradients

    Examples
    --------
    >>> import glassbox.nn as nn
    >>> model = nn.Linear(2, 1)
    >>> _ = model.weight.data.__setitem__(slice(None), [[2, -1]])
    >>> integrated_gradients(model, np.array([[1, 3]], dtype=np.float32), target=0)
    array([[ 2., -3.]], dtype=float32)
    """
    inputs = np.asarray(inputs)
    baselines = np.zeros_like(inputs) if baselines is None else \
        np.broadcast_to(np.asarray(baselines, dtype=inputs.dtype), inputs.shape)
    target = _targets(target, len(inputs))
    nodes, weights = quadrature(n_steps, method)
    path = np.concatenate([baselines + inputs.dtype.type(a) * (inputs - baselines)
                           for a in nodes]).astype(inputs.dtype)  # (n_steps * N, ...)
    gradients = _gradient_of_target(model, path, np.tile(target, n_steps))
    gradients = gradients.reshape((n_steps,) + inputs.shape)
    # sum_k w_k * gradient(a_k), as float32 like the forward pass
    weighted = (gradients * weights.astype(inputs.dtype).reshape(
        (n_steps,) + (1,) * inputs.ndim)).sum(axis=0)
    attributions = (inputs - baselines) * weighted
    if not return_convergence_delta:
        return attributions
    from glassbox.autograd import Tensor, no_grad

    with no_grad():
        rows = np.arange(len(inputs))
        gap = (model(Tensor(inputs)).numpy()[rows, target]
               - model(Tensor(np.ascontiguousarray(baselines))).numpy()[rows, target])
    delta = attributions.reshape(len(inputs), -1).sum(axis=1) - gap
    return attributions, delta


def linear_contributions(model, x: np.ndarray, feature_names: Sequence[str]) -> list[dict]:
    """A fitted linear classifier's decision for one sample, term by term.

    The log-odds are ``intercept + sum_j coef_j x_j``: each term is a feature's
    contribution (on the scale the model was fitted on), sorted by size.

    Examples
    --------
    >>> from glassbox.learn.linear_model import LogisticRegression
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]])
    >>> model = LogisticRegression().fit(X, [0, 0, 1, 1])
    >>> terms = linear_contributions(model, X[3], ["a", "b"])
    >>> terms[0]["feature"], bool(terms[0]["contribution"] > 0)
    ('a', True)
    """
    coef = np.asarray(model.coef_).ravel()
    x = np.asarray(x, dtype=np.float64).ravel()
    terms = [{"feature": name, "value": float(value), "weight": float(weight),
              "contribution": float(weight * value)}
             for name, value, weight in zip(feature_names, x, coef)]
    return sorted(terms, key=lambda term: -abs(term["contribution"]))


def decision_rules(tree, x: np.ndarray, feature_names: Sequence[str]) -> list[str]:
    """The tests a fitted decision tree applies to one sample, root to leaf.

    Works on glassbox's and scikit-learn's trees (the same ``tree_`` arrays).

    Examples
    --------
    >>> from glassbox.learn.tree import DecisionTreeClassifier
    >>> X = np.array([[1.0], [2.0], [3.0], [4.0]])
    >>> tree = DecisionTreeClassifier(random_state=0).fit(X, [0, 0, 1, 1])
    >>> decision_rules(tree, np.array([3.5]), ["age"])
    ['age > 2.5']
    """
    structure = tree.tree_
    x = np.asarray(x, dtype=np.float64).ravel()
    node, rules = 0, []
    while structure.children_left[node] != structure.children_right[node]:
        feature, threshold = structure.feature[node], structure.threshold[node]
        if x[feature] <= threshold:
            rules.append(f"{feature_names[feature]} <= {threshold:.4g}")
            node = structure.children_left[node]
        else:
            rules.append(f"{feature_names[feature]} > {threshold:.4g}")
            node = structure.children_right[node]
    return rules
