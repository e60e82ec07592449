"""Drawing a fitted tree with matplotlib: the boxes and texts of ``sklearn.tree.plot_tree``.

Each node is a box holding its test (``x[3] <= 0.8``), impurity, sample count, class
weights and (with ``class_names``) majority class; arrows join parents to children and
the root's two arrows say "True" (left) and "False" (right). Leaves are spread evenly
left to right and each parent sits centred above its children (scikit-learn uses the
Reingold-Tilford layout, which can pack subtrees more tightly; the boxes and texts are
the same).
"""

from __future__ import annotations

import numpy as np

TREE_LEAF = -1


def _color_brew(n):
    """n colours of evenly spaced hue (scikit-learn's palette), as (R, G, B) 0..255."""
    saturation, value = 0.75, 0.9
    chroma = saturation * value
    offset = value - chroma
    colors = []
    for hue in np.arange(25, 385, 360.0 / n).astype(int):
        sector = hue / 60.0
        x = chroma * (1 - abs((sector % 2) - 1))
        r, g, b = [(chroma, x, 0), (x, chroma, 0), (0, chroma, x), (0, x, chroma),
                   (x, 0, chroma), (chroma, 0, x), (chroma, x, 0)][int(sector)]
        colors.append([int(255 * (r + offset)), int(255 * (g + offset)),
                       int(255 * (b + offset))])
    return colors


def _fill_color(class_fractions, colors):
    """The majority class's colour, paler the closer the runner-up comes (white if tied)."""
    color = colors[int(np.argmax(class_fractions))]
    ranked = sorted(class_fractions, reverse=True)
    alpha = 0.0 if len(ranked) == 1 else (ranked[0] - ranked[1]) / (1 - ranked[1])
    rgb = [int(round(alpha * c + (1 - alpha) * 255, 0)) for c in color]
    return "#" + "".join(f"{c:02x}" for c in rgb)


def node_text(tree, node, criterion, *, feature_names=None, class_names=None,
              label="all", impurity=True, node_ids=False, proportion=False, precision=3):
    """The text of one node's box, line by line as scikit-learn writes it."""
    labels = label == "all" or (label == "root" and node == 0)
    lines = []
    if node_ids:
        lines.append(("node #" if labels else "#") + str(node))
    if tree.children_left[node] != TREE_LEAF:
        feature = (feature_names[tree.feature[node]] if feature_names is not None
                   else f"x[{tree.feature[node]}]")
        lines.append(f"{feature} <= {round(tree.threshold[node], precision)}")
    if impurity:
        lines.append((f"{criterion} = " if labels else "")
                     + str(round(tree.impurity[node], precision)))
    if proportion:
        samples = str(round(100.0 * tree.n_node_samples[node] / tree.n_node_samples[0], 1)) + "%"
    else:
        samples = str(tree.n_node_samples[node])
    lines.append(("samples = " if labels else "") + samples)
    fractions = tree.value[node][0, :]
    value = fractions if proportion else fractions * tree.weighted_n_node_samples[node]
    if not proportion and np.all(np.mod(value, 1) == 0):
        shown = value.astype(int)
    else:
        shown = np.around(value, precision)
    # numpy's list printing, without quotes: "[50, 50, 50]" (wrapped lines joined by \n)
    text = str(shown.astype("S32")).replace("b'", "'").replace("' '", ", ").replace("'", "")
    lines.append(("value = " if labels else "") + text.replace("\n ", "\n"))
    if class_names is not None:
        name = (class_names[int(np.argmax(value))] if class_names is not True
                else f"y[{int(np.argmax(value))}]")
        lines.append(("class = " if labels else "") + str(name))
    return "\n".join(lines)


def _layout(tree, max_depth):
    """(x, depth) of each drawn node: leaves 0, 1, 2... left to right, parents centred."""
    positions = {}
    next_leaf = [0]

    def place(node, depth):
        children = (tree.children_left[node], tree.children_right[node])
        if children[0] == TREE_LEAF or (max_depth is not None and depth > max_depth):
            positions[node] = (float(next_leaf[0]), depth)
            next_leaf[0] += 1
        else:
            left, right = place(children[0], depth + 1), place(children[1], depth + 1)
            positions[node] = ((left + right) / 2.0, depth)
        return positions[node][0]

    place(0, 0)
    return positions


