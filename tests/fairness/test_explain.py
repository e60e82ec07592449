"""Saliency and integrated gradients on glassbox autograd equal captum's on torch."""

import numpy as np
import pytest
import torch
from captum.attr import IntegratedGradients, Saliency
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.tree import DecisionTreeClassifier as SkTree

import glassbox.nn as gnn
from glassbox.fairness.explain import (
    decision_rules,
    integrated_gradients,
    linear_contributions,
    quadrature,
    saliency,
)
from glassbox.learn.linear_model import LogisticRegression
from glassbox.models import lenet5
from parity import assert_close


def _twin(glassbox_model, torch_model):
    state = {k: torch.from_numpy(np.array(v.numpy())) for k, v in
             glassbox_model.state_dict().items()}
    torch_model.load_state_dict(state)
    return glassbox_model.eval(), torch_model.eval()


def _mlp(nn):
    return nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3))


@pytest.fixture(scope="module")
def lenets():
    return _twin(lenet5(nn=gnn), lenet5(nn=torch.nn))


@given(st.integers(0, 2**31 - 1), st.integers(0, 2), st.integers(2, 12),
       st.sampled_from(["gausslegendre", "riemann_trapezoid", "riemann_left",
                        "riemann_middle", "riemann_right"]))
@settings(max_examples=25)
def test_mlp_float64_equals_captum(seed, target, n_steps, method):
    torch.manual_seed(seed)
    ours, twin = _twin(_mlp(gnn).double(), _mlp(torch.nn).double())
    x = np.random.default_rng(seed).normal(size=(3, 4))
    baseline = np.random.default_rng(seed + 1).normal(size=(1, 4))
    expected = Saliency(twin).attribute(torch.from_numpy(x).requires_grad_(), target=target)
    assert_close(saliency(ours, x, target), expected, 1e-10, 1e-12, "saliency")
    expected = IntegratedGradients(twin).attribute(
        torch.from_numpy(x), baselines=torch.from_numpy(baseline), target=target,
        n_steps=n_steps, method=method)
    actual = integrated_gradients(ours, x, target, baselines=baseline, n_steps=n_steps,
                                  method=method)
    # NOTE: captum rounds the quadrature weights (and its Riemann nodes) to float32 even
    # for float64 inputs (`torch.tensor(step_sizes).float()`); glassbox keeps them exact.
    # That rounding errs by ~1e-7 of the terms summed, not of their (possibly cancelling)
    # sum, so the tolerance is relative to the largest attribution: over 4,500 cases
    # (seeds 0-299, every method and target) the worst error was 1.1e-7 of it; a wrong
    # weight or node errs by ~1e-2.
    scale = float(np.abs(expected.numpy()).max())
    assert_close(actual, expected, 1e-6, 1e-6 * scale, f"integrated gradients ({method})")


def test_lenet5_saliency_and_integrated_gradients_equal_captum(lenets):
    ours, twin = lenets
    x = np.random.default_rng(0).normal(size=(4, 1, 32, 32)).astype(np.float32)
    target = np.array([3, 1, 4, 1])
    expected = Saliency(twin).attribute(torch.from_numpy(x).requires_grad_(),
                                        target=torch.from_numpy(target))
    assert_close(saliency(ours, x, target), expected, 1e-4, 1e-6, "saliency")
    for method in ("gausslegendre", "riemann_trapezoid"):
        expected = IntegratedGradients(twin).attribute(
            torch.from_numpy(x), target=torch.from_numpy(target), n_steps=16, method=method)
        assert_close(integrated_gradients(ours, x, target, n_steps=16, method=method),
                     expected, 1e-3, 1e-6, f"integrated gradients ({method})")


def test_integrated_gradients_are_complete(lenets):
    """sum of attributions = score(x) - score(baseline), up to the quadrature error."""
    ours, _ = lenets
    x = np.random.default_rng(1).normal(size=(2, 1, 32, 32)).astype(np.float32)
    attributions, delta = integrated_gradients(ours, x, 7, n_steps=64,
                                               return_convergence_delta=True)
    score_gap = attributions.reshape(2, -1).sum(axis=1) - delta
    assert np.all(np.abs(delta) <= 1e-3 * np.maximum(1.0, np.abs(score_gap)))


def test_quadrature_integrates_polynomials():
    nodes, weights = quadrature(5)
    for power in range(10):  # Gauss-Legendre with 5 nodes is exact up to degree 9
        assert (weights * nodes**power).sum() == pytest.approx(1 / (power + 1), abs=1e-14)
    with pytest.raises(ValueError, match="Unknown method"):
        quadrature(5, "simpson")


def test_linear_contributions_add_up_to_the_log_odds():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = (X @ [1.0, -2.0, 0.5] + rng.normal(size=200) > 0).astype(int)
    model = LogisticRegression().fit(X, y)
    terms = linear_contributions(model, X[0], ["a", "b", "c"])
    log_odds = model.intercept_[0] + sum(term["contribution"] for term in terms)
    assert log_odds == pytest.approx(model.decision_function(X[:1])[0], abs=1e-12)
    assert [t["feature"] for t in terms] == sorted(
        "abc", key=lambda f: -abs(model.coef_[0]["abc".index(f)] * X[0]["abc".index(f)]))


def test_decision_rules_follow_sklearn_decision_path():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    y = (X[:, 0] + X[:, 1] ** 2 > 0.5).astype(int)
    tree = SkTree(max_depth=4, random_state=0).fit(X, y)
    for row in X[:20]:
        rules = decision_rules(tree, row, ["f0", "f1", "f2", "f3"])
        path = tree.decision_path(row[None]).indices
        assert len(rules) == len(path) - 1
        for rule, node in zip(rules, path[:-1]):
            assert rule.startswith(f"f{tree.tree_.feature[node]} ")
