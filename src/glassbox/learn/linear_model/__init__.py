"""Linear models: least squares, and logistic regression fitted by a written-out L-BFGS.

- :class:`LinearRegression` solves ``min_w ||y - X w - b||²`` with one least-squares
  solve on centred data.
- :class:`LogisticRegression` minimises the L2-penalised cross-entropy with L-BFGS. The
  algorithm as taught: the loss and its gradient (:func:`logistic_loss_gradient` for two
  classes, :func:`softmax_loss_gradient` for more) and L-BFGS (:func:`minimize_lbfgs`:
  the two-loop recursion that turns the last few steps into a quasi-Newton direction,
  :func:`_two_loop_direction`, and a line search that stops at a step satisfying the
  strong Wolfe conditions, :func:`_wolfe_line_search`). The estimator minimises the same
  loss with scipy's L-BFGS-B and scikit-learn's options, so that it stops where
  scikit-learn stops; the two minimisers are tested to reach the same minimum.

Files, as scikit-learn's: ``_base.py`` (least squares), ``_loss.py`` (the losses),
``_lbfgs.py`` (the minimiser), ``_logistic.py`` (the estimator).

The twins are :class:`sklearn.linear_model.LinearRegression` and
:class:`sklearn.linear_model.LogisticRegression` (``solver="lbfgs"``).
"""

from glassbox.learn.linear_model._base import LinearRegression
from glassbox.learn.linear_model._lbfgs import minimize_lbfgs
from glassbox.learn.linear_model._logistic import LogisticRegression
from glassbox.learn.linear_model._loss import logistic_loss_gradient, softmax_loss_gradient

__all__ = ["LinearRegression", "LogisticRegression", "logistic_loss_gradient", "minimize_lbfgs",
           "softmax_loss_gradient"]
