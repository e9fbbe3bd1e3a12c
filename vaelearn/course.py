"""The course's contents: where its notebooks and quizzes are, which exercises each notebook
asks for, and how much memory each needs.

The repository's ``notebooks/`` and ``quizzes/`` folders are their single source. A wheel or
a ``pip install`` of vaelearn carries copies of them as package data,
``vaelearn/bundled/notebooks`` and ``vaelearn/bundled/quizzes``; an editable install (``pip
install -e .``, ``make lab``) reads the repository's own folders.
"""

import os
from pathlib import Path

__all__ = ["EXERCISES_BY_NOTEBOOK", "MEMORY_MIB_BY_NOTEBOOK", "notebook_dir", "notebooks",
           "quiz_dir"]

# Which notebook asks for which exercise. Progress summaries count exercises from here,
# without importing the exercise modules (some need Keras); a test keeps it equal to the
# exercises' registry.
EXERCISES_BY_NOTEBOOK = {
    "00_welcome": ("scale_pixels",),
    "01_latent_space": ("interpolate_codes",),
    "02_reconstruction_loss": ("vae_loss", "effective_beta"),
    "03_kl_divergence": ("iwae_bound",),
    "04_reparameterization_trick": ("reparameterize",),
    "05_vae_from_scratch": ("scratch_encoder", "scratch_sampling", "scratch_decoder", "scratch_vae"),
    "06_mode_collapse": ("kl_annealing_callback",),
    "07_anomaly_detection": ("threshold_for_fpr", "anomaly_score"),
    "08_image_generation": ("digit_samples",),
    "09_interpretable_latents": ("information_gap",),
    "10_text_generation": ("word_dropout",),
    "11_data_augmentation": ("paired_interval",),
    "12_your_own_images": ("logistic_log_prob", "colour_networks", "colour_vae"),
    "13_discrete_codes": ("nearest_code",),
    "14_learned_priors": ("mixture_log_prior",),
    "15_hierarchical_latents": ("hierarchical_kl",),
    "16_road_to_diffusion": ("forward_diffusion",),
    "17_eli5_recap": ("generate",),
}

# The memory each notebook needs: its kernel's peak resident set (VmHWM) in MiB, the largest
# that BENCHMARKS.md's "Notebook run times" tables measured (bench/course_runtime.py: the
# 2026-11-25 table on both datasets, 2026-12-03 and 2026-12-05 on the bundled MNIST; the recap
# was 12_eli5_recap in the first two), rounded up to the next 100 MiB; each comment is the
# measured peak. 12, in none of them, is one run of the same measure for #28 (bundled emoji,
# one thread per op). vaelearn.memory warns when a kernel's limit is below its notebook's
# figure, `vaelearn doctor` when the limit is below the largest.
MEMORY_MIB_BY_NOTEBOOK = {
    "00_welcome": 1000,                   # 988
    "01_latent_space": 1000,              # 988
    "02_reconstruction_loss": 1100,       # 1022
    "03_kl_divergence": 1100,             # 1012
    "04_reparameterization_trick": 1200,  # 1124
    "05_vae_from_scratch": 1600,          # 1574
    "06_mode_collapse": 1100,             # 1074
    "07_anomaly_detection": 1300,         # 1224
    "08_image_generation": 1100,          # 1052
    "09_interpretable_latents": 900,      # 887
    "10_text_generation": 1000,           # 920
    "11_data_augmentation": 1100,         # 1051
    "12_your_own_images": 1600,           # 1586
    "13_discrete_codes": 1000,            # 987
    "14_learned_priors": 1100,            # 1025
    "15_hierarchical_latents": 1100,      # 1007
    "16_road_to_diffusion": 800,          # 782
    "17_eli5_recap": 1000,                # 910
}

_PACKAGE = Path(__file__).resolve().parent


def _folder(part):
    installed = _PACKAGE / "bundled" / part
    if installed.is_dir():
        return installed
    checkout = _PACKAGE.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / part).is_dir():
        return checkout / part
    return installed  # missing: the caller's error message names where it should be


def notebook_dir():
    """The folder holding the course's notebooks (it may be missing from a broken install).

    Returns
    -------
    pathlib.Path
    """
    return _folder("notebooks")


def notebooks():
    """The course's notebooks in their order, ``00_welcome.ipynb`` first.

    Returns
    -------
    list of pathlib.Path
        Empty when :func:`notebook_dir` holds none.
    """
    return sorted(notebook_dir().glob("*.ipynb"))


def quiz_dir():
    """The folder holding the quiz files: ``$VAELEARN_QUIZ_DIR`` when set, else the course's.

    Returns
    -------
    pathlib.Path
    """
    override = os.environ.get("VAELEARN_QUIZ_DIR")
    if override:
        return Path(override)
    return _folder("quizzes")
