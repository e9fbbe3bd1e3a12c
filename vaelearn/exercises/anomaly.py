"""Exercises of notebook 06: anomaly detection."""

import numpy as np

from . import exercise


def _cases():
    rng = np.random.default_rng(6)
    return [(rng.normal(size=500), 0.05), (rng.normal(-20.0, 3.0, size=200), 0.01),
            (np.arange(11.0), 0.2)]


def _flags_the_target_share(threshold, normal_scores, fpr):
    """Any threshold that flags a share ``fpr`` of the scores, up to one example, is right:
    a quantile, an order statistic, or a value between two of them."""
    if np.ndim(threshold) != 0 or not np.isfinite(threshold):
        return f"Return one finite number, got {threshold!r}."
    scores = np.asarray(normal_scores)
    below, at_or_below = np.mean(scores < threshold), np.mean(scores <= threshold)
    slack = 1.0 / len(scores)
    if below > fpr + slack or at_or_below < fpr - slack:
        return (f"This threshold flags {below:.1%} of the normal examples (those scoring below it); "
                f"the target was {fpr:.1%}.")
    return None


@exercise("threshold_for_fpr", _cases, accept=_flags_the_target_share,
          hint="Scores are 'higher = more normal', so the normal examples you flag are the lowest "
               "ones: take the fpr-quantile of the normal scores (np.quantile), not 1 - fpr.")
def threshold_for_fpr(normal_scores, fpr):
    return np.quantile(normal_scores, fpr)
