"""Bicubic upsampling with MATLAB's ``imresize`` (cubic kernel a = -0.5): the baseline of SR tables.
It has no weights; one instance serves every scale."""
import numpy as np
import torch
from torch import nn

from srbench.registry import MODELS
from srbench.transforms.imresize import imresize_np, imresize_torch
from srbench.utils.uint8 import im2uint8


def on_uint8_grid(x, tol: float = 1e-3) -> bool:
    """True if every value of ``x`` (a tensor or array in [0, 1]) is k/255 for an integer k: data read
    from uint8 files."""
    a = x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)
    v = a.astype(np.float64) * 255.0
    return bool(a.size) and float(np.abs(v - np.rint(v)).max()) <= tol and float(v.min()) >= -tol \
        and float(v.max()) <= 255.0 + tol


@MODELS.register_module()
class Bicubic(nn.Module):
    """``imresize(x, scale, 'bicubic')`` of each image in the batch.

    Args:
        uint8: ``None`` (default): an input on the uint8 grid (k/255, as LR images read from uint8
            files) is resized like MATLAB resizes a uint8 image -- rounded to uint8 after each
            dimension -- and any other input in float; ``True``/``False`` force one of the two.
    """

    def __init__(self, uint8: bool | None = None):
        super().__init__()
        self.uint8 = uint8

    def forward(self, x: torch.Tensor, scale: int) -> torch.Tensor:
        as_uint8 = on_uint8_grid(x) if self.uint8 is None else self.uint8
        if not as_uint8:
            return imresize_torch(x, float(scale))
        if x.device.type == 'cpu':   # numpy: the same numbers as imresize_torch, several times faster on CPU
            u = im2uint8(x.detach().numpy()).transpose(0, 2, 3, 1)
            up = np.stack([imresize_np(im, float(scale)) for im in u]).transpose(0, 3, 1, 2)
            return torch.from_numpy(np.ascontiguousarray(up)).to(x.dtype) / 255.0
        u = im2uint8(x.to(torch.float64))
        return imresize_torch(u, float(scale)).to(x.dtype) / 255.0

    def receptive_field(self) -> int:
        """2 LR pixels on each side: the reach of the cubic kernel (width 4) when upscaling by an integer
        factor (measured by gradients at x2, x3, x4); what tiled inference needs as overlap."""
        return 2


@MODELS.register_module()
class BicubicY(Bicubic):
    """:class:`Bicubic` declared for the Y channel (SRCNN/VDSR test protocol)."""
