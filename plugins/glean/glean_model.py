"""GLEAN's training/testing model: srbench's SRModel plus the fixed input size check.

GLEAN's encoder ends in a fully connected layer and its latent bank has a fixed resolution, so the network
takes LR images of exactly ``in_size`` x ``in_size`` pixels (64x64 for 16x faces to 1024). This model checks
that before the network runs and reports any other size as one ModelInputError. Training is SRModel's: the
pixel loss (MSE, the "GLEAN (PSNR)" variant; the paper adds perceptual and adversarial losses) on the
encoder, the fusion convolutions and the decoder -- the latent bank stays fixed (``GLEAN(freeze_bank=True)``).
"""
from __future__ import annotations

from srbench.errors import ModelInputError
from srbench.models import SRModel
from srbench.registry import MODELS


@MODELS.register_module()
class GLEANModel(SRModel):
    """SRModel for networks with one fixed input size (``generator.in_size``); arguments as SRModel."""

    def run_generator(self, inputs, scale: int):
        need = getattr(self.generator, 'in_size', None)
        if need is not None and tuple(inputs.shape[-2:]) != (need, need):
            h, w = inputs.shape[-2:]
            raise ModelInputError(
                f'{self.generator_name} takes LR images of exactly {need}x{need} pixels (HR {need * scale}x'
                f'{need * scale} at x{scale}), got {w}x{h}; crop or resize the data to that size (its '
                'encoder ends in a fully connected layer and its latent bank has a fixed resolution)')
        return super().run_generator(inputs, scale)
