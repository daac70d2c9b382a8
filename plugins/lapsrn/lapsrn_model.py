"""LapSRN's training model: deep supervision of every pyramid level (Lai et al., CVPR 2017, Sec. 3.2).

Each level's prediction (:meth:`LapSRN.pyramid <srbench_plugins.lapsrn.lapsrn_arch.LapSRN.pyramid>`: x2, x4,
...) is compared by the pixel loss (Charbonnier) with the HR image downscaled to its size by MATLAB bicubic
``imresize``, as the authors' code makes the level targets; the losses are summed.
"""
from __future__ import annotations

from srbench.errors import ConfigError
from srbench.models import SRModel
from srbench.registry import MODELS
from srbench.transforms.imresize import imresize_torch


@MODELS.register_module()
class LapSRNModel(SRModel):
    """SRModel with LapSRN's deep supervision (its generator must have ``pyramid``): one loss per level,
    ``loss_x2``, ``loss_x4``, ... Validation and testing use the finest level (``LapSRN.forward``)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if not callable(getattr(self.generator, 'pyramid', None)):
            raise ConfigError(f'LapSRNModel: the generator {self.generator_name} has no pyramid(x) method '
                              '(LapSRN has): use SRModel for other networks')

    def forward_train(self, inputs, gt, data_samples, scale) -> dict:
        if self.pixel_loss is None:
            raise ConfigError('model.pixel_loss is not set: LapSRN cannot be trained without a loss')
        losses = {}
        for i, out in enumerate(self.generator.pyramid(inputs)):
            hw = tuple(out.shape[-2:])
            target = gt if hw == tuple(gt.shape[-2:]) else imresize_torch(gt, output_shape=hw)
            losses[f'loss_x{2 ** (i + 1)}'] = self.pixel_loss(out, target)
        return losses
