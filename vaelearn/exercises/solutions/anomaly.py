"""The answers of notebook 07's exercises: their reference solutions and classic mistakes."""

import numpy as np

from ..engine import Mistake, reference

__all__ = []  # reached by name: vaelearn.exercises.get(...).reference and .mistakes


@reference("threshold_for_fpr", mistakes=[
    Mistake(lambda scores, fpr: np.quantile(scores, 1 - fpr),
            "Your threshold flags almost every normal example. Scores are 'higher = more "
            "normal', so which end of the normal scores do the flagged ones come from?"),
    Mistake(lambda scores, fpr: np.percentile(scores, fpr),
            "Your threshold flags far fewer than the target: a percentile is given in percent, "
            "a quantile as a share between 0 and 1."),
])
def threshold_for_fpr(normal_scores, fpr):
    return np.quantile(normal_scores, fpr)


@reference("anomaly_score")
def anomaly_score(model, images):
    reconstructions = model.reconstruct(images)
    return np.sum((images - reconstructions) ** 2, axis=(1, 2, 3))
