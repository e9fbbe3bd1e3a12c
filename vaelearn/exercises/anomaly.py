"""Exercises of notebook 07: a threshold for a target false-positive rate, and an anomaly
score of your own."""

import numpy as np

from .engine import as_numbers, exercise, not_numbers

__all__ = []  # exercises are reached by name: vaelearn.exercises.get(...)


def _cases(seed=6):
    rng = np.random.default_rng(seed)
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


exercise("threshold_for_fpr", cases=_cases, accept=_flags_the_target_share)


TARGET_AUROC = 0.75


def _finds_the_anomalies(answer, *, model, images, is_anomaly, target=TARGET_AUROC):
    """Score ``images`` with ``answer(model, images)``; None if the AUROC against
    ``is_anomaly`` reaches ``target``, else what is wrong."""
    from sklearn.metrics import roc_auc_score

    scores = answer(model, images)
    numbers = as_numbers(scores)
    if numbers is None:
        return not_numbers(scores), None
    if numbers.shape != (len(images),):
        return (f"Expected one score per image, shape ({len(images)},); got {numbers.shape}.",
                "Reduce over every axis but the first.")
    if not np.isfinite(numbers).all():
        return "Some scores are NaN or infinite.", None
    if np.ptp(numbers) == 0:
        return "Every image got the same score.", None
    auroc = roc_auc_score(is_anomaly, numbers)
    if auroc >= target:
        return None
    if auroc <= 1 - target:
        return (f"Your score ranks the anomalies as the most normal images (AUROC {auroc:.2f}).",
                "Higher must mean more anomalous.")
    return (f"Your score finds the anomalies with AUROC {auroc:.2f}; the target is {target:.2f}.",
            "The model was trained on normal images only: what does it do badly on an image "
            "unlike them?")


exercise("anomaly_score", judge=_finds_the_anomalies)
