"""In-processing mitigation: the reductions approach (Agarwal et al. 2018).

Fair classification as a game. Minimise the error subject to "each group's rate is
within ``difference_bound`` of the population's rate": the Lagrangian

    L(Q, lambda) = err(Q) + sum_k lambda_k (gamma_k(Q) - bound),     ||lambda||_1 <= B

is a zero-sum game between a learner, who picks a randomised classifier Q, and an
auditor, who picks multipliers lambda on the violated constraints. The auditor plays
exponentiated gradient (multiplicative updates, lambda = B e^theta / (1 + sum e^theta));
the learner's best response to lambda is *one ordinary weighted classification*: each
sample's cost of predicting 1 instead of 0 is a signed weight

    w_i = (2 y_i - 1) + (U lambda)_i,    fit(X, y' = [w_i > 0], sample_weight = |w_i|)

so any scikit-learn classifier that accepts ``sample_weight`` becomes fair. The answer
is the mixture of the classifiers found, weighted to (nearly) solve the game: its
duality gap is below ``nu``. The twin is ``fairlearn.reductions.ExponentiatedGradient``
(with the ``DemographicParity`` and ``EqualizedOdds`` moments, difference bounds).

The constraints are moments gamma = E[h | event, group] - E[h | event]:

- demographic parity: one event, everyone: P(h = 1 | A = a) = P(h = 1);
- equalized odds: the events y = 0 and y = 1: equal FPR and TPR.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from glassbox.fairness.metric_frame import _group_keys

__all__ = ["ExponentiatedGradient", "ParityConstraint"]

_PRECISION = 1e-8
_MIN_ITER = 5
# Step-size schedule of the auditor (the values of Agarwal et al.'s code).
_REGRET_CHECK_START_T, _REGRET_CHECK_INCREASE_T = 5, 1.6
_SHRINK_REGRET, _SHRINK_ETA = 0.8, 0.8
_ACCURACY_MUL = 0.5


class _Constant:
    """The classifier that always answers ``value`` (the best response when every
    reduced label is the same)."""

    def __init__(self, value: int):
        self.value = value

    def predict(self, X):
        return np.full(len(X), self.value, dtype=np.int64)


class ParityConstraint:
    """The moments gamma_(sign, event, group) of a parity constraint, on one data set.

    With ``n`` samples, the matrix ``U`` (n, K) holds, for constraint k = (s, e, g),
    U_ik = +-(1[e_i = e] / P(e) - 1[e_i = e, g_i = g] / P(e, g)), so that
    gamma(h) = -U^T h / n is E[h | e, g] - E[h | e] (sign +) or its opposite (sign -),
    and the cost-sensitive weights of the learner's best response are U lambda.
    """

    def __init__(self, kind: str, y: np.ndarray, groups: np.ndarray, bound: float):
        if kind == "demographic_parity":
            events = np.zeros(len(y), dtype=np.int64)  # one event: everyone
        elif kind == "equalized_odds":
            events = y.astype(np.int64)  # y = 0 (FPR) and y = 1 (TPR)
        else:
            raise ValueError(f"constraints must be 'demographic_parity' or 'equalized_odds', "
                             f"received {kind!r}.")
        n = len(y)
        self.n, self.bound = n, bound
        self.events, self.groups = events, groups
        self.event_values = np.unique(events)
        self.group_values = np.unique(groups)
        pairs = [(e, g) for e in self.event_values for g in self.group_values
                 if np.any((events == e) & (groups == g))]
        self.index = [("+", e, g) for e, g in pairs] + [("-", e, g) for e, g in pairs]
        self.prob_event = {e: np.mean(events == e) for e in self.event_values}
        self.prob_group_event = {(e, g): np.mean((events == e) & (groups == g))
                                 for e, g in pairs}
        U = np.zeros((n, len(self.index)))
        for k, (sign, e, g) in enumerate(self.index):
            in_event = (events == e) / self.prob_event[e]
            in_group = ((events == e) & (groups == g)) / self.prob_group_event[e, g]
            U[:, k] = in_event - in_group if sign == "+" else in_group - in_event
        self.U = U

    def gamma(self, predictions: np.ndarray) -> np.ndarray:
        """The K moments of 0/1 ``predictions``: +-(E[h | e, g] - E[h | e])."""
        return -self.U.T @ predictions / self.n

    def signed_weights(self, lambda_vec: np.ndarray) -> np.ndarray:
        return self.U @ lambda_vec

    def project_lambda(self, lambda_vec: np.ndarray) -> np.ndarray:
        """An equivalent lambda of least L1 norm (same Lagrangian for every h).

        Within one event, sum_g P(g | e) gamma_(+, e, g) = 0, so shifting the signed
        multipliers lambda_+ - lambda_- by a multiple of P(g | e) changes nothing; the
        weighted median of lambda / P(g | e) is the shift of least norm.
        """
        half = len(self.index) // 2
        signed = lambda_vec[:half] - lambda_vec[half:]
        keys = self.index[:half]
        for e in self.event_values:
            members = [k for k, (_, ev, _) in enumerate(keys) if ev == e]
            prob = np.array([self.prob_group_event[e, keys[k][2]] / self.prob_event[e]
                             for k in members])
            normalized = signed[members] / prob
            order = np.argsort(normalized, kind="stable")
            median = np.searchsorted(np.cumsum(prob[order]), prob.sum() / 2)
            signed[members] = signed[members] - prob * normalized[order[median]]
        return np.concatenate([np.clip(signed, 0, None), np.clip(-signed, 0, None)])


class _Lagrangian:
    """The game: the learner's best responses so far, their errors and moments."""

    def __init__(self, estimator, X, y, constraint: ParityConstraint, B: float):
        self.estimator, self.X, self.y = estimator, X, y
        self.constraint, self.B = constraint, B
        self.classifiers: list = []
        self.predictions: list[np.ndarray] = []
        self.errors: list[float] = []
        self.gammas: list[np.ndarray] = []
        self.n_oracle_calls = 0
        self._last_linprog = (0, None)

    def _best_response(self, lambda_vec: np.ndarray):
        """Fit the estimator on the cost-sensitive problem that lambda defines."""
        # d(error)/d(h_i): predicting 1 costs -1 on a positive, +1 on a negative.
        signed = (2.0 * self.y - 1.0) + self.constraint.signed_weights(lambda_vec)
        label = (signed > 0).astype(np.int64)
        weight = np.abs(signed)
        weight = len(self.y) * weight / weight.sum()
        self.n_oracle_calls += 1
        if len(np.unique(label)) == 1:
            return _Constant(int(label[0]))
        return clone(self.estimator).fit(self.X, label, sample_weight=weight)

    def best_h(self, lambda_vec: np.ndarray) -> int:
        """The index of the learner's best response to lambda (added if it is new)."""
        classifier = self._best_response(lambda_vec)
        prediction = np.asarray(classifier.predict(self.X), dtype=np.float64)
        error = float(np.mean(np.abs(self.y - prediction)))
        gamma = self.constraint.gamma(prediction)
        value = error + gamma @ lambda_vec
        best, best_value = -1, np.inf
        if self.errors:
            values = np.array(self.errors) + np.array(self.gammas) @ lambda_vec
            best = int(np.argmin(values))
            best_value = values[best]
        if value < best_value - _PRECISION:
            self.classifiers.append(classifier)
            self.predictions.append(prediction)
            self.errors.append(error)
            self.gammas.append(gamma)
            best = len(self.errors) - 1
        return best

    def evaluate(self, Q: np.ndarray, lambda_vec: np.ndarray):
        """(L, L_high, gamma, error) of the mixture Q (weights over the classifiers)."""
        # Classifiers found after Q was formed have weight 0 in it.
        Q = np.pad(Q, (0, len(self.errors) - len(Q)))
        error = float(np.array(self.errors) @ Q)
        gamma = np.array(self.gammas).T @ Q
        lambda_vec = self.constraint.project_lambda(lambda_vec)
        violation = gamma - self.constraint.bound
        L = error + lambda_vec @ violation
        L_high = error + (self.B * violation.max() if violation.max() > 0 else 0.0)
        return L, L_high, gamma, error

    def gap(self, Q: np.ndarray, lambda_hat: np.ndarray, nu: float) -> float:
        """The duality gap max(L - L_low, L_high - L) of (Q, lambda_hat)."""
        L, L_high, _, _ = self.evaluate(Q, lambda_hat)
        L_low = L
        for multiplier in (1.0, 2.0, 5.0, 10.0):
            h = self.best_h(multiplier * lambda_hat)
            pure = np.zeros(len(self.errors))
            pure[h] = 1.0
            L_low = min(L_low, self.evaluate(pure, lambda_hat)[0])
            if max(L - L_low, L_high - L) > nu + _PRECISION:
                break
        return max(L - L_low, L_high - L)

    def solve_linprog(self, nu: float):
        """The best mixture of the classifiers found so far, by linear programming."""
        n_hs = len(self.errors)
        if self._last_linprog[0] == n_hs:
            return self._last_linprog[1]
        n_constraints = len(self.constraint.index)
        # min_Q,z  err . Q + B z   s.t.  (gamma - bound) Q <= z,  sum Q = 1,  Q, z >= 0
        c = np.concatenate([self.errors, [self.B]])
        A_ub = np.concatenate([np.array(self.gammas).T - self.constraint.bound,
                               -np.ones((n_constraints, 1))], axis=1)
        b_ub = np.zeros(n_constraints)
        A_eq = np.concatenate([np.ones((1, n_hs)), np.zeros((1, 1))], axis=1)
        b_eq = np.ones(1)
        primal = linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, method="highs-ds")
        Q = primal.x[:-1]
        # The dual gives the auditor's multipliers.
        dual = linprog(np.concatenate([b_ub, -b_eq]),
                       A_ub=np.concatenate([-A_ub.T, A_eq.T], axis=1), b_ub=c,
                       bounds=[(0, None)] * n_constraints + [(None, None)], method="highs-ds")
        lambda_vec = dual.x[:-1]
        result = (Q, lambda_vec, self.gap(Q, lambda_vec, nu))
        self._last_linprog = (n_hs, result)
        return result


