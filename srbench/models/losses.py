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
        reduction: ``'mean'`` or ``'sum'``.
    """

    def __init__(self, eps: float = 1e-3, reduction: str = 'mean'):
        super().__init__()
        if reduction not in ('mean', 'sum'):
            raise ValueError(f'CharbonnierLoss: reduction must be "mean" or "sum", got {reduction!r}')
        self.eps, self.reduction = eps, reduction

    def forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        loss = torch.sqrt((pred - target) ** 2 + self.eps ** 2)
        return loss.mean() if self.reduction == 'mean' else loss.sum()
