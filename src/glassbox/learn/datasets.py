"""Toy datasets with scikit-learn's loaders (the twin of ``sklearn.datasets``).

The course's small datasets ship inside scikit-learn (CSV files read offline), so
glassbox hands out scikit-learn's own loaders under the twin's path: code written as
``from sklearn.datasets import load_iris`` runs unchanged as
``from glassbox.learn.datasets import load_iris``. Each returns a ``Bunch`` with
``data``, ``target``, ``feature_names``, ``target_names``, ``DESCR`` and ``frame``
(pandas, with ``as_frame=True``), or ``(X, y)`` with ``return_X_y=True``.

Examples
--------
>>> from glassbox.learn.datasets import load_iris
>>> iris = load_iris()
>>> iris.data.shape, list(iris.target_names)
((150, 4), [np.str_('setosa'), np.str_('versicolor'), np.str_('virginica')])
>>> X, y = load_iris(return_X_y=True)
>>> X.shape, y.shape
((150, 4), (150,))

See Also
--------
glassbox.data : the same sets as torch-style datasets (``load_digits`` and co.).
"""

from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
    load_wine,
    make_blobs,
    make_circles,
    make_classification,
    make_moons,
)
from sklearn.utils import Bunch

__all__ = [
    "Bunch",
    "load_breast_cancer",
    "load_diabetes",
    "load_digits",
    "load_iris",
    "load_wine",
    "make_blobs",
    "make_circles",
    "make_classification",
    "make_moons",
]