class ExponentiatedGradient(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """A randomised classifier that minimises error under a parity constraint.

    Parameters
    ----------
    estimator : classifier
        Any classifier whose ``fit`` accepts ``sample_weight`` (a glassbox or
        scikit-learn one).
    constraints : {"demographic_parity", "equalized_odds"}, default="demographic_parity"
    difference_bound : float, default=0.01
        How far a group's rate may be from the population's rate.
    eps : float, default=0.01
        Allowed error; the multipliers are bounded by B = 1 / eps.
    max_iter : int, default=50
    nu : float, optional
        Duality gap at which to stop (default: from the first classifier's errors).
    eta0 : float, default=2.0
        Initial step of the auditor's exponentiated gradient (divided by B).
    run_linprog_step : bool, default=True
        Also solve the game restricted to the classifiers found, by linear programming.
    random_state : int, RandomState or None, default=None
        For the randomised ``predict``.

    Attributes
    ----------
    predictors_ : list of classifiers
    weights_ : ndarray of shape (n_predictors,)
        The mixture: ``predict`` picks predictor t with probability ``weights_[t]``.
    best_gap_ : float
    n_oracle_calls_ : int

    See Also
    --------
    fairlearn.reductions.ExponentiatedGradient

    Examples
    --------
    >>> from glassbox.learn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> group = rng.integers(0, 2, 400)
    >>> X = np.c_[rng.normal(size=400) + group, group]
    >>> y = (X[:, 0] + rng.normal(size=400) > 0.5).astype(int)
    >>> fair = ExponentiatedGradient(LogisticRegression(), "demographic_parity")
    >>> fair = fair.fit(X, y, sensitive_features=group)
    >>> rates = [fair.predict_proba(X)[group == g, 1].mean() for g in (0, 1)]
    >>> bool(abs(rates[0] - rates[1]) < 0.05)
    True
    """

    def __init__(self, estimator, constraints: str = "demographic_parity", *,
                 difference_bound: float = 0.01, eps: float = 0.01, max_iter: int = 50,
                 nu: float | None = None, eta0: float = 2.0, run_linprog_step: bool = True,
                 random_state=None):
        self.estimator = estimator
        self.constraints = constraints
        self.difference_bound = difference_bound
        self.eps = eps
        self.max_iter = max_iter
        self.nu = nu
        self.eta0 = eta0
        self.run_linprog_step = run_linprog_step
        self.random_state = random_state

    def fit(self, X, y, *, sensitive_features):
        """Play the game until the duality gap is below ``nu`` (or ``max_iter`` rounds).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) of 0/1
        sensitive_features : array-like of shape (n_samples,) or (n_samples, n_features)
        """
        X = np.asarray(X) if not hasattr(X, "iloc") else X
        y = _binary_labels(y)
        keys, _ = _group_keys(sensitive_features, len(y))
        groups = np.unique(np.array([str(k) for k in keys]), return_inverse=True)[1]
        self.classes_ = np.array([0, 1])
        constraint = ParityConstraint(self.constraints, y, groups, self.difference_bound)
        B = 1.0 / self.eps
        game = _Lagrangian(self.estimator, X, y.astype(np.float64), constraint, B)
        theta = np.zeros(len(constraint.index))
        lambda_sum = np.zeros(len(constraint.index))
        usage: dict[int, float] = {}
        Qs, gaps, gaps_eg = [], [], []
        last_checked, last_gap = _REGRET_CHECK_START_T, np.inf
        nu, eta = self.nu, None
        for t in range(self.max_iter):
            # The auditor: multipliers from the accumulated violations.
            lambda_vec = B * np.exp(theta) / (1 + np.exp(theta).sum())
            lambda_sum += lambda_vec
            lambda_average = lambda_sum / (t + 1)
            # The learner: a best response; the played mixture is the average so far.
            h = game.best_h(lambda_vec)
            if t == 0:
                if nu is None:
                    residual = np.abs(game.predictions[h] - game.y)
                    nu = _ACCURACY_MUL * residual.std(ddof=1) / np.sqrt(len(y))
                eta = self.eta0 / B
            usage[h] = usage.get(h, 0.0) + 1.0
            Q_eg = _mixture(usage, len(game.errors))
            gap_eg = game.gap(Q_eg, lambda_average, nu)
            gaps_eg.append(gap_eg)
            gap_lp = np.inf
            if t > 0 and self.run_linprog_step:
                Q_lp, _, gap_lp = game.solve_linprog(nu)
            if gap_eg < gap_lp:
                Qs.append(Q_eg)
                gaps.append(gap_eg)
            else:
                Qs.append(Q_lp)
                gaps.append(gap_lp)
            if gaps[t] < nu and t >= _MIN_ITER:
                break
            if t >= last_checked * _REGRET_CHECK_INCREASE_T:
                best_gap = min(gaps_eg)
                if best_gap > last_gap * _SHRINK_REGRET:
                    eta *= _SHRINK_ETA
                last_checked, last_gap = t, best_gap
            theta += eta * (game.gammas[h] - constraint.bound)
        gaps = np.array(gaps)
        self.best_iter_ = int(np.flatnonzero(gaps <= gaps.min() + _PRECISION)[-1])
        self.best_gap_ = float(gaps[self.best_iter_])
        weights = np.zeros(len(game.classifiers))
        weights[:len(Qs[self.best_iter_])] = Qs[self.best_iter_]
        self.weights_ = weights
        self.predictors_ = game.classifiers
        self.n_oracle_calls_ = game.n_oracle_calls
        self.nu_ = float(nu)
        return self

    def predict_proba(self, X) -> np.ndarray:
        """(P(h = 0), P(h = 1)) of the mixture: sum_t weights_t * predictor_t(X)."""
        check_is_fitted(self)
        positive = np.zeros(len(X))
        for weight, predictor in zip(self.weights_, self.predictors_):
            if weight > 0:
                positive += weight * np.asarray(predictor.predict(X), dtype=np.float64)
        return np.column_stack([1.0 - positive, positive])

    def predict(self, X, random_state=None) -> np.ndarray:
        """Randomised decisions: 1 with probability P(h = 1) of the mixture."""
        rng = check_random_state(self.random_state if random_state is None else random_state)
        positive = self.predict_proba(X)[:, 1]
        return (positive >= rng.rand(len(positive))).astype(np.int64)


def _mixture(usage: dict[int, float], n: int) -> np.ndarray:
    Q = np.zeros(n)
    for index, count in usage.items():
        Q[index] = count
    return Q / Q.sum()


def _binary_labels(y) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim != 1:
        y = y.ravel()
    values = set(np.unique(y).tolist())
    if not values <= {0, 1}:
        raise ValueError(f"Fair classification needs labels in {{0, 1}}, received "
                         f"{sorted(values, key=str)}.")
    return y.astype(np.int64)
