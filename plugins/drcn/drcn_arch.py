"""DRCN network and its recursive-supervision training model.

Paper: J. Kim, J. K. Lee, K. M. Lee, "Deeply-Recursive Convolutional Network for Image
Super-Resolution", CVPR 2016. https://arxiv.org/abs/1511.04491

On the bicubic-upsampled Y image ``x`` (all convolutions 3×3 with 256 filters, zero padding):

* embedding net: Conv(1→256)+ReLU, Conv(256→256)+ReLU → H0;
* inference net: ONE Conv(256→256)+ReLU applied D = 16 times with shared weights → H1 … HD;
* reconstruction net (shared by every recursion): Conv(256→256)+ReLU, Conv(256→1), plus the skip
  connection from the input: ŷ_d = x + Rec(H_d);
* output: the weighted ensemble ŷ = Σ_d w_d ŷ_d with D learned weights w_d (initialised to 1/D).

Weights (biases and the 16 ensemble weights excluded): 2·(9·256) + 3·(9·256·256) = 1,774,080.
Initialisation (Sec. 4.2): He et al. for the non-recursive layers; the recursive convolution is zero
except for its self-connections (identity: centre tap 1 from a channel to itself); biases 0.

Training (Sec. 3.3): recursive supervision, L = α·(1/D)Σ_d MSE(ŷ_d, y) + (1−α)·MSE(ŷ, y) (+ weight
decay β = 1e-4 in the optimizer). α starts high (stable training of the early recursions) and
decays as training progresses -- :class:`DRCNModel` decays it linearly from ``alpha_start`` to
``alpha_end`` over ``alpha_decay_iters`` iterations.
"""
from __future__ import annotations

import torch
from torch import nn

from srbench.errors import ConfigError
from srbench.models import SRModel, msra_init
from srbench.registry import MODELS


@MODELS.register_module()
class DRCN(nn.Module):
    """DRCN.

    Args:
        scale: the upscaling factor the model is trained for (the paper trains one model per scale;
            the network itself does not use it).
        in_channels / out_channels: 1 for Y.
        mid_channels: filters per layer (256).
        num_recursions: D (16).

    In training mode the forward returns ``{'pred': ŷ, 'intermediate': Tensor[D, N, C, H, W]}``
    (the D predictions, for recursive supervision); in eval mode only ŷ.
    """

    def __init__(self, scale: int = 2, in_channels: int = 1, out_channels: int = 1, mid_channels: int = 256,
                 num_recursions: int = 16):
        super().__init__()
        if num_recursions < 1:
            raise ConfigError(f'DRCN: num_recursions must be at least 1, got {num_recursions!r}')
        self.scale = scale
        self.num_recursions = num_recursions
        relu = nn.ReLU(inplace=True)
        self.embed = nn.Sequential(msra_init(nn.Conv2d(in_channels, mid_channels, 3, padding=1)), relu,
                                   msra_init(nn.Conv2d(mid_channels, mid_channels, 3, padding=1)), relu)
        self.recursive = nn.Conv2d(mid_channels, mid_channels, 3, padding=1)
        self.reconstruct = nn.Sequential(msra_init(nn.Conv2d(mid_channels, mid_channels, 3, padding=1)), relu,
                                         msra_init(nn.Conv2d(mid_channels, out_channels, 3, padding=1)))
        self.ensemble = nn.Parameter(torch.full((num_recursions,), 1.0 / num_recursions))
        self.relu = relu
        with torch.no_grad():   # identity: zero except self-connections
            self.recursive.weight.zero_()
            c = self.recursive.weight.shape[0]
            self.recursive.weight[torch.arange(c), torch.arange(c), 1, 1] = 1.0
            self.recursive.bias.zero_()

    def forward(self, x):
        h = self.embed(x)
        preds = []
        for _ in range(self.num_recursions):
            h = self.relu(self.recursive(h))
            preds.append(x + self.reconstruct(h))
        stack = torch.stack(preds, 0)
        out = (self.ensemble.view(-1, *([1] * x.ndim)) * stack).sum(0)
        return dict(pred=out, intermediate=stack) if self.training else out


@MODELS.register_module()
class DRCNModel(SRModel):
    """SRModel with DRCN's recursive supervision.

    Args:
        alpha_start, alpha_end: α at the first iteration and after ``alpha_decay_iters``.
        alpha_decay_iters: iterations of the linear decay (α stays at ``alpha_end`` afterwards).
        **kwargs: as :class:`srbench.models.SRModel` (``pixel_loss`` is the per-prediction loss, MSE).

    The iteration is read from MMEngine's message hub (``iter``, kept by the runner), so a resumed
    run continues the schedule where it stopped.
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
        self.alpha_start, self.alpha_end, self.alpha_decay_iters = alpha_start, alpha_end, alpha_decay_iters

    def alpha(self, it: int | None = None) -> float:
        """α at iteration ``it`` (default: the runner's current iteration, 0 outside a runner)."""
        if it is None:
            from mmengine.logging import MessageHub
            it = MessageHub.get_current_instance().get_info('iter', 0) or 0
        t = min(max(it, 0) / self.alpha_decay_iters, 1.0)
        return self.alpha_start + (self.alpha_end - self.alpha_start) * t

    def compute_loss(self, outputs, gt, data_samples) -> dict:
        if self.pixel_loss is None:
            raise ConfigError('model.pixel_loss is not set: DRCN cannot be trained without a loss')
        if not isinstance(outputs, dict) or 'intermediate' not in outputs:
            return super().compute_loss(outputs, gt, data_samples)
        a = self.alpha()
        inter = outputs['intermediate']
        loss_inter = sum(self.pixel_loss(p, gt) for p in inter) / len(inter)
        loss_final = self.pixel_loss(outputs['pred'], gt)
        return dict(loss_intermediate=a * loss_inter, loss_final=(1.0 - a) * loss_final)
