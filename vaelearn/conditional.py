"""The old home of the conditional VAE, kept for one release.

:class:`vaelearn.models.ConditionalVAE` is built by ``vaelearn.models.make_vae(...,
n_classes=...)``; its networks by :mod:`vaelearn.networks` with ``n_classes``.
"""

from .deprecation import forward_moved_names, warn_renamed

__all__ = []


def make_conditional_vae(example_shape, n_classes=10, **options):
    """The old name of ``vaelearn.models.make_vae(example_shape, n_classes=...)``."""
    from .models import make_vae

    warn_renamed("vaelearn.conditional.make_conditional_vae(shape, n_classes)",
                 "vaelearn.models.make_vae(shape, n_classes=...)")
    return make_vae(example_shape, n_classes=n_classes, **options)


__getattr__ = forward_moved_names("vaelearn.conditional", {
    "ConditionalVAE": "vaelearn.models:ConditionalVAE",
    "build_conditional_encoder": "vaelearn.networks:build_encoder",
    "build_conditional_decoder": "vaelearn.networks:build_decoder",
})