def plot_tree(decision_tree, *, max_depth=None, feature_names=None, class_names=None,
              label="all", filled=False, impurity=True, node_ids=False, proportion=False,
              rounded=False, precision=3, ax=None, fontsize=None):
    """Draw a fitted decision tree: one box per node, arrows from parents to children.

    Parameters are those of :func:`sklearn.tree.plot_tree`: ``max_depth`` (deeper nodes
    are drawn as a grey "(...)"), ``feature_names``, ``class_names`` (or True for
    ``y[k]``), ``label`` ("all", "root", "none"), ``filled`` (colour by majority
    class), ``impurity``, ``node_ids``, ``proportion``, ``rounded``, ``precision``,
    ``ax`` (the current axes if None; cleared first) and ``fontsize`` (fitted to the
    axes if None).

    Returns
    -------
    annotations : list of matplotlib.text.Annotation
        The boxes (and the "True" / "False" labels of the root's arrows).

    See Also
    --------
    sklearn.tree.plot_tree : The twin (same boxes and texts).
    export_text : The same tree as indented text.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from glassbox.learn.tree import DecisionTreeClassifier, plot_tree
    >>> X, y = load_iris(return_X_y=True)
    >>> boxes = plot_tree(DecisionTreeClassifier(max_depth=1, random_state=0).fit(X, y))
    >>> print(boxes[0].get_text())
    x[3] <= 0.8
    gini = 0.667
    samples = 150
    value = [50, 50, 50]
    """
    import matplotlib.pyplot as plt
    from matplotlib.text import Annotation
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(decision_tree)
    if label not in ("all", "root", "none"):
        raise ValueError(f"label must be 'all', 'root' or 'none'; got label={label!r}.")
    tree = decision_tree.tree_
    criterion = decision_tree.criterion
    ax = plt.gca() if ax is None else ax
    ax.clear()
    ax.set_axis_off()
    positions = _layout(tree, max_depth)
    width = max(x for x, _ in positions.values()) + 1
    height = max(depth for _, depth in positions.values()) + 1

    def to_axes(node):  # centre of a node's box in axes fraction
        x, depth = positions[node]
        return (x + 0.5) / width, (height - depth - 0.5) / height

    colors = _color_brew(tree.value.shape[2])
    text_options = dict(feature_names=feature_names, class_names=class_names, label=label,
                        impurity=impurity, node_ids=node_ids, proportion=proportion,
                        precision=precision)
    common = {"xycoords": "axes fraction"}
    if fontsize is not None:
        common["fontsize"] = fontsize

    def draw(node, parent, depth, is_left):
        box = {"boxstyle": "round"} if rounded else {}
        options = dict(ha="center", va="center", zorder=100 - 10 * depth, bbox=box,
                       arrowprops={"arrowstyle": "<-",
                                   "edgecolor": plt.rcParams["text.color"]}, **common)
        xy = to_axes(node)
        if max_depth is not None and depth > max_depth:  # cut: a grey "(...)"
            box["fc"] = "grey"
            ax.annotate("\n  (...)  \n", to_axes(parent), xy, **options)
            return
        box["fc"] = _fill_color(tree.value[node][0], colors) if filled else ax.get_facecolor()
        text = node_text(tree, node, criterion, **text_options)
        if parent is None:
            ax.annotate(text, xy, **options)
        else:
            ax.annotate(text, to_axes(parent), xy, **options)
            if parent == 0:  # the root's arrows say which way the test goes
                middle = tuple((a + b) / 2 for a, b in zip(to_axes(parent), xy))
                ax.annotate("True  " if is_left else "  False", middle,
                            ha="right" if is_left else "left", zorder=100 - 10 * depth,
                            **common)
        if tree.children_left[node] != TREE_LEAF:
            draw(tree.children_left[node], node, depth + 1, True)
            draw(tree.children_right[node], node, depth + 1, False)

    draw(0, None, 0, None)
    annotations = [child for child in ax.get_children() if isinstance(child, Annotation)]
    if fontsize is None:  # shrink the text until the widest and tallest boxes fit
        renderer = ax.figure.canvas.get_renderer()
        for annotation in annotations:
            annotation.update_bbox_position_size(renderer)
        extents = [patch.get_window_extent() for annotation in annotations
                   if (patch := annotation.get_bbox_patch()) is not None]
        box = ax.get_window_extent()
        size = annotations[0].get_fontsize() * min(
            box.width / width / max(e.width for e in extents),
            box.height / height / max(e.height for e in extents))
        for annotation in annotations:
            annotation.set_fontsize(size)
    return annotations
