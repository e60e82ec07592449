"""Classification and regression metrics, written to be read (the twin of ``sklearn.metrics``).

Every per-class score comes from one table: the *multilabel confusion matrix*, one 2x2
matrix per class, built by three ``np.bincount`` calls (class c is "positive", every
other class "negative")::

                      predicted c     predicted not c
    truly c               TP               FN
    truly not c           FP               TN

From it (course section 1.3.1)::

    accuracy    = (TP + TN) / (TP + FP + FN + TN)
    recall      = TP / (TP + FN)        (sensitivity, true positive rate)
    precision   = TP / (TP + FP)
    specificity = TN / (TN + FP)        (true negative rate)
    F-beta      = (1 + b^2) TP / ((1 + b^2) TP + b^2 FN + FP)

and ``average`` says how the per-class numbers become one: ``"binary"`` (only
``pos_label``), ``"macro"`` (plain mean), ``"weighted"`` (mean weighted by support),
``"micro"`` (sum TP, FP, FN over classes first, then divide) or ``None`` (one per class).

The ranking metrics (``roc_curve``, ``precision_recall_curve``, ``roc_auc_score``) sort
the scores once and read TP and FP counts at every distinct threshold from cumulative
sums.

The modules follow scikit-learn's: ``_classification`` (confusion matrix, precision,
recall, F-score, accuracy, log loss), ``_ranking`` (curves and AUC), ``_regression``
(mean squared error), ``_scorer`` (the scoring strings of cross-validation and grid
search) and ``_checks`` (input validation shared by all).
"""

from glassbox.learn.metrics._classification import (
    accuracy_score,
    classification_report,
    confusion_matrix,
    f1_score,
    fbeta_score,
    log_loss,
    multilabel_confusion_matrix,
    precision_recall_fscore_support,
    precision_score,
    recall_score,
    specificity_score,
)
from glassbox.learn.metrics._ranking import auc, precision_recall_curve, roc_auc_score, roc_curve
from glassbox.learn.metrics._regression import mean_squared_error
from glassbox.learn.metrics._scorer import get_scorer

__all__ = [
    "accuracy_score",
    "auc",
    "classification_report",
    "confusion_matrix",
    "f1_score",
    "fbeta_score",
    "get_scorer",
    "log_loss",
    "mean_squared_error",
    "multilabel_confusion_matrix",
    "precision_recall_curve",
    "precision_recall_fscore_support",
    "precision_score",
    "recall_score",
    "roc_auc_score",
    "roc_curve",
    "specificity_score",
]
