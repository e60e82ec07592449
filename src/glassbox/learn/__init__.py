"""The scikit-learn twin: estimators, metrics and model selection, written to be read.

Import from the submodules, as with scikit-learn::

    from glassbox.learn.ensemble import RandomForestClassifier
    from glassbox.learn.metrics import f1_score
"""
