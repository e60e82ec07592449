"""scikit-learn's own API contract (``parametrize_with_checks``) on every estimator here.

Nothing is marked expected-to-fail. A few checks skip themselves for reasons outside
glassbox: pandas is not installed (input as DataFrame / Series), and SCIPY_ARRAY_API is
not set (array-API inputs); they run wherever those are available.
"""

from sklearn.utils.estimator_checks import parametrize_with_checks

from glassbox.learn.decomposition import PCA
from glassbox.learn.linear_model import LinearRegression, LogisticRegression
from glassbox.learn.neighbors import KNeighborsClassifier

ESTIMATORS = [
    LinearRegression(),
    LogisticRegression(),
    KNeighborsClassifier(),
    KNeighborsClassifier(weights="distance", metric="manhattan"),
    PCA(),
    PCA(n_components=0.9, whiten=True, svd_solver="full"),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible(estimator, check):
    check(estimator)
