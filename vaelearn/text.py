"""The old home of the text lesson's corpus and sequence VAE, kept for one release.

The grammar, corpus and vocabulary are in :mod:`vaelearn.corpus`; the model in
:mod:`vaelearn.sequence`.
"""

from .deprecation import forward_moved_names

__all__ = []

__getattr__ = forward_moved_names("vaelearn.text", {
    **{name: f"vaelearn.corpus:{name}" for name in (
        "BOS", "EOS", "FIRST_WORD", "PAD", "UNK", "Corpus", "Vocabulary", "make_corpus")},
    **{name: f"vaelearn.sequence:{name}" for name in ("SequenceVAE", "make_sequence_vae")},
})
