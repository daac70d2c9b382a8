"""Bicubic upsampling with MATLAB's ``imresize`` (cubic kernel a = -0.5): the baseline of SR tables.
It has no weights; one instance serves every scale."""
import torch
from torch import nn

from srbench.registry import MODELS
from srbench.transforms.imresize import imresize_torch


@MODELS.register_module()
class Bicubic(nn.Module):
    """``imresize(x, scale, 'bicubic')`` of each image in the batch (float in, float out)."""

    def forward(self, x: torch.Tensor, scale: int) -> torch.Tensor:
        return imresize_torch(x, float(scale))
