"""plot_tree draws the boxes and texts scikit-learn's plot_tree draws for the same tree."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import sklearn.tree as sk_tree  # noqa: E402
from sklearn.datasets import load_iris, load_wine  # noqa: E402

from glassbox.learn.tree import DecisionTreeClassifier, plot_tree  # noqa: E402


def _boxes(draw, model, **options):
    figure, ax = plt.subplots(figsize=(8, 5))
    try:
        annotations = draw(model, ax=ax, **options)
        return [(a.get_text(), a.get_bbox_patch().get_facecolor()
                 if a.get_bbox_patch() is not None else None,
                 a.xy if a.xyann == a.xy else None) for a in annotations], annotations
    finally:
        plt.close(figure)


OPTIONS = [
    {},
    {"filled": True, "class_names": ["a", "b", "c"], "rounded": True},
    {"max_depth": 1, "proportion": True, "node_ids": True, "label": "root"},
    {"impurity": False, "class_names": True, "precision": 1, "fontsize": 7},
]


@pytest.mark.parametrize("options", OPTIONS, ids=str)
@pytest.mark.parametrize("criterion", ["gini", "entropy"])
def test_same_boxes_and_texts_as_sklearn(options, criterion):
    X, y = load_iris(return_X_y=True)
    ours = DecisionTreeClassifier(max_depth=3, criterion=criterion, random_state=0).fit(X, y)
    theirs = sk_tree.DecisionTreeClassifier(max_depth=3, criterion=criterion,
                                            random_state=0).fit(X, y)
    names = load_iris().feature_names if options.get("filled") else None
    drawn, annotations = _boxes(plot_tree, ours, feature_names=names, **options)
    expected, their_annotations = _boxes(sk_tree.plot_tree, theirs, feature_names=names,
                                         **options)
    assert [text for text, _, _ in drawn] == [text for text, _, _ in expected]
    assert [color for _, color, _ in drawn] == [color for _, color, _ in expected]
    # every box but the root hangs from its parent by an arrow, as in scikit-learn
    assert sum(a.arrow_patch is not None for a in annotations) == sum(
        a.arrow_patch is not None for a in their_annotations)


def test_weighted_multiclass_values_and_children_below_parents():
    X, y = load_wine(return_X_y=True)
    weight = np.random.default_rng(0).uniform(0.5, 2.0, len(y))
    ours = DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, y, sample_weight=weight)
    theirs = sk_tree.DecisionTreeClassifier(max_depth=2, random_state=0).fit(
        X, y, sample_weight=weight)
    drawn, annotations = _boxes(plot_tree, ours, filled=True)
    expected, _ = _boxes(sk_tree.plot_tree, theirs, filled=True)
    assert [t for t, _, _ in drawn] == [t for t, _, _ in expected]
    children = [a for a in annotations if a.arrow_patch is not None and a.xyann != a.xy]
    assert len(children) == ours.tree_.node_count - 1
    for annotation in children:  # each child box below its parent, arrow between
        assert annotation.xyann[1] < annotation.xy[1]
