"""DRCN's training model: recursive supervision with a decaying α (Kim et al., CVPR 2016, Sec. 3.3).

L = α·(1/D)·Σ_d ℓ(ŷ_d, y) + (1−α)·ℓ(ŷ, y), ℓ the pixel loss (+ weight decay β = 1e-4 in the optimizer), where
ŷ_d are the D recursions' predictions and ŷ their learned ensemble, both from
:meth:`DRCN.recursive_outputs <srbench_plugins.drcn.drcn_arch.DRCN.recursive_outputs>`. α starts high (stable
training of the early recursions) and decays as training progresses: linearly from ``alpha_start`` to
``alpha_end`` over ``alpha_decay_iters`` iterations.
"""
from __future__ import annotations

from srbench.errors import ConfigError
from srbench.models import SRModel
from srbench.registry import MODELS


@MODELS.register_module()
class DRCNModel(SRModel):
    """SRModel with DRCN's recursive supervision (its generator must have ``recursive_outputs``).

    Args:
        alpha_start, alpha_end: α at the first iteration and after ``alpha_decay_iters``.
        alpha_decay_iters: iterations of the linear decay (α stays at ``alpha_end`` afterwards).
        **kwargs: as :class:`srbench.models.SRModel` (``pixel_loss`` is the per-prediction loss, MSE).

    The iteration is read from MMEngine's message hub (``iter``, kept by the runner), so a resumed
    run continues the schedule where it stopped. Validation and testing use the ensemble ŷ
    (``DRCN.forward``), as any SRModel.
    """

    def __init__(self, alpha_start: float = 1.0, alpha_end: float = 0.0, alpha_decay_iters: int = 10000,
                 **kwargs):
        super().__init__(**kwargs)
        if not 0 <= alpha_end <= 1 or not 0 <= alpha_start <= 1:
            raise ConfigError(f'DRCNModel: alpha_start and alpha_end must lie in [0, 1], got '
                              f'{alpha_start!r}, {alpha_end!r}')
        if not isinstance(alpha_decay_iters, int) or alpha_decay_iters < 1:
            raise ConfigError(f'DRCNModel: alpha_decay_iters must be a positive integer, '
                              f'got {alpha_decay_iters!r}')
        if not callable(getattr(self.generator, 'recursive_outputs', None)):
            raise ConfigError(f'DRCNModel: the generator {self.generator_name} has no recursive_outputs(x) '
                              'method (DRCN has): use SRModel for other networks')
        self.alpha_start, self.alpha_end, self.alpha_decay_iters = alpha_start, alpha_end, alpha_decay_iters

    def alpha(self, it: int | None = None) -> float:
        """α at iteration ``it`` (default: the runner's current iteration, 0 outside a runner)."""
        if it is None:
            from mmengine.logging import MessageHub
            it = MessageHub.get_current_instance().get_info('iter', 0) or 0
        t = min(max(it, 0) / self.alpha_decay_iters, 1.0)
        return self.alpha_start + (self.alpha_end - self.alpha_start) * t

    def forward_train(self, inputs, gt, data_samples, scale) -> dict:
        """``loss_intermediate`` = α · mean of the D predictions' losses, ``loss_final`` = (1 − α) · the
        ensemble's loss."""
        if self.pixel_loss is None:
            raise ConfigError('model.pixel_loss is not set: DRCN cannot be trained without a loss')
        final, inter = self.generator.recursive_outputs(inputs)
        a = self.alpha()
        loss_inter = sum(self.pixel_loss(p, gt) for p in inter) / len(inter)
        loss_final = self.pixel_loss(final, gt)
        return dict(loss_intermediate=a * loss_inter, loss_final=(1.0 - a) * loss_final)
