"""Building blocks shared by SR networks (no paper here: plugins compose them).

* :func:`count_weights` -- the parameter count of the classic SR papers (kernels only).
* :func:`msra_init` -- Caffe's ``msra`` filler (He et al. 2015), zero biases.
* :class:`HRGridConvTranspose2d` -- a transposed convolution whose output lies exactly on the HR
  pixel grid: an ``h×w`` input gives ``(r·h)×(r·w)``, and the kernel's centre tap for LR pixel ``i``
  lands on HR position ``r·i + (r-1)/2`` (MATLAB's pixel-centre convention, rounded down by half a
  pixel when ``kernel_size - r`` is odd).
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from ..errors import ConfigError


def count_weights(module: nn.Module) -> int:
    """Number of kernel weights: parameters with two or more dimensions.

    This is how the classic SR papers count ("biases excluded"): biases, PReLU slopes,
    batch-norm scales/shifts and other per-channel or scalar parameters are left out.
    """
    return sum(p.numel() for p in module.parameters() if p.ndim >= 2)


def msra_init(module: nn.Module, a: float = 0.0) -> nn.Module:
    """Caffe ``msra`` filler: ``N(0, 2 / ((1 + a²)·fan_in))`` weights, zero biases (returns the module)."""
    nn.init.kaiming_normal_(module.weight, a=a, mode='fan_in', nonlinearity='leaky_relu')
    if getattr(module, 'bias', None) is not None:
        nn.init.zeros_(module.bias)
    return module


class HRGridConvTranspose2d(nn.ConvTranspose2d):
    """Transposed convolution with stride ``r`` aligned with the HR grid.

    The full transposed convolution is computed (no implicit cropping) and the window of exactly
    ``r·h × r·w`` pixels whose geometry matches pixel centres is cut out of it: input pixel ``i``
    places its kernel tap ``k`` at output ``r·i + k - c0`` with ``c0 = (kernel_size - r) // 2``.
    For ``kernel_size=4, stride=2`` this is ``ConvTranspose2d(padding=1)``; for FSRCNN's 9×9
    kernel it is what no single ``padding``/``output_padding`` pair gives for every scale.

    Args:
        in_channels, out_channels, kernel_size, stride, bias: as :class:`torch.nn.ConvTranspose2d`
            (square kernels, ``kernel_size >= stride``).
        edge: ``'zeros'`` -- outside the image the input is zero (border outputs miss some taps, as
            in Caffe/MatConvNet); ``'replicate'`` -- the input is edge-padded first, so that every
            output pixel gets the whole kernel (an interpolation kernel then keeps a constant image
            constant up to the border).
        offset: ``c0``, where tap ``k`` of input pixel ``i`` lands (``r·i + k - c0``); default
            ``(kernel_size - stride) // 2`` (pixel centres). Released models trained under another
            convention need theirs: the FSRCNN authors' ``deconv.m`` uses ``(kernel_size - 1) // 2`` = 4 for a
            9×9 kernel at every scale (srbench's default is 3 / 3 / 2 at x2 / x3 / x4); a one-pixel shift
            costs 4-10 dB.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: int, bias: bool = True,
                 edge: str = 'zeros', offset: int | None = None):
        ok = isinstance(kernel_size, int) and isinstance(stride, int) and 1 <= stride <= kernel_size
        if not ok:
            raise ConfigError(f'HRGridConvTranspose2d: need integers kernel_size >= stride >= 1, got '
                              f'kernel_size={kernel_size!r}, stride={stride!r}')
        if edge not in ('zeros', 'replicate'):
            raise ConfigError(f'HRGridConvTranspose2d: edge must be "zeros" or "replicate", got {edge!r}')
        super().__init__(in_channels, out_channels, kernel_size, stride=stride, padding=0, bias=bias)
        self.edge = edge
        if offset is not None and (isinstance(offset, bool) or not isinstance(offset, int)
                                   or not 0 <= offset <= kernel_size - 1):
            raise ConfigError(f'HRGridConvTranspose2d: offset must be an integer in [0, {kernel_size - 1}], '
                              f'got {offset!r}')
        self.c0 = c0 = (kernel_size - stride) // 2 if offset is None else offset
        # edge padding so that every output pixel gets all its taps: the first output needs inputs down to
        # -ceil((K - r - c0) / r), the last up to h - 1 + 1 + floor((c0 - 1) / r)
        rep = edge == 'replicate'
        self.pad_before = max(0, math.ceil((kernel_size - stride - c0) / stride)) if rep else 0
        self.pad_after = max(0, 1 + (c0 - 1) // stride) if rep else 0

    def forward(self, x: torch.Tensor, output_size=None) -> torch.Tensor:  # noqa: ARG002 (nn API)
        r, a, b = self.stride[0], self.pad_before, self.pad_after
        h, w = x.shape[-2:]
        if a or b:
            x = F.pad(x, (a, b, a, b), mode='replicate')
        y = F.conv_transpose2d(x, self.weight, self.bias, stride=r)
        c = a * r + self.c0
        y = y[..., c:c + r * h, c:c + r * w]
        if y.shape[-2] < r * h or y.shape[-1] < r * w:     # offset > kernel - stride, no replicate edge
            y = F.pad(y, (0, r * w - y.shape[-1], 0, r * h - y.shape[-2]))
        return y

    def extra_repr(self) -> str:
        return super().extra_repr() + f', edge={self.edge}, offset={self.c0}'


def bilinear_kernel(size: int, stride: int) -> torch.Tensor:
    """The (separable, ``size×size``) linear-interpolation kernel of a :class:`HRGridConvTranspose2d`
    with this ``stride``: ``[0.25, 0.75, 0.75, 0.25]`` outer itself for size 4, stride 2. Its taps sum
    to 1 in every output phase, so it reproduces constants and linear ramps exactly."""
    centre = (size - stride) // 2 + (stride - 1) / 2   # the LR pixel centre in the kernel's frame
    t = torch.arange(size, dtype=torch.float64)
    k1 = (1 - (t - centre).abs() / stride).clamp(min=0)
    return torch.outer(k1, k1).float()
