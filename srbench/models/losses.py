"""Pixel losses (MODELS registry)."""
import torch
from torch import nn

from ..registry import MODELS

MODELS.register_module('MSELoss', module=nn.MSELoss)
MODELS.register_module('L1Loss', module=nn.L1Loss)


@MODELS.register_module()
class CharbonnierLoss(nn.Module):
    """Charbonnier (differentiable L1) loss ``mean(sqrt((x - y)^2 + eps^2))`` (LapSRN: eps = 1e-3).

    Args:
        eps: the smoothing constant.
        reduction: ``'mean'``, ``'sum'`` or ``'batchmean'`` (summed over the pixels of a sample, averaged
            over the batch: the scale of MatConvNet/Caffe training, for which papers give learning rates).
    """

    def __init__(self, eps: float = 1e-3, reduction: str = 'mean'):
        super().__init__()
        if reduction not in ('mean', 'sum', 'batchmean'):
            raise ValueError(f'CharbonnierLoss: reduction must be "mean", "sum" or "batchmean", '
                             f'got {reduction!r}')
        self.eps, self.reduction = eps, reduction

    def forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        loss = torch.sqrt((pred - target) ** 2 + self.eps ** 2)
        if self.reduction == 'mean':
            return loss.mean()
        return loss.sum() / pred.shape[0] if self.reduction == 'batchmean' else loss.sum()


@MODELS.register_module()
class EuclideanLoss(nn.Module):
    """Caffe's ``EuclideanLoss``: ``1/(2N) Σ_n ||pred_n − target_n||²`` -- squared errors summed over the
    pixels of each sample, halved, averaged over the batch of N.

    The classic SR papers trained with Caffe or MatConvNet (SRCNN, FSRCNN, VDSR, DRCN, DRRN) state
    their learning rates for this scale, which is (pixels per sample)/2 times that of ``MSELoss``.
    """

    def forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return (pred - target).pow(2).sum() / (2 * pred.shape[0])
