"""``export_text``: the rules of a fitted tree as indented text, scikit-learn's format."""

from __future__ import annotations

import numbers
from io import StringIO

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils.validation import check_is_fitted

from glassbox.learn._tree_arrays import TREE_LEAF, TREE_UNDEFINED

__all__ = ["export_text"]


def _subtree_depth(tree, node):
    """Depth of the subtree under ``node``, counting ``node`` itself as 1."""
    deepest, stack = 0, [(node, 1)]
    while stack:
        current, depth = stack.pop()
        deepest = max(deepest, depth)
        if tree.children_left[current] != TREE_LEAF:
            stack.append((tree.children_left[current], depth + 1))
            stack.append((tree.children_right[current], depth + 1))
    return deepest


def _check_non_negative_int(name, value, minimum, allow_none=False):
    if allow_none and value is None:
        return
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < minimum:
        raise ValueError(
            f"The '{name}' parameter of export_text must be an int >= {minimum}"
            f"{' or None' if allow_none else ''}. Got {value!r} instead."
        )


def export_text(
    decision_tree,
    *,
    feature_names=None,
    class_names=None,
    max_depth=10,
    spacing=3,
    decimals=2,
    show_weights=False,
):
    """The rules of a fitted tree as indented text, in scikit-learn's exact format.

    Parameters
    ----------
    decision_tree : DecisionTreeClassifier
        A fitted tree (glassbox's or scikit-learn's).
    feature_names : array-like of shape (n_features,), default=None
        Names printed instead of ``feature_0``, ``feature_1``, ...
    class_names : array-like of shape (n_classes,), default=None
        Names printed instead of the values of ``classes_``.
    max_depth : int, default=10
        Deeper branches are summarised as "truncated branch of depth d".
    spacing : int, default=3
        Width of each indentation level.
    decimals : int, default=2
        Digits printed after the decimal point of thresholds and weights.
    show_weights : bool, default=False
        Print the weighted class counts of each leaf.

    Returns
    -------
    report : str

    See Also
    --------
    sklearn.tree.export_text : The twin; the same text for the same tree.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from glassbox.learn.tree import DecisionTreeClassifier, export_text
    >>> X, y = load_iris(return_X_y=True)
    >>> tree = DecisionTreeClassifier(max_depth=1, random_state=0).fit(X, y)
    >>> print(export_text(tree, feature_names=["sepal l", "sepal w", "petal l", "petal w"]))
    |--- petal w <= 0.80
    |   |--- class: 0
    |--- petal w >  0.80
    |   |--- class: 1
    <BLANKLINE>
    """
    check_is_fitted(decision_tree)
    _check_non_negative_int("max_depth", max_depth, 0, allow_none=True)
    _check_non_negative_int("spacing", spacing, 1)
    _check_non_negative_int("decimals", decimals, 0)
    max_depth = np.inf if max_depth is None else max_depth
    tree = decision_tree.tree_
    classifier = is_classifier(decision_tree)
    if classifier:
        if class_names is None:
            class_names = decision_tree.classes_
        elif len(class_names) != len(decision_tree.classes_):
            raise ValueError(
                "When `class_names` is an array, it should contain as many items as "
                f"`decision_tree.classes_`. Got {len(class_names)} while the tree was "
                f"fitted with {len(decision_tree.classes_)} classes."
            )
    if feature_names is not None and len(feature_names) != tree.n_features:
        raise ValueError(
            f"feature_names must contain {tree.n_features} elements, got {len(feature_names)}"
        )
    if feature_names is not None:
        names = [feature_names[i] if i != TREE_UNDEFINED else None for i in tree.feature]
    else:
        names = [f"feature_{i}" for i in tree.feature]
    value_format = (
        ("{}{} weights: {}\n" if show_weights else "{}{}{}\n")
        if classifier
        else ("{}{} value: {}\n")
    )
    report = StringIO()

    def add_leaf(node, indent):
        value = tree.value[node][0]
        if classifier:
            text = ""
            if show_weights:
                weights = value * tree.weighted_n_node_samples[node]
                text = "[" + ", ".join(f"{v:.{decimals}f}" for v in weights) + "]"
            class_index = np.argmax(value)
            label = class_names[class_index] if tree.n_classes[0] != 1 else class_index
            text += " class: " + str(label)
        else:
            text = "[" + ", ".join(f"{v:.{decimals}f}" for v in value) + "]"
        report.write(value_format.format(indent, "", text))

    def write(node, depth):
        # "|   |   |---": one "|" plus spacing per level, the last level ends in dashes
        indent = ("|" + " " * spacing) * depth
        indent = indent[:-spacing] + "-" * spacing
        if depth <= max_depth + 1:
            if tree.feature[node] != TREE_UNDEFINED:
                threshold = f"{tree.threshold[node]:.{decimals}f}"
                report.write(f"{indent} {names[node]} <= {threshold}\n")
                write(tree.children_left[node], depth + 1)
                report.write(f"{indent} {names[node]} >  {threshold}\n")
                write(tree.children_right[node], depth + 1)
            else:
                add_leaf(node, indent)
        elif _subtree_depth(tree, node) == 1:
            add_leaf(node, indent)
        else:
            report.write(f"{indent} truncated branch of depth {_subtree_depth(tree, node)}\n")

    write(0, 1)
    return report.getvalue()
