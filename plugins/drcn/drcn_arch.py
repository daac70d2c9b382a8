"""DRCN network (its recursive-supervision training model is :class:`~.drcn_model.DRCNModel`).

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

The forward returns ŷ in every mode; :meth:`DRCN.recursive_outputs` also returns the D predictions ŷ_d,
which the training model supervises (recursive supervision, in ``drcn_model.py``).
"""
from __future__ import annotations

import torch
from torch import nn

from srbench.errors import ConfigError
from srbench.models import msra_init
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

    ``forward(x)`` returns the ensemble ŷ (N×C×H×W) in training and eval mode alike;
    :meth:`recursive_outputs` returns the D predictions as well.
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

    def recursive_outputs(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``(ŷ, Tensor[D, N, C, H, W])``: the ensemble and the D predictions ŷ_d = x + Rec(H_d) it weighs
        (the ensemble needs all of them, so this costs what ``forward`` costs)."""
        h = self.embed(x)
        preds = []
        for _ in range(self.num_recursions):
            h = self.relu(self.recursive(h))
            preds.append(x + self.reconstruct(h))
        stack = torch.stack(preds, 0)
        out = (self.ensemble.view(-1, *([1] * x.ndim)) * stack).sum(0)
        return out, stack

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.recursive_outputs(x)[0]

    def receptive_field(self) -> int:
        """How far an output pixel sees, in input pixels on each side (2 embedding + D recursions + 2
        reconstruction 3x3 layers: 4 + D); what tiled inference needs as overlap
        (:mod:`srbench.inference.tile`; checked by tiling in tests/test_inference.py)."""
        return 4 + self.num_recursions
