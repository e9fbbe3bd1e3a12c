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

# The memory each notebook needs: its kernel's peak resident set (VmHWM) in MiB, rounded up to
# the next 100 MiB; each comment is the measured peak, on the bundled MNIST (12: its emoji),
# after #28's cuts (BENCHMARKS.md, "A class on one hub"; the 8x8 digits need less).
# vaelearn.memory warns when a kernel's limit is below its notebook's figure, `vaelearn doctor`
# when the limit is below the largest.
MEMORY_MIB_BY_NOTEBOOK = {
    "00_welcome": 1000,                    # 958
    "01_latent_space": 1000,               # 939
    "02_reconstruction_loss": 1000,        # 970
    "03_kl_divergence": 1000,              # 942
    "04_reparameterization_trick": 1100,   # 1061
    "05_vae_from_scratch": 1000,           # 948
    "06_mode_collapse": 1100,              # 1051
    "07_anomaly_detection": 1300,          # 1211
    "08_image_generation": 1100,           # 1003
    "09_interpretable_latents": 900,       # 854
    "10_text_generation": 900,             # 874
    "11_data_augmentation": 1100,          # 1019
    "12_your_own_images": 1400,            # 1340
    "13_discrete_codes": 1000,             # 975
    "14_learned_priors": 1100,             # 1021
    "15_hierarchical_latents": 1000,       # 996
    "16_road_to_diffusion": 800,           # 770
    "17_eli5_recap": 900,                  # 868
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
